"""Which clauses a diff touches, so that only their tests need to run again."""

from __future__ import annotations

from charter.version._diff import Kind, SpecDiff

_TOUCHING = {
    Kind.CLAUSE_ADDED,
    Kind.CLAUSE_ID_CHANGED,
    Kind.CLAUSE_REWORDED,
    Kind.CLAUSE_MOVED,
    Kind.CLAUSE_AUTHORITY,
    Kind.CLAUSE_MODALITY,
    Kind.PROMPT_ADDED,
    Kind.PROMPT_EDITED,
}


def affected_clauses(diff: SpecDiff) -> set[str]:
    """Ids (in the newer spec) of clauses that were added, or whose text, authority, modality,
    section or prompt file changed. Removed clauses are not included: they have no test left."""
    present = {clause.id for clause in diff.new.clauses} | {p.id for p in diff.new.prompt_files}
    return {
        change.id for change in diff.changes if change.kind in _TOUCHING and change.id in present
    }
