"""The catalogue of checks a prompt file can give: kinds registered by name with a code (K...),
composites (all / any / not / score), and the detectors of spec clauses (cards, PII, language,
refusal...). `charter checks` lists them; docs/checks.md is generated from them.
"""

from collections.abc import Sequence

from charter.checks._compose import combine, evaluate, kinds_in, validate_entry
from charter.checks._front import checks_for, validate_checks
from charter.checks._refusal import refusal_phrase
from charter.checks._registry import (
    CheckFormatError,
    CheckKind,
    Extra,
    Outcome,
    Reply,
    Result,
    all_kinds,
    category,
    check_kind,
    find_kind,
    register_kind,
)
from charter.checks._suggest import suggest


def embed_ahead(texts: Sequence[str]) -> int:
    """Embed, in one batch, the texts `similar` checks will compare (see `_similarity`)."""
    from charter.checks._similarity import embed_ahead as ahead

    return ahead(texts)


__all__ = [
    "CheckFormatError",
    "CheckKind",
    "Extra",
    "Outcome",
    "Reply",
    "Result",
    "all_kinds",
    "category",
    "check_kind",
    "checks_for",
    "combine",
    "embed_ahead",
    "evaluate",
    "find_kind",
    "kinds_in",
    "refusal_phrase",
    "register_kind",
    "suggest",
    "validate_checks",
    "validate_entry",
]
