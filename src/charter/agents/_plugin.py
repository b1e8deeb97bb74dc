"""`charter.agents` as the built-in plugin that reads agent instruction files as a project (the
spec loader asks the `charter_instruction_*` hooks, so it never imports this package)."""

from __future__ import annotations

from pathlib import Path

from charter.plugins import hookimpl
from charter.spec import Project


@hookimpl
def charter_instruction_file(path: Path) -> bool | None:
    from charter.agents import format_of

    return True if format_of(path.as_posix()) is not None else None


@hookimpl
def charter_instruction_project(target: Path, folder: bool) -> Project | None:
    from charter.agents import has_instruction_files, load_instructions

    if folder:
        return load_instructions(target) if has_instruction_files(target) else None
    return load_instructions(target.parent, only=[target.name])
