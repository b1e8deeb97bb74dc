"""Where a project ends: paths that leave it, and files a report must not replace.

Settings and discovered files may only name files inside the project (links are followed before
deciding); a path the user types on the command line is theirs to choose. A report written with
`-o` never replaces a file the project is made of unless the user says `--force`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charter.spec import Spec

PROJECT_FOLDERS = ("amendments", "precedents", ".charter")
"""Folders whose every file is part of the project's record (proposals, verdicts, runs)."""
PROJECT_FILES = ("charter.toml", "charter.lock", "resolutions.toml", "CHANGELOG.md")


def outside(root: Path, path: Path) -> Path | None:
    """`path` with its links resolved when that lies outside `root`; None when it is inside."""
    resolved = path.resolve()
    return None if resolved.is_relative_to(root.resolve()) else resolved


def outside_message(root: Path, written: str | Path, resolved: Path) -> str:
    """`written` leaves the project: the one line to say so."""
    return f"`{written}` resolves to {resolved}, outside the project {root.resolve()}"


def source_files(spec: Spec) -> set[Path]:
    """Every file the loaded spec was read from, resolved: spec files, prompt files, the
    project's own settings and records."""
    root = Path(spec.root).resolve()
    named: Iterable[str] = (
        *(spec_file.path for spec_file in spec.files),
        *(prompt_file.path for prompt_file in spec.prompt_files),
        *PROJECT_FILES,
    )
    return {(root / rel).resolve() for rel in named}


def report_target_problem(output: Path, spec: Spec) -> str | None:
    """Why `output` must not receive a report (it is one of the spec's own files), or None."""
    target = output.resolve()
    if not target.exists():
        return None
    root = Path(spec.root).resolve()
    record = any(target.is_relative_to(root / folder) for folder in PROJECT_FOLDERS)
    if target in source_files(spec) or record:
        return (
            f"{output} is a file of the spec project {root}; a report would replace it "
            "(write the report elsewhere, or pass --force to replace it anyway)"
        )
    return None
