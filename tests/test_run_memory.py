"""Memory that does not grow with the number of samples: a real run (the engine, the SQLite
store, a `python:` model) of a small and of a five times larger synthetic project, measured with
tracemalloc from the moment the plan is made to the JSON report written out.

The plan is stored as rows and the engine reads its pending samples a page at a time, the
report counts its figures in SQL and streams its samples: what grows with the run is the store
on disk, not the process. Before that, the same measure grew by some 7 KB per sample (the
whole plan decoded at once, every sample held by the report); the bound is a fraction of it.
"""

from __future__ import annotations

import asyncio
import io
import tracemalloc
from pathlib import Path

from benchmarks.synthetic_project import write_project

from charter.grade import GradingPolicy
from charter.model import get_provider
from charter.report import RunReport, write_report
from charter.run import Engine, RunOptions, RunStore, Selection, iter_plan, store_path
from charter.spec import load_spec

CLAUSES = 10
SMALL, LARGE = 60, 240
"""Prompts per clause: 600 and 2,400 samples (both more than a page of 500, which is read at
once)."""
GROWTH_PER_SAMPLE = 1500
"""Bytes of traced peak each extra sample may add (generous: a page of 500 challenges and the
SQLite rows read with them are held at once, whatever the size)."""

BOT = """\
def reply(messages, config):
    return "Refunds are possible within 30 days."
"""


class Counting(io.TextIOBase):
    """A text stream that keeps only how much was written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def _run_peak(root: Path, prompts: int) -> tuple[int, int]:
    """The traced peak (bytes) of planning, running and reporting a project of `prompts`
    prompts per clause, and the size of its JSON report."""
    root.mkdir()
    write_project(root, clauses=CLAUSES, prompts=prompts)
    (root / "memory_bot.py").write_text(BOT, encoding="utf-8")
    provider = get_provider("python:memory_bot:reply", path=str(root))
    spec, _ = load_spec(root)
    tracemalloc.start()
    try:
        with RunStore(store_path(root)) as store:
            run_id = store.create_run(
                project=str(root),
                model=provider.spec,
                grader=None,
                settings={"epochs": 1},
                plan=iter_plan(spec, Selection()),
                epochs=1,
            )
            engine = Engine(store, run_id, provider, GradingPolicy(), RunOptions(concurrency=16))
            outcome = asyncio.run(engine.run())
            report = RunReport.load(store, run_id)
            out = Counting()
            write_report(report, "json", out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.status == "complete" and outcome.stored == CLAUSES * prompts
    assert report.total.passed == CLAUSES * prompts
    return peak, out.size


def test_peak_memory_does_not_grow_with_the_samples(tmp_path: Path) -> None:
    small, small_json = _run_peak(tmp_path / "small", SMALL)
    large, large_json = _run_peak(tmp_path / "large", LARGE)
    extra = CLAUSES * (LARGE - SMALL)
    assert large_json > 3 * small_json  # the larger run's report is written in full
    growth = large - small
    assert growth < GROWTH_PER_SAMPLE * extra, (
        f"traced peak {small / 1e6:.1f} MB at {CLAUSES * SMALL} samples, {large / 1e6:.1f} MB "
        f"at {CLAUSES * LARGE}: {growth / extra:.0f} bytes per extra sample"
    )


def test_the_studio_counts_a_run_again_only_when_the_store_changed(tmp_path: Path) -> None:
    from charter.grade import Grade, Verdict
    from charter.studio._runs_view import run_view
    from charter.studio._workspace import Workspace

    root = tmp_path / "studio"
    _run_peak(root, 3)
    workspace = Workspace(root)
    with RunStore(store_path(root)) as store:
        run_id = store.list_runs()[0].run.id
        first_sample = store.samples(run_id)[0].id
    first = run_view(workspace, run_id)
    again = run_view(workspace, run_id, page="1")
    assert again.report is first.report  # not read again: the store did not change
    assert first.report.total.passed == CLAUSES * 3
    with RunStore(store_path(root)) as store:
        store.override_grade(first_sample, Grade(Verdict.VIOLATE, "person", "wrong", 1.0))
    changed = run_view(workspace, run_id)
    assert changed.report is not first.report
    assert (changed.report.total.passed, changed.report.total.failed) == (CLAUSES * 3 - 1, 1)
