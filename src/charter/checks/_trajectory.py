"""Checks over what an agent did (its trajectory: tool calls, files, commands), in the catalogue
beside the reply checks. The logic lives in `charter.trajectory`; a reply that came without a
trajectory fails them."""

from __future__ import annotations

from typing import Any

from charter.checks._registry import Outcome, Reply, category, check_kind


def _problem(kind: str) -> Any:
    def prepare(value: Any) -> None:
        from charter.trajectory import trajectory_check_problem

        problem = trajectory_check_problem(kind, value)
        if problem is not None:
            raise ValueError(problem)

    return prepare


def _run(kind: str, value: Any, reply: Reply) -> Outcome:
    from charter.trajectory import run_trajectory_check

    return Outcome.of(*run_trajectory_check(kind, value, reply.trajectory))


category("Agent trajectories")

_NAMED = {"type": ["string", "object"]}


@check_kind("K080", "tool_called", _NAMED, "a tool name or {name, arguments, times}",
            prepare=_problem("tool_called"))  # fmt: skip
def tool_called(value: Any, reply: Reply) -> Outcome:
    """The agent called the tool (with arguments matching the patterns, `times` times if given).

    Example: `- tool_called: {name: read_file, arguments: {path: "^src/"}}` passes a trajectory
    with a `read_file` call whose `path` starts with `src/`.

    Limits: argument values are regular expressions searched in the argument's text.
    """
    return _run("tool_called", value, reply)


@check_kind("K081", "tool_not_called", {"type": "string"}, "a tool name",
            prepare=_problem("tool_not_called"))  # fmt: skip
def tool_not_called(value: Any, reply: Reply) -> Outcome:
    """The agent never called the tool.

    Example: `- tool_not_called: delete_file`.

    Limits: only tool calls the trajectory records count.
    """
    return _run("tool_not_called", value, reply)


@check_kind("K082", "path_not_touched", _NAMED, "a glob or {path, actions}",
            prepare=_problem("path_not_touched"))  # fmt: skip
def path_not_touched(value: Any, reply: Reply) -> Outcome:
    """No file the glob matches was changed (or, with `actions`, read) by the agent.

    Example: `- path_not_touched: "secrets/**"`.

    Limits: file events, and tool calls with a `path` argument whose tool name says it writes
    (or reads); a file changed by a shell command is seen only if the agent reports it.
    """
    return _run("path_not_touched", value, reply)


@check_kind("K083", "command_run", {"type": "string"}, "a regular expression",
            prepare=_problem("command_run"))  # fmt: skip
def command_run(value: Any, reply: Reply) -> Outcome:
    """The agent ran a command matching the regular expression.

    Example: `- command_run: "^pytest"`.

    Limits: command events and tool calls with a `command` (or `cmd`) argument.
    """
    return _run("command_run", value, reply)


@check_kind("K084", "command_not_run", {"type": "string"}, "a regular expression",
            prepare=_problem("command_not_run"))  # fmt: skip
def command_not_run(value: Any, reply: Reply) -> Outcome:
    """The agent ran no command matching the regular expression.

    Example: `- command_not_run: "git push"`.

    Limits: as `command_run`.
    """
    return _run("command_not_run", value, reply)


@check_kind("K085", "tests_before_finish", {"type": ["boolean", "object"]},
            "true or {command: <regular expression>}",
            prepare=_problem("tests_before_finish"))  # fmt: skip
def tests_before_finish(value: Any, reply: Reply) -> Outcome:
    """A test command ran after the agent's last change to a file, before its final reply.

    Example: `- tests_before_finish: true` (pytest, npm test, cargo test, go test, make test...).

    Limits: a test run is recognised by its command line, not by its result.
    """
    return _run("tests_before_finish", value, reply)
