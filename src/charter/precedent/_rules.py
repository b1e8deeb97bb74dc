"""`charter check` rules for precedent files (family P)."""

from __future__ import annotations

from pathlib import Path

from charter._source import Span
from charter.diagnostics import Diagnostics, Related, Severity, checker, rule
from charter.precedent._model import VERDICTS, Precedent, load_precedents
from charter.spec import Spec

UNREADABLE = rule(
    "P100",
    "unreadable-precedent",
    Severity.ERROR,
    "A precedent file is not a YAML mapping, or its checks are malformed.",
    """
    Each file under `precedents/` is one decided case written as YAML. A file that does not parse
    cannot serve as few-shot context, as a judge's unit test or as a regression test. Its optional
    `checks:` are validated as a prompt file's are.

    Example: a tab used for indentation, a file holding a list instead of `id: ...` keys, or
    `checks: [{shouts: loud}]`.

    Fix: correct the YAML or the check at the line shown, or delete the file.
    """,
)

UNKNOWN_CLAUSE = rule(
    "P101",
    "precedent-unknown-clause",
    Severity.ERROR,
    "A precedent names a clause id the spec does not have.",
    """
    A precedent decides a case under particular clauses. When one of its `clause_ids` is tagged
    nowhere in the spec, the clause was renamed or removed and the precedent applies to nothing.

    Example: `clause_ids: [zz01]` when no sentence ends with `[^zz01]`.

    Fix: change the id to the clause the case is about, or delete the precedent.
    """,
)

BAD_VERDICT = rule(
    "P102",
    "precedent-bad-verdict",
    Severity.ERROR,
    "A precedent's verdict is not comply, violate or not_applicable.",
    """
    Calibration compares a judge's verdict with the precedent's, so the precedent's must be one of
    the three a judge can give.

    Example: `verdict: pass`.

    Fix: write `verdict: comply`, `verdict: violate` or `verdict: not_applicable`.
    """,
)

MISSING_REPLY = rule(
    "P103",
    "precedent-missing-reply",
    Severity.ERROR,
    "A precedent has no reply (or no conversation) to judge.",
    """
    A precedent is a verdict on one reply to one conversation; without both there is no case.

    Example: a file with `verdict: violate` and no `reply:` key.

    Fix: add the `reply:` text and the `conversation:` turns it answers.
    """,
)

DUPLICATE = rule(
    "P104",
    "duplicate-precedent",
    Severity.WARNING,
    "Two precedents hold the same conversation and reply.",
    """
    The same case recorded twice counts twice in calibration; when the two verdicts differ it is
    also a contradiction the judge cannot satisfy.

    Example: `charter precedent import-examples` run twice over a renamed folder.

    Fix: delete one of the two files (keep the one whose verdict and rationale are right).
    """,
)


def _span(precedent: Precedent, field: str) -> Span:
    return Span(precedent.path or "precedents", precedent.line(field))


@checker
def check_precedents(spec: Spec, sink: Diagnostics) -> None:
    """Check every file under `precedents/` against the spec."""
    found, errors = load_precedents(Path(spec.root))
    for error in errors:
        sink.add(UNREADABLE, error.message, Span(error.path, error.line))
    known = {clause.id for clause in spec.clauses}
    seen: dict[str, Precedent] = {}
    for precedent in found:
        for clause_id in precedent.clause_ids:
            if clause_id not in known:
                sink.add(
                    UNKNOWN_CLAUSE,
                    f"precedent `{precedent.id}` names clause `{clause_id}`, which the spec lacks",
                    _span(precedent, "clause_ids"),
                    hint="use an existing clause id, or delete the precedent",
                )
        if precedent.verdict not in VERDICTS:
            sink.add(
                BAD_VERDICT,
                f"verdict `{precedent.verdict or '(none)'}` is not one of {', '.join(VERDICTS)}",
                _span(precedent, "verdict"),
                hint="write verdict: comply, violate or not_applicable",
            )
        if not precedent.reply.strip() or not precedent.conversation:
            missing = "reply" if not precedent.reply.strip() else "conversation"
            sink.add(
                MISSING_REPLY,
                f"precedent `{precedent.id}` has no {missing}",
                _span(precedent, missing),
                hint=f"add the `{missing}:` the verdict is about",
            )
            continue
        first = seen.setdefault(precedent.case_key, precedent)
        if first is not precedent:
            sink.add(
                DUPLICATE,
                f"precedent `{precedent.id}` repeats the case of `{first.id}`",
                _span(precedent, "reply"),
                related=(Related(_span(first, "reply"), "first recorded here"),),
                hint="delete one of the two files",
            )
