"""Type-check a spec: rules with stable codes, output as text, JSON, SARIF or GitHub.

Importing this package registers every built-in checker (structure, prompt-file checks,
precedents, modules, conflicts, lint), so the library and the command line find the same things::

    from charter.check import check_path, render
    result = check_path("path/to/project")
    print(render(result, "text"))
"""

from charter.agents import _checks as _agent_checks  # noqa: F401  (A rules)
from charter.check import _front_matter as _front_matter
from charter.check import _structure as _structure
from charter.check._engine import CheckResult, check_path, check_spec
from charter.check._fixes import apply_fixes, fixer
from charter.check._format import render, summary_line
from charter.check._registry import checker, checkers
from charter.compose import _checks as _compose_checks  # noqa: F401  (C0xx, C1xx rules)
from charter.conflict import _checks as _conflict_checks  # noqa: F401  (C2xx rules)
from charter.diagnostics import FORMATS
from charter.grade import _rules as _grade_rules  # noqa: F401  (S119: prompt-file checks)
from charter.lint import _rules as _lint_rules  # noqa: F401  (L rules, opt-in)
from charter.precedent import _rules as _precedent_rules  # noqa: F401  (P rules)

__all__ = [
    "FORMATS",
    "CheckResult",
    "apply_fixes",
    "check_path",
    "check_spec",
    "checker",
    "checkers",
    "fixer",
    "render",
    "summary_line",
]
