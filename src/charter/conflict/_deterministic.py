"""Opposite-modality pairs: the same subject and action, one side must, the other must not.

Candidates come from a prefix-filtered set-similarity join: tokens are ordered rarest first, and
two statements whose cores have Jaccard similarity >= t must share a token among the first
`n - ceil(t * n) + 1` of either one's core (n its size). Only those prefixes are indexed, so
common words ("assistant", "user") never create candidate pairs on their own, and the work grows
with the number of pairs that share a rare word, not with n^2.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from charter.conflict._normalize import Statement, jaccard, overlap

#: Jaccard similarity of the cores (subject + action) at which two statements are the same rule.
CORE_SIMILARITY = 0.6
#: When both statements have a scope (when/if/in...), how much of the smaller one the other
#: must share for the two to apply to the same situations.
SCOPE_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class ModalityMatch:
    """Two statements with opposite modality about the same subject and action."""

    first: Statement
    second: Statement
    similarity: float


def opposed(a: Statement, b: Statement, threshold: float = CORE_SIMILARITY) -> float | None:
    """The core similarity when `a` and `b` contradict each other, else None."""
    if a.polarity == b.polarity or a.clause == b.clause or not (a.subject & b.subject):
        return None
    similarity = jaccard(a.core, b.core)
    if similarity < threshold:
        return None
    if a.condition and b.condition and overlap(a.condition, b.condition) <= SCOPE_OVERLAP:
        return None
    if overlap(a.scope, b.scope) < SCOPE_OVERLAP:
        return None
    return similarity


def _prefix(ordered: list[str], threshold: float) -> list[str]:
    size = len(ordered)
    return ordered[: size - math.ceil(threshold * size) + 1]


def opposite_modality(
    items: list[Statement], threshold: float = CORE_SIMILARITY
) -> list[ModalityMatch]:
    """Every pair of statements (from different clauses) that `opposed` confirms."""
    frequency = Counter(token for item in items for token in item.core)
    index: dict[int, dict[str, list[int]]] = {1: defaultdict(list), -1: defaultdict(list)}
    found: dict[tuple[int, int], ModalityMatch] = {}
    order = sorted(range(len(items)), key=lambda i: len(items[i].core))
    for position in order:
        item = items[position]
        if not item.core:
            continue
        ordered = sorted(item.core, key=lambda token: (frequency[token], token))
        prefix = _prefix(ordered, threshold)
        seen: set[int] = set()
        for token in prefix:
            for other in index[-item.polarity].get(token, ()):
                if other in seen:
                    continue
                seen.add(other)
                partner = items[other]
                similarity = opposed(item, partner, threshold)
                if similarity is None:
                    continue
                key = (min(item.clause, partner.clause), max(item.clause, partner.clause))
                if key not in found or found[key].similarity < similarity:
                    first, second = (
                        (item, partner) if item.clause < partner.clause else (partner, item)
                    )
                    found[key] = ModalityMatch(first, second, similarity)
        for token in prefix:
            index[item.polarity][token].append(position)
    return sorted(found.values(), key=lambda m: (m.first.clause, m.second.clause))


def decided(first: list[Statement], second: list[Statement], threshold: float) -> bool:
    """True when some statements of the two clauses have the same subject and action.

    The modality test has then settled the pair: with opposite modality, the same action is a
    conflict in overlapping scopes (found by `opposite_modality`) and none in disjoint ones;
    with the same modality, the same action and scope is a restatement. Only undecided pairs
    need a judge.
    """
    for a in first:
        for b in second:
            if not a.subject & b.subject:
                continue
            if a.polarity != b.polarity and jaccard(a.core, b.core) >= threshold:
                return True
            if (
                a.polarity == b.polarity
                and jaccard(a.core | a.scope, b.core | b.scope) >= threshold
            ):
                return True
    return False
