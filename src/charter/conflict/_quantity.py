"""Quantities in rules: a comparator, a number and a unit, read as the range a rule requires,
forbids or permits. `must not be longer than 20 lines` requires at most 20 lines; `may be up to
50 lines long` permits up to 50: a permitted range reaching beyond a required one, or two
required ranges that do not meet, is a conflict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUMBER = r"(?P<cur>[$€£])?\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>%|[a-z]+)?"
_COMPARATORS = (
    ("le", r"at\s+most|no\s+more\s+than|up\s+to|not\s+more\s+than|a\s+maximum\s+of|maximum\s+of"),
    ("lt", r"fewer\s+than|less\s+than|under|below|shorter\s+than"),
    ("ge", r"at\s+least|no\s+less\s+than|no\s+fewer\s+than|a\s+minimum\s+of|minimum\s+of"),
    ("gt", r"more\s+than|over|above|longer\s+than|exceed(?:s|ing)?|greater\s+than|older\s+than"),
    ("eq", r"exactly|precisely|only"),
)
_PATTERN = re.compile(
    r"\b(?:" + "|".join(f"(?P<{name}>{body})" for name, body in _COMPARATORS) + r")\s+" + _NUMBER,
    re.IGNORECASE,
)
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_WORD_NUMBER = re.compile(r"\b(?:" + "|".join(_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A range of a measured amount: `low <= x <= high` in `unit`."""

    unit: str
    low: float
    high: float
    span: tuple[int, int]
    """Where the comparator and number stand in the statement text."""

    def overlaps(self, other: Quantity) -> bool:
        return self.low <= other.high and other.low <= self.high

    def within(self, other: Quantity) -> bool:
        return other.low <= self.low and self.high <= other.high


def _unit(word: str | None, currency: str | None) -> str:
    if currency:
        return currency
    word = (word or "").lower()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def find_quantity(text: str) -> Quantity | None:
    """The first comparator-and-number range of `text` (words for small numbers included)."""
    plain = _WORD_NUMBER.sub(lambda m: str(_WORDS[m.group(0).lower()]), text)
    match = _PATTERN.search(plain)
    if match is None:
        return None
    number = float(match["num"].replace(",", "."))
    unit = _unit(match["unit"], match["cur"])
    kind = next(name for name, _ in _COMPARATORS if match[name])
    low, high = {
        "le": (0.0, number),
        "lt": (0.0, number - 1e-9),
        "ge": (number, math.inf),
        "gt": (number + 1e-9, math.inf),
        "eq": (number, number),
    }[kind]
    return Quantity(unit, low, high, match.span())


def complement(quantity: Quantity) -> Quantity:
    """What a prohibition of `quantity` requires, when that is one range (`must not exceed 20`
    forbids more than 20, that is requires at most 20)."""
    if quantity.high == math.inf:
        return Quantity(quantity.unit, 0.0, quantity.low, quantity.span)
    if quantity.low == 0.0:
        return Quantity(quantity.unit, quantity.high, math.inf, quantity.span)
    return quantity
