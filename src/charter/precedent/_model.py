"""A precedent: one decided case (conversation, reply, verdict) kept as a YAML file.

```yaml
id: tutoring-good
clause_ids: [sy73]
section: follow_all_applicable_instructions
verdict: comply            # comply | violate | not_applicable
rationale: The reply helps the student without giving the answer away.
conversation:
  - {role: developer, content: "..."}
  - {role: user, content: "..."}
reply: "..."
decided_by: spec model_spec.md:412     # or the person who adjudicated
decided_at: "2025-09-12"
note: ""                               # e.g. "OK in the spec: acceptable, not ideal"
pair: tutoring                         # replies to the same conversation share a pair key
source: run 20250912-101500-ab12 sample 7   # the stored sample it decides (`precedent add`)
checks:                                # optional: checks for a replayed reply (--precedents)
  - not_contains: "the answer is 42"
```
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.errors import SpecError
from charter.model import Message

VERDICTS = ("comply", "violate", "not_applicable")
PRECEDENT_DIR = "precedents"
FIELDS = (
    "id",
    "clause_ids",
    "section",
    "verdict",
    "rationale",
    "conversation",
    "reply",
    "decided_by",
    "decided_at",
    "note",
    "pair",
    "source",
    "checks",
)


@dataclass(frozen=True, slots=True)
class Precedent:
    """A decided case. `lines` maps each field to its line in `path` (for diagnostics)."""

    id: str
    verdict: str
    reply: str
    conversation: tuple[Message, ...]
    clause_ids: tuple[str, ...] = ()
    section: str | None = None
    rationale: str = ""
    decided_by: str = ""
    decided_at: str = ""
    note: str = ""
    pair: str | None = None
    source: str = ""
    """The stored sample the precedent decides (`run RUN_ID sample N`), when it came from one."""
    checks: tuple[dict[str, Any], ...] = ()
    """Deterministic checks for a new reply to the conversation (`charter test --precedents`)."""
    path: str | None = None
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def case_key(self) -> str:
        """sha256 of conversation and reply: two precedents with one key are duplicates."""
        return case_key(self.conversation, self.reply)

    @property
    def conversation_key(self) -> str:
        """sha256 of the conversation alone (the GOOD and BAD replies to it share it)."""
        return case_key(self.conversation, None)

    def line(self, name: str) -> int:
        return self.lines.get(name, self.lines.get("id", 1))

    def to_yaml(self) -> str:
        data: dict[str, Any] = {
            "id": self.id,
            "clause_ids": list(self.clause_ids),
            "section": self.section,
            "verdict": self.verdict,
            "rationale": self.rationale,
            "conversation": [{"role": m.role, "content": m.content} for m in self.conversation],
            "reply": self.reply,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
        }
        if self.note:
            data["note"] = self.note
        if self.pair:
            data["pair"] = self.pair
        if self.source:
            data["source"] = self.source
        if self.checks:
            data["checks"] = [dict(check) for check in self.checks]
        import yaml  # deferred: ~8 ms at start-up

        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def case_key(conversation: tuple[Message, ...], reply: str | None) -> str:
    data = [[m.role, m.content.strip()] for m in conversation]
    payload = json.dumps([data, None if reply is None else reply.strip()], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def slug(text: str, limit: int = 48) -> str:
    """A file-name-safe id made from `text`."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:limit].rstrip("-") or "case"


class PrecedentFormatError(SpecError, ValueError):
    """A precedent file cannot be read at all (not YAML, not a mapping)."""

    line: int

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message, file=path, line=line)
        self.path = path


