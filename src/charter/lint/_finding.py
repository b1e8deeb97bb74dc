"""What a lint rule reports: a place, the words flagged, and an optional mechanical edit."""

from __future__ import annotations

from dataclasses import dataclass

from charter._source import Span
from charter.diagnostics import Rule


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the file characters `start:end` with `replacement`."""

    file: str
    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding, with everything `--fix` and `charter clarify` need."""

    rule: Rule
    message: str
    span: Span
    text: str
    """The flagged words exactly as written."""
    offset: int
    """File character offset of the flagged words."""
    hint: str
    sentence: str = ""
    """The sentence the words sit in, as written (tags and markup included)."""
    sentence_offset: int = 0
    clause: str | None = None
    section: str | None = None
    fix: Edit | None = None

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.rule.code, self.span.file, self.span.line, self.span.column)
