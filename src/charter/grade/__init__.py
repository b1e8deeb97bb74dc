"""Grading replies against clauses: deterministic checks, a basic model judge, or a person.

No packaged model is a usable judge, so without checks or a configured `--grader` a reply is
`needs_review` rather than given a guessed verdict.
"""

from charter._agreement import Agreement, agreement, cohen_kappa
from charter.grade._calibrate import (
    CALIBRATION_DIR,
    MIN_PRECEDENTS,
    RELIABLE_KAPPA,
    Calibration,
    calibrate,
    calibration_for,
    figures_line,
    is_reliable,
    kappa_of,
    load_figures,
    measured,
    spec_contexts,
)
from charter.grade._calibrate import save as save_calibration
from charter.grade._calibration_run import (
    CalibrationCases,
    calibrate_judges,
    calibration_cases,
    calibration_lines,
    calibration_progress,
    measure_judge,
    print_calibration,
)
from charter.grade._checks import (
    CheckFormatError,
    ChecksGrader,
    checks_for,
    looks_like_refusal,
    run_check,
    validate_checks,
)
from charter.grade._choose import JudgeFigures, choose_judge, close_grader, judge_figures
from charter.grade._context import ClauseContext, clause_context
from charter.grade._judge import ModelJudge, VerdictFormatError, load_template, parse_verdict
from charter.grade._panel import Panel, majority
from charter.grade._policy import GradingPolicy
from charter.grade._prompt_checks import PromptProblem, prompt_file_problem
from charter.grade._setup import JudgeSetupError, build_judge, min_precedents, provider_for
from charter.grade._spec_judge import VERDICT_SCHEMA, SpecJudge, Templates
from charter.grade._types import CallFacts, Grade, GradeInput, Grader, Reference, Verdict

__all__ = [
    "CALIBRATION_DIR",
    "MIN_PRECEDENTS",
    "RELIABLE_KAPPA",
    "VERDICT_SCHEMA",
    "Agreement",
    "Calibration",
    "CalibrationCases",
    "CallFacts",
    "CheckFormatError",
    "ChecksGrader",
    "ClauseContext",
    "Grade",
    "GradeInput",
    "Grader",
    "GradingPolicy",
    "JudgeFigures",
    "JudgeSetupError",
    "ModelJudge",
    "Panel",
    "PromptProblem",
    "Reference",
    "SpecJudge",
    "Templates",
    "Verdict",
    "VerdictFormatError",
    "agreement",
    "build_judge",
    "calibrate",
    "calibrate_judges",
    "calibration_cases",
    "calibration_for",
    "calibration_lines",
    "calibration_progress",
    "checks_for",
    "choose_judge",
    "clause_context",
    "close_grader",
    "cohen_kappa",
    "figures_line",
    "is_reliable",
    "judge_figures",
    "kappa_of",
    "load_figures",
    "load_template",
    "looks_like_refusal",
    "majority",
    "measure_judge",
    "measured",
    "min_precedents",
    "parse_verdict",
    "print_calibration",
    "prompt_file_problem",
    "provider_for",
    "run_check",
    "save_calibration",
    "spec_contexts",
    "validate_checks",
]
