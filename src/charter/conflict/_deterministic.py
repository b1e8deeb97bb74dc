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
from dataclasses import dataclass, replace

from charter.conflict._normalize import Statement, jaccard, overlap
from charter.conflict._quantity import Quantity, complement

#: Jaccard similarity of the cores (subject + action) at which two statements are the same rule.
CORE_SIMILARITY = 0.6
#: When both statements have a scope (when/if/in...), how much of the smaller one the other
#: must share for the two to apply to the same situations.
SCOPE_OVERLAP = 0.5
#: The candidate prefix is taken at this share of the similarity threshold (see
#: `opposite_modality`).
_PREFIX_SLACK = 0.75


@dataclass(frozen=True, slots=True)
class ModalityMatch:
    """Two statements with opposite modality about the same subject and action."""

    first: Statement
    second: Statement
    similarity: float


def same_situation(a: Statement, b: Statement) -> bool:
    """Whether the two statements' conditions and scopes can hold at once: conditions that each
    name something the other does not (`working on ty` / `working on Ruff`), or one negative and
    one positive, describe different situations."""
    if a.condition and b.condition:
        if overlap(a.condition, b.condition) <= SCOPE_OVERLAP:
            return False
        if (a.condition - b.condition) and (b.condition - a.condition):
            return False
        if a.negated_condition != b.negated_condition:
            return False
    for default, specific in ((a, b), (b, a)):
        if default.modal == "prefer" and (specific.scope - default.scope):
            return False  # a preference is a default; a scoped rule is its exception
    return overlap(a.scope, b.scope) > SCOPE_OVERLAP


def _frame(item: Statement) -> frozenset[str]:
    return (item.core | item.scope) - {"assistant"}


def similarity_of(a: Statement, b: Statement) -> float | None:
    """How alike two statements' acts are, or None when they are about different subjects.
    Statements with the same subject compare their cores; when one side's subject is the
    assistant and the other's is a thing (`TUI styles must ...`), the thing is what the
    assistant acts on, so acts, objects and scopes are compared together."""
    return _alike(a, b, None)


def _alike(
    a: Statement, b: Statement, frames: tuple[frozenset[str], frozenset[str]] | None
) -> float | None:
    """`similarity_of`, with the two frames as built before (None: build them)."""
    if a.subject & b.subject:
        return jaccard(a.core, b.core)
    if "assistant" in a.subject or "assistant" in b.subject:
        first, second = frames or (_frame(a), _frame(b))
        return jaccard(first, second)
    return None


def opposed(a: Statement, b: Statement, threshold: float = CORE_SIMILARITY) -> float | None:
    """The core similarity when `a` and `b` contradict each other, else None. Two statements
    that both measure an amount in the same unit are left to `quantity_clash`."""
    if a.polarity == b.polarity or a.clause == b.clause:
        return None
    if a.quantity and b.quantity and a.quantity.unit == b.quantity.unit:
        if not (a.quantity.condition and b.quantity.condition):
            return None
        if not a.quantity.overlaps(b.quantity):
            return None  # `for costs of $200 or less` / `for costs over $200`: apart
        a, b = _unmeasured(a), _unmeasured(b)  # the ranges were compared: now the acts
    similarity = similarity_of(a, b)
    if similarity is None or similarity < threshold or _distinct_versions(a, b):
        return None
    if _exception(a, b) or _required_elsewhere(a, b):
        return None
    if a.subject & b.subject and not same_situation(a, b):
        return None
    if not a.subject & b.subject and not _conditions_meet(a, b):
        return None
    return similarity


def _required_elsewhere(a: Statement, b: Statement) -> bool:
    """A requirement of a thing (`Telehealth visits require consent`) against a statement that
    names nothing of that thing (`submit pharmacy transfers without asking for consent`)."""
    for need, other in ((a, b), (b, a)):
        named = other.core | other.scope | other.context
        if need.modal == "requires" and need.condition and not need.condition & named:
            return True
    return False


def _unmeasured(item: Statement) -> Statement:
    return replace(item, core=item.core - _MEASURE_WORDS, scope=item.scope - _MEASURE_WORDS)


def _exception(a: Statement, b: Statement) -> bool:
    """A general permission and a prohibition of a narrower act (`may share phone numbers` /
    `must not share phone numbers of executives`): the prohibition carves an exception out of
    the permission, and both can be obeyed."""
    for general, narrow in ((a, b), (b, a)):
        opposite = general.polarity > 0 > narrow.polarity
        if general.permission and opposite and not narrow.permission and general.core < narrow.core:
            return True
    return False


