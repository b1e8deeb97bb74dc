"""Read an amendment proposal: `amendments/<name>.md` (format in docs/versioning.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from charter._yaml import YamlError, load_yaml
from charter.text import CLAUSE_TAG

AMENDMENTS_DIR = "amendments"
ARCHIVE_DIR = "archive"
REQUIRED_FIELDS = ("title", "author", "date", "base")

_TAG = r"\[\^(?P<{name}>[A-Za-z0-9][\w-]*)\]"
_DELTA_HEADING = re.compile(
    r"^###\s+" + _TAG.format(name="id") + r"(?:\s+in\s+#?(?P<section>\S+))?\s*$"
)
_REMOVED_ITEM = re.compile(r"^[-*]\s+" + _TAG.format(name="id") + r"\s*$")
_RENAMED_ITEM = re.compile(
    r"^[-*]\s+" + _TAG.format(name="old") + r"\s*->\s*" + _TAG.format(name="new") + r"\s*$"
)
_FENCE = re.compile(r"^\s*(```|~~~)")


class Op(StrEnum):
    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    REMOVED = "REMOVED"
    RENAMED = "RENAMED"


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding about an amendment, at file:line."""

    code: str
    message: str
    file: str
    line: int
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.code} error: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(slots=True)
class Delta:
    """One clause change: ADDED, MODIFIED, REMOVED or RENAMED."""

    op: Op
    clause: str
    line: int
    text: str = ""
    """The new sentence (ADDED, MODIFIED)."""
    section: str | None = None
    """Target section key (ADDED)."""
    new_id: str | None = None
    """The new clause id (RENAMED)."""
    examples: str = ""
    """Markdown after the sentence (ADDED): becomes the new clause's prompt file."""

    @property
    def touched(self) -> list[str]:
        return [self.clause] + ([self.new_id] if self.new_id else [])


@dataclass(slots=True)
class Amendment:
    name: str
    path: Path
    rel: str
    """Path relative to the project, for messages."""
    meta: dict[str, str] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    why: str = ""
    deltas: list[Delta] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)


def _problem(amendment: Amendment, line: int, message: str, hint: str | None = None) -> None:
    amendment.problems.append(Problem("A100", message, amendment.rel, line, hint))


def parse_amendment(path: Path, root: Path) -> Amendment:
    """Read the proposal at `path`; format problems are collected, not raised."""
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = str(path)
    amendment = Amendment(path.stem, path, rel)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        _problem(amendment, line, f"byte 0x{raw[error.start]:02X} is not UTF-8", "save as UTF-8")
        return amendment
    lines = text.replace("\r\n", "\n").split("\n")
    body_start = _read_front_matter(amendment, lines)
    _read_body(amendment, lines, body_start)
    return amendment


