"""Print a diff for people (grouped by section) or for programs (JSON)."""

from __future__ import annotations

import json
from typing import Any

from charter.version._diff import Change, Kind, SpecDiff
from charter.version._semver import Bump, Version

_MARK = {
    Kind.SECTION_ADDED: "+",
    Kind.CLAUSE_ADDED: "+",
    Kind.PROMPT_ADDED: "+",
    Kind.SECTION_REMOVED: "-",
    Kind.CLAUSE_REMOVED: "-",
    Kind.PROMPT_REMOVED: "-",
}
REASONS_SHOWN = 12


def implied_version(diff: SpecDiff) -> str | None:
    """The older spec's version bumped by the diff, when the older spec has a valid version."""
    if diff.old.version is None:
        return None
    try:
        return str(Version.parse(diff.old.version).bumped(diff.bump))
    except ValueError:
        return None


def summary_line(diff: SpecDiff) -> str:
    counts = diff.counts()
    if not counts:
        return "no changes"
    total = sum(counts.values())
    return f"{total} changes: " + ", ".join(f"{kind} {n}" for kind, n in counts.items())


def bump_lines(diff: SpecDiff) -> list[str]:
    """`Implied bump: ...` and the changes that call for it."""
    bump = diff.bump
    target = implied_version(diff)
    head = f"Implied bump: {bump.label}"
    if target is not None and bump is not Bump.NONE:
        head += f" ({diff.old.version} -> {target})"
    lines = [head]
    reasons = diff.reasons()
    for change in reasons[:REASONS_SHOWN]:
        lines.append(f"  {bump.label}: {change.message} [{diff.title(change.section)}]")
    if len(reasons) > REASONS_SHOWN:
        lines.append(f"  ... and {len(reasons) - REASONS_SHOWN} more {bump.label} changes")
    return lines


def grouped(diff: SpecDiff) -> list[tuple[str | None, list[Change]]]:
    """Changes grouped by section, in the newer spec's section order (removed ones last)."""
    order = [s.key for s in diff.new.sections]
    order += [s.key for s in diff.old.sections if s.key not in order]
    groups: dict[str | None, list[Change]] = {}
    for change in diff.changes:
        groups.setdefault(change.section, []).append(change)
    rank = {key: i for i, key in enumerate(order)}
    return sorted(groups.items(), key=lambda item: rank.get(item[0] or "", -1))


def render_text(diff: SpecDiff, old_label: str, new_label: str) -> str:
    lines = [f"charter diff {old_label} -> {new_label}", f"Summary: {summary_line(diff)}"]
    lines += bump_lines(diff)
    levels = diff.authority_levels()
    for old, new in levels["renamed"].items():
        lines.append(f"Authority level renamed: {old} -> {new}")
    for added in levels["added"]:
        lines.append(f"Authority level now used: {added}")
    for removed in levels["removed"]:
        lines.append(f"Authority level no longer used: {removed}")
    for section, changes in grouped(diff):
        lines += ["", f"## {diff.title(section)}" + (f" {{#{section}}}" if section else "")]
        for change in changes:
            mark = _MARK.get(change.kind, "~")
            lines.append(f"  {mark} {change.message} ({change.bump.label})")
            if change.kind in (
                Kind.CLAUSE_ADDED,
                Kind.CLAUSE_REMOVED,
                Kind.CLAUSE_TAGGED,
                Kind.CLAUSE_UNTAGGED,
            ):
                lines.append(f"      {change.new or change.old}")
            if change.word_diff:
                lines += [f"      {line}" for line in change.word_diff.splitlines()]
    return "\n".join(lines) + "\n"


def diff_json(diff: SpecDiff, old_label: str, new_label: str) -> dict[str, Any]:
    return {
        "old": {"label": old_label, "version": diff.old.version},
        "new": {"label": new_label, "version": diff.new.version},
        "summary": diff.counts(),
        "bump": diff.bump.label,
        "implied_version": implied_version(diff),
        "reasons": [change.message for change in diff.reasons()],
        "authority_levels": diff.authority_levels(),
        "changes": [change.as_json() for change in diff.changes],
    }


def render_json(diff: SpecDiff, old_label: str, new_label: str) -> str:
    return json.dumps(diff_json(diff, old_label, new_label), indent=2, ensure_ascii=False) + "\n"
