"""Cut a markdown file into pieces that parse alone exactly as they parse in the whole file.

A file is cut before a top-level ATX heading (`# Title` at the start of a line, after a blank
line) when nothing open could run into it: no fenced code block, HTML comment or front matter.
Each piece's tokens are then remembered by the piece's text, so that after an edit only the
edited piece is parsed again; the pieces' tokens joined (with line numbers moved to where the
piece starts) are the file's tokens.

The scan is cautious: when the file has anything whose reach a line-by-line scan cannot be sure
of (link reference definitions, which count in the whole file; raw HTML blocks that end only at a
closing tag; fences or comments inside list items that the item's end may cut short; fence or
comment markers inside an HTML block), it is not cut at all and is parsed whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_COMMENT = re.compile(r" {0,3}<!--")
_CONTAINERS = r"(?:[ \t>]|[*+-][ \t]|\d{1,9}[.)][ \t])*"
_HTML_START = re.compile(_CONTAINERS + r"</?[A-Za-z]")
_RAW_HTML = re.compile(
    _CONTAINERS + r"(?:<(?:script|pre|style|textarea)(?:[\s>]|$)|<\?|<![A-Za-z]|<!\[CDATA\[)",
    re.IGNORECASE,
)
_BRACKET_START = re.compile(_CONTAINERS + r"\[")


@dataclass(slots=True)
class _Open:
    """A fenced block or comment the scan is inside: its marker and indentation."""

    marker: str
    indent: int


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _defines_reference(lines: list[str], index: int) -> bool:
    """Whether a `]:` follows the line's opening bracket within its paragraph (a link reference
    definition, maybe spanning lines, could start there)."""
    found = _BRACKET_START.match(lines[index]) if "[" in lines[index] else None
    if found is None:
        return False
    rest = [lines[index][found.end() :]]
    for line in lines[index + 1 :]:
        if not line.strip():
            break
        rest.append(line)
    return "]:" in "\n".join(rest)


def _front_matter_end(lines: list[str]) -> int | None:
    """The line after the front matter (0 when there is none); None when unsure."""
    if not lines or not lines[0].startswith("-"):
        return 0
    if lines[0].rstrip() != "---":
        return None
    for number in range(1, len(lines)):
        if lines[number].rstrip() == "---":
            return number + 1
    return None


def cut_points(text: str) -> list[int] | None:
    """The 0-based line numbers where the pieces of `text` start (0 first), or None when the
    file must be parsed whole."""
    if "\r" in text:
        return None
    lines = text.split("\n")
    first = _front_matter_end(lines)
    if first is None:
        return None
    points = [0]
    fence: _Open | None = None
    comment: _Open | None = None
    html_run = False
    blank_before = first > 0
    for number in range(first, len(lines)):
        line = lines[number]
        blank = not line.strip()
        if (not blank and _defines_reference(lines, number)) or (
            "<" in line and _RAW_HTML.match(line)
        ):
            return None
        inside = fence or comment
        if inside is not None:
            if not blank and _indent(line) < inside.indent:
                return None  # the list item that holds it may have ended here
            if comment is not None and "-->" in line:
                comment = None
            elif fence is not None and _closes(fence, line):
                fence = None
            blank_before = False
            continue
        if blank:
            html_run = False
            blank_before = True
            continue
        if blank_before and number > 0 and _HEADING.match(line):
            points.append(number)
        html_run = html_run or _HTML_START.match(line) is not None
        opened = _FENCE.fullmatch(line)
        if opened is not None and not (opened[2][0] == "`" and "`" in opened[3]):
            if html_run:
                return None
            fence = _Open(opened[2], len(opened[1]))
        elif _COMMENT.match(line):
            if html_run:
                return None
            if "-->" not in line:
                comment = _Open("<!--", _indent(line))
        blank_before = False
    return points


def _closes(fence: _Open, line: str) -> bool:
    found = _FENCE.fullmatch(line)
    return (
        found is not None
        and found[2][0] == fence.marker[0]
        and len(found[2]) >= len(fence.marker)
        and not found[3].strip()
    )