def _read_front_matter(amendment: Amendment, lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        _problem(amendment, 1, "no front matter", "start with `---`, title/author/date/base, `---`")
        return 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        _problem(amendment, 1, "front matter is not closed", "add a `---` line after it")
        return len(lines)
    try:
        data = load_yaml("\n".join(lines[1:end])).data or {}
    except YamlError as error:
        message = f"front matter is not valid YAML: {error.message}"
        _problem(amendment, error.line + 1, message, "fix the line")
        return end + 1
    if not isinstance(data, dict):
        _problem(amendment, 2, "front matter must be `key: value` lines")
        return end + 1
    for index in range(1, end):
        key = lines[index].split(":", 1)[0].strip()
        amendment.meta_lines.setdefault(key, index + 1)
    amendment.meta = {str(k): str(v) for k, v in data.items() if v is not None}
    for key in REQUIRED_FIELDS:
        if not amendment.meta.get(key, "").strip():
            _problem(
                amendment,
                1,
                f"front matter lacks `{key}`",
                "`base` is the spec version or `charter version` content hash"
                if key == "base"
                else f"add a `{key}:` line",
            )
    return end + 1


def _read_body(amendment: Amendment, lines: list[str], start: int) -> None:
    part: str | None = None
    why_line = 0
    why: list[str] = []
    current: Delta | None = None
    body: list[str] = []
    in_fence = False

    def close() -> None:
        if current is not None:
            _finish(amendment, current, body)

    for number, line in enumerate(lines[start:], start + 1):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            close()
            current, body = None, []
            name = line[3:].strip()
            if name.lower() == "why":
                part, why_line = "why", number
            elif name in Op.__members__:
                part = name
            else:
                part = None
                _problem(
                    amendment,
                    number,
                    f"unknown section `## {name}`",
                    "use ## Why, ## ADDED, ## MODIFIED, ## REMOVED or ## RENAMED",
                )
            continue
        if part == "why":
            why.append(line)
        elif part in (Op.ADDED, Op.MODIFIED):
            if not in_fence and line.startswith("### "):
                close()
                current, body = _delta_heading(amendment, Op(part), line, number), []
            elif current is not None:
                body.append(line)
            elif line.strip():
                _problem(
                    amendment,
                    number,
                    f"text outside a delta in ## {part}",
                    "start each change with `### [^clause-id]`",
                )
        elif part in (Op.REMOVED, Op.RENAMED) and line.strip():
            _list_item(amendment, Op(part), line, number)
    close()
    amendment.why = "\n".join(why).strip()
    if not why_line:
        _problem(amendment, start + 1, "no `## Why` section", "say why the change is needed")
    elif not amendment.why:
        _problem(amendment, why_line, "`## Why` is empty", "say why the change is needed")
    if not amendment.deltas and not amendment.problems:
        _problem(
            amendment,
            start + 1,
            "no clause changes",
            "add ## ADDED, ## MODIFIED, ## REMOVED or ## RENAMED entries",
        )


def _delta_heading(amendment: Amendment, op: Op, line: str, number: int) -> Delta | None:
    match = _DELTA_HEADING.match(line)
    if match is None:
        form = "### [^new-id] in #section" if op is Op.ADDED else "### [^clause-id]"
        _problem(amendment, number, f"malformed {op} heading `{line.strip()}`", f"write `{form}`")
        return None
    if op is Op.ADDED and not match["section"]:
        _problem(
            amendment,
            number,
            f"ADDED [^{match['id']}] names no section",
            f"write `### [^{match['id']}] in #section-id`",
        )
        return None
    if op is Op.MODIFIED and match["section"]:
        _problem(
            amendment,
            number,
            "MODIFIED takes no `in #section`",
            "move a clause with REMOVED and ADDED",
        )
        return None
    return Delta(op, match["id"], number, section=match["section"])


def _finish(amendment: Amendment, delta: Delta | None, body: list[str]) -> None:
    if delta is None:
        return
    text = "\n".join(body).strip()
    paragraph, _, rest = text.partition("\n\n")
    delta.text = " ".join(paragraph.split())
    if not delta.text:
        _problem(
            amendment,
            delta.line,
            f"{delta.op} [^{delta.clause}] has no sentence",
            "write the clause's new sentence under the heading",
        )
        return
    if delta.op is Op.MODIFIED and rest.strip():
        _problem(
            amendment,
            delta.line,
            f"MODIFIED [^{delta.clause}] has more than one paragraph",
            "give only the new sentence; edit prompt files directly",
        )
        return
    delta.examples = rest.strip()
    tags = [m["id"] for m in CLAUSE_TAG.finditer(delta.text)]
    if tags and delta.clause not in tags:
        _problem(
            amendment,
            delta.line,
            f"the new sentence tags {tags} but not [^{delta.clause}]",
            f"write [^{delta.clause}] in the sentence, or no tags at all",
        )
        return
    amendment.deltas.append(delta)


def _list_item(amendment: Amendment, op: Op, line: str, number: int) -> None:
    if op is Op.REMOVED:
        match = _REMOVED_ITEM.match(line.strip())
        if match:
            amendment.deltas.append(Delta(op, match["id"], number))
            return
        _problem(
            amendment, number, f"malformed REMOVED entry `{line.strip()}`", "write `- [^clause-id]`"
        )
        return
    match = _RENAMED_ITEM.match(line.strip())
    if match:
        amendment.deltas.append(Delta(op, match["old"], number, new_id=match["new"]))
        return
    _problem(
        amendment,
        number,
        f"malformed RENAMED entry `{line.strip()}`",
        "write `- [^old-id] -> [^new-id]`",
    )


def pending_amendments(root: Path) -> list[Path]:
    """The proposals waiting in `root/amendments/` (not the archive)."""
    folder = root / AMENDMENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if p.is_file())
