"""`charter clarify`: questions from lint findings, answered in the terminal or from a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli._app import PathArg, app, opt
from charter.cli._errors import UsageError

# clarify, lint and spec are imported inside the functions, so that start-up does not pay for
# them (lint compiles its phrase tables at import).
if TYPE_CHECKING:
    from rich.console import Console

    from charter.clarify import Answer, Question


def _ask(console: Console, questions: list[Question]) -> list[Answer]:
    from rich.prompt import Prompt

    from charter.clarify import choose, print_question

    answers: list[Answer] = []
    for number, question in enumerate(questions, 1):
        print_question(console, number, question)
        reply = Prompt.ask("   answer (empty to skip, q to stop)", default="", console=console)
        if reply.strip().lower() == "q":
            break
        if not reply.strip():
            continue
        answer = choose(question, reply)
        if answer.option is not None and answer.option.definition:
            definition = Prompt.ask("   definition", console=console).strip()
            if not definition:
                continue
            answer = choose(question, reply, definition)
        answers.append(answer)
    return answers


@app.command()
def clarify(
    path: PathArg = Path(),
    answers: Annotated[Path | None, opt("clarify.answers")] = None,
    limit: Annotated[
        int | None, typer.Option("--max", min=1, help="Ask at most this many questions.")
    ] = None,
    dry_run: Annotated[bool, opt("clarify.dry_run")] = False,
    date: Annotated[str | None, opt("clarify.date")] = None,
) -> None:
    """Turn lint findings into questions ranked by impact (authority, prompts that touch the
    clause) and uncertainty; write the answers back as edits of the flagged sentences plus a
    dated `## Clarifications` log at the end of the spec file."""
    import datetime as dt

    from rich.console import Console

    from charter import clarify
    from charter._display import markup_safe as escape

    try:
        today = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise UsageError(f"--date must be YYYY-MM-DD, not `{date}`") from None
    root, questions = clarify.open_questions(path)
    console = Console(highlight=False, soft_wrap=True)
    if answers is not None:
        try:
            chosen = clarify.load_answers(answers, questions)
        except clarify.AnswersError as error:
            raise UsageError(str(error)) from None
        if limit is not None:
            chosen = chosen[:limit]
    else:
        shown = questions[:limit] if limit is not None else questions
        if dry_run:
            for number, question in enumerate(shown, 1):
                clarify.print_question(console, number, question)
            console.print(f"{len(shown)} of {len(questions)} open questions.")
            return
        chosen = _ask(console, shown)
    if dry_run:
        for answer in chosen:
            console.print(f"{escape(answer.question.id)} -> {escape(answer.label)}")
        return
    if not chosen:
        console.print("No answers; the spec is unchanged.")
        return
    console.print(clarify.applied_line(clarify.apply_answers(root, chosen, today)))
