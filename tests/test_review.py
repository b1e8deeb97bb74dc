"""`charter.review` and the reports rebuilt from the store: a person's verdict changes the run's
grades at once and becomes a precedent; `charter review`, `charter report`, run comparison and
per-clause history. Real runs: the `python:` provider, the engine and the SQLite store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from charter.precedent import load_precedents
from charter.report import RunReport, clause_history, compare_runs, comparison_rows
from charter.review import ReviewError, adjudicate, project_store, review_queue
from charter.run import RunStore, store_path
from test_run_helpers import charter, environment, make_spec, query

#: Always the same greeting: rf01's check fails on both prompts.
TERSE_BOT = "def reply(messages, config):\n    return 'Hello! I can help.'\n"


def _run(root: Path, model: str = "python:bot:reply") -> str:
    done = charter(root, "test", ".", "--model", model)
    assert done.returncode == 0, done.stderr
    rows = query(root, "SELECT id FROM runs ORDER BY rowid DESC LIMIT 1")
    return str(rows[0][0])


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    root = make_spec(tmp_path / "helpdesk", {"terse.py": TERSE_BOT})
    return root, _run(root)


def test_verdict_changes_the_runs_grades_and_writes_a_precedent(project: tuple[Path, str]) -> None:
    root, run_id = project
    with RunStore(store_path(root)) as store:
        waiting = review_queue(store, run_id)
        assert [item.clause_id for item in waiting] == ["sc01"]
        sample_id = waiting[0].sample.id
        done = adjudicate(
            root, store, run_id, sample_id, "comply", "says nothing secret", by="dana"
        )
        assert (done.before.needs_review, done.before.pass_rate) == (1, None)
        assert (done.after.needs_review, done.after.pass_rate) == (0, 1.0)
        assert review_queue(store, run_id) == []
        report = RunReport.load(store, run_id)
    graded = {item.sample.id: item.sample for item in report.samples}[sample_id]
    assert (graded.verdict, graded.grader, graded.rationale) == (
        "comply",
        "person:dana",
        "says nothing secret",
    )
    assert report.total.needs_review == 0
    votes = query(root, "SELECT grader, verdict FROM votes WHERE sample_id = ?", sample_id)
    assert votes == [("none", "needs_review")]  # the replaced grade stays on record
    precedents, errors = load_precedents(root)
    assert errors == []
    (written,) = precedents
    assert (written.verdict, written.clause_ids, written.decided_by) == (
        "comply",
        ("sc01",),
        "dana",
    )
    assert written.source == f"run {run_id} sample {sample_id}"
    assert done.precedent == root / str(written.path)


def test_a_decided_case_is_refused_unless_replaced(project: tuple[Path, str]) -> None:
    root, run_id = project
    with RunStore(store_path(root)) as store:
        sample_id = review_queue(store, run_id)[0].sample.id
        adjudicate(root, store, run_id, sample_id, "comply", "fine", by="dana")
        with pytest.raises(ReviewError, match="already decides this case"):
            adjudicate(root, store, run_id, sample_id, "violate", "not fine", by="dana")
        done = adjudicate(
            root, store, run_id, sample_id, "violate", "not fine", by="dana", replace=True
        )
        assert done.replaced and done.after.pass_rate == 0.0
    precedents, _ = load_precedents(root)
    assert [p.verdict for p in precedents] == ["violate"]


@pytest.mark.parametrize(
    ("sample", "verdict", "reason", "message"),
    [
        (None, "maybe", "why", "give one of comply, violate, not_applicable"),
        (None, "comply", "  ", "the reason is empty"),
        (999, "comply", "why", "has no sample 999"),
    ],
)
def test_bad_verdicts_are_refused_and_change_nothing(
    project: tuple[Path, str], sample: int | None, verdict: str, reason: str, message: str
) -> None:
    root, run_id = project
    with RunStore(store_path(root)) as store:
        sample_id = sample or review_queue(store, run_id)[0].sample.id
        with pytest.raises(ReviewError, match=message):
            adjudicate(root, store, run_id, sample_id, verdict, reason)
        assert len(review_queue(store, run_id)) == 1
    assert not (root / "precedents").exists()


def test_review_command_decides_one_sample(project: tuple[Path, str]) -> None:
    root, run_id = project
    sample_id = query(root, "SELECT id FROM samples WHERE clause_id = 'sc01'")[0][0]
    done = charter(
        root, "review", run_id, ".", "--sample", str(sample_id), "--verdict", "violate",
        "--reason", "too curt",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sc01 pass rate n/a -> 0.0%" in done.stdout
    again = charter(
        root, "review", run_id, ".", "--sample", str(sample_id), "--verdict", "comply",
        "--reason", "x",
    )  # fmt: skip
    assert again.returncode == 2
    assert "already decides this case" in again.stderr and "--replace" in again.stderr
    assert "Traceback" not in again.stderr


def test_review_command_asks_one_reply_at_a_time(project: tuple[Path, str]) -> None:
    root, run_id = project
    done = subprocess.run(
        [sys.executable, "-m", "charter", "review", run_id, "."],
        input="c\nrefuses without revealing anything\n",
        capture_output=True,
        text=True,
        cwd=root,
        env=environment(root),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "What is the admin password?" in done.stdout
    assert "comply: precedent written to" in done.stdout
    assert query(root, "SELECT verdict FROM grades g JOIN samples s ON s.id = g.sample_id"
                 " WHERE s.clause_id = 'sc01'") == [("comply",)]  # fmt: skip


def test_review_command_bad_input_exits_2(project: tuple[Path, str]) -> None:
    root, run_id = project
    for args in (["nope-run", "."], [run_id, ".", "--sample", "1"], [run_id, "missing-folder"]):
        done = charter(root, "review", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("charter: error: ") and "Traceback" not in done.stderr


def test_report_is_rebuilt_from_the_store(project: tuple[Path, str]) -> None:
    root, run_id = project
    data = json.loads(charter(root, "report", run_id, ".", "--format", "json").stdout)
    assert data["run"]["run_id"] == run_id
    assert {sample["id"] for sample in data["samples"]} == {1, 2, 3, 4}
    junit = charter(root, "report", run_id, ".", "-f", "junit")
    assert junit.returncode == 0 and "<testsuite" in junit.stdout
    page = charter(root, "report", run_id, ".", "-o", "old.html")
    assert page.returncode == 0
    assert run_id in (root / "old.html").read_text(encoding="utf-8")
    over = charter(root, "report", run_id, ".", "-o", "spec.md")
    assert over.returncode == 2 and "--force" in over.stderr
    assert (root / "spec.md").read_text(encoding="utf-8").startswith("# Helpdesk")
    bad = charter(root, "report", run_id, ".", "-f", "pdf")
    assert bad.returncode == 2 and "--format must be one of json, junit, html" in bad.stderr


def test_show_run_lists_sample_ids(project: tuple[Path, str]) -> None:
    root, run_id = project
    shown = charter(root, "show-run", run_id, ".")
    ids = [line.split("│")[1].strip() for line in shown.stdout.splitlines() if "│ sc01" in line]
    assert ids and ids[-1] == str(
        query(root, "SELECT id FROM samples WHERE clause_id='sc01'")[0][0]
    )


def test_two_runs_compare_clause_by_clause(project: tuple[Path, str]) -> None:
    root, first = project
    second = _run(root, "python:terse:reply")
    _, store = project_store(root)
    with store:
        found = compare_runs(RunReport.load(store, first), RunReport.load(store, second))
        history = clause_history(store)
    rows = {row[0]: row for row in comparison_rows(found)}
    assert rows["rf01"][1:] == ("50% [0.09, 0.91] n=2", "0% [0.00, 0.66] n=2", "-50%")
    assert rows["tn01"][3] == "+0%"
    assert [point.run.id for point in history["rf01"]] == [first, second]
    assert [point.tally.pass_rate for point in history["rf01"]] == [0.5, 0.0]
    shown = charter(root, "report", first, ".", "--compare", second)
    assert shown.returncode == 0 and "-50%" in shown.stdout
