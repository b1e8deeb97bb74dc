"""A run killed with SIGKILL, or stopped with Ctrl-C (SIGINT), resumes to exactly one sample per
(clause, prompt, epoch) and loses nothing it had stored."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from test_run_helpers import PROMPT_COUNT, charter, environment, make_spec, query

EPOCHS = 4
TOTAL = PROMPT_COUNT * EPOCHS


def _start(root: Path, log: Path) -> subprocess.Popen[str]:
    args = ["test", ".", "-m", "python:bot:slow", "--epochs", str(EPOCHS), "--concurrency", "2"]
    return subprocess.Popen(
        [sys.executable, "-m", "charter", *args],
        cwd=root,
        env=environment(root, BOT_LOG=str(log), BOT_DELAY="0.25"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_samples(root: Path, process: subprocess.Popen[str], at_least: int) -> int:
    deadline = time.monotonic() + 60
    db = root / ".charter" / "runs.db"
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run finished before it could be stopped"
        if db.exists():
            try:
                stored = query(root, "SELECT COUNT(*) FROM samples")[0][0]
            except sqlite3.OperationalError:  # the schema is being created
                stored = 0
            assert isinstance(stored, int)
            if stored >= at_least:
                return stored
        time.sleep(0.05)
    raise AssertionError("no samples were stored within 60 s")


def _check_complete(root: Path, run_id: str) -> None:
    keys = query(
        root, "SELECT clause_id, prompt_index, epoch FROM samples WHERE run_id = ?", run_id
    )
    assert len(keys) == TOTAL
    assert len(set(keys)) == TOTAL
    graded = query(
        root,
        "SELECT COUNT(DISTINCT g.sample_id) FROM grades g JOIN samples s ON s.id = g.sample_id"
        " WHERE s.run_id = ?",
        run_id,
    )
    assert graded == [(TOTAL,)]


def test_sigkill_halfway_then_resume_stores_every_sample_exactly_once(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    log = tmp_path / "calls.log"
    process = _start(root, log)
    _wait_for_samples(root, process, 4)
    process.kill()
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    before = query(root, "SELECT id, clause_id, prompt_index, epoch, reply FROM samples")
    ((run_id, status),) = query(root, "SELECT id, status FROM runs")
    assert status == "running"
    assert 4 <= len(before) < TOTAL

    resumed = charter(root, "test", ".", "--resume", str(run_id), BOT_LOG=str(log), BOT_DELAY="0")
    assert resumed.returncode == 0, resumed.stderr
    _check_complete(root, str(run_id))
    after = set(query(root, "SELECT id, clause_id, prompt_index, epoch, reply FROM samples"))
    assert set(before) <= after  # nothing stored before the kill was lost or rewritten
    calls_by_pid: dict[str, int] = {}
    for pid in log.read_text().split():
        calls_by_pid[pid] = calls_by_pid.get(pid, 0) + 1
    assert calls_by_pid[str(resumed_pid(calls_by_pid, process.pid))] == TOTAL - len(before)
    assert query(root, "SELECT status FROM runs") == [("complete",)]


def resumed_pid(calls_by_pid: dict[str, int], killed_pid: int) -> int:
    """The one process in the call log that is not the killed one."""
    (other,) = [int(pid) for pid in calls_by_pid if int(pid) != killed_pid]
    return other


def test_sigint_exits_130_marks_interrupted_and_resume_finishes(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    log = tmp_path / "calls.log"
    process = _start(root, log)
    _wait_for_samples(root, process, 2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    ((run_id, status),) = query(root, "SELECT id, status FROM runs")
    assert status == "interrupted"
    assert f"--resume {run_id}" in stderr
    assert "Traceback" not in stderr
    stored = query(root, "SELECT COUNT(*) FROM samples")[0][0]
    assert isinstance(stored, int) and 2 <= stored < TOTAL

    resumed = charter(root, "test", ".", "--resume", str(run_id), BOT_DELAY="0")
    assert resumed.returncode == 0, resumed.stderr
    _check_complete(root, str(run_id))
    assert query(root, "SELECT status FROM runs") == [("complete",)]
