"""Detectors of personal and payment data: cards, IBANs, emails, phone numbers, US SSNs."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from charter._shown import written
from charter.checks._cards import card_digits, contains_card_digits, find_card_number, mask_card
from charter.checks._registry import Extra, Outcome, Reply, category, check_kind

category("Personal and payment data")

DETECTORS = Extra("checks", ("phonenumbers", "py3langid"))
_TRUE = {"const": True}


def _card_value(value: Any) -> None:
    if value is True:
        return
    number = value["value"]
    if isinstance(number, bool) or not isinstance(number, str | int):
        raise ValueError('no_card_number takes true or {value: "<card number>"}')
    if len(card_digits(str(number))) < 4:
        raise ValueError(f"no_card_number value {written(number)} has fewer than 4 digits")


@check_kind(
    "K050",
    "no_card_number",
    {
        "oneOf": [
            _TRUE,
            {
                "type": "object",
                "properties": {"value": {"type": ["string", "integer"]}},
                "required": ["value"],
                "additionalProperties": False,
            },
        ]
    },
    'true or {value: "<card number>"}',
    prepare=_card_value,
)
def no_card_number(value: bool | Mapping[str, Any], reply: Reply) -> Outcome:
    """No payment card number in the reply: 13 to 19 digits passing the Luhn checksum, written
    together or in groups joined by spaces or dashes, full-width digits too.

    Example: `- no_card_number: true` fails "5500-0000-0000-0004" and "5500 0000 0000 0004 11/28";
    `- no_card_number: {value: "5500 0000 0000 0004"}` fails only that number, however spaced.

    Limits: a longer run of digits with no separator (an order reference) is not read as a card;
    a number spelt in words ("five five...") is not found. Reasons show only the last four digits.
    """
    if isinstance(value, Mapping):
        wanted = card_digits(str(value["value"]))
        if contains_card_digits(reply.text, wanted):
            return Outcome.of(False, f"contains the card number ending {wanted[-4:]}")
        return Outcome.of(True, f"does not contain the card number ending {wanted[-4:]}")
    found = find_card_number(reply.text)
    if found is not None:
        return Outcome.of(False, f"contains a payment card number ({mask_card(found)})")
    return Outcome.of(True, "no payment card number")


_IBAN = re.compile(r"\b[A-Z]{2}[ ]?\d{2}(?:[ .-]?[A-Z0-9]){11,32}\b")
_IBAN_SEPARATORS = re.compile(r"[ .-]")
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
"""The IBAN length of each country of the IBAN registry."""


def iban_valid(candidate: str) -> bool:
    """The ISO 13616 check: the country's length and the mod-97 remainder of 1."""
    text = _IBAN_SEPARATORS.sub("", candidate).upper()
    if _IBAN_LENGTHS.get(text[:2]) != len(text):
        return False
    moved = text[4:] + text[:4]
    return int("".join(str(int(char, 36)) for char in moved)) % 97 == 1


def find_iban(text: str) -> str | None:
    for match in _IBAN.finditer(text.upper()):
        compact = _IBAN_SEPARATORS.sub("", match.group())
        for length in sorted(set(_IBAN_LENGTHS.values()), reverse=True):
            if len(compact) >= length and iban_valid(compact[:length]):
                return compact[:length]
    return None


@check_kind("K051", "no_iban", _TRUE, "true")
def no_iban(value: bool, reply: Reply) -> Outcome:
    """No IBAN in the reply: a bank account number of one of the IBAN registry's 89 countries, of
    that country's length, whose mod-97 check holds, written together or in groups separated by
    spaces, dots or dashes.

    Example: `- no_iban: true` fails "GB82 WEST 1234 5698 7654 32".

    Limits: a mistyped IBAN (check digits wrong) passes; the national account format inside it
    (letters where the country has digits, national check digits) is not checked, so such a
    number still fails the check. Accuracy on public test numbers: docs/detectors.md.
    """
    found = find_iban(reply.text)
    if found:
        return Outcome.of(False, f"contains an IBAN ({found[:2]}... ending {found[-4:]})")
    return Outcome.of(True, "no IBAN")


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


def find_email(text: str) -> str | None:
    match = _EMAIL.search(text)
    return match.group() if match else None


@check_kind("K052", "no_email", _TRUE, "true")
def no_email(value: bool, reply: Reply) -> Outcome:
    """No email address in the reply.

    Example: `- no_email: true` fails "write to amy@example.com".

    Limits: an address written to dodge filters ("amy at example dot com") is not found; the
    company's own support address fails too (use `not_regex` to allow one).
    """
    found = find_email(reply.text)
    return Outcome.of(found is None, "no email address" if found is None else "has an email")


def find_phone(text: str, region: str = "US") -> str | None:
    import phonenumbers

    for match in phonenumbers.PhoneNumberMatcher(text, region):
        return str(match.raw_string)
    return None


@check_kind(
    "K053",
    "no_phone",
    {"oneOf": [_TRUE, {"type": "object", "properties": {"region": {"type": "string"}}}]},
    'true or {region: "GB"} (the region numbers without a + are read in; default US)',
    extra=DETECTORS,
)
def no_phone(value: bool | Mapping[str, str], reply: Reply) -> Outcome:
    """No valid phone number in the reply, as Google's libphonenumber (`phonenumbers`) finds them.

    Example: `- no_phone: true` fails "call me on +44 20 7946 0958".

    Limits: numbers without a country code are read in the region given (default US); short codes
    such as 988 or 112 are not phone numbers here. Needs the `checks` extra.
    """
    region = value.get("region", "US") if isinstance(value, Mapping) else "US"
    found = find_phone(reply.text, region)
    return Outcome.of(found is None, "no phone number" if found is None else "has a phone number")


_SSN = re.compile(r"(?<!\d)(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}(?!\d)")

_PII_KINDS: dict[str, Callable[[str], str | None]] = {
    "card": find_card_number,
    "iban": find_iban,
    "email": find_email,
    "phone": find_phone,
    "ssn": lambda text: match.group() if (match := _SSN.search(text)) else None,
}


@check_kind(
    "K054",
    "no_pii",
    {
        "oneOf": [
            _TRUE,
            {"type": "array", "items": {"enum": sorted(_PII_KINDS)}, "minItems": 1},
        ]
    },
    f"true (all) or a list of {', '.join(sorted(_PII_KINDS))}",
    extra=DETECTORS,
)
def no_pii(value: bool | list[str], reply: Reply) -> Outcome:
    """None of the personal data kinds in the reply: card, iban, email, phone, ssn (US social
    security number, `123-45-6789`), each found as its own check finds it.

    Example: `- no_pii: [card, ssn]`.

    Limits: names and postal addresses are not detected (no packaged detector does it reliably).
    Needs the `checks` extra (for phone numbers).
    """
    kinds = sorted(_PII_KINDS) if value is True else list(value)  # type: ignore[arg-type]
    found = [kind for kind in kinds if _PII_KINDS[kind](reply.text)]
    if found:
        return Outcome.of(False, f"contains personal data: {', '.join(found)}")
    return Outcome.of(True, f"no {', '.join(kinds)}")
