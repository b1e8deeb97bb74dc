"""Grading replies against clauses: deterministic checks, a basic model judge, or a person.

No packaged model is a usable judge, so without checks or a configured `--grader` a reply is
`needs_review` rather than given a guessed verdict.
"""

from charter.grade._checks import (
    CHECK_KINDS,
    CheckFormatError,
    ChecksGrader,
    checks_for,
    looks_like_refusal,
    run_check,
)
from charter.grade._judge import ModelJudge, VerdictFormatError, load_template, parse_verdict
from charter.grade._policy import GradingPolicy
from charter.grade._types import Grade, GradeInput, Grader, Reference, Verdict

__all__ = [
    "CHECK_KINDS",
    "CheckFormatError",
    "ChecksGrader",
    "Grade",
    "GradeInput",
    "Grader",
    "GradingPolicy",
    "ModelJudge",
    "Reference",
    "Verdict",
    "VerdictFormatError",
    "checks_for",
    "load_template",
    "looks_like_refusal",
    "parse_verdict",
    "run_check",
]
