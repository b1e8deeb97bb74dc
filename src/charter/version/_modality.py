"""How binding a clause is, from its modal words, and whether a rewrite weakened it."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

# Strength of each modal word the reader reports: 3 binds absolutely, 2 is a strong default,
# 1 permits. Words that are as often descriptive as normative (`can`, `do not`) are left out.
_STRENGTH: dict[str, int] = {
    "must": 3,
    "must not": 3,
    "never": 3,
    "always": 3,
    "shall": 3,
    "shall not": 3,
    "required": 3,
    "forbidden": 3,
    "prohibited": 3,
    "should": 2,
    "should not": 2,
    "recommended": 2,
    "may not": 2,
    "may": 1,
    "optional": 1,
}
_NEGATIVE = {"must not", "never", "shall not", "forbidden", "prohibited", "should not", "may not"}


@dataclass(frozen=True, slots=True)
class Modality:
    """The modal words of a clause with their strengths (strongest first) and polarity."""

    strengths: tuple[int, ...]
    negative: bool
    """True when a modal of the top strength forbids (`must not`, `never`...)."""
    words: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join(self.words) or "(no modal)"


def modality(modals: list[str]) -> Modality:
    """The normative modal words among `modals`, ranked."""
    words = tuple(word.lower() for word in modals if word.lower() in _STRENGTH)
    if not words:
        return Modality((), False, ())
    strengths = tuple(sorted((_STRENGTH[word] for word in words), reverse=True))
    negative = any(_STRENGTH[w] == strengths[0] and w in _NEGATIVE for w in words)
    return Modality(strengths, negative, words)


def compare(old: Modality, new: Modality) -> str | None:
    """`weakened`, `strengthened`, `reversed` (same strength, opposite polarity) or None.

    The modal words are aligned in order; a word replaced by a weaker one weakens the clause
    (`must not, should` -> `must not, must` strengthens it). Words only added or dropped beside
    others come with rewording and do not count, but losing every modal weakens.
    """
    if not old.words or not new.words:
        if old.words == new.words:
            return None
        return "weakened" if old.words else "strengthened"
    shifts: set[str] = set()
    matcher = SequenceMatcher(None, old.words, new.words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        before = max(_STRENGTH[w] for w in old.words[i1:i2])
        after = max(_STRENGTH[w] for w in new.words[j1:j2])
        if after < before:
            shifts.add("weakened")
        elif after > before:
            shifts.add("strengthened")
        elif any(w in _NEGATIVE for w in old.words[i1:i2]) != any(
            w in _NEGATIVE for w in new.words[j1:j2]
        ):
            shifts.add("reversed")
    for shift in ("weakened", "reversed", "strengthened"):
        if shift in shifts:
            return shift
    return None
