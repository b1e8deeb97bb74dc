"""Grade one reply to a clause's challenge prompt, as a run would: the prompt file's checks,
then the judge (if any)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from charter.grade import Grade, GradingPolicy, choose_judge, close_grader
from charter.run import PlanError, Selection, grade_input, plan
from charter.spec import Project


def grade_reply(
    project: Project,
    clause_id: str,
    reply: str,
    *,
    prompt_index: int = 0,
    graders: Sequence[str] = (),
) -> Grade:
    """The grade of `reply` to prompt `prompt_index` of `clause_id`: its checks decide, then
    the judges `graders` (PROVIDER:MODEL); with neither, the reply needs review."""
    challenges = [
        c
        for c in plan(project.spec, Selection([clause_id]))
        if c.clause_id == clause_id and c.prompt_index == prompt_index
    ]
    if not challenges:
        raise PlanError(f"{clause_id}: no challenge prompt {prompt_index} (see `charter show`)")
    judge = choose_judge(project, graders, model="")
    item = grade_input(challenges[0], reply)

    async def grade() -> Grade:
        try:
            return await GradingPolicy(judge).grade(item)
        finally:
            await close_grader(judge)

    return asyncio.run(grade())
