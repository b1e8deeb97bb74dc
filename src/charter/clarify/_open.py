"""The questions still open in a project, and how one is shown in the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from charter._display import markup_safe as escape
from charter.clarify._apply import Applied
from charter.clarify._questions import Question, answered_ids, build_questions


def open_questions(path: Path) -> tuple[str, list[Question]]:
    """The project's root and its questions not yet answered in a `## Clarifications` log."""
    from charter.lint import project_lint_config
    from charter.spec import load_project

    project = load_project(path)
    spec = project.spec
    questions = build_questions(spec, project_lint_config(spec.root))
    done: set[str] = set()
    for spec_file in spec.files:
        text = (Path(spec.root) / spec_file.path).read_bytes().decode("utf-8", errors="replace")
        done |= answered_ids(text)
    return spec.root, [q for q in questions if q.id not in done]


def print_question(console: Console, number: int, question: Question) -> None:
    """The question, the finding it comes from, its numbered options and the free answer."""
    finding = question.finding
    console.print(
        f"[bold]{number}. {escape(question.id)}[/bold]  "
        f"({finding.rule.code} {finding.rule.name}, {escape(str(finding.span))}, "
        f"score {question.score:.1f})"
    )
    console.print(f"   {escape(' '.join(finding.sentence.split()))}", style="dim")
    console.print(f"   {escape(question.text)}")
    for index, option in enumerate(question.options, 1):
        console.print(f"     {index}) {escape(option.label)}")
    console.print(f"     or type {escape(question.free_text_prompt)}")


def applied_line(applied: Sequence[Applied]) -> str:
    """How many answers were recorded and edits made, and the ones not applied."""
    changed = sum(1 for item in applied if item.before != item.after and not item.skipped)
    skipped = [item for item in applied if item.skipped]
    return f"Recorded {len(applied)} answers ({changed} edits) in the Clarifications log." + (
        f" {len(skipped)} not applied: they overlap an earlier answer." if skipped else ""
    )
