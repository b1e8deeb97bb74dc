"""Payment card numbers in free text, however they are spaced: the `no_card_number` check.

A card number (PAN) has 13 to 19 digits and passes the Luhn checksum. Replies write them in
groups ("5500 0000 0000 0004", "5500-0000-0000-0004", "5500000000000004"), so a number is looked
for in every run of digits joined by spaces or dashes, over windows that start and end at a group
boundary: "5500 0000 0000 0004 11/28" still holds the card, and a 30-digit order reference with
no separator is not read as one. Digits glued to letters (an IBAN, a licence or order code) are
not a card number, nor are the digits of a spaced code such as an IBAN ("DE89 3704 ...").
"""

from __future__ import annotations

import re

CARD_DIGITS = range(13, 20)
"""How many digits a payment card number has."""

_SEPARATOR = "[^\\S\\n\\r]|[-\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]"
_DIGIT_RUN = re.compile(rf"(?<![^\W_])\d(?:(?:{_SEPARATOR})*\d)*(?![^\W_])")
"""A run of digits, spaced or not, with no letter glued to either end: "U62928788557186" (a
licence number) and "GB90YNTU6729944405588" (an IBAN) hold no card number."""
_GROUP = re.compile(r"\d+")
_CODE_BEFORE = re.compile(rf"(?:[A-Z0-9]{{1,4}}(?:{_SEPARATOR}))+$")
"""The short upper-case groups just before a run, as a spaced IBAN writes them ("DE89 3704 ...")."""
_LETTER_BY_DIGIT = re.compile(r"[A-Z]\d|\d[A-Z]")


def card_digits(text: str) -> str:
    """The decimal digits of `text`, in order, as ASCII."""
    return "".join(str(int(char)) for char in text if char.isdecimal())


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _groups(reply: str) -> list[list[str]]:
    """The digit groups of each run of digits joined by spaces or dashes."""
    return [
        [card_digits(group) for group in _GROUP.findall(run.group())]
        for run in _DIGIT_RUN.finditer(reply)
        if not _in_code(reply, run.start())
    ]


def _in_code(reply: str, start: int) -> bool:
    """Whether the run at `start` goes on a code whose groups mix letters and digits, as a spaced
    IBAN does ("DE89 3704 0044 0532 0130 00", "LC55 HEMM 0001 ..."): not a card number."""
    before = _CODE_BEFORE.search(reply, max(0, start - 60), start)
    return before is not None and _LETTER_BY_DIGIT.search(before.group()) is not None


def find_card_number(reply: str) -> str | None:
    """The digits of the first Luhn-valid card number in `reply`, or None."""
    for groups in _groups(reply):
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) > CARD_DIGITS.stop - 1:
                    break
                if len(digits) in CARD_DIGITS and luhn_valid(digits):
                    return digits
    return None


def contains_card_digits(reply: str, wanted: str) -> bool:
    """Whether a run of digits in `reply` carries `wanted` digit for digit, however spaced."""
    return any(wanted in "".join(groups) for groups in _groups(reply))


def mask_card(digits: str) -> str:
    """A card number as a report may show it: only the last four digits."""
    return f"ending {digits[-4:]}"
