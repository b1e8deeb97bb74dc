"""The Runs and Review screens' reads of the run store."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charter.report import (
    Comparison,
    HistoryPoint,
    ModelComparison,
    RunReport,
    SampleResult,
    clause_history,
    compare_models,
    compare_runs,
    latest_run_of,
    model_rows,
)
from charter.review import ReviewItem, review_queue
from charter.run import RunSummary, StoreError, store_path
from charter.studio._spec_view import open_store
from charter.studio._workspace import StudioError, Workspace


@dataclass(frozen=True, slots=True)
class RunsView:
    runs: list[RunSummary]
    models: list[str]
    waiting: dict[str, int]


def runs_view(workspace: Workspace) -> RunsView:
    with open_store(workspace.root) as store:
        if store is None:
            return RunsView([], [], {})
        runs = store.list_runs()
        waiting = {summary.run.id: len(review_queue(store, summary.run.id)) for summary in runs}
    models = list(dict.fromkeys(model for summary in runs for model in summary.run.models))
    return RunsView(runs, models, waiting)


SAMPLES_PER_PAGE = 200
"""Rows of the run page's sample table at once: a run of any size opens quickly."""


@dataclass(frozen=True, slots=True)
class RunView:
    report: RunReport
    history: dict[str, list[HistoryPoint]]
    page: int = 1
    """Which page of the samples (of `clause`'s only, when set) the table shows, from 1."""
    clause: str | None = None

    @property
    def listed(self) -> Sequence[SampleResult]:
        """The samples of the clause shown (or all), in run order (read from the store as the
        page asks for them)."""
        if self.clause is None:
            return self.report.samples
        if self.report.clause(self.clause) is None:
            return []
        return self.report.only_clause(self.clause).samples

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.listed) // SAMPLES_PER_PAGE))

    @property
    def shown(self) -> Sequence[SampleResult]:
        """The samples of this page."""
        start = (self.page - 1) * SAMPLES_PER_PAGE
        return self.listed[start : start + SAMPLES_PER_PAGE]

    models: ModelComparison | None = None
    """A run of several models: each clause's figures per model."""

    def model_rows(self) -> list[tuple[str, list[str], str, bool, list[str]]]:
        """(clause, a cell per model, difference, differs, best models) for the template."""
        if self.models is None:
            return []
        rows = [*self.models.rows, self.models.total]
        return [
            (row.clause_id, cells[1:-1], cells[-1], row.differs, row.best)
            for row, cells in zip(rows, model_rows(self.models), strict=True)
        ]


_FIGURES: dict[tuple[Path, str], tuple[tuple[int, ...], RunView]] = {}
"""The figures of the runs last shown, by store and run, with the state of the store's files
when they were read: the same run is not counted again until the store changes."""


def store_stamp(root: Path) -> tuple[int, ...]:
    """The modification time and size of the run store's files (its WAL included)."""
    db = store_path(root)
    stamp: list[int] = []
    for path in (db, db.with_name(db.name + "-wal")):
        with contextlib.suppress(OSError):
            found = path.stat()
            stamp += [found.st_mtime_ns, found.st_size]
    return tuple(stamp)


def _figures(workspace: Workspace, run_id: str) -> RunView:
    """The run's report, clause history and model comparison, read again only when the store
    files changed since they were last read."""
    key = (store_path(workspace.root), run_id)
    stamp = store_stamp(workspace.root)
    cached = _FIGURES.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with open_store(workspace.root) as store:
        if store is None:
            raise StudioError("no runs recorded yet (run `charter test` first)")
        try:
            report = RunReport.load(store, run_id)
            view = RunView(report, clause_history(store), models=compare_models(report))
        except StoreError as error:
            raise StudioError(str(error)) from None
    _FIGURES.clear()  # one run's figures at a time: the page being looked at
    _FIGURES[key] = (stamp, view)
    return view


def run_view(
    workspace: Workspace, run_id: str, page: str | None = None, clause: str | None = None
) -> RunView:
    """The run page: its clauses, and one page of its samples (of `clause`'s, when given)."""
    number = int(page) if page and page.isdigit() and int(page) > 0 else 1
    figures = _figures(workspace, run_id)
    view = RunView(figures.report, figures.history, number, clause or None, figures.models)
    if view.clause is not None and view.report.clause(view.clause) is None:
        raise StudioError(f"run {run_id} has no clause `{view.clause}`")
    return RunView(view.report, view.history, min(number, view.pages), view.clause, view.models)


def comparison(workspace: Workspace, first: str, second: str, *, models: bool) -> Comparison:
    """Two runs clause by clause; with `models`, the latest run of each of two models (only
    that model's samples, when its run tests several)."""
    with open_store(workspace.root) as store:
        if store is None:
            raise StudioError("no runs recorded yet (run `charter test` first)")
        if models:
            ids = [latest_run_of(store, first), latest_run_of(store, second)]
            if None in ids:
                raise StudioError(f"no run of `{first if ids[0] is None else second}`")
            try:
                a, b = (RunReport.load(store, str(i)) for i in ids)
                return compare_runs(a.per_model()[first], b.per_model()[second])
            except StoreError as error:
                raise StudioError(str(error)) from None
        try:
            return compare_runs(RunReport.load(store, first), RunReport.load(store, second))
        except StoreError as error:
            raise StudioError(str(error)) from None


@dataclass(frozen=True, slots=True)
class QueueView:
    run_id: str
    items: list[ReviewItem]
    report: RunReport


def queue_view(workspace: Workspace, run_id: str) -> QueueView:
    with open_store(workspace.root) as store:
        if store is None:
            raise StudioError("no runs recorded yet (run `charter test` first)")
        try:
            return QueueView(run_id, review_queue(store, run_id), RunReport.load(store, run_id))
        except StoreError as error:
            raise StudioError(str(error)) from None
