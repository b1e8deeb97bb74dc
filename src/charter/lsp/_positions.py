"""Between Charter's places (1-based line and character column) and the editor's (0-based
line, UTF-16 code units)."""

from __future__ import annotations

import bisect
from pathlib import Path

from charter.lsp._protocol import types


class Lines:
    """A text split into lines, converting offsets and positions both ways."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        position = text.find("\n")
        while position != -1:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)

    def line(self, number: int) -> str:
        """The 0-based line `number` without its line end ("" past the end)."""
        if number >= len(self.starts):
            return ""
        start = self.starts[number]
        end = self.starts[number + 1] - 1 if number + 1 < len(self.starts) else len(self.text)
        return self.text[start:end]

    def offset(self, position: types.Position) -> int:
        """The character offset of an editor position."""
        number = min(position.line, len(self.starts) - 1)
        return self.starts[number] + _characters(self.line(number), position.character)

    def position(self, offset: int) -> types.Position:
        """The editor position of a character offset."""
        number = bisect.bisect_right(self.starts, offset) - 1
        column = offset - self.starts[number]
        return types.Position(number, _units(self.line(number), column))

    def at(self, line: int, column: int) -> types.Position:
        """The editor position of a 1-based line and character column."""
        number = max(0, line - 1)
        return types.Position(number, _units(self.line(number), max(0, column - 1)))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))


def _units(line: str, column: int) -> int:
    """UTF-16 code units before character `column` of `line`."""
    head = line[:column]
    if head.isascii():
        return column
    return len(head.encode("utf-16-le")) // 2


def _characters(line: str, units: int) -> int:
    """Characters of `line` before UTF-16 unit `units`."""
    if line.isascii():
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def uri(path: Path) -> str:
    return path.resolve().as_uri()


def whole_line(number: int) -> types.Range:
    """The start of a 0-based line, as a range editors widen to the line."""
    return types.Range(types.Position(number, 0), types.Position(number, 0))
