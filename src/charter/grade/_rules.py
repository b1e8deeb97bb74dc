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
        if problem is None or problem.unreadable or problem.unknown_key:
            continue  # an unreadable front matter is S003, an unknown key S117
        sink.add(
            INVALID_CHECKS,
            problem.message,
            Span(problem.path, problem.line),
            hint="fix the check; docs/prompt-files.md lists the kinds and their values",
        )


CHECKABLE_CLAUSE = rule(
    "S150",
    "checkable-clause",
    Severity.NOTE,
    "A clause's wording is one a check detector decides, and its prompt file lacks that check.",
    """
    Without a judge, a reply is graded by its prompt file's checks or waits for a person. Some
    clauses say what a detector decides: "must never repeat a card number" (`no_card_number`),
    "reply in the language the customer writes in" (`language: same`), "under 150 words"
    (`words: {max: 150}`). Such a clause can be graded without a judge.

    Example: a clause "The assistant must never repeat a card number" whose prompt file has no
    `no_card_number` check.

    Fix: add the check shown to the prompt file's `checks:` (`charter checks suggest PATH
    --write` adds every proposal), or ignore the rule where the detector does not fit.

    A preview rule: it runs when selected by its code (`charter check --select S150`);
    `charter checks suggest PATH` lists the same proposals.
    """,
    preview=True,
)


@checker(rules=("S150",))
def check_checkable_clauses(spec: Spec, sink: Diagnostics) -> None:
    """Proposals of `charter checks suggest`, as notes at the clause."""
    from charter.checks import suggest

    for found in suggest(spec):
        where = found.prompt_file.path if found.prompt_file else "a prompt file"
        sink.add(
            CHECKABLE_CLAUSE,
            f"clause `{found.clause.id}` says {found.wording!r}: `{found.yaml()[2:]}` in {where} "
            "would grade it without a judge",
            found.clause.span,
            hint="charter checks suggest PATH --write adds it",
        )
