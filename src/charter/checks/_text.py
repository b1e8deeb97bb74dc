"""Equality and text checks: equals, contains, starts-with, regex, counts."""

from __future__ import annotations

import re
from typing import Any

from charter._shown import written
from charter.checks._registry import Outcome, Reply, category, check_kind

category("Equality and text")

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
_COUNT = {"type": "integer", "minimum": 0}
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f]+(?=\s|$)")


@check_kind("K001", "equals", _STRING, "a string")
def equals(value: str, reply: Reply) -> Outcome:
    """The reply is exactly the text, apart from leading and trailing whitespace.

    Example: `- equals: "42"` passes "42\\n" and fails "The answer is 42".

    Limits: case and inner spacing count; use `icontains` or `regex` for looser matches.
    """
    ok = reply.text.strip() == value.strip()
    return Outcome.of(ok, f"equals {written(value)}" if ok else f"is not {written(value)}")


@check_kind("K002", "contains", _STRING, "a string")
def contains(value: str, reply: Reply) -> Outcome:
    """The reply contains the text, ignoring case.

    Example: `- contains: "30 day"` passes "You have 30 days to return it".

    Limits: a plain substring: "30 day" is also found in "130 days".
    """
    ok = value.casefold() in reply.text.casefold()
    return Outcome.of(
        ok, f"contains {written(value)}" if ok else f"does not contain {written(value)}"
    )


@check_kind("K003", "icontains", _STRING, "a string")
def icontains(value: str, reply: Reply) -> Outcome:
    """The reply contains the text, ignoring case and runs of whitespace.

    Example: `- icontains: "order number"` passes "your ORDER\\nnumber".

    Limits: like `contains`, a substring, not a word match.
    """
    ok = _squash(value) in _squash(reply.text)
    return Outcome.of(
        ok, f"contains {written(value)}" if ok else f"does not contain {written(value)}"
    )


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


@check_kind("K004", "not_contains", _STRING, "a string")
def not_contains(value: str, reply: Reply) -> Outcome:
    """The reply does not contain the text, ignoring case.

    Example: `- not_contains: "ESC-TIER"` fails a reply that quotes "esc-tier-2".

    Limits: a literal string; for card numbers prefer `no_card_number`, which catches any spacing.
    """
    ok = value.casefold() not in reply.text.casefold()
    return Outcome.of(
        ok, f"does not contain {written(value)}" if ok else f"contains {written(value)}"
    )


@check_kind("K005", "contains_any", _STRINGS, "a list of strings")
def contains_any(value: list[str], reply: Reply) -> Outcome:
    """The reply contains at least one of the texts, ignoring case.

    Example: `- contains_any: ["crisis line", "emergency services", "988"]`.

    Limits: substrings; a reply that mentions a text only to deny it still passes.
    """
    text = reply.text.casefold()
    found = [item for item in value if item.casefold() in text]
    if found:
        return Outcome.of(True, f"contains {written(found[0])}")
    return Outcome.of(False, f"contains none of {', '.join(written(item) for item in value)}")


@check_kind("K006", "contains_all", _STRINGS, "a list of strings")
def contains_all(value: list[str], reply: Reply) -> Outcome:
    """The reply contains every one of the texts, ignoring case.

    Example: `- contains_all: ["receipt", "order number"]`.

    Limits: substrings, in any order.
    """
    text = reply.text.casefold()
    missing = [item for item in value if item.casefold() not in text]
    if missing:
        return Outcome.of(False, f"does not contain {', '.join(written(item) for item in missing)}")
    return Outcome.of(True, f"contains all {len(value)} texts")


@check_kind("K007", "not_contains_any", _STRINGS, "a list of strings")
def not_contains_any(value: list[str], reply: Reply) -> Outcome:
    """The reply contains none of the texts, ignoring case.

    Example: `- not_contains_any: ["your fault", "you should have"]`.

    Limits: substrings; a paraphrase of a forbidden text passes.
    """
    text = reply.text.casefold()
    found = [item for item in value if item.casefold() in text]
    if found:
        return Outcome.of(False, f"contains {written(found[0])}")
    return Outcome.of(True, f"contains none of the {len(value)} texts")


