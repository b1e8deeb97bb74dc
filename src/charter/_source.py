"""Places in source files, shared by the model and the diagnostics."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source file: 1-based line and column, relative path from the project root."""

    file: str
    line: int
    column: int = 1
    end_line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"
