"""`charter.TestRun` without the command line: the events a run sends, cancelling it from a
listener, resuming it, and the settings it refuses. The model is the project's `python:` bot."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import charter
from charter.run._settings import SettingsError
from test_run_helpers import PROMPT_COUNT, make_spec, query


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = make_spec(tmp_path)
    monkeypatch.syspath_prepend(str(root))
    yield root
    sys.modules.pop("bot", None)


def test_a_run_sends_planned_then_each_sample_then_done(project: Path) -> None:
    seen: list[charter.RunEvent] = []
    run = charter.TestRun(project, charter.TestOptions(model="python:bot:reply"))
    result = run.run(seen.append)
    assert isinstance(seen[0], charter.Planned)
    assert (seen[0].run_id, seen[0].total, seen[0].done) == (result.run_id, PROMPT_COUNT, 0)
    assert isinstance(seen[-1], charter.Done) and seen[-1].outcome is result.outcome
    kinds = [type(event) for event in seen[1:-1]]
    for kind in (charter.SampleStarted, charter.SampleFinished, charter.SampleGraded):
        assert kinds.count(kind) == PROMPT_COUNT
    started = [e for e in seen if isinstance(e, charter.SampleStarted)]
    assert {(e.clause_id, e.prompt_index) for e in started} == {
        ("rf01", 0),
        ("rf01", 1),
        ("sc01", 0),
        ("tn01", 0),
    }
    finished = [e for e in seen if isinstance(e, charter.SampleFinished)]
    assert all(e.error is None and not e.cached for e in finished)
    assert result.outcome.status == "complete" and result.outcome.new == PROMPT_COUNT


def test_events_yields_the_same_events_from_a_worker_thread(project: Path) -> None:
    run = charter.TestRun(project, charter.TestOptions(model="python:bot:reply"))
    graded = [e for e in run.events() if isinstance(e, charter.SampleGraded)]
    assert len(graded) == PROMPT_COUNT
    assert run.result is not None and run.result.outcome.status == "complete"
    verdicts = sorted(e.verdict.value for e in graded)
    assert verdicts == ["comply", "comply", "needs_review", "violate"]


def test_cancel_from_a_listener_keeps_the_stored_samples_and_resume_finishes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_DELAY", "0.2")
    options = charter.TestOptions(model="python:bot:slow", concurrency=1)
    run = charter.TestRun(project, options)

    def stop_after_the_first(event: charter.RunEvent) -> None:
        if isinstance(event, charter.SampleGraded):
            run.cancel()

    first = run.run(stop_after_the_first)
    assert first.interrupted and not first.passed
    assert 1 <= first.outcome.stored < PROMPT_COUNT
    assert query(project, "SELECT status FROM runs") == [("interrupted",)]
    assert f"--resume {first.run_id}" in first.resume_hint()

    resumed = charter.TestRun(project, charter.TestOptions(resume=first.run_id)).run()
    assert resumed.run_id == first.run_id and not resumed.interrupted
    assert resumed.outcome.stored == PROMPT_COUNT
    assert resumed.outcome.new == PROMPT_COUNT - first.outcome.stored
    assert query(project, "SELECT COUNT(*) FROM samples") == [(PROMPT_COUNT,)]


def test_a_run_cancelled_before_it_starts_sends_nothing(project: Path) -> None:
    run = charter.TestRun(project, charter.TestOptions(model="python:bot:reply"))
    run.cancel()
    result = run.run()
    assert result.interrupted and result.outcome.new == 0
    assert query(project, "SELECT COUNT(*) FROM samples") == [(0,)]


def test_the_estimate_counts_every_call_and_sends_none(project: Path) -> None:
    run = charter.TestRun(project, charter.TestOptions(model="python:bot:reply", epochs=2))
    dry = run.estimate()
    assert len(dry.budget.calls) == 2 * PROMPT_COUNT
    assert dry.lines()[-2].startswith(f"{2 * PROMPT_COUNT} calls to python:bot:reply")
    assert not (project / ".charter" / "runs.db").exists()


def test_refused_settings_say_which_option(project: Path) -> None:
    with pytest.raises(SettingsError, match="--changed-since cannot be used with --resume"):
        charter.TestRun(project, charter.TestOptions(resume="x", changed_since="HEAD"))
    with pytest.raises(SettingsError, match="no model to test"):
        charter.TestRun(project, charter.TestOptions())
    with pytest.raises(SettingsError, match="--model names `a:b` twice"):
        charter.TestRun(project, charter.TestOptions(model=["a:b", "c:d", "a:b"]))
