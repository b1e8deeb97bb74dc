"""Find every instruction file of a repository, and every file its instructions may name.

The walk skips version-control folders, dependencies and vendored code. A folder it cannot
open and a symbolic link that loops back into the walk are findings with their path; the walk
goes on with the rest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from charter._source import Span
from charter.agents._formats import format_of
from charter.agents._rules import UNREADABLE_FOLDER
from charter.diagnostics import Diagnostics

#: Folders never searched: version control, dependencies, vendored code, caches.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "vendor",
        "third_party",
        "third-party",
        ".venv",
        "venv",
        "site-packages",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)


@dataclass(slots=True)
class Discovery:
    """What a walk of the repository found."""

    root: Path
    instruction_files: list[str] = field(default_factory=list)
    """Instruction files, relative `/` paths, sorted."""
    files: set[str] = field(default_factory=set)
    """Every file walked (relative paths), to check the paths instructions name."""
    folders: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    """Every file's base name."""
    links: dict[str, str] = field(default_factory=dict)
    """Instruction files that are symbolic links to another file of the repository."""


def discover(root: Path, sink: Diagnostics, skip: frozenset[str] = frozenset()) -> Discovery:
    """Walk `root` and collect its instruction files; problems go to `sink`."""
    found = Discovery(root)
    skipped = SKIPPED_FOLDERS | skip
    real_root = os.path.realpath(root)
    stack: list[tuple[str, str, tuple[str, ...]]] = [("", real_root, (real_root,))]
    while stack:
        rel, real, ancestors = stack.pop()
        try:
            entries = list(os.scandir(root / rel if rel else root))
        except OSError as error:
            sink.add(
                UNREADABLE_FOLDER,
                f"folder cannot be searched: {error.strerror or error}",
                Span(rel or ".", 1, 1),
                hint="make it readable, or list it under [agents] skip in charter.toml",
            )
            continue
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_dir:
                if entry.name in skipped or child in skipped:
                    continue
                target = os.path.realpath(entry.path) if is_link else f"{real}{os.sep}{entry.name}"
                if is_link and (target in ancestors or not _inside(target, real_root)):
                    if target in ancestors:
                        sink.add(
                            UNREADABLE_FOLDER,
                            f"symbolic link loops back to `{_rel(target, real_root) or '.'}`; "
                            "not followed",
                            Span(child, 1, 1),
                            hint="remove the link, or list it under [agents] skip in charter.toml",
                        )
                    continue
                found.folders.add(child)
                stack.append((child, target, (*ancestors, target)))
                continue
            found.files.add(child)
            found.names.add(entry.name)
            if format_of(child) is None:
                continue
            found.instruction_files.append(child)
            if is_link:
                target = os.path.realpath(entry.path)
                if _inside(target, real_root):
                    found.links[child] = _rel(target, real_root)
    found.instruction_files.sort()
    return found


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _rel(path: str, root: str) -> str:
    return Path(os.path.relpath(path, root)).as_posix()