def _distinct_versions(a: Statement, b: Statement) -> bool:
    """Each side names a numbered thing the other does not (`v1` / `v2`): different objects."""
    only_a = {t for t in a.core - b.core if any(c.isdigit() for c in t)}
    only_b = {t for t in b.core - a.core if any(c.isdigit() for c in t)}
    return bool(only_a and only_b)


def _conditions_meet(a: Statement, b: Statement) -> bool:
    """`same_situation` for statements whose scopes were already compared in their frames."""
    if "prefer" in (a.modal, b.modal):
        return same_situation(a, b)
    return same_situation(replace(a, scope=frozenset()), replace(b, scope=frozenset()))


_MEASURE_WORDS = frozenset(
    {
        "long",
        "longer",
        "short",
        "shorter",
        "most",
        "least",
        "exceed",
        "up",
        "than",
        "fewer",
        "more",
        "less",
        "under",
        "over",
        "above",
        "below",
        "exactly",
        "maximum",
        "minimum",
        "contain",
        "chang",
        "thre",
        "cost",
        "charg",
        "fee",
        "pric",
        "pay",
        "dollar",
        "euro",
        "pound",
        "fre",
        "minut",
        "hour",
        "day",
        "week",
        "month",
        "year",
        "within",
        "later",
        "business",
        "working",
        "calendar",
    }
)
#: Two stated values (`Each bag costs 50 dollars`) are about the same thing only when their
#: words agree this closely: `for a cancelled flight` and `for a delayed flight` differ.
STATED_SIMILARITY = 0.7


#: Verbs that only attach a stated value to its thing (`a charge applies to`, `members receive
#: 10% off`, `orders carry a charge of`): they say nothing about which thing it is.
_STATING_VERBS = frozenset({"appli", "apply", "carry", "get", "receiv", "tak", "hav", "com"})


def _stated_key(item: Statement, unit: str) -> frozenset[str]:
    """The words naming what a stated value is of: subject, act and scope together, without
    the assistant, measure words and stating verbs."""
    words = item.subject | item.core | item.scope
    return words - _MEASURE_WORDS - _STATING_VERBS - {unit, "assistant"}


def _required(item: Statement) -> Quantity | None:
    """The range an obliging statement requires (a prohibition's complement)."""
    if item.quantity is None or item.permission:
        return None
    polarity = item.modal_polarity or item.polarity
    return item.quantity if polarity > 0 else complement(item.quantity)


def quantity_clash(a: Statement, b: Statement) -> str | None:
    """Why two statements about the same measured amount cannot both hold, else None: two
    required ranges that do not meet, or a permitted range reaching beyond a required one."""
    if a.clause == b.clause or a.quantity is None or b.quantity is None:
        return None
    if a.quantity.condition or b.quantity.condition:
        return None  # an amount that says when a rule applies is compared by `opposed`
    if a.quantity.unit != b.quantity.unit:
        return None
    unit = a.quantity.unit
    stated = "states" in (a.modal, b.modal)
    if stated:  # `Silver guests get a 5% discount`: what the value is of is in every part
        key_a, key_b = _stated_key(a, unit), _stated_key(b, unit)
    elif not a.subject & b.subject:
        return None
    else:
        key_a = a.core - _MEASURE_WORDS - {unit}
        key_b = b.core - _MEASURE_WORDS - {unit}
    needed = STATED_SIMILARITY if stated else SCOPE_OVERLAP
    unitless_a = replace(a, scope=a.scope - _MEASURE_WORDS)  # `2 days` and `48 hours` agree
    unitless_b = replace(b, scope=b.scope - _MEASURE_WORDS)
    if jaccard(key_a, key_b) < needed or not same_situation(unitless_a, unitless_b):
        return None
    required_a, required_b = _required(a), _required(b)
    if required_a and required_b and not required_a.overlaps(required_b):
        return f"the required amounts of {unit or 'the quantity'} do not overlap"
    for permitted, required in ((a, required_b), (b, required_a)):
        allowed = permitted.modal_polarity or permitted.polarity
        if permitted.permission and allowed > 0 and required is not None:
            assert permitted.quantity is not None
            if not permitted.quantity.within(required):
                return f"one permits an amount of {unit or 'the quantity'} the other forbids"
    return None


def quantity_conflicts(items: list[Statement]) -> list[tuple[Statement, Statement, str]]:
    """Every pair of measured statements (from different clauses) that `quantity_clash` finds;
    statements are grouped by unit first, so only amounts of one kind are compared."""
    by_unit: dict[str, list[Statement]] = defaultdict(list)
    for item in items:
        if item.quantity is not None:
            by_unit[item.quantity.unit].append(item)
    found: dict[tuple[int, int], tuple[Statement, Statement, str]] = {}
    for group in by_unit.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                reason = quantity_clash(first, second)
                key = (min(first.clause, second.clause), max(first.clause, second.clause))
                if reason is not None and key not in found:
                    pair = (first, second) if first.clause < second.clause else (second, first)
                    found[key] = (*pair, reason)
    return [found[key] for key in sorted(found)]


