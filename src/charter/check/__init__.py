"""Type-check a spec: rules with stable codes, output as text, JSON, SARIF or GitHub.

Importing this package loads every built-in checker (structure, prompt-file checks,
precedents, modules, conflicts, lint), so the library and the command line find the same things::

    from charter.check import check_path, render
    result = check_path("path/to/project")
    print(render(result, "text"))

Every built-in stage's checkers and rules, and those of installed plugins, are registered through
`charter.plugins` (`BUILTIN_PLUGINS["checkers"]`); this package imports none of the stages.
"""

from charter.check._engine import CheckResult, check_path, check_spec, default_selection
from charter.check._fixes import apply_fixes, fixer
from charter.check._format import render, summary_line
from charter.check._registry import checker, checkers
from charter.diagnostics import FORMATS
from charter.plugins import load_checkers

load_checkers()  # the catalogue (`charter rules`) lists every rule once this package is imported

__all__ = [
    "FORMATS",
    "CheckResult",
    "apply_fixes",
    "check_path",
    "check_spec",
    "checker",
    "checkers",
    "default_selection",
    "fixer",
    "render",
    "summary_line",
]
