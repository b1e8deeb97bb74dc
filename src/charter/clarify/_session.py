"""`charter clarify` in a terminal: the questions asked one by one (or answered from a file),
the answers written back into the spec."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from charter._display import markup_safe as escape
from charter.clarify._answers import Answer, choose, load_answers
from charter.clarify._apply import apply_answers
from charter.clarify._open import applied_line, open_questions, print_question
from charter.clarify._questions import Question
from charter.errors import UsageError


def ask(console: Console, questions: list[Question]) -> list[Answer]:
    """Ask each question on the terminal; empty skips it, `q` stops."""
    from rich.prompt import Prompt

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


def clarify_in_terminal(
    path: Path, answers: Path | None, limit: int | None, dry_run: bool, date: str | None
) -> None:
    """Ask (or read from `answers`) at most `limit` questions; `dry_run` writes nothing;
    `date` (YYYY-MM-DD, default today) dates the log entry."""
    try:
        today = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise UsageError(f"--date must be YYYY-MM-DD, not `{date}`") from None
    root, questions = open_questions(path)
    console = Console(highlight=False, soft_wrap=True)
    if answers is not None:
        chosen = load_answers(answers, questions)
        if limit is not None:
            chosen = chosen[:limit]
    else:
        shown = questions[:limit] if limit is not None else questions
        if dry_run:
            for number, question in enumerate(shown, 1):
                print_question(console, number, question)
            console.print(f"{len(shown)} of {len(questions)} open questions.")
            return
        chosen = ask(console, shown)
    if dry_run:
        for answer in chosen:
            console.print(f"{escape(answer.question.id)} -> {escape(answer.label)}")
        return
    if not chosen:
        console.print("No answers; the spec is unchanged.")
        return
    console.print(applied_line(apply_answers(root, chosen, today)))