#: A statement whose action (without its subject) has fewer words than this is too general to
#: be read inside another one (`must not respond` is inside every rule about responding).
CONTAINED_MIN_WORDS = 2


def contained(a: Statement, b: Statement) -> bool:
    """Whether a prohibition's act, with everything it names, lies inside an act the other
    statement requires or permits: `must not give subjective recommendations` inside `should
    give subjective recommendations about which flight to choose`. The same act word is
    required. The other way round is no conflict: a general permission or obligation (`may
    share information`) leaves room for a narrower prohibition (`never share hazards`)."""
    if not a.act or a.act != b.act or a.polarity == b.polarity:
        return False
    general, specific = (a, b) if a.polarity < 0 else (b, a)
    if general.permission or len(general.core) > len(specific.core):
        return False
    words = general.core - general.subject
    if not general.condition <= (specific.core | specific.scope | specific.condition):
        return False  # the prohibition holds only where the other does not say it applies
    return len(words) >= CONTAINED_MIN_WORDS and general.core <= specific.core


def contained_opposites(items: list[Statement]) -> list[ModalityMatch]:
    """Pairs of opposite polarity (from different clauses) where `contained` holds and the
    situations meet: each statement is looked up under its rarest word, in the statements of
    the other polarity that name it."""
    frequency = Counter(token for item in items for token in item.core | item.scope)
    postings: dict[tuple[int, str], list[int]] = defaultdict(list)
    for position, item in enumerate(items):
        for token in item.core | item.scope:
            postings[(item.polarity, token)].append(position)
    found: dict[tuple[int, int], ModalityMatch] = {}
    for item in items:
        words = item.core - item.subject
        if item.polarity > 0 or len(words) < CONTAINED_MIN_WORDS or not item.act:
            continue
        rarest = min(words, key=lambda t: (frequency[t], t))
        for other in postings.get((-item.polarity, rarest), ()):
            partner = items[other]
            if partner.clause == item.clause:
                continue
            if not contained(item, partner) or not _situations_meet(item, partner):
                continue
            if _required_elsewhere(item, partner):
                continue
            if item.quantity and partner.quantity and item.quantity.unit == partner.quantity.unit:
                continue
            key = (min(item.clause, partner.clause), max(item.clause, partner.clause))
            if key not in found:
                first, second = (item, partner) if item.clause < partner.clause else (partner, item)
                found[key] = ModalityMatch(first, second, jaccard(first.core, second.core))
    return sorted(found.values(), key=lambda m: (m.first.clause, m.second.clause))


def _situations_meet(a: Statement, b: Statement) -> bool:
    if a.subject & b.subject:
        return same_situation(a, b)
    return _conditions_meet(a, b)


def _prefix(ordered: list[str], threshold: float) -> list[str]:
    size = len(ordered)
    return ordered[: size - math.ceil(threshold * size) + 1]


def opposite_modality(
    items: list[Statement], threshold: float = CORE_SIMILARITY
) -> list[ModalityMatch]:
    """Every pair of statements (from different clauses) that `opposed` confirms.

    Candidates share a rare word of their frames (acts, objects, entities and scopes): the
    prefix is taken at a lower similarity than `threshold`, since a statement about a thing
    (`TUI styles must ...`) is compared with the assistant's statements on its whole frame."""
    frames = [item.core | item.scope for item in items]
    frequency = Counter(token for frame in frames for token in frame)
    bare = [frame - {"assistant"} for frame in frames]
    index: dict[int, dict[str, list[int]]] = {1: defaultdict(list), -1: defaultdict(list)}
    found: dict[tuple[int, int], ModalityMatch] = {}
    order = sorted(range(len(items)), key=lambda i: len(frames[i]))
    for position in order:
        item = items[position]
        if not item.core:
            continue
        ordered = sorted(frames[position] - {"assistant"}, key=lambda t: (frequency[t], t))
        prefix = _prefix(ordered, threshold * _PREFIX_SLACK) if ordered else ["assistant"]
        seen: set[int] = set()
        for token in prefix:
            for other in index[-item.polarity].get(token, ()):
                if other in seen:
                    continue
                seen.add(other)
                partner = items[other]
                alike = _alike(item, partner, (bare[position], bare[other]))
                if alike is None or alike < threshold:
                    continue  # settled without building the frames again
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
