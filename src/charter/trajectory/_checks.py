"""Checks over what an agent did, written in a prompt file's front matter like the reply checks:

```yaml
checks:
  - tool_called: read_file
  - tool_called: {name: write_file, arguments: {path: "^src/"}}
  - tool_not_called: delete_file
  - path_not_touched: "secrets/**"
  - path_not_touched: {path: "secrets/**", actions: [read, write]}
  - command_run: "^pytest"
  - command_not_run: "git push"
  - tests_before_finish: true
```

Argument values and commands are regular expressions (searched); paths are globs. A check of
this kind fails when the model returned a reply only, with no trajectory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from charter._glob import matches
from charter.trajectory._model import CHANGES, FILE_ACTIONS, Trajectory

#: What `tests_before_finish: true` takes for a test run.
TEST_COMMAND = (
    r"\b(pytest|py\.test|tox|nox|unittest|npm (run )?test|pnpm (run )?test|yarn test|"
    r"cargo (nextest|test)|go test|make (test|check)|just test|mvn test|gradle test)\b"
)

TrajectoryCheck = Callable[[Any, Trajectory], tuple[bool, str]]


def _named(value: Any) -> tuple[str, dict[str, Any], int | None]:
    if isinstance(value, str):
        return value, {}, None
    return str(value["name"]), dict(value.get("arguments", {})), value.get("times")


def _argument_matches(pattern: Any, actual: Any) -> bool:
    if isinstance(pattern, str):
        return re.search(pattern, actual if isinstance(actual, str) else str(actual)) is not None
    return bool(pattern == actual)


def _tool_called(value: Any, trajectory: Trajectory) -> tuple[bool, str]:
    name, arguments, times = _named(value)
    calls = [step for step in trajectory.of_type("tool_call") if step.name == name]
    fitting = [
        call
        for call in calls
        if all(
            key in call.arguments and _argument_matches(pattern, call.arguments[key])
            for key, pattern in arguments.items()
        )
    ]
    wanted = f"`{name}`" + (f" with {arguments}" if arguments else "")
    if times is not None:
        ok = len(fitting) == times
        return ok, f"called {wanted} {len(fitting)} time(s), expected {times}"
    if fitting:
        return True, f"called {wanted}"
    if calls:
        seen = "; ".join(str(call.arguments) for call in calls[:3])
        return False, f"called `{name}` but not with {arguments} (arguments: {seen})"
    return False, f"never called {wanted}"


def _tool_not_called(value: Any, trajectory: Trajectory) -> tuple[bool, str]:
    name = str(value)
    count = sum(1 for step in trajectory.of_type("tool_call") if step.name == name)
    if count:
        return False, f"called `{name}` {count} time(s)"
    return True, f"did not call `{name}`"


_WRITERS = re.compile(r"write|edit|create|delete|remove|move|rename|patch|apply", re.I)
_READERS = re.compile(r"read|open|view|cat|show|get", re.I)


def _touched(trajectory: Trajectory, actions: tuple[str, ...] = CHANGES) -> list[tuple[str, str]]:
    """(path, action) of every file event with one of `actions`, and of every tool call with a
    `path` argument whose tool name says it writes (write, edit, delete...) or, when reads
    count, reads (read, open, view...)."""
    found = [
        (step.path, str(step.data.get("action", "write")))
        for step in trajectory.of_type("file")
        if step.data.get("action", "write") in actions
    ]
    for step in trajectory.of_type("tool_call"):
        path = step.arguments.get("path")
        if not isinstance(path, str):
            continue
        writes = _WRITERS.search(step.name) is not None
        if (writes and set(actions) & set(CHANGES)) or (
            not writes and "read" in actions and _READERS.search(step.name)
        ):
            found.append((path, step.name))
    return found


def _path_not_touched(value: Any, trajectory: Trajectory) -> tuple[bool, str]:
    if isinstance(value, Mapping):
        pattern = str(value["path"])
        actions = tuple(str(action) for action in value.get("actions", CHANGES))
    else:
        pattern, actions = str(value), CHANGES
    touched = _touched(trajectory, actions)
    hits = [f"{action} {path}" for path, action in touched if matches(pattern, path)]
    if hits:
        return False, f"touched `{pattern}`: {', '.join(hits[:3])}"
    return True, f"did not touch `{pattern}`"


def _commands(trajectory: Trajectory) -> list[str]:
    found = [step.command for step in trajectory.of_type("command")]
    for step in trajectory.of_type("tool_call"):
        command = step.arguments.get("command") or step.arguments.get("cmd")
        if isinstance(command, str):
            found.append(command)
    return found


def _command_run(value: Any, trajectory: Trajectory) -> tuple[bool, str]:
    ran = [command for command in _commands(trajectory) if re.search(str(value), command)]
    if ran:
        return True, f"ran `{ran[0]}`"
    return False, f"ran no command matching /{value}/"


def _command_not_run(value: Any, trajectory: Trajectory) -> tuple[bool, str]:
    ran = [command for command in _commands(trajectory) if re.search(str(value), command)]
    if ran:
        return False, f"ran `{ran[0]}`"
    return True, f"ran no command matching /{value}/"


def _tests_before_finish(value: Any, trajectory: Trajectory) -> tuple[bool, str]:
    """A test command ran after the last change to a file (and before the final reply)."""
    pattern = TEST_COMMAND if value is True else str(value.get("command", TEST_COMMAND))
    last_change = -1
    last_test = -1
    writers = {path for path, _ in _touched(trajectory)}
    for index, step in enumerate(trajectory.steps):
        if (step.type == "file" and step.data.get("action", "write") in CHANGES) or (
            step.type == "tool_call" and step.arguments.get("path") in writers
        ):
            last_change = index
        command = step.command if step.type == "command" else step.arguments.get("command")
        if isinstance(command, str) and command and re.search(pattern, command):
            last_test = index
    if last_test < 0:
        return False, "ran no tests"
    if last_test < last_change:
        return False, "changed files after the last test run"
    return True, "ran the tests after its last change"


TRAJECTORY_CHECKS: dict[str, TrajectoryCheck] = {
    "tool_called": _tool_called,
    "tool_not_called": _tool_not_called,
    "path_not_touched": _path_not_touched,
    "command_run": _command_run,
    "command_not_run": _command_not_run,
    "tests_before_finish": _tests_before_finish,
}
TRAJECTORY_CHECK_KINDS = tuple(TRAJECTORY_CHECKS)


def trajectory_check_problem(kind: str, value: Any) -> str | None:
    """What is wrong with a trajectory check's value, or None when it is well formed."""
    if kind == "tool_called":
        if isinstance(value, str):
            return None
        if not isinstance(value, Mapping) or not isinstance(value.get("name"), str):
            return "tool_called takes a tool name or {name: ..., arguments: {...}, times: N}"
        extra = set(value) - {"name", "arguments", "times"}
        if extra:
            return f"tool_called has unknown key(s) {', '.join(sorted(map(str, extra)))}"
        if not isinstance(value.get("arguments", {}), Mapping):
            return "tool_called arguments must map argument names to patterns"
        times = value.get("times")
        if times is not None and (not isinstance(times, int) or isinstance(times, bool)):
            return "tool_called times takes a whole number"
        patterns = [p for p in dict(value.get("arguments", {})).values() if isinstance(p, str)]
        return _regex_problem(patterns, "tool_called argument")
    if kind == "path_not_touched" and isinstance(value, Mapping):
        actions = value.get("actions", list(CHANGES))
        if not isinstance(value.get("path"), str) or set(value) - {"path", "actions"}:
            return "path_not_touched takes a glob or {path: <glob>, actions: [read, write...]}"
        if not isinstance(actions, list) or not set(map(str, actions)) <= set(FILE_ACTIONS):
            return f"path_not_touched actions are a list of {', '.join(FILE_ACTIONS)}"
        return None
    if kind in ("tool_not_called", "path_not_touched") and not isinstance(value, str):
        return f"{kind} takes a string"
    if kind in ("command_run", "command_not_run"):
        if not isinstance(value, str):
            return f"{kind} takes a regular expression"
        return _regex_problem([value], kind)
    if kind == "tests_before_finish":
        if value is True:
            return None
        if not isinstance(value, Mapping) or not isinstance(value.get("command"), str):
            return "tests_before_finish takes true or {command: <regular expression>}"
        return _regex_problem([str(value["command"])], kind)
    return None


def _regex_problem(patterns: list[str], what: str) -> str | None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            return f"{what} /{pattern}/ does not compile: {error}"
    return None


def run_trajectory_check(kind: str, value: Any, trajectory: Trajectory | None) -> tuple[bool, str]:
    """Whether the trajectory passes one check, and why in a few words."""
    if trajectory is None:
        return False, f"{kind}: no trajectory (the model returned a reply only)"
    return TRAJECTORY_CHECKS[kind](value, trajectory)
