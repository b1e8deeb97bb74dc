"""`charter review` in a terminal: one reply at a time, a key for the verdict, then a reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from charter.report import Tally
from charter.review._adjudicate import Adjudication, ReviewError, adjudicate
from charter.review._queue import ReviewItem, review_queue
from charter.run import RunStore

#: The keys the prompt takes, and the verdict each stands for (s skips, q stops).
KEYS = {"c": "comply", "v": "violate", "n": "not_applicable"}

Ask = Callable[[str], str]


def rate(tally: Tally) -> str:
    value = tally.pass_rate
    return "n/a" if value is None else f"{value:.1%}"


def show_item(console: Console, item: ReviewItem, number: int, total: int) -> None:
    """The clause, the conversation and the reply, all as plain text."""
    challenge = item.challenge
    console.print(
        Text(f"[{number}/{total}] sample {item.sample.id}  clause {item.clause_id}: {item.title}")
    )
    console.print(Text(challenge.clause_text, style="dim"))
    for message in challenge.messages:
        console.print(Text(f"{message.role}: ", style="bold") + Text(message.content))
    console.print(Panel(Text(item.sample.reply or ""), title="reply", title_align="left"))


def outcome_line(done: Adjudication) -> str:
    action = "replaced" if done.replaced else "written to"
    return (
        f"{done.verdict}: precedent {action} {done.precedent}; {done.item.clause_id} pass rate "
        f"{rate(done.before)} -> {rate(done.after)}"
    )


def review_interactively(
    console: Console, root: Path, store: RunStore, run_id: str, ask: Ask
) -> list[Adjudication]:
    """Ask about each reply of the run that needs review; returns the verdicts applied."""
    queue = review_queue(store, run_id)
    if not queue:
        console.print(f"run {run_id}: no reply needs review")
        return []
    applied: list[Adjudication] = []
    for number, item in enumerate(queue, 1):
        show_item(console, item, number, len(queue))
        key = ask("c comply, v violate, n not applicable, s skip, q quit").strip().lower()
        if key == "q":
            break
        if key not in KEYS:
            continue
        reason = ask("reason").strip()
        try:
            done = adjudicate(root, store, run_id, item.sample.id, KEYS[key], reason)
        except ReviewError as error:
            console.print(Text(f"not applied: {error}", style="yellow"))
            continue
        console.print(Text(outcome_line(done)))
        applied.append(done)
    return applied
