"""Pair up objects of two spec versions: by id first, then by similar text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

T = TypeVar("T")

#: Least similarity (0..1) at which two texts with different ids count as the same object.
CLAUSE_THRESHOLD = 0.85
TITLE_THRESHOLD = 0.8


def normalise(text: str) -> str:
    """Lower-case text with markup characters dropped and white space folded."""
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


def similarity(a: str, b: str) -> float:
    """SequenceMatcher ratio of the normalised texts."""
    left, right = normalise(a), normalise(b)
    if not left and not right:
        return 1.0
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def pair_by_similarity(
    old: Sequence[T], new: Sequence[T], score: Callable[[T, T], float], threshold: float
) -> list[tuple[T, T, float]]:
    """Greedy best-first pairing of `old` with `new` items whose score reaches `threshold`."""
    candidates: list[tuple[float, int, int]] = []
    for i, left in enumerate(old):
        for j, right in enumerate(new):
            value = score(left, right)
            if value >= threshold:
                candidates.append((value, i, j))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[T, T, float]] = []
    for value, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old[i], new[j], value))
    return pairs


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
