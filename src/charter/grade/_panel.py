"""Several judges deciding together: majority vote, with every judge's grade kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from charter.grade._types import Grade, GradeInput, Grader, Verdict

DECISIVE = (Verdict.COMPLY, Verdict.VIOLATE, Verdict.NOT_APPLICABLE)


def majority(votes: Sequence[Grade], name: str, clause_ids: tuple[str, ...]) -> Grade:
    """The verdict most judges gave, or `needs_review` on a tie; errors do not vote.

    The rationale names the judges that disagreed; `votes` keeps every judge's grade.
    """
    counted = Counter(vote.verdict for vote in votes if vote.verdict in DECISIVE)
    if not counted:
        reasons = "; ".join(f"{vote.grader}: {vote.rationale}" for vote in votes)
        return Grade(
            Verdict.ERROR,
            name,
            f"no judge gave a verdict ({reasons})",
            None,
            clause_ids,
            tuple(votes),
        )
    ranked = counted.most_common()
    top, top_count = ranked[0]
    tied = len(ranked) > 1 and ranked[1][1] == top_count
    dissent = [vote for vote in votes if vote.verdict is not top]
    split = ", ".join(f"{vote.grader} said {vote.verdict.value}" for vote in votes)
    if tied:
        return Grade(
            Verdict.NEEDS_REVIEW, name, f"judges disagree ({split})", None, clause_ids, tuple(votes)
        )
    share = top_count / len(votes)
    rationale = f"{top_count} of {len(votes)} judges: {top.value}"
    if dissent:
        rationale += f"; disagreement: {split}"
    agreeing = [vote for vote in votes if vote.verdict is top and vote.rationale]
    if agreeing:
        rationale += f" | {agreeing[0].rationale}"
    return Grade(top, name, rationale, round(share, 3), clause_ids, tuple(votes))


class Panel:
    """Asks each judge in turn and combines their grades by `majority`."""

    def __init__(self, judges: Sequence[Grader]) -> None:
        if not judges:
            raise ValueError("a panel needs at least one judge")
        self.judges = list(judges)
        self.name = "panel:" + "+".join(judge.name.removeprefix("judge:") for judge in judges)

    async def grade(self, item: GradeInput) -> Grade:
        votes = [await judge.grade(item) for judge in self.judges]
        if len(votes) == 1:
            return votes[0]
        return majority(votes, self.name, item.clause_ids or (item.clause_id,))
