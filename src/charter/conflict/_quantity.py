"""Quantities in rules: a comparator, a number and a unit, read as the range a rule requires,
forbids or permits. `must not be longer than 20 lines` requires at most 20 lines; `may be up to
50 lines long` permits up to 50: a permitted range reaching beyond a required one, or two
required ranges that do not meet, is a conflict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUMBER = (
    r"(?P<cur>[$€£])?\s*(?P<num>\d+(?:[.,]\d+)?)(?:\s*(?:to|-|–)\s*(?P<top>\d+(?:[.,]\d+)?))?"
    r"\s*(?:business\s+|working\s+|calendar\s+)?(?P<unit>%|[a-z]+)?"
)
_COMPARATORS = (
    (
        "le",
        r"at\s+most|no\s+more\s+than|up\s+to|not\s+more\s+than|a\s+maximum\s+of|maximum\s+of|"
        r"within(?:\s+the\s+first)?|no\s+later\s+than",
    ),
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
    condition: bool = False
    """True when the amount says when the rule applies (`offer a plan for costs over $200`),
    not what the rule requires of the act."""

    def overlaps(self, other: Quantity) -> bool:
        return self.low <= other.high and other.low <= self.high

    def within(self, other: Quantity) -> bool:
        return other.low <= self.low and self.high <= other.high


#: Units read as one: currencies by their sign, durations in hours (with the factor to hours).
_CURRENCIES = {"dollar": "$", "usd": "$", "euro": "€", "eur": "€", "pound": "£", "gbp": "£"}
_HOURS = {"minute": 1 / 60, "min": 1 / 60, "hour": 1.0, "hr": 1.0, "day": 24.0, "week": 168.0}
_HOURS |= {"month": 730.0, "year": 8760.0}


def _unit(word: str | None, currency: str | None) -> str:
    if currency:
        return currency
    word = (word or "").lower()
    word = word[:-1] if word.endswith("s") and len(word) > 3 else word
    if word in _HOURS:
        return "hour"
    return _CURRENCIES.get(word, word)


def _scale(word: str | None) -> float:
    """The factor that brings an amount in `word` to the unit `_unit` names (days -> hours)."""
    word = (word or "").lower()
    word = word[:-1] if word.endswith("s") and len(word) > 3 else word
    return _HOURS.get(word, 1.0)


_DECIMAL = r"\d+(?:[.,]\d+)?"


def _amount_range(low: str, high: str, before_high: str = "") -> str:
    """A number, or a range `5 to 7` / `5-7`, captured as groups `low` and `high`."""
    return rf"(?P<{low}>{_DECIMAL})(?:\s*(?:to|-|–)\s*{before_high}(?P<{high}>{_DECIMAL}))?"


#: A bare amount of money, time or a percentage, with no comparator: `costs 50 dollars`, `$20`,
#: `5 to 7 business days` (a range), `an 18% service charge`. Other bare numbers (`the 3 test
#: suites`) are not amounts.
_BARE = re.compile(
    r"(?P<cur>[$€£])\s*"
    + _amount_range("num", "top", r"[$€£]?\s*")
    + r"|\b"
    + _amount_range("num2", "top2")
    + r"\s*"
    r"(?:business\s+|working\s+|calendar\s+)?(?P<unit>dollars?|usd|euros?|eur|pounds?|gbp|"
    r"minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b"
    r"|\b" + _amount_range("num3", "top3") + r"\s*(?P<pct>%|percent\b)",
    re.IGNORECASE,
)
#: A comparator after the amount: `$200 or less`, `18 or older`, `65 and over`.
_POSTFIX = re.compile(
    r"(?P<cur>[$€£])?\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>%|[a-z]+)?\s+(?:or|and)\s+"
    r"(?:(?P<le>less|fewer|under|below|lower|younger|earlier)|"
    r"(?P<ge>more|over|above|older|higher|greater|up|later))\b",
    re.IGNORECASE,
)
_FREE = re.compile(
    r"\b(?:free\s+of\s+charge|at\s+no\s+(?:extra\s+|additional\s+)?(?:cost|charge)|"
    r"for\s+free|without\s+(?:any\s+)?charge|no\s+charge|no\s+fee|is\s+free|are\s+free)\b",
    re.IGNORECASE,
)


def find_quantity(text: str) -> Quantity | None:
    """The first comparator-and-number range of `text` (words for small numbers included); else
    a bare amount of money or time (`costs 50 dollars`: exactly 50), or a price of nothing
    (`free of charge`: 0 in the currency the rule does not name, read as `$`)."""
    plain = _WORD_NUMBER.sub(lambda m: str(_WORDS[m.group(0).lower()]).ljust(len(m[0])), text)
    match = _PATTERN.search(plain)
    after = _POSTFIX.search(plain)
    if after is not None and (match is None or after.start() < match.start()):
        number = float(after["num"].replace(",", ".")) * _scale(after["unit"])
        unit = _unit(after["unit"], after["cur"])
        low, high = (0.0, number) if after["le"] else (number, math.inf)
        return Quantity(unit, low, high, after.span())
    if match is None:
        return _bare_amount(plain)
    factor = _scale(match["unit"])
    number = float(match["num"].replace(",", ".")) * factor
    unit = _unit(match["unit"], match["cur"])
    kind = next(name for name, _ in _COMPARATORS if match[name])
    if match["top"] and kind in ("le", "lt"):  # `within 5 to 7 days`: the far end bounds it
        number = max(number, float(match["top"].replace(",", ".")) * factor)
    low, high = {
        "le": (0.0, number),
        "lt": (0.0, number - 1e-9),
        "ge": (number, math.inf),
        "gt": (number + 1e-9, math.inf),
        "eq": (number, number),
    }[kind]
    return Quantity(unit, low, high, match.span())


def _bare_amount(text: str) -> Quantity | None:
    match = _BARE.search(text)
    if match is not None:
        low_text = match["num"] or match["num2"] or match["num3"]
        high_text = match["top"] or match["top2"] or match["top3"] or low_text
        factor = _scale(match["unit"])
        low = float(low_text.replace(",", ".")) * factor
        high = float(high_text.replace(",", ".")) * factor
        unit = "%" if match["pct"] else _unit(match["unit"], match["cur"])
        return Quantity(unit, low, max(low, high), match.span())
    free = _FREE.search(text)
    if free is not None:
        return Quantity("$", 0.0, 0.0, free.span())
    return None


def complement(quantity: Quantity) -> Quantity | None:
    """What a prohibition of `quantity` requires, when that is one range (`must not exceed 20`
    forbids more than 20, that is requires at most 20); None when it is two (`must not cost
    exactly 5 dollars` leaves less and more)."""
    if quantity.low == quantity.high:
        return None
    if quantity.high == math.inf:
        return Quantity(quantity.unit, 0.0, quantity.low, quantity.span)
    if quantity.low == 0.0:
        return Quantity(quantity.unit, quantity.high, math.inf, quantity.span)
    return quantity
