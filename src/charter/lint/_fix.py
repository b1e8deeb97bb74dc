"""Apply mechanical fixes byte-exactly: only the edited characters change, every other byte of
the file (line endings, encoding, trailing white space) stays as it was."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from charter.diagnostics import Diagnostic, Fixer, Rename, fixer_for
from charter.lint._finding import Edit

if TYPE_CHECKING:
    from charter.check import CheckResult


def apply_edits(root: str | Path, edits: Iterable[Edit]) -> int:
    """Write `edits` into their files under `root`; returns how many were applied.

    Overlapping edits are skipped (the first in file order wins); a file whose text no longer
    decodes as UTF-8 is left alone.
    """
    by_file: dict[str, list[Edit]] = defaultdict(list)
    for edit in edits:
        by_file[edit.file].append(edit)
    applied = 0
    for rel, chosen in by_file.items():
        path = Path(root) / rel
        text = path.read_bytes().decode("utf-8")
        kept: list[Edit] = []
        for edit in sorted(chosen, key=lambda e: (e.start, e.end)):
            if kept and edit.start < kept[-1].end:
                continue
            kept.append(edit)
        pieces: list[str] = []
        cursor = 0
        for edit in kept:
            pieces += [text[cursor : edit.start], edit.replacement]
            cursor = edit.end
        pieces.append(text[cursor:])
        path.write_bytes("".join(pieces).encode("utf-8"))
        applied += len(kept)
    return applied


def apply_fixes(result: CheckResult) -> int:
    """Apply the fixes of every finding `result` kept (each by the fixer registered for its
    code, `charter.diagnostics.fixer`); returns how many changes were made."""
    by_fixer: dict[Fixer, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        found = fixer_for(diagnostic.code)
        if found is not None:
            by_fixer.setdefault(found, []).append(diagnostic)
    changes = [
        change for function, found in by_fixer.items() for change in function(result.spec, found)
    ]
    root = Path(result.spec.root)
    applied = apply_edits(root, [change for change in changes if isinstance(change, Edit)])
    for rename in (change for change in changes if isinstance(change, Rename)):
        target = root / rename.target
        if not target.exists() and (root / rename.source).is_file():
            (root / rename.source).rename(target)
            applied += 1
    return applied
