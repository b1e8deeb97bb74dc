"""Across runs: each clause's pass rate run after run, and two runs (or two models) clause by
clause with their 95% intervals."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from charter.report._model import RunReport, Tally
from charter.run import RunRecord, RunStore


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One run's figures for one clause."""

    run: RunRecord
    tally: Tally


def clause_history(store: RunStore) -> dict[str, list[HistoryPoint]]:
    """Every clause's figures in every stored run that tested it, oldest run first."""
    found: dict[str, list[HistoryPoint]] = {}
    for summary in store.list_runs():
        report = RunReport.load(store, summary.run.id)
        for result in report.clauses:
            found.setdefault(result.id, []).append(HistoryPoint(report.run, result.tally))
    return found


@dataclass(frozen=True, slots=True)
class ClauseComparison:
    """One clause in two runs; a tally is None when that run did not test the clause."""

    clause_id: str
    first: Tally | None
    second: Tally | None

    @property
    def change(self) -> float | None:
        """The second pass rate minus the first (None unless both have one)."""
        if self.first is None or self.second is None:
            return None
        a, b = self.first.pass_rate, self.second.pass_rate
        return None if a is None or b is None else b - a

    @property
    def separated(self) -> bool:
        """The two 95% intervals do not overlap: the difference is more than noise."""
        a = self.first.interval if self.first is not None else None
        b = self.second.interval if self.second is not None else None
        return a is not None and b is not None and (a[1] < b[0] or b[1] < a[0])


@dataclass(frozen=True, slots=True)
class Comparison:
    first: RunReport
    second: RunReport
    clauses: list[ClauseComparison]

    @property
    def total(self) -> ClauseComparison:
        return ClauseComparison("total", self.first.total, self.second.total)


def compare_runs(first: RunReport, second: RunReport) -> Comparison:
    """The clauses of both runs, in the first run's order, then those only the second has."""
    a = {result.id: result.tally for result in first.clauses}
    b = {result.id: result.tally for result in second.clauses}
    ids = list(dict.fromkeys([*a, *b]))
    return Comparison(first, second, [ClauseComparison(i, a.get(i), b.get(i)) for i in ids])


def latest_run_of(store: RunStore, model: str) -> str | None:
    """The newest stored run that tests `model` (any status), for comparing two models."""
    runs = [summary.run.id for summary in store.list_runs() if model in summary.run.models]
    return runs[-1] if runs else None


def cell_text(tally: Tally | None) -> str:
    """A pass rate, its 95% interval and n as one cell; `-` when the clause was not tested."""
    if tally is None:
        return "-"
    rate, interval = tally.pass_rate, tally.interval
    if rate is None or interval is None:
        return f"n/a ({tally.needs_review} to review)" if tally.needs_review else "n/a"
    return f"{rate:.0%} [{interval[0]:.2f}, {interval[1]:.2f}] n={tally.n}"


def comparison_rows(comparison: Comparison) -> list[tuple[str, str, str, str]]:
    """(clause, first, second, change) as text, the total last; a change whose intervals do
    not overlap is marked `*`."""
    rows = []
    for item in [*comparison.clauses, comparison.total]:
        change = item.change
        shown = "-" if change is None else f"{change:+.0%}" + (" *" if item.separated else "")
        rows.append((item.clause_id, cell_text(item.first), cell_text(item.second), shown))
    return rows


def comparison_table(comparison: Comparison) -> Table:
    """The comparison as the terminal prints it."""
    first, second = comparison.first.run, comparison.second.run
    table = Table(title=f"{first.id} ({first.model}) vs {second.id} ({second.model})")
    for header in ("clause", first.id, second.id, "change"):
        table.add_column(header)
    for row in comparison_rows(comparison):
        table.add_row(*(Text(cell) for cell in row))
    table.caption = "* the 95% intervals do not overlap"
    return table
