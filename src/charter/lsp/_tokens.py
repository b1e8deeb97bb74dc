"""What the cursor is on: a clause tag, an anchor, a rule code, an authority or a module id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from charter.diagnostics import get_rule
from charter.spec import Authority, Spec


class Kind(StrEnum):
    CLAUSE = "clause"
    ANCHOR = "anchor"
    RULE = "rule"
    AUTHORITY = "authority"
    MODULE = "module"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    value: str
    start: int
    """Character column (0-based) where the value starts on its line."""
    end: int


TAG = re.compile(r"\[\^(?P<value>[^\]\s]+)\]")
ANCHOR = re.compile(r"\]\(#(?P<value>[\w-]+)\)|\[#(?P<blame>[\w-]+)\]|\{#(?P<heading>[\w-]+)")
AUTHORITY = re.compile(r"authority=[\"']?(?P<value>[\w-]+)")
RULE = re.compile(r"\b(?P<value>[A-Z]\d{3})\b")
WORD = re.compile(r"[\w.][\w.:-]*")


def _found(pattern: re.Pattern[str], line: str, column: int) -> re.Match[str] | None:
    for match in pattern.finditer(line):
        if match.start() <= column <= match.end():
            return match
    return None


def _group(match: re.Match[str]) -> tuple[str, int, int]:
    name = next(key for key, value in match.groupdict().items() if value is not None)
    return match[name], match.start(name), match.end(name)


def token_at(spec: Spec, line: str, column: int) -> Token | None:
    """The token under the 0-based character `column` of `line`."""
    checks: tuple[tuple[re.Pattern[str], Kind], ...] = (
        (TAG, Kind.CLAUSE),
        (ANCHOR, Kind.ANCHOR),
        (AUTHORITY, Kind.AUTHORITY),
    )
    for pattern, kind in checks:
        match = _found(pattern, line, column)
        if match is not None:
            return Token(kind, *_group(match))
    match = _found(RULE, line, column)
    if match is not None and get_rule(match["value"]) is not None:
        return Token(Kind.RULE, *_group(match))
    word = _found(WORD, line, column)
    if word is None:
        return None
    value = word[0].strip(".:")
    start = word.start() + word[0].index(value) if value else word.start()
    if spec.clause(value) is not None:
        return Token(Kind.CLAUSE, value, start, start + len(value))
    if any(module.alias == value for module in spec.modules if module.alias):
        return Token(Kind.MODULE, value, start, start + len(value))
    if value in {authority.value for authority in Authority}:
        return Token(Kind.AUTHORITY, value, start, start + len(value))
    return None
