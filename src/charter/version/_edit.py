"""Find a clause's sentence in markdown source and build edits that touch only that text."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from charter.errors import SpecError
from charter.text import CLAUSE_TAG, sentence_bounds

_MARKER = re.compile(r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+|>[ \t]*)")
_HEADING = re.compile(r"^#{1,6}\s")
_END = re.compile(r"[.!?][\"”’')\]]*$")


class EditError(SpecError):
    """The source is not shaped the way an edit needs (message says what and where)."""


@dataclass(frozen=True, slots=True)
class Place:
    """Character offsets of a clause's block (paragraph or list item) and sentence."""

    block_start: int
    """Start of the block's first line."""
    block_end: int
    """End of the block's last line (before its newline)."""
    content_start: int
    """First character after any list or quote marker."""
    start: int
    end: int
    """The sentence, end exclusive."""
    next_start: int
    """Start of the next sentence in the block, or `end` when it is the last one."""
    previous_end: int
    """End of the previous sentence in the block, or `start` when it is the first one."""


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [match.end() for match in re.finditer("\n", text)]
    return starts


def locate(text: str, line: int, column: int) -> Place:
    """The sentence holding the clause tag that starts at `line`:`column` (1-based)."""
    starts = _line_starts(text)
    if line > len(starts):
        raise EditError(f"line {line} is past the end of the file")
    tag = starts[line - 1] + column - 1
    if not text.startswith("[^", tag):
        raise EditError(f"no clause tag at line {line}, column {column}")
    lines = text.split("\n")
    first = last = line - 1

    def opens_block(index: int) -> bool:
        return bool(_MARKER.match(lines[index]) or _HEADING.match(lines[index]))

    while first > 0 and lines[first - 1].strip() and not opens_block(first):
        first -= 1
    while last + 1 < len(lines) and lines[last + 1].strip() and not opens_block(last + 1):
        last += 1
    block_start = starts[first]
    block_end = starts[last] + len(lines[last])
    marker = _MARKER.match(lines[first])
    content_start = block_start + (marker.end() if marker else 0)
    content = text[content_start:block_end]
    bounds = sentence_bounds(content)
    offset = tag - content_start
    for number, (a, b) in enumerate(bounds):
        if a <= offset < b:
            next_start = bounds[number + 1][0] if number + 1 < len(bounds) else b
            previous_end = bounds[number - 1][1] if number else a
            return Place(
                block_start,
                block_end,
                content_start,
                content_start + a,
                content_start + b,
                content_start + next_start,
                content_start + previous_end,
            )
    raise EditError(f"cannot find the sentence around line {line}")


def tags_in(sentence: str) -> list[str]:
    return [match["id"] for match in CLAUSE_TAG.finditer(sentence)]


def tag_after_punctuation(sentence: str, clause_id: str) -> bool:
    """True when the sentence writes its tag after the full stop: `...done.[^id]`."""
    position = sentence.find(f"[^{clause_id}]")
    return position > 0 and sentence[position - 1] in ".!?"


def with_tag(sentence: str, clause_id: str, *, after: bool = False) -> str:
    """`sentence` with `[^clause_id]` placed before (or after) its final punctuation."""
    tag = f"[^{clause_id}]"
    match = _END.search(sentence)
    if match is None:
        return sentence + tag
    if after:
        return sentence[: match.end()] + tag + sentence[match.end() :]
    return sentence[: match.start()] + tag + sentence[match.start() :]


def removal_range(text: str, place: Place) -> tuple[int, int]:
    """What to cut to remove the sentence: the whole block (and one blank line) when it is the
    block's only sentence, else the sentence and the space that separates it from a neighbour."""
    alone = (
        not text[place.content_start : place.start].strip()
        and not text[place.end : place.block_end].strip()
    )
    if not alone:
        if place.next_start > place.end:
            return place.start, place.next_start
        return place.previous_end, place.end
    start, end = place.block_start, place.block_end
    if text.startswith("\n", end):
        end += 1
    listed = place.content_start > place.block_start
    if not listed and text.startswith("\n", end):
        end += 1
    elif not listed and start >= 2 and text[start - 2 : start] == "\n\n":
        start -= 1
    return start, end


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace each `(start, end)` range with its text; ranges must not overlap."""
    ordered = sorted(edits, key=lambda edit: (edit[0], edit[1]))
    for (_, end_a, _), (start_b, _, _) in itertools.pairwise(ordered):
        if start_b < end_a:
            raise EditError("two changes edit the same sentence")
    for start, end, replacement in reversed(ordered):
        text = text[:start] + replacement + text[end:]
    return text


def rename_tags(text: str, old: str, new: str) -> str:
    """Every `[^old]` tag in `text` renamed to `[^new]`."""
    return re.sub(r"\[\^" + re.escape(old) + r"\]", f"[^{new}]", text)
