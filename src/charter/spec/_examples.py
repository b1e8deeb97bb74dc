"""Read the conversation inside an example's `~~~xml` block.

The block is not XML: replies contain `[...]`, `&gt;`, unbalanced brackets and nested tags such as
`<untrusted>` inside a developer turn. What is regular is the outer layer: each turn opens with a
role tag at the start of a line and closes with its end tag, and `<comparison>` groups candidate
replies, each labelled by an HTML comment after its opening tag. This module reads that outer layer
line by line and keeps everything inside a turn verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from charter._source import Span
from charter.diagnostics import Diagnostics
from charter.spec._model import ROLES, Comparison, Example, Label, Reply, Turn
from charter.spec._rules import MALFORMED_EXAMPLE, UNKNOWN_LABEL, UNLABELLED_REPLY

_OPEN = re.compile(
    r"^<(?P<tag>[A-Za-z_][\w-]*)(?P<attrs>(?:\s+[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))*)\s*>"
    r"(?:\s*<!--(?P<comment>.*?)-->)?(?P<rest>.*)$"
)
_ATTR = re.compile(r"([\w-]+)=(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")
_LABEL = re.compile(
    r"^\s*(?P<label>[A-Za-z]+)(?:\[#(?P<blame>[\w-]+)\])?\s*(?:[:,]\s*(?P<reason>.*?))?\s*$",
    re.DOTALL,
)
_COMPARISON = "comparison"
_ELISION = re.compile(r"^\[?(\.\.\.|…)\]?$")
"""`[...]` between turns stands for turns the example leaves out."""
_STRAY_MARKUP = re.compile(r"^([*_]+)(?=</?[A-Za-z])")


@dataclass(slots=True)
class _OpenTurn:
    tag: str
    attrs: dict[str, str]
    comment: str | None
    line: int
    column: int
    lines: list[str] = field(default_factory=list)
    depth: int = 1


def parse_label(comment: str) -> tuple[Label | None, str | None, str | None]:
    """Split `BAD[#section]: reason` into its label, blamed section and reason.

    Returns `(None, None, None)` when the comment is not a label.
    """
    match = _LABEL.match(comment)
    if match is None:
        return None, None, None
    try:
        label = Label(match["label"].upper())
    except ValueError:
        return None, None, None
    return label, match["blame"], (match["reason"] or None)


def read_example(
    content: str,
    *,
    file: str,
    first_line: int,
    indent: int,
    title: str | None,
    span: Span,
    sink: Diagnostics,
) -> Example:
    """Read one block's conversation. `first_line` is the 1-based line of the block's first content
    line; `indent` is the block's indentation in the file (for columns)."""
    example = Example(title=title, turns=[], comparisons=[], span=span)
    comparison: Comparison | None = None
    current: _OpenTurn | None = None

    def here(offset: int, column: int = 1) -> Span:
        return Span(file, first_line + offset, column + indent)

    def close(turn: _OpenTurn, end_offset: int) -> None:
        body = "\n".join(turn.lines).strip("\n")
        turn_span = Span(file, turn.line, turn.column, first_line + end_offset)
        if comparison is not None:
            label: Label | None = None
            blame = reason = None
            if turn.comment is None:
                sink.add(
                    UNLABELLED_REPLY,
                    f"reply <{turn.tag}> in a comparison has no GOOD/BAD/OK label",
                    turn_span,
                    hint=f"write `<{turn.tag}> <!-- GOOD -->` or `<!-- BAD: why -->`",
                    length=len(turn.tag) + 2,
                )
            else:
                label, blame, reason = parse_label(turn.comment)
                if label is None:
                    sink.add(
                        UNKNOWN_LABEL,
                        f"reply label `{turn.comment.strip()}` is not GOOD, BAD or OK",
                        turn_span,
                        hint="labels are GOOD, BAD or OK, e.g. `<!-- BAD[#section]: reason -->`",
                    )
            comparison.replies.append(
                Reply(label, body, turn_span, turn.tag, turn.attrs, reason, blame)
            )
        else:
            example.turns.append(Turn(turn.tag, body, turn_span, turn.attrs))

    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for offset, line in enumerate(lines):
        stripped = line.strip()
        if current is not None:
            if stripped == f"</{current.tag}>":
                current.depth -= 1
                if current.depth == 0:
                    close(current, offset)
                    current = None
                    continue
            elif stripped.endswith(f"</{current.tag}>") and current.depth == 1:
                current.lines.append(line[: line.rindex(f"</{current.tag}>")])
                close(current, offset)
                current = None
                continue
            elif re.match(rf"^<{re.escape(current.tag)}[\s>]", stripped):
                current.depth += 1
            current.lines.append(line)
            continue
        if not stripped or _ELISION.match(stripped):
            continue
        stray = _STRAY_MARKUP.match(stripped)
        if stray is not None:
            sink.add(
                MALFORMED_EXAMPLE,
                f"stray `{stray[1]}` before `{_shorten(stripped[len(stray[1]) :], 30)}`",
                here(offset, len(line) - len(line.lstrip()) + 1),
                hint=f"remove the `{stray[1]}`; tags in an example block are not markdown",
                length=len(stray[1]),
            )
            stripped = stripped[len(stray[1]) :]
        if stripped == f"<{_COMPARISON}>":
            if comparison is not None:
                sink.add(MALFORMED_EXAMPLE, "<comparison> inside another comparison", here(offset))
                continue
            comparison = Comparison(len(example.turns), [], here(offset))
            continue
        if stripped == f"</{_COMPARISON}>":
            if comparison is None:
                sink.add(MALFORMED_EXAMPLE, "</comparison> with no open <comparison>", here(offset))
                continue
            if not comparison.replies:
                sink.add(
                    MALFORMED_EXAMPLE,
                    "<comparison> holds no candidate replies",
                    comparison.span,
                    hint="add labelled `<assistant> <!-- GOOD -->` replies, or remove it",
                )
            example.comparisons.append(comparison)
            comparison = None
            continue
        opened = _OPEN.match(stripped)
        if opened is None:
            sink.add(
                MALFORMED_EXAMPLE,
                f"text outside any turn: `{_shorten(stripped)}`",
                here(offset, len(line) - len(line.lstrip()) + 1),
                hint="put the text inside a turn such as <user>...</user>, or outside the block",
                length=len(stripped),
            )
            continue
        tag = opened["tag"]
        column = len(line) - len(line.lstrip()) + 1
        if tag.lower() not in ROLES:
            sink.add(
                MALFORMED_EXAMPLE,
                f"unknown role <{tag}>; roles are {', '.join(ROLES)}",
                here(offset, column),
                hint="use a known role, or nest the tag inside a turn",
                length=len(tag) + 2,
            )
        attrs = {m[1]: m[2] or m[3] or m[4] or "" for m in _ATTR.finditer(opened["attrs"] or "")}
        turn = _OpenTurn(tag, attrs, opened["comment"], first_line + offset, column + indent)
        rest = opened["rest"]
        closing = f"</{tag}>"
        if rest.rstrip().endswith(closing):
            turn.lines.append(rest.rstrip()[: -len(closing)].strip())
            close(turn, offset)
            continue
        if rest.strip():
            turn.lines.append(rest.strip())
        current = turn
    if current is not None:
        sink.add(
            MALFORMED_EXAMPLE,
            f"<{current.tag}> opened here is never closed",
            Span(file, current.line, current.column),
            hint=f"add a `</{current.tag}>` line before the end of the block",
            length=len(current.tag) + 2,
        )
        close(current, len(lines))
    if comparison is not None:
        sink.add(
            MALFORMED_EXAMPLE,
            "<comparison> opened here is never closed",
            comparison.span,
            hint="add a `</comparison>` line after the last reply",
        )
        example.comparisons.append(comparison)
    return example


def _shorten(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