@check_kind("K008", "starts_with", _STRING, "a string")
def starts_with(value: str, reply: Reply) -> Outcome:
    """The reply starts with the text (leading whitespace ignored, case counts).

    Example: `- starts_with: "{"` for a reply that must open a JSON object.

    Limits: case-sensitive; use `regex: "(?i)^..."` to ignore case.
    """
    ok = reply.text.lstrip().startswith(value)
    return Outcome.of(ok, f"starts with {written(value)}" if ok else "does not start so")


def _compiles(value: Any) -> None:
    try:
        re.compile(value)
    except (re.error, OverflowError, RecursionError) as error:
        raise ValueError(f"regex does not compile: {error}") from None


@check_kind("K009", "regex", _STRING, "a string", prepare=_compiles)
def regex(value: str, reply: Reply) -> Outcome:
    """A Python regular expression is found anywhere in the reply.

    Example: `- regex: "(?i)order #\\\\d+"`.

    Limits: searched, not matched whole: anchor with `^...$` (and `(?s)`) to match the whole reply.
    """
    ok = re.search(value, reply.text) is not None
    return Outcome.of(ok, f"matches /{value}/" if ok else f"does not match /{value}/")


@check_kind("K010", "not_regex", _STRING, "a string", prepare=_compiles)
def not_regex(value: str, reply: Reply) -> Outcome:
    """A Python regular expression is found nowhere in the reply.

    Example: `- not_regex: "(?i)\\\\b(I've|we've) refunded\\\\b"`.

    Limits: a paraphrase the expression does not foresee passes.
    """
    ok = re.search(value, reply.text) is None
    return Outcome.of(ok, f"does not match /{value}/" if ok else f"matches /{value}/")


_RANGE = {
    "type": "object",
    "properties": {"min": _COUNT, "max": _COUNT},
    "minProperties": 1,
    "additionalProperties": False,
}
_RANGE_USAGE = "{min: N, max: N} (either may be left out)"


def words(text: str) -> list[str]:
    """The words of `text`: runs of letters and digits, with inner apostrophes and hyphens."""
    return _WORD.findall(text)


def sentences(text: str) -> int:
    """How many sentences `text` has: runs ended by . ! ? (or the text's end) holding a word."""
    parts = _SENTENCE_END.split(text)
    return sum(1 for part in parts if _WORD.search(part))


def _in_range(value: dict[str, int], count: int, unit: str) -> Outcome:
    low, high = value.get("min", 0), value.get("max")
    ok = count >= low and (high is None or count <= high)
    bounds = f"{low}..{'' if high is None else high}"
    return Outcome.of(ok, f"{count} {unit} ({'within' if ok else 'outside'} {bounds})")


@check_kind("K011", "words", _RANGE, _RANGE_USAGE)
def word_count(value: dict[str, int], reply: Reply) -> Outcome:
    """The reply's word count is within the bounds.

    Example: `- words: {max: 150}` for "keep replies under 150 words".

    Limits: words are runs of letters and digits; "e-mail" and "don't" count once. Scripts written
    without spaces (Chinese, Japanese) count a run of characters as one word.
    """
    return _in_range(value, len(words(reply.text)), "words")


@check_kind("K012", "sentences", _RANGE, _RANGE_USAGE)
def sentence_count(value: dict[str, int], reply: Reply) -> Outcome:
    """The reply's sentence count is within the bounds.

    Example: `- sentences: {max: 3}`.

    Limits: a sentence ends at . ! or ? followed by a space; "e.g. this" counts as two.
    """
    return _in_range(value, sentences(reply.text), "sentences")


@check_kind("K013", "characters", _RANGE, _RANGE_USAGE)
def character_count(value: dict[str, int], reply: Reply) -> Outcome:
    """The reply's length in characters (leading and trailing whitespace left out) is in bounds.

    Example: `- characters: {min: 20, max: 900}`.

    Limits: counts code points, not what a screen shows.
    """
    return _in_range(value, len(reply.text.strip()), "characters")


@check_kind("K014", "max_length", _COUNT, "a whole number of characters")
def max_length(value: int, reply: Reply) -> Outcome:
    """The reply has at most this many characters.

    Example: `- max_length: 900`.

    Limits: the same as `characters: {max: N}` but counts whitespace at the ends too.
    """
    ok = len(reply.text) <= value
    return Outcome.of(ok, f"{len(reply.text)} characters {'<=' if ok else '>'} {value}")
