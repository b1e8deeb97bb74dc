"""Which grader decides a sample: failing checks, else the judge, else passing checks, else a
person."""

from __future__ import annotations

from charter.grade._checks import ChecksGrader
from charter.grade._types import Grade, GradeInput, Grader, Verdict

NO_GRADER = "none"


class GradingPolicy:
    """Grades each sample by the first that applies.

    A failed call is an `error`; deterministic checks decide when one of them fails; when they all
    pass, or some cannot decide, the judge (if configured) decides and both reasons are recorded;
    with no judge, the checks' verdict stands (`needs_review` when they could not decide); with
    neither, the reply is `needs_review`.

    `unreliable` (a note such as "kappa 0.02 on 372 precedents") marks a judge whose calibration
    is too poor to trust: its opinion is recorded but the sample stays `needs_review`.
    """

    def __init__(self, judge: Grader | None = None, unreliable: str | None = None) -> None:
        self.judge = judge
        self.checks = ChecksGrader()
        self.unreliable = unreliable

    async def grade(self, item: GradeInput, error: str | None = None) -> Grade:
        clause_ids = item.clause_ids or (item.clause_id,)
        if error is not None:
            return Grade(Verdict.ERROR, "engine", error, None, clause_ids)
        if not item.reply.strip():
            return Grade(Verdict.ERROR, "engine", "empty reply", None, clause_ids)
        checked = self.checks.grade_now(item) if item.checks else None
        if checked is not None and (checked.verdict is Verdict.VIOLATE or self.judge is None):
            return checked  # with no judge, undecided checks leave the reply to a person
        if self.judge is None:
            return Grade(
                Verdict.NEEDS_REVIEW,
                NO_GRADER,
                "no checks and no grader configured: the reply waits for a person",
                None,
                clause_ids,
            )
        judged = self._trusted(await self.judge.grade(item))
        if checked is None:
            return judged
        return Grade(
            judged.verdict,
            judged.grader,
            f"{_said(checked)} ({checked.rationale}); judge: {judged.rationale}",
            judged.confidence,
            judged.clause_ids,
            (checked, *(judged.votes or (judged,))),
        )

    def _trusted(self, grade: Grade) -> Grade:
        if self.unreliable is None or not grade.verdict.graded:
            return grade
        return Grade(
            Verdict.NEEDS_REVIEW,
            grade.grader,
            f"unreliable judge ({self.unreliable}) said {grade.verdict.value}: {grade.rationale}",
            grade.confidence,
            grade.clause_ids,
            grade.votes or (grade,),
        )


def _said(checked: Grade) -> str:
    return "checks passed" if checked.verdict is Verdict.COMPLY else "checks could not decide"
