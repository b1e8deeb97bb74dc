"""The tables `charter runs` and `charter show-run` print: the recorded runs, a run's samples."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from charter._display import markup_safe as safe
from charter.report._model import RunReport
from charter.run import RunSummary


def runs_table(summaries: Sequence[RunSummary]) -> Table:
    """One row per run: id, date, model, grader, samples, status, pass rate."""
    table = Table()
    for header in ("run", "date", "model", "grader", "samples", "status", "pass rate"):
        table.add_column(header)
    for summary in summaries:
        run = summary.run
        rate = summary.pass_rate
        table.add_row(
            safe(run.id),
            safe(run.created.replace("T", " ")[:19]),
            safe(", ".join(run.models or (run.model,))),
            safe(run.grader or "-"),
            f"{summary.samples}/{run.planned}",
            safe(run.shown_status),
            "n/a" if rate is None else f"{rate:.1%}",
        )
    return table


def samples_table(report: RunReport) -> Table:
    """Every sample of the run; a `carried` column names the run a carried sample came from."""
    table = Table(title="samples", title_justify="left", show_lines=False)
    carried = report.carried > 0
    headers = ["id", "clause", "prompt", "epoch", "verdict", "grader", "reason", "reply"]
    for header in headers:
        table.add_column(header, overflow="fold")
    if carried:
        table.add_column("carried from run", no_wrap=True)
    several = len(report.models) > 1
    if several:
        table.add_column("model", overflow="fold")
    for item in report.samples:
        sample = item.sample
        reply = (sample.reply or "").replace("\n", " ")
        origin = sample.carried_run or "-"
        table.add_row(
            str(sample.id),
            safe(sample.clause_id),
            str(sample.prompt_index),
            str(sample.epoch),
            safe(sample.verdict or "ungraded"),
            safe(sample.grader or "-"),
            safe((sample.rationale or sample.error or "")[:120]),
            safe(reply[:160] + ("…" if len(reply) > 160 else "")),
            *([safe(origin)] if carried else []),
            *([safe(sample.model)] if several else []),
        )
    return table
