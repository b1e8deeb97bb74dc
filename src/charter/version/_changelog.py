"""A changelog entry in markdown, written from a diff: headline changes first, then lists."""

from __future__ import annotations

from charter.version._diff import Change, Kind, SpecDiff

_LISTS: tuple[tuple[str, tuple[Kind, ...]], ...] = (
    ("Added", (Kind.SECTION_ADDED, Kind.CLAUSE_ADDED, Kind.PROMPT_ADDED)),
    ("Removed", (Kind.SECTION_REMOVED, Kind.CLAUSE_REMOVED, Kind.PROMPT_REMOVED)),
    ("Authority", (Kind.SECTION_AUTHORITY, Kind.CLAUSE_AUTHORITY)),
    ("Modality", (Kind.CLAUSE_MODALITY,)),
    ("Reworded", (Kind.CLAUSE_REWORDED,)),
    (
        "Renamed and moved",
        (Kind.SECTION_RENAMED, Kind.CLAUSE_ID_CHANGED, Kind.SECTION_MOVED, Kind.CLAUSE_MOVED),
    ),
    ("Tagged and untagged", (Kind.CLAUSE_TAGGED, Kind.CLAUSE_UNTAGGED)),
    ("Guidance text (untagged prose)", (Kind.SECTION_TEXT,)),
    ("Inline examples", (Kind.SECTION_EXAMPLES,)),
    ("Prompt files", (Kind.PROMPT_EDITED,)),
)

#: A section whose untagged prose changed by at least this many sentences is a headline.
_HEADLINE_PROSE = 4


def _headlines(diff: SpecDiff) -> list[str]:
    lines: list[str] = []
    levels = diff.authority_levels()
    for old, new in levels["renamed"].items():
        count = levels["rename_counts"][f"{old} -> {new}"]
        lines.append(f"Renames the authority level **{old}** to **{new}** ({count} sections).")
    for added in levels["added"]:
        users = [s.title for s in diff.new.sections if (s.stated_authority or "").lower() == added]
        lines.append(f"Introduces the **{added}** authority level, used by: {_titles(users)}.")
    for removed in levels["removed"]:
        lines.append(f"No section uses the **{removed}** authority level any more.")
    added = [c.new or c.id for c in diff.changes if c.kind is Kind.SECTION_ADDED]
    if added:
        lines.append(f"Adds sections: {_titles(added)}.")
    removed = [c.old or c.id for c in diff.changes if c.kind is Kind.SECTION_REMOVED]
    if removed:
        lines.append(f"Removes sections: {_titles(removed)}.")
    moved = [c for c in diff.changes if c.kind is Kind.SECTION_AUTHORITY]
    if moved:
        items = [f"{diff.title(c.section)} ({c.old} -> {c.new})" for c in moved]
        lines.append(f"Changes the authority of: {'; '.join(items)}.")
    modal = [c for c in diff.changes if c.kind is Kind.CLAUSE_MODALITY]
    if modal:
        items = [f"[^{c.id}] {c.old} -> {c.new}" for c in modal]
        lines.append(f"Changes how binding clauses are: {'; '.join(items)}.")
    rewritten = sorted(
        (
            c
            for c in diff.changes
            if c.kind is Kind.SECTION_TEXT and _sentences_changed(c) >= _HEADLINE_PROSE
        ),
        key=lambda c: -_sentences_changed(c),
    )
    if rewritten:
        items = [
            f'"{diff.title(c.section)}" ({_sentences_changed(c)} sentences)' for c in rewritten
        ]
        lines.append(f"Rewrites the guidance of: {', '.join(items)}.")
    return lines


def _sentences_changed(change: Change) -> int:
    """Sentences added, removed or reworded in a `section-text` change: one word-diff line each."""
    return len((change.word_diff or "").splitlines())


def _titles(titles: list[str]) -> str:
    return ", ".join(f'"{title}"' for title in titles)


def _item(diff: SpecDiff, change: Change) -> str:
    where = diff.title(change.section)
    text = f"- {change.message} ({where}; {change.bump.label})"
    if change.kind in (
        Kind.CLAUSE_ADDED,
        Kind.CLAUSE_REMOVED,
        Kind.CLAUSE_TAGGED,
        Kind.CLAUSE_UNTAGGED,
    ):
        text += f": {change.new or change.old}"
    elif change.kind is Kind.SECTION_TEXT and change.new:
        text += f': "{_shorten(change.new)}"'
    elif change.word_diff:
        text += f": {change.word_diff}"
    return text


def changelog_entry(diff: SpecDiff, heading: str, intro: str | None = None) -> str:
    """A `## heading` entry: an optional intro, the headline changes, then one list per kind."""
    lines = [f"## {heading}", ""]
    if intro:
        lines += [intro.strip(), ""]
    if not diff.changes:
        return "\n".join([*lines, "No changes to sections, clauses or prompt files."]) + "\n"
    headlines = _headlines(diff)
    lines.append(f"Implied version bump: **{diff.bump.label}**.")
    lines.append("")
    if headlines:
        lines += ["Notable changes:", ""]
        lines += [f"* {line}" for line in headlines]
        lines.append("")
    for title, kinds in _LISTS:
        picked = [change for change in diff.changes if change.kind in kinds]
        if picked:
            lines += [f"### {title}", ""]
            lines += [_item(diff, change) for change in picked]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _shorten(text: str, width: int = 140) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
