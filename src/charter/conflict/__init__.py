"""Conflicts between clauses: opposite modality (deterministic), embedding candidates (MiniLM,
searched with LSH) adjudicated by a configured judge, and the chain of command's verdict.

from charter.conflict import conflict_report
report = conflict_report(spec)   # report.conflicts, report.resolved
"""

from charter.conflict import _rules as rules
from charter.conflict._checks import conflict_report
from charter.conflict._config import (
    SEMANTIC_THRESHOLD,
    ConflictSettings,
    Resolution,
    Resolutions,
    conflict_settings,
    load_resolutions,
)
from charter.conflict._detect import (
    CONFLICT,
    IMPLICIT,
    POSSIBLE,
    Conflict,
    ConflictReport,
    clause_statements,
    find_conflicts,
)
from charter.conflict._deterministic import CORE_SIMILARITY, opposed, opposite_modality
from charter.conflict._normalize import Statement, statements, tokens
from charter.conflict._semantic import embed
from charter.conflict._witness import Witness, witness

__all__ = [
    "CONFLICT",
    "CORE_SIMILARITY",
    "IMPLICIT",
    "POSSIBLE",
    "SEMANTIC_THRESHOLD",
    "Conflict",
    "ConflictReport",
    "ConflictSettings",
    "Resolution",
    "Resolutions",
    "Statement",
    "Witness",
    "clause_statements",
    "conflict_report",
    "conflict_settings",
    "embed",
    "find_conflicts",
    "load_resolutions",
    "opposed",
    "opposite_modality",
    "rules",
    "statements",
    "tokens",
    "witness",
]
