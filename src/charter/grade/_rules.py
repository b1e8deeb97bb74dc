"""`charter check` rules for the checks in prompt files' front matter."""

from __future__ import annotations

from pathlib import Path

from charter._source import Span
from charter.diagnostics import Diagnostics, Severity, checker, rule
from charter.grade._prompt_checks import prompt_file_problem
from charter.spec import Spec

INVALID_CHECKS = rule(
    "S119",
    "invalid-prompt-checks",
    Severity.ERROR,
    "A check in a prompt file's front matter cannot be used.",
    """
    The `checks:` in a prompt file's front matter grade the replies to its examples. A check of an
    unknown kind, with a value of the wrong type, or a regex or JSON Schema that does not compile
    cannot grade anything, and `charter test` refuses to start until it is fixed.

    Example: `- regex: "order #(\\d+"` (an unclosed group), or `- max_length: long`.

    Fix: correct the check at the line shown (docs/prompt-files.md lists the kinds).
    """,
)


@checker
def check_prompt_checks(spec: Spec, sink: Diagnostics) -> None:
    """The same validation `charter test` applies before it sends anything."""
    root = Path(spec.root)
    for prompt_file in spec.prompt_files:
        problem = prompt_file_problem(root, prompt_file)
        if problem is None or problem.unreadable:
            continue  # an unreadable front matter is already an S003 finding
        sink.add(
            INVALID_CHECKS,
            problem.message,
            Span(problem.path, problem.line),
            hint="fix the check; docs/prompt-files.md lists the kinds and their values",
        )
