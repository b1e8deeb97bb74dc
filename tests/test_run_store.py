"""The run store on disk: WAL, schema version, uniqueness, and clear errors for bad databases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
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


def test_the_plan_comes_back_as_it_was_stored(tmp_path: Path) -> None:
    """The stored plan is decoded one challenge at a time; every field survives, in order."""
    plan = [
        Challenge(
            f"c{index}",
            index,
            (Message("system", "be brief"), Message("user", f"ask {index}", "alice")),
            title=f"case {index}",
            location=f"spec.md:{index + 1}",
            authority="root",
            clause_text="The assistant states the window.",
            clause_ids=(f"c{index}", "shared"),
            checks=({"contains": "30 days"},),
            expected="comply" if index % 2 else None,
        )
        for index in range(3)
    ]
    store = RunStore(store_path(tmp_path))
    run_id = store.create_run(
        project=str(tmp_path), model="m:x", grader=None, settings={}, plan=plan, epochs=1
    )
    empty = store.create_run(
        project=str(tmp_path), model="m:x", grader=None, settings={}, plan=[], epochs=1
    )
    assert store.plan(run_id) == plan
    assert store.plan(empty) == []
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


@pytest.mark.parametrize("content", [b"", b"this is not sqlite at all" * 100])
def test_a_damaged_store_is_left_as_it_is_and_named(tmp_path: Path, content: bytes) -> None:
    root = make_spec(tmp_path)
    path = store_path(root)
    path.parent.mkdir()
    path.write_bytes(content)
    for args in (("runs", "."), ("show-run", "some-run", "."), ("test", ".", "--resume", "x")):
        done = charter(root, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert str(path) in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["runs.db"]


CREATE_AT_ONCE = """\
import sys, time
from pathlib import Path
from charter.run import Challenge, RunStore
from charter.model import Message

start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
with RunStore(Path(sys.argv[1])) as store:
    store.create_run(project="p", model="m:x", grader=None, settings={},
                     plan=[Challenge("c1", 0, (Message("user", "hi"),))], epochs=1)
"""


def test_processes_creating_the_store_at_once_all_succeed(tmp_path: Path) -> None:
    script = tmp_path / "create.py"
    script.write_text(CREATE_AT_ONCE, encoding="utf-8")
    for attempt in range(6):
        path = tmp_path / f"project{attempt}" / ".charter" / "runs.db"
        start = time.time() + 1.5
        processes = [
            subprocess.Popen(
                [sys.executable, str(script), str(path), str(start)],
                stderr=subprocess.PIPE,
                text=True,
                env=environment(tmp_path),
            )
            for _ in range(4)
        ]
        failures = [p.stderr.read() for p in processes if p.wait(timeout=60) != 0 and p.stderr]
        assert failures == [], failures[0]
        db = sqlite3.connect(path)
        try:
            assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (4,)
            assert db.execute("SELECT COUNT(*) FROM meta").fetchone() == (1,)
        finally:
            db.close()


def test_two_charter_test_runs_started_at_once_both_finish(tmp_path: Path) -> None:
    for attempt in range(3):
        root = make_spec(tmp_path / f"project{attempt}")
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "charter", "test", ".", "-m", "python:bot:reply"],
                cwd=root,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=environment(root),
            )
            for _ in range(2)
        ]
        results = [(p.wait(timeout=120), p.communicate()) for p in processes]
        for code, (out, err) in results:
            assert code == 0, out + err
        assert query(root, "SELECT COUNT(*), MIN(status), MAX(status) FROM runs") == [
            (2, "complete", "complete")
        ]


def test_a_killed_run_shows_as_stale_and_a_live_one_as_running(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "charter",
            "test",
            ".",
            "-m",
            "python:bot:slow",
            "--concurrency",
            "1",
        ],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(root, BOT_DELAY="30"),
    )
    try:
        deadline = time.monotonic() + 60
        while not _has_run(root):
            assert process.poll() is None and time.monotonic() < deadline, "no run was recorded"
            time.sleep(0.05)
        live = charter(root, "runs", ".")
        assert live.returncode == 0, live.stderr
        assert " running " in live.stdout and "stale" not in live.stdout
    finally:
        process.kill()
        process.wait(timeout=10)
    dead = charter(root, "runs", ".")
    assert dead.returncode == 0, dead.stderr
    assert " stale " in dead.stdout and "running" not in dead.stdout
    assert query(root, "SELECT status FROM runs") == [("running",)]  # the record is untouched


def _has_run(root: Path) -> bool:
    if not store_path(root).exists():
        return False
    try:
        return query(root, "SELECT COUNT(*) FROM runs WHERE heartbeat IS NOT NULL") == [(1,)]
    except sqlite3.OperationalError:  # the schema is being created
        return False


def _many(count: int) -> list[Challenge]:
    return [
        Challenge(f"c{index % 3}", index, (Message("user", f"prompt {index}"),), authority="user")
        for index in range(count)
    ]


def test_the_plan_is_stored_as_rows_and_read_a_page_at_a_time(tmp_path: Path) -> None:
    """A plan given as a generator is stored as it is read; `runs.plan` holds no JSON of it;
    paging returns every challenge once, in order, whatever the page size."""
    challenges = _many(23)
    with RunStore(store_path(tmp_path)) as store:
        run_id = store.create_run(
            project=".", model="m:x", grader=None, settings={}, plan=iter(challenges), epochs=2
        )
        assert store.run(run_id).planned == 46
        assert store.plan_size(run_id) == 23
        assert list(store.plan_items(run_id, page=5)) == challenges
        assert store.plan_clauses(run_id) == [("c0", "user"), ("c1", "user"), ("c2", "user")]
    [stored] = query(tmp_path, "SELECT plan FROM runs")
    assert stored == ("plan_items",)


def test_pending_pages_skip_what_the_run_has_and_span_epochs(tmp_path: Path) -> None:
    challenges = _many(7)
    with RunStore(store_path(tmp_path)) as store:
        run_id = store.create_run(
            project=".", model="m:x", grader=None, settings={}, plan=challenges, epochs=2
        )
        for done in (challenges[0], challenges[4]):
            store.add_sample(
                replace(
                    _sample(run_id),
                    clause_id=done.clause_id,
                    prompt_index=done.prompt_index,
                    model="m:x",
                )
            )
        pages = list(store.pending(run_id, "m:x", 2, page=4))
        assert [len(page) for page in pages] == [4, 4, 4]
        found = [(c.prompt_index, epoch) for page in pages for c, epoch in page]
        assert found == [(i, 0) for i in (1, 2, 3, 5, 6)] + [(i, 1) for i in range(7)]
        assert store.done_count(run_id, "m:x") == 2
        assert store.done_count(run_id, "m:other") == 0
        assert len([c for page in store.pending(run_id, "m:other", 1) for c in page]) == 7
