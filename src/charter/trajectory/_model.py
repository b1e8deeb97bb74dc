"""What an agent did to answer: its messages, tool calls and results, files touched and
commands run, in order. The JSON-lines protocol of `command:` agents (docs/agents.md).

One event a line, each a JSON object with a `type`:

    {"type": "message", "role": "assistant", "content": "I will read the file."}
    {"type": "tool_call", "id": "1", "name": "read_file", "arguments": {"path": "a.py"}}
    {"type": "tool_result", "id": "1", "name": "read_file", "content": "...", "error": false}
    {"type": "file", "path": "a.py", "action": "write"}
    {"type": "command", "command": "pytest -q", "exit_code": 0}
    {"type": "final", "text": "Done: the test passes."}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from charter.errors import ModelError

STEP_TYPES = ("message", "tool_call", "tool_result", "file", "command", "final")
FILE_ACTIONS = ("read", "write", "create", "delete", "rename")
#: File actions that change the working tree.
CHANGES = ("write", "create", "delete", "rename")


class TrajectoryError(ModelError, ValueError):
    """A line of the protocol is malformed; the message names the line and the problem."""


@dataclass(frozen=True, slots=True)
class Step:
    """One event of a trajectory."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)
    """The event's fields other than `type`, as sent."""

    @property
    def name(self) -> str:
        return str(self.data.get("name", ""))

    @property
    def arguments(self) -> dict[str, Any]:
        value = self.data.get("arguments", {})
        return value if isinstance(value, dict) else {}

    @property
    def path(self) -> str:
        return str(self.data.get("path", ""))

    @property
    def command(self) -> str:
        return str(self.data.get("command", ""))

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, **self.data}


@dataclass(frozen=True, slots=True)
class Trajectory:
    """The steps of one agent run, in order, and the reply it finished with."""

    steps: tuple[Step, ...] = ()

    @property
    def reply(self) -> str:
        """The `final` event's text, else the last assistant message."""
        for step in reversed(self.steps):
            if step.type == "final":
                return str(step.data.get("text", ""))
        for step in reversed(self.steps):
            if step.type == "message" and step.data.get("role", "assistant") == "assistant":
                return str(step.data.get("content", ""))
        return ""

    @property
    def final(self) -> dict[str, Any]:
        """The `final` event's fields (token counts, model...), empty when there is none."""
        for step in reversed(self.steps):
            if step.type == "final":
                return dict(step.data)
        return {}

    def of_type(self, kind: str) -> list[Step]:
        return [step for step in self.steps if step.type == kind]

    def as_json(self) -> list[dict[str, Any]]:
        return [step.as_json() for step in self.steps]

    def to_jsonl(self) -> str:
        return "".join(json.dumps(step, ensure_ascii=False) + "\n" for step in self.as_json())

    @classmethod
    def from_json(cls, items: list[Any]) -> Trajectory:
        """From a list of event objects. Raises `TrajectoryError` for a malformed one."""
        return cls(tuple(_step(item, number) for number, item in enumerate(items, 1)))

    @classmethod
    def from_jsonl(cls, text: str) -> Trajectory:
        """From JSON lines (blank lines skipped). Raises `TrajectoryError` naming the line."""
        items: list[Any] = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((number, json.loads(line)))
            except ValueError as error:
                raise TrajectoryError(f"line {number}: not JSON ({error})") from None
        return cls(tuple(_step(item, number) for number, item in items))


def looks_like_trajectory(text: str) -> bool:
    """Whether stdout starts with a protocol event (a JSON object with a known `type`)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first.lstrip().startswith("{"):
        return False
    try:
        data = json.loads(first)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("type") in STEP_TYPES


def _step(item: Any, number: int) -> Step:
    if not isinstance(item, dict):
        raise TrajectoryError(f"line {number}: an event must be a JSON object")
    kind = item.get("type")
    if kind not in STEP_TYPES:
        raise TrajectoryError(
            f"line {number}: unknown event type {kind!r}; the types are {', '.join(STEP_TYPES)}"
        )
    data = {str(key): value for key, value in item.items() if key != "type"}
    required = {"tool_call": "name", "file": "path", "command": "command"}.get(str(kind))
    if required is not None and not isinstance(data.get(required), str):
        raise TrajectoryError(f"line {number}: a {kind} event needs a string `{required}`")
    if kind == "tool_call" and not isinstance(data.get("arguments", {}), dict):
        raise TrajectoryError(f"line {number}: tool_call `arguments` must be a JSON object")
    if kind == "file" and data.get("action", "write") not in FILE_ACTIONS:
        raise TrajectoryError(
            f"line {number}: file `action` must be one of {', '.join(FILE_ACTIONS)}"
        )
    return Step(str(kind), data)
