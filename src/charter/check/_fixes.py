"""`charter check --fix`: the mechanical fixes of the findings a check kept.

Each fixable rule registers a fixer with `@fixer("S104")` (from `charter.diagnostics`); `charter
rules` marks a rule fixable only when one is registered (tests/test_check_fixes.py holds the two
lists equal). A fixer turns
findings into edits of file characters and file renames; every edit is verified against the text
it replaces, so a file changed since the check is left alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from charter._buffers import read_text
from charter.diagnostics import Diagnostic, Rename, fixable_codes, fixer
from charter.spec import LEGACY_AUTHORITIES, Spec

if TYPE_CHECKING:
    from charter.check._engine import CheckResult
    from charter.lint import Edit

__all__ = ["Rename", "apply_fixes", "fixable_codes", "fixer"]


def apply_fixes(result: CheckResult) -> int:
    """Apply the fixes of every finding `result` kept; returns how many changes were made (the
    edits are the linter's: `charter.lint.apply_fixes`, imported when a fix is asked for)."""
    from charter.lint import apply_fixes as apply

    return apply(result)


_LINE_END = re.compile(r"\r\n|\r|\n")


def _file_text(spec: Spec, rel: str) -> str | None:
    """The text of a file inside the project (None for a module outside it, or unreadable)."""
    root = Path(spec.root).resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    try:
        return read_text(path)
    except (OSError, UnicodeDecodeError):
        return None


def _offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based line and column (line ends as the reader counts them)."""
    start = 0
    for _ in range(line - 1):
        end = _LINE_END.search(text, start)
        if end is None:
            return len(text)
        start = end.end()
    return start + column - 1


def _edit_at(spec: Spec, diagnostic: Diagnostic, expected: re.Pattern[str]) -> Edit | None:
    """An empty edit at the finding's place when the text there matches `expected`."""
    from charter.lint import Edit

    text = _file_text(spec, diagnostic.span.file)
    if text is None:
        return None
    start = _offset(text, diagnostic.span.line, diagnostic.span.column)
    match = expected.match(text, start)
    if match is None:
        return None
    return Edit(diagnostic.span.file, match.start(), match.end(), match[0])


_AUTHORITY = re.compile(r"authority=(?P<quote>[\"']?)(?P<value>[\w-]+)(?P=quote)")


@fixer("S107")
def fix_legacy_authority(spec: Spec, found: list[Diagnostic]) -> list[Edit | Rename]:
    """`authority=platform` becomes `authority=root`."""
    edits: list[Edit | Rename] = []
    for diagnostic in found:
        edit = _edit_at(spec, diagnostic, _AUTHORITY)
        match = _AUTHORITY.fullmatch(edit.replacement) if edit is not None else None
        if edit is None or match is None or match["value"] not in LEGACY_AUTHORITIES:
            continue
        current = LEGACY_AUTHORITIES[match["value"]].value
        quote = match["quote"]
        edits.append(
            type(edit)(edit.file, edit.start, edit.end, f"authority={quote}{current}{quote}")
        )
    return edits


_TAG = re.compile(r"\[\^(?P<id>[^\]\s]+)\]")


@fixer("S104")
def fix_misspelt_clause_id(spec: Spec, found: list[Diagnostic]) -> list[Edit | Rename]:
    """Make the tag and its prompt file agree. The tag is rewritten to the file's id (one word of
    the spec changes; the file, its runs and precedents keep their id), unless the file's own
    heading names the tag, `Examples for [^tag]`: then the file name is the odd one out, and the
    file is renamed to the tag (when no file of that name exists)."""
    files = {prompt_file.path: prompt_file for prompt_file in spec.prompt_files}
    changes: list[Edit | Rename] = []
    for diagnostic in found:
        edit = _edit_at(spec, diagnostic, _TAG)
        orphan = files.get(diagnostic.related[0].span.file) if diagnostic.related else None
        if edit is None or orphan is None:
            continue
        tag = edit.replacement[2:-1]
        local = orphan.id.rpartition(":")[2]
        if tag in orphan.named_ids and _file_text(spec, orphan.path) is not None:
            folder = orphan.path.rpartition("/")[0]
            suffix = Path(orphan.path).suffix
            target = f"{folder}/{tag}{suffix}" if folder else f"{tag}{suffix}"
            changes.append(Rename(orphan.path, target))
        else:
            changes.append(type(edit)(edit.file, edit.start, edit.end, f"[^{local}]"))
    return changes
