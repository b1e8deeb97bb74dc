"""Write answers into the spec: each answer edits only its own sentence, definitions go to the
definitions section, and a dated `## Clarifications` log at the end of the file records
question -> answer -> change. Every other byte of the file stays as it was."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from charter.clarify._answers import Answer
from charter.lint import CLARIFICATIONS_TITLE

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{[^{}]*\})?\s*$")
_DEFINITIONS = re.compile(r"^(definitions?|glossary|terminology)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Applied:
    """What one answer changed."""

    answer: Answer
    before: str
    after: str
    skipped: str | None = None


def _code(text: str) -> str:
    """Text as an inline code span that survives backticks and never reads as a clause tag."""
    flat = " ".join(text.split())
    fence = "``" if "`" in flat else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{flat}{pad}{fence}" if flat else "(nothing)"


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def apply_answers(
    root: str | Path, answers: list[Answer], today: dt.date | None = None
) -> list[Applied]:
    """Edit the spec files under `root` and append the log; returns what changed."""
    day = (today or dt.date.today()).isoformat()
    by_file: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_file[answer.question.finding.span.file].append(answer)
    applied: list[Applied] = []
    for rel, chosen in by_file.items():
        path = Path(root) / rel
        text, ordered = answered_text(path.read_bytes().decode("utf-8"), chosen, day)
        path.write_bytes(text.encode("utf-8"))
        applied.extend(ordered)
    return applied


def answered_text(text: str, chosen: list[Answer], day: str) -> tuple[str, list[Applied]]:
    """One file's text with the answers about it written in and logged, and what changed."""
    edits: list[tuple[int, int, str, Answer]] = []
    results: dict[int, Applied] = {}
    for number, answer in enumerate(chosen):
        change = answer.replacement()
        if change is None:
            results[number] = Applied(answer, "", "")
            continue
        start, end, new = change
        if any(start < e and s < end for s, e, _, _ in edits):
            results[number] = Applied(
                answer, text[start:end], new, skipped="overlaps an earlier answer"
            )
            continue
        edits.append((start, end, new, answer))
        results[number] = Applied(answer, text[start:end], new)
    for start, end, new, _ in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:start] + new + text[end:]
    definitions = [a for a in chosen if a.definition]
    if definitions:
        text = _add_definitions(text, definitions)
    ordered = [results[number] for number in range(len(chosen))]
    return _append_log(text, ordered, day), ordered


def _add_definitions(text: str, answers: list[Answer]) -> str:
    newline = _newline(text)
    lines = text.split("\n")
    entries = [f"**{' '.join(a.question.finding.text.split())}**: {a.definition}" for a in answers]
    start = level = None
    for number, line in enumerate(lines):
        heading = _HEADING.match(line.rstrip("\r"))
        if heading is None:
            continue
        if start is None and _DEFINITIONS.match(heading.group(2)):
            start, level = number, len(heading.group(1))
        elif start is not None and level is not None and len(heading.group(1)) <= level:
            insert = number
            while insert > start + 1 and not lines[insert - 1].strip():
                insert -= 1
            cr = "\r" if newline == "\r\n" else ""
            block = [cr] + [entry + cr for entry in entries]
            return "\n".join([*lines[:insert], *block, *lines[insert:]])
    body = newline.join(["", "## Definitions {#definitions}", "", *(e + newline for e in entries)])
    return _before_log(text, body)


def _before_log(text: str, block: str) -> str:
    """Insert `block` before the clarifications log, or at the end."""
    marker = re.search(rf"^#+\s+{CLARIFICATIONS_TITLE}\b.*$", text, re.MULTILINE)
    if marker is None:
        return _ensure_final_newline(text) + block
    return text[: marker.start()] + block.lstrip("\r\n") + _newline(text) + text[marker.start() :]


def _ensure_final_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + _newline(text)


def _append_log(text: str, results: list[Applied], day: str) -> str:
    newline = _newline(text)
    text = _ensure_final_newline(text)
    if not re.search(rf"^#+\s+{CLARIFICATIONS_TITLE}\b", text, re.MULTILINE):
        text += newline.join(
            [
                "",
                f"## {CLARIFICATIONS_TITLE} {{#clarifications}}",
                "",
                "Answers recorded by `charter clarify`: question -> answer -> what changed.",
                "",
                "",
            ]
        )
    entries = []
    for result in results:
        question = result.answer.question
        finding = question.finding
        if result.skipped:
            change = f"not applied ({result.skipped})"
        elif result.before == result.after == "":
            change = "wording kept"
        elif not result.after.strip():
            change = f"{_code(result.before)} removed"
        else:
            change = f"{_code(result.before)} -> {_code(result.after)}"
        if result.answer.definition:
            change += "; definition added"
        entries.append(
            f"- {day} `{question.id}` ({finding.rule.code} {finding.rule.name}, "
            f"line {finding.span.line}): {question.text} -> {_code(result.answer.label)} "
            f"-> {change}"
        )
    return text + newline.join(entries) + newline
