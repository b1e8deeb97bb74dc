"""Which grader decides a sample: its checks, else the judge, else a person."""

from __future__ import annotations

from charter.grade._checks import ChecksGrader
from charter.grade._types import Grade, GradeInput, Grader, Verdict

NO_GRADER = "none"


class GradingPolicy:
    """Grades each sample by the first that applies.

    A failed call is an `error`; deterministic checks decide when the prompt file has them; else
    the judge, if one is configured; else the reply is `needs_review`.
    """

    def __init__(self, judge: Grader | None = None) -> None:
        self.judge = judge
        self.checks = ChecksGrader()

    async def grade(self, item: GradeInput, error: str | None = None) -> Grade:
        clause_ids = item.clause_ids or (item.clause_id,)
        if error is not None:
            return Grade(Verdict.ERROR, "engine", error, None, clause_ids)
        if not item.reply.strip():
            return Grade(Verdict.ERROR, "engine", "empty reply", None, clause_ids)
        if item.checks:
            return self.checks.grade_now(item)
        if self.judge is not None:
            return await self.judge.grade(item)
        return Grade(
            Verdict.NEEDS_REVIEW,
            NO_GRADER,
            "no checks and no grader configured: the reply waits for a person",
            None,
            clause_ids,
        )
