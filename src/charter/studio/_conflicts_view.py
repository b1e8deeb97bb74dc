"""The Conflicts screen: each conflict with both clauses and the proposed resolution; resolving
appends a `[[resolutions]]` entry to charter.toml (read back by `charter.conflict`)."""

from __future__ import annotations

import json

from charter.conflict import Conflict, ConflictReport, conflict_report
from charter.studio._workspace import StudioError, Workspace


def conflicts(workspace: Workspace) -> ConflictReport:
    return conflict_report(workspace.loaded().project.spec)


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(" ".join(text.split()))


def resolution_entry(first: str, second: str, decision: str, by: str) -> str:
    return (
        "\n[[resolutions]]\n"
        f"clauses = [{_toml_string(first)}, {_toml_string(second)}]\n"
        f"decision = {_toml_string(decision)}\n"
        f"by = {_toml_string(by)}\n"
    )


def resolve(workspace: Workspace, first: str, second: str, decision: str, by: str) -> Conflict:
    """Record the decision about the conflict between `first` and `second`."""
    found = next(
        (c for c in conflicts(workspace).conflicts if c.ids == frozenset((first, second))), None
    )
    if found is None:
        raise StudioError(f"no open conflict between [^{first}] and [^{second}]")
    if not decision.strip() or not by.strip():
        raise StudioError("say what was decided and who decided it")
    given = workspace.loaded().project.config.config_file
    config = workspace.path(given.name if given is not None else "charter.toml")
    if config.name != "charter.toml":
        raise StudioError(f"{config}: resolutions are recorded in charter.toml, not here")
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    config.write_text(text + resolution_entry(first, second, decision, by), encoding="utf-8")
    workspace.forget()
    return found
