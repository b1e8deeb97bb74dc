"""Pair up objects of two spec versions: by id first, then by similar text."""

from __future__ import annotations

import math
import re
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

#: Least similarity (0..1) at which two texts with different ids count as the same object.
CLAUSE_THRESHOLD = 0.85
TITLE_THRESHOLD = 0.8
#: Up to this many (old, new) pairs every pair is scored; above it, only candidate pairs.
EXHAUSTIVE_PAIRS = 4096
#: Word-set Jaccard similarity down to which candidate generation finds every pair. On the two
#: Model Spec releases, clauses and titles at character similarity 0.8 or more share at least
#: two thirds of their words (the lowest seen: 0.67), so this leaves a wide margin.
CANDIDATE_JACCARD = 0.5

_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower-case text with markup characters dropped and white space folded."""
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


def similarity(a: str, b: str, at_least: float = 0.5) -> float:
    """SequenceMatcher ratio of the normalised texts; 0.0 when its cheap upper bounds already
    show it is below `at_least`, so unlike texts cost little."""
    left, right = normalise(a), normalise(b)
    if left == right:
        return 1.0
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


def pair_by_similarity(
    old: Sequence[T],
    new: Sequence[T],
    score: Callable[[T, T], float],
    threshold: float,
    *,
    texts: Sequence[Callable[[T], str]] = (),
    same: Callable[[T], Hashable] | None = None,
    jaccard: float = CANDIDATE_JACCARD,
) -> list[tuple[T, T, float]]:
    """Greedy best-first pairing of `old` with `new` items whose score reaches `threshold`.

    `same` gives a key that is equal exactly when two items score 1.0 (the most a score
    gives): such pairs are taken first by hashing, as the greedy order would take them. Of the
    rest, small inputs score every pair; larger ones, given `texts` (the texts the score
    compares, such as a title and a body), score only the pairs `candidate_pairs` proposes for
    one of them (word sets at Jaccard similarity `jaccard` or more), so the cost grows with the
    input rather than with its square.
    """
    paired: list[tuple[T, T, float]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    if same is not None:
        waiting: dict[Hashable, deque[int]] = {}
        for j, item in enumerate(new):
            waiting.setdefault(same(item), deque()).append(j)
        for i, item in enumerate(old):
            queue = waiting.get(same(item))
            if queue:
                j = queue.popleft()
                used_old.add(i)
                used_new.add(j)
                paired.append((item, new[j], score(item, new[j])))
    rest_old = [i for i in range(len(old)) if i not in used_old]
    rest_new = [j for j in range(len(new)) if j not in used_new]
    if not texts or len(rest_old) * len(rest_new) <= EXHAUSTIVE_PAIRS:
        pairs: Iterable[tuple[int, int]] = ((i, j) for i in rest_old for j in rest_new)
    else:
        found: set[tuple[int, int]] = set()
        for text in texts:
            found.update(
                candidate_pairs(
                    [text(old[i]) for i in rest_old], [text(new[j]) for j in rest_new], jaccard
                )
            )
        pairs = sorted((rest_old[a], rest_new[b]) for a, b in found)
    candidates: list[tuple[float, int, int]] = []
    for i, j in pairs:
        value = score(old[i], new[j])
        if value >= threshold:
            candidates.append((value, i, j))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    for value, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        paired.append((old[i], new[j], value))
    return paired


def _tokens(text: str) -> set[str]:
    words = set(_TOKEN.findall(normalise(text)))
    return words or {normalise(text)}


def candidate_pairs(
    old: Sequence[str], new: Sequence[str], jaccard: float = CANDIDATE_JACCARD
) -> list[tuple[int, int]]:
    """Index pairs (i, j) of texts whose word sets have Jaccard similarity `jaccard` or more.

    Prefix filtering: words are ordered from rarest to most common over both lists, and a
    text's prefix is its first `n - ceil(jaccard * n) + 1` words. Two word sets that similar
    always share a word of their prefixes, so only texts sharing a prefix word are compared,
    while the common words (`the`, `assistant`, `must`) that would pair everything with
    everything stay out of the index.
    """
    old_words = [_tokens(item) for item in old]
    new_words = [_tokens(item) for item in new]
    frequency: Counter[str] = Counter()
    for words in (*old_words, *new_words):
        frequency.update(words)

    def prefix(words: set[str]) -> list[str]:
        ordered = sorted(words, key=lambda word: (frequency[word], word))
        return ordered[: len(ordered) - math.ceil(jaccard * len(ordered)) + 1]

    index: dict[str, list[int]] = {}
    for j, words in enumerate(new_words):
        for word in prefix(words):
            index.setdefault(word, []).append(j)
    found: list[tuple[int, int]] = []
    for i, words in enumerate(old_words):
        partners: set[int] = set()
        for word in prefix(words):
            partners.update(index.get(word, ()))
        for j in sorted(partners):
            other = new_words[j]
            shared = len(words & other)
            if shared >= jaccard * (len(words) + len(other) - shared):
                found.append((i, j))
    return found


def word_diff(old: str, new: str) -> str:
    """`old` with removed words as `[-...-]` and added words as `{+...+}` (git's plain style)."""
    left, right = old.split(), new.split()
    parts: list[str] = []
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(" ".join(left[i1:i2]))
            continue
        if tag in ("replace", "delete"):
            parts.append("[-" + " ".join(left[i1:i2]) + "-]")
        if tag in ("replace", "insert"):
            parts.append("{+" + " ".join(right[j1:j2]) + "+}")
    return " ".join(parts)
