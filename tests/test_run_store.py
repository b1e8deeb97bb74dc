"""The run store on disk: WAL, schema version, uniqueness, and clear errors for bad databases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from charter.model import Message
from charter.run import SCHEMA_VERSION, Challenge, RunStore, StoreError, store_path
from charter.run._store import SampleRecord
from test_run_helpers import charter, environment, make_spec, query


def _sample(run_id: str, epoch: int = 0) -> SampleRecord:
    return SampleRecord(
        run_id=run_id,
        clause_id="c1",
        prompt_index=0,
        prompt_hash="h",
        epoch=epoch,
        conversation=[{"role": "user", "content": "hi"}],
        model="python:bot:reply",
        parameters={},
        reply="hello",
        latency=0.1,
        input_tokens=1,
        output_tokens=1,
        error=None,
        cache_key="k",
    )


def _store_with_run(tmp_path: Path) -> tuple[RunStore, str]:
    store = RunStore(store_path(tmp_path))
    challenge = Challenge("c1", 0, (Message("user", "hi"),))
    run_id = store.create_run(
        project=str(tmp_path), model="m:x", grader=None, settings={}, plan=[challenge], epochs=2
    )
    return store, run_id


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    store, _ = _store_with_run(tmp_path)
    store.close()
    db = sqlite3.connect(store_path(tmp_path))
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    db.close()


def test_a_sample_is_stored_once_per_run_clause_prompt_epoch(tmp_path: Path) -> None:
    store, run_id = _store_with_run(tmp_path)
    first = store.add_sample(_sample(run_id))
    assert first is not None
    assert store.add_sample(_sample(run_id)) is None
    assert store.add_sample(_sample(run_id, epoch=1)) is not None
    assert store.done(run_id) == {("c1", 0, 0), ("c1", 0, 1)}
    assert store.cached("k") is not None
    store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    store, _ = _store_with_run(tmp_path)
    store.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(StoreError, match="newer Charter"):
        RunStore(store_path(tmp_path))


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE other (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a Charter run database"):
        RunStore(path)


def test_unknown_run_id_is_one_line_exit_2(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    assert charter(root, "test", ".", "-m", "python:bot:reply").returncode == 0
    for args in (("show-run", "nosuch", "."), ("test", ".", "--resume", "nosuch")):
        done = charter(root, *args)
        assert done.returncode == 2, done.stderr
        assert "no run `nosuch`" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_corrupt_database_is_one_line_exit_2(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    (root / ".charter").mkdir()
    store_path(root).write_bytes(b"this is not sqlite at all" * 100)
    for args in (("runs", "."), ("test", ".", "-m", "python:bot:reply")):
        done = charter(root, *args)
        assert done.returncode == 2, done.stdout
        assert "not a readable run database" in done.stderr
        assert "Traceback" not in done.stderr


def test_locked_database_is_one_line_exit_2(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    RunStore(store_path(root)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "db.execute(\"INSERT INTO meta VALUES ('lock', '1')\")\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(store_path(root)),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(root),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        done = charter(root, "test", ".", "-m", "python:bot:reply")
        assert done.returncode == 2, done.stdout
        assert "locked by another process" in done.stderr
        assert "Traceback" not in done.stderr
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_runs_and_show_run_list_a_run(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    assert charter(root, "test", ".", "-m", "python:bot:reply").returncode == 0
    listed = charter(root, "runs", ".")
    assert listed.returncode == 0
    assert "python:bot:reply" in listed.stdout and "complete" in listed.stdout
    assert "66.7%" in listed.stdout
    ((run_id,),) = query(root, "SELECT id FROM runs")
    assert str(run_id) in listed.stdout
    shown = charter(root, "show-run", str(run_id), ".")
    assert shown.returncode == 0, shown.stderr
    assert "Refunds are possible within 30 days." in shown.stdout
    assert "does not contain `30 day`" in shown.stdout
