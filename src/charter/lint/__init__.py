"""The spec linter: weak or ambiguous wording in normative text (rule family `L`).

Lint findings appear in `charter check` (select them with `--select L`); `charter check --fix`
applies the mechanical fixes. Use `lint_spec(spec)` directly for the findings with their edits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from charter.diagnostics import Diagnostic, Diagnostics, Rename, checker, fixer
from charter.lint._config import MODAL_STYLES, LintConfig, lint_config, project_lint_config
from charter.lint._engine import LintReport, lint_spec
from charter.lint._finding import Edit, Finding
from charter.lint._fix import apply_edits, apply_fixes
from charter.lint._normative import imperative, strip_lead
from charter.lint._phrases import phrase_pattern
from charter.lint._prose import CLARIFICATIONS_TITLE
from charter.lint._rules import LINT_RULES
from charter.lint._words import IMPERATIVE_VERBS, LOOPHOLES, VAGUE_TERMS
from charter.spec import Spec

if TYPE_CHECKING:
    from charter.check import CheckResult

__all__ = [
    "CLARIFICATIONS_TITLE",
    "IMPERATIVE_VERBS",
    "LINT_RULES",
    "LOOPHOLES",
    "MODAL_STYLES",
    "VAGUE_TERMS",
    "Edit",
    "Finding",
    "LintConfig",
    "LintReport",
    "apply_edits",
    "apply_fixes",
    "check_lint",
    "fix_check_result",
    "imperative",
    "lint_config",
    "lint_spec",
    "phrase_pattern",
    "project_lint_config",
    "strip_lead",
]


@checker
def check_lint_settings(spec: Spec, sink: Diagnostics) -> None:
    """Validate `[lint]` in charter.toml even when no lint rule is selected: a bad setting is
    reported on the first `charter check`, not when the linter is first switched on."""
    project_lint_config(spec.root)


@checker(rules=("L",))
def check_lint(spec: Spec, sink: Diagnostics) -> None:
    """Add every lint finding to the `charter check` sink."""
    report = lint_spec(spec, project_lint_config(spec.root))
    for finding in report.findings:
        sink.add(
            finding.rule,
            finding.message,
            finding.span,
            hint=finding.hint,
            length=len(finding.text.split("\n", 1)[0]),
        )


@fixer(*(rule.code for rule in LINT_RULES if rule.fixable))
def lint_fixes(spec: Spec, found: list[Diagnostic]) -> list[Edit | Rename]:
    """The lint engine's own edits for the lint findings `charter check` kept."""
    shown = {(d.code, d.span.file, d.span.line, d.span.column) for d in found}
    report = lint_spec(spec, project_lint_config(spec.root))
    return [f.fix for f in report.findings if f.fix is not None and f.key in shown]


def fix_check_result(result: CheckResult) -> int:
    """Apply the mechanical fixes of the findings `charter check` kept (after selection,
    configuration and suppression), lint and structural alike. Returns how many were made."""
    return apply_fixes(result)