def read_precedent(path: Path, display: str | None = None) -> Precedent:
    """Parse one file. Field values are kept as written (checked by the `P` rules)."""
    where = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PrecedentFormatError(where, 1, "not UTF-8 text; save it as UTF-8") from None
    from charter._yaml import YamlError, load_yaml

    try:
        document = load_yaml(text)
    except YamlError as error:
        raise PrecedentFormatError(where, error.line, f"{error.message}; fix the YAML") from None
    data, lines = document.data, document.key_lines()
    if not isinstance(data, dict):
        raise PrecedentFormatError(where, 1, "a precedent must be a YAML mapping (id:, verdict:…)")
    return _from_mapping(data, lines, where, path.stem)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _from_mapping(data: dict[str, Any], lines: dict[str, int], where: str, stem: str) -> Precedent:
    raw_ids = data.get("clause_ids") or ()
    if isinstance(raw_ids, str):
        raw_ids = [raw_ids]
    turns: list[Message] = []
    raw_turns = data.get("conversation") or []
    if not isinstance(raw_turns, list):
        raw_turns = []
    for turn in raw_turns:
        if isinstance(turn, dict):
            turns.append(Message(_text(turn.get("role") or "user"), _text(turn.get("content"))))
    return Precedent(
        id=_text(data.get("id") or stem),
        verdict=_text(data.get("verdict")).strip(),
        reply=_text(data.get("reply")),
        conversation=tuple(turns),
        clause_ids=tuple(_text(item) for item in raw_ids),
        section=None if data.get("section") is None else _text(data.get("section")),
        rationale=_text(data.get("rationale")),
        decided_by=_text(data.get("decided_by")),
        decided_at=_text(data.get("decided_at")),
        note=_text(data.get("note")),
        pair=None if data.get("pair") is None else _text(data.get("pair")),
        source=_text(data.get("source")),
        checks=_checks(data, lines, where),
        path=where,
        lines=lines,
    )


def _checks(data: dict[str, Any], lines: dict[str, int], where: str) -> tuple[dict[str, Any], ...]:
    """The precedent's `checks:`, validated as a prompt file's are."""
    if data.get("checks") is None:
        return ()
    from charter.checks import CheckFormatError, checks_for

    try:
        return tuple(checks_for({"checks": data["checks"]}, None))
    except CheckFormatError as error:
        raise PrecedentFormatError(where, lines.get("checks", 1), str(error)) from None


def precedent_files(root: Path) -> list[Path]:
    folder = root / PRECEDENT_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_precedents(root: Path) -> tuple[list[Precedent], list[PrecedentFormatError]]:
    """Every precedent under `root/precedents/`, and the files that could not be read."""
    found: list[Precedent] = []
    errors: list[PrecedentFormatError] = []
    for path in precedent_files(root):
        display = path.relative_to(root).as_posix()
        try:
            found.append(read_precedent(path, display))
        except PrecedentFormatError as error:
            errors.append(error)
    return found, errors


def sample_source(run_id: str, sample_id: int) -> str:
    """How a precedent names the stored sample it decides."""
    return f"run {run_id} sample {sample_id}"


def deciding(precedents: list[Precedent], case: Precedent) -> list[Precedent]:
    """The precedents that already decide `case`: the same stored sample (its `source`, or the
    note `precedent add` wrote before it had one), or the same conversation and reply."""
    note = f"from {case.source} " if case.source else None
    return [
        existing
        for existing in precedents
        if (case.source and existing.source == case.source)
        or (note is not None and existing.note.startswith(note))
        or existing.case_key == case.case_key
    ]


def write_precedent(root: Path, precedent: Precedent, replace: Path | None = None) -> Path:
    """Write `precedents/<id>.yaml` (a new file; an existing id gets a numeric suffix), or
    overwrite `replace`, the file of the precedent it supersedes."""
    folder = root / PRECEDENT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if replace is not None:
        replace.write_text(precedent.to_yaml(), encoding="utf-8")
        return replace
    target = folder / f"{precedent.id}.yaml"
    counter = 2
    while target.exists():
        target = folder / f"{precedent.id}-{counter}.yaml"
        counter += 1
    target.write_text(precedent.to_yaml(), encoding="utf-8")
    return target
