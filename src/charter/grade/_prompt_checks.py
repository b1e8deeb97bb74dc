"""Whether a prompt file's checks can be used: the one validation `charter check` and
`charter test` share, so that a file one of them accepts the other never rejects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from charter.grade._checks import CheckFormatError, validate_checks
from charter.spec import PROMPT_FILE_KEYS, PromptFile, did_you_mean


@dataclass(frozen=True, slots=True)
class PromptProblem:
    """Why a prompt file's checks cannot be used, and the line to fix."""

    path: str
    line: int
    message: str
    unreadable: bool = False
    """The front matter itself does not parse (the reader reports that finding already)."""
    unknown_key: bool = False
    """A front-matter key Charter does not read (`charter check` reports it as S117)."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def prompt_file_problem(root: Path, prompt_file: PromptFile) -> PromptProblem | None:
    """The first reason the file's checks cannot be used, or None when they all can."""
    if prompt_file.front_matter_error is not None:
        line, message = prompt_file.front_matter_error
        return PromptProblem(
            prompt_file.path, line, f"{message}; its checks cannot be read", unreadable=True
        )
    for key in prompt_file.front_matter or {}:
        if key in PROMPT_FILE_KEYS:
            continue
        guess = did_you_mean(str(key), PROMPT_FILE_KEYS)
        return PromptProblem(
            prompt_file.path,
            _line_of(root / prompt_file.path, (str(key),)),
            f"front matter key `{key}` is read by nothing, so no check under it would run"
            + (f"; did you mean `{guess}`?" if guess else "")
            + f" (the keys are {', '.join(PROMPT_FILE_KEYS)})",
            unknown_key=True,
        )
    try:
        validate_checks(prompt_file.front_matter)
    except CheckFormatError as error:
        line = _line_of(root / prompt_file.path, error.keys)
        return PromptProblem(prompt_file.path, line, f"front matter {error}")
    return None


def _front_matter_lines(path: Path) -> list[str]:
    """The lines of the file's front matter block, from line 2 (empty when unreadable)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    if not lines or lines[0].strip() != "---":
        return []
    for end, line in enumerate(lines[1:], 1):
        if line.strip() in ("---", "..."):
            return lines[1:end]
    return lines[1:]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _line_of(path: Path, keys: tuple[str | int, ...]) -> int:
    """The line of `keys` in the front matter, found in block-style YAML; as near as the text
    allows (the enclosing key's line) otherwise, and line 1 when nothing is found."""
    lines = _front_matter_lines(path)
    found, start, parent_indent = 1, 0, -1
    for key in keys:
        at = _find(lines, start, key, parent_indent)
        if at is None:
            break
        found, start, parent_indent = at + 2, at + 1, _indent(lines[at])
    return found


def _find(lines: list[str], start: int, key: str | int, parent_indent: int) -> int | None:
    """Index of the line holding `key` (a mapping key, or the N-th `- ` item) below `start`,
    inside the block indented deeper than `parent_indent`."""
    if isinstance(key, str):
        pattern = re.compile(
            rf"""\s*(?:-\s+)?(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*:"""
        )
    seen = -1
    item_indent: int | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _indent(line) <= parent_indent and not (
            isinstance(key, int) and stripped.startswith("- ") and _indent(line) == parent_indent
        ):
            return None
        if isinstance(key, str):
            if pattern.match(line):
                return index
            continue
        if stripped.startswith("-") and (item_indent is None or _indent(line) == item_indent):
            item_indent = _indent(line)
            seen += 1
            if seen == key:
                return index
    return None
