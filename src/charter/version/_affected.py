"""Which clauses a diff touches, so that only their tests need to run again."""

from __future__ import annotations

from charter.version._diff import Kind, SpecDiff

_TOUCHING = {
    Kind.CLAUSE_ADDED,
    Kind.CLAUSE_TAGGED,
    Kind.CLAUSE_ID_CHANGED,
    Kind.CLAUSE_REWORDED,
    Kind.CLAUSE_MOVED,
    Kind.CLAUSE_AUTHORITY,
    Kind.CLAUSE_MODALITY,
    Kind.PROMPT_ADDED,
    Kind.PROMPT_EDITED,
}


#: Section-level changes that change the context every clause of the section is judged in.
_SECTION_CONTEXT = {Kind.SECTION_TEXT, Kind.SECTION_AUTHORITY}


def affected_clauses(diff: SpecDiff) -> set[str]:
    """Ids (in the newer spec) of clauses that were added, or whose text, authority, modality,
    section or prompt file changed, or whose section's prose or authority changed. Removed clauses
    are not included: they have no test left."""
    present = {clause.id for clause in diff.new.clauses} | {p.id for p in diff.new.prompt_files}
    touched = {
        change.id for change in diff.changes if change.kind in _TOUCHING and change.id in present
    }
    sections = {change.section for change in diff.changes if change.kind in _SECTION_CONTEXT}
    touched |= {clause.id for clause in diff.new.clauses if clause.section in sections}
    return touched


#: Section-level changes that change what a section's inline examples send, or the section text
#: their replies are judged against.
_SECTION_EXAMPLES = {
    Kind.SECTION_TEXT,
    Kind.SECTION_EXAMPLES,
    Kind.SECTION_AUTHORITY,
    Kind.SECTION_RENAMED,
}

#: Clause changes that change the text of the section holding the clause.
_SECTION_WORDING = {
    Kind.CLAUSE_ADDED,
    Kind.CLAUSE_REMOVED,
    Kind.CLAUSE_TAGGED,
    Kind.CLAUSE_UNTAGGED,
    Kind.CLAUSE_ID_CHANGED,
    Kind.CLAUSE_REWORDED,
    Kind.CLAUSE_MODALITY,
    Kind.CLAUSE_MOVED,
}


def affected_sections(diff: SpecDiff) -> set[str]:
    """Keys (in the newer spec) of sections whose inline examples must run again: their examples,
    prose, authority or title changed, or a clause in them was added, removed, reworded, renamed
    or moved in or out (their replies are judged against the section's whole text)."""
    keys: set[str | None] = set()
    for change in diff.changes:
        if change.kind in _SECTION_EXAMPLES:
            keys.add(change.section)
        elif change.kind is Kind.CLAUSE_REMOVED:
            keys.add(diff.section_keys.get(change.section or ""))
        elif change.kind in _SECTION_WORDING:
            keys.add(change.section)
            if change.kind is Kind.CLAUSE_MOVED:
                keys.add(diff.section_keys.get(change.old or ""))
    present = {section.key for section in diff.new.sections}
    return {key for key in keys if key in present}
