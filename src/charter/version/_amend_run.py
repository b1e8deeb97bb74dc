"""`charter amend check|apply` as library calls: find a pending amendment by name, check
amendments against the spec and each other, apply one."""

from __future__ import annotations

from pathlib import Path

from charter._paths import outside
from charter.spec import load_project
from charter.version._amend_apply import Applied, apply_amendment, plan_edits
from charter.version._amend_check import check_against_spec, check_conflicts
from charter.version._amend_format import (
    AMENDMENTS_DIR,
    Problem,
    parse_amendment,
    pending_amendments,
)
from charter.version._errors import VersionError


def amendment_path(root: Path, name: str) -> Path:
    """The pending amendment `name` (with or without `.md`) under `root`/amendments/."""
    folder = root / AMENDMENTS_DIR
    path = folder / (name if name.endswith(".md") else f"{name}.md")
    escaped = outside(folder, path)
    if escaped is not None:
        raise VersionError(
            f"amendment `{name}` resolves to {escaped}, outside {folder}: an amendment is named "
            f"by its file in {AMENDMENTS_DIR}/ (move the proposal there first)"
        )
    if not path.is_file():
        names = ", ".join(p.stem for p in pending_amendments(root)) or "none"
        raise VersionError(f"{path}: no such amendment (pending: {names})")
    return path


def check_amendments(root: Path, name: str | None = None) -> tuple[list[Problem], int]:
    """The problems of amendment `name` (None: every pending one), sorted, and how many
    amendments were checked: unknown or existing ids, a moved base, two proposals changing one
    clause."""
    loaded = load_project(root)
    amendments = [parse_amendment(p, root) for p in pending_amendments(root)]
    if name is not None:
        chosen = amendment_path(root, name)
        targets = [a for a in amendments if a.path == chosen]
    else:
        targets = amendments
    problems = []
    for amendment in targets:
        found = check_against_spec(amendment, loaded.spec)
        if not found:
            found = plan_edits(amendment, loaded).problems
        problems += found
    chosen_files = {a.rel for a in targets}
    problems += [p for p in check_conflicts(amendments) if p.file in chosen_files]
    return sorted(problems, key=lambda p: (p.file, p.line, p.code)), len(targets)


def apply_named(root: Path, name: str) -> tuple[str, Applied]:
    """Apply the pending amendment `name`, all or nothing: its file (relative to `root`) and
    what was done."""
    path = amendment_path(root, name)
    loaded = load_project(root)
    amendment = parse_amendment(path, root)
    return amendment.rel, apply_amendment(amendment, loaded)


def applied_lines(root: Path, rel: str, applied: Applied) -> list[str]:
    """`charter amend apply`: what the amendment `rel` changed, and the files written and
    removed (relative to `root`)."""
    from charter.version._render import summary_line

    old, new, bump = applied.old_version, applied.new_version, applied.diff.bump.label
    return [
        f"applied {rel}: {summary_line(applied.diff)}",
        f"version: {old} -> {new} ({bump})",
        *(f"  wrote {path.relative_to(root).as_posix()}" for path in applied.changed),
        *(f"  removed {path.relative_to(root).as_posix()}" for path in applied.deleted),
    ]
