"""The catalogue of checks a prompt file can give: kinds registered by name with a code (K...),
composites (all / any / not / score), and the detectors of spec clauses (cards, PII, language,
refusal...). `charter checks` lists them; docs/checks.md is generated from them.
"""

from charter.checks._compose import combine, evaluate, validate_entry
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
    "evaluate",
    "find_kind",
    "refusal_phrase",
    "register_kind",
    "suggest",
    "validate_checks",
    "validate_entry",
]
