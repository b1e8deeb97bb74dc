"""Named store migrations: a store written at every earlier schema opens with this Charter, keeps
its data and records each migration once in `_migrations`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from charter.run import RunStore, StoreError
from charter.run._migrations import MIGRATIONS
from charter.run._store import store_path

#: Schema 1 as first released: runs, samples and grades (written out here, not taken from the
#: code, so that a change to the migrations cannot change what "an old store" is).
FIRST_RELEASE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id TEXT PRIMARY KEY, created TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
    project TEXT NOT NULL, model TEXT NOT NULL, grader TEXT, settings TEXT NOT NULL,
    plan TEXT NOT NULL, planned INTEGER NOT NULL
);
CREATE TABLE samples (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(id), clause_id TEXT NOT NULL,
    prompt_index INTEGER NOT NULL, prompt_hash TEXT NOT NULL, epoch INTEGER NOT NULL,
    conversation TEXT NOT NULL, model TEXT NOT NULL, parameters TEXT NOT NULL, reply TEXT,
    latency REAL, input_tokens INTEGER, output_tokens INTEGER, error TEXT,
    cache_key TEXT NOT NULL, cached_from INTEGER, created TEXT NOT NULL,
    UNIQUE (run_id, clause_id, prompt_index, epoch)
);
CREATE INDEX samples_cache ON samples (cache_key);
CREATE TABLE grades (
    id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL REFERENCES samples(id),
    grader TEXT NOT NULL, verdict TEXT NOT NULL, confidence REAL, rationale TEXT NOT NULL,
    clause_ids TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (sample_id, grader)
);
INSERT INTO meta VALUES ('schema_version', '1');
"""
#: The changes made later inside "schema 1", in the order they were released.
LATER_CHANGES = [
    """CREATE TABLE votes (
        id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL REFERENCES samples(id),
        grader TEXT NOT NULL, verdict TEXT NOT NULL, confidence REAL, rationale TEXT NOT NULL,
        clause_ids TEXT NOT NULL, created TEXT NOT NULL
    );""",
    "ALTER TABLE samples ADD COLUMN carried_from INTEGER;",
    """ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
    ALTER TABLE runs ADD COLUMN owner_host TEXT;
    ALTER TABLE runs ADD COLUMN heartbeat TEXT;""",
    """CREATE TABLE trajectories (
        sample_id INTEGER PRIMARY KEY REFERENCES samples(id), steps TEXT NOT NULL
    );""",
]
NAMES = [
    "m001_initial",
    "m002_votes",
    "m003_samples_carried_from",
    "m004_runs_owner",
    "m005_trajectories",
    "m006_models",
    "m007_batches",
    "m008_plan_items",
]
PLAN = [{"clause_id": "c1", "prompt_index": 0, "messages": [{"role": "user", "content": "hi"}]}]


def _old_store(root: Path, changes: int) -> Path:
    """A store as Charter wrote it with the first release and `changes` later changes, holding
    one finished run with one graded sample."""
    path = store_path(root)
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(FIRST_RELEASE + "".join(LATER_CHANGES[:changes]))
    db.execute(
        "INSERT INTO runs VALUES ('r1', '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00',"
        " 'complete', ?, 'openai:gpt-x', 'openai:judge', '{}', ?, 1"
        + ", NULL" * (3 if changes >= 3 else 0)
        + ")",
        (str(root), json.dumps(PLAN)),
    )
    db.execute(
        "INSERT INTO samples VALUES (1, 'r1', 'c1', 0, 'h', 0, ?, 'openai:gpt-x', '{}', 'Hello.',"
        " 0.5, 3, 2, NULL, 'key', NULL, '2026-01-01T00:00:30+00:00'"
        + (", NULL" if changes >= 2 else "")
        + ")",
        (json.dumps([{"role": "user", "content": "hi"}]),),
    )
    db.execute(
        "INSERT INTO grades VALUES (1, 1, 'openai:judge', 'comply', 0.9, 'polite', '[\"c1\"]',"
        " '2026-01-01T00:00:40+00:00')"
    )
    db.commit()
    db.close()
    return path


def test_the_migrations_are_named_in_order() -> None:
    assert [found.name for found in MIGRATIONS] == NAMES


@pytest.mark.parametrize("changes", range(len(LATER_CHANGES) + 1))
def test_a_store_of_every_earlier_schema_opens_with_its_data(tmp_path: Path, changes: int) -> None:
    path = _old_store(tmp_path, changes)
    with RunStore(path, create=False) as store:
        run = store.run("r1")
        assert (run.status, run.model, run.owner_pid, run.heartbeat) == (
            "complete",
            "openai:gpt-x",
            None,
            None,
        )
        [sample] = store.samples("r1")
        assert (sample.reply, sample.verdict, sample.rationale) == ("Hello.", "comply", "polite")
        [challenge] = store.plan("r1")  # the JSON plan moved into plan_items rows
        assert (challenge.clause_id, challenge.prompt_index, challenge.messages[0].content) == (
            "c1",
            0,
            "hi",
        )
        assert store.plan_size("r1") == 1
        assert [(found.run.id, found.comply) for found in store.list_runs()] == [("r1", 1)]
        store.claim("r1")  # the owner columns of the last migration are usable
        assert store.run("r1").owner_pid is not None
    db = sqlite3.connect(path)
    recorded = [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")]
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    db.close()
    assert recorded == NAMES
    assert {"owner_pid", "owner_host", "heartbeat"} <= columns


def test_each_migration_is_applied_once(tmp_path: Path) -> None:
    path = _old_store(tmp_path, 0)
    for _ in range(2):
        RunStore(path).close()
    db = sqlite3.connect(path)
    rows = db.execute("SELECT name, COUNT(*) FROM _migrations GROUP BY name ORDER BY rowid")
    assert [tuple(row) for row in rows] == [(name, 1) for name in NAMES]
    db.close()


def test_a_new_store_records_every_migration(tmp_path: Path) -> None:
    RunStore.for_project(tmp_path).close()
    db = sqlite3.connect(store_path(tmp_path))
    assert [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")] == NAMES
    db.close()


def test_a_store_with_a_migration_this_charter_does_not_know_is_refused(tmp_path: Path) -> None:
    RunStore.for_project(tmp_path).close()
    db = sqlite3.connect(store_path(tmp_path))
    db.execute("INSERT INTO _migrations VALUES ('m099_from_the_future', '2030-01-01')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"newer Charter .*m099_from_the_future.*upgrade Charter"):
        RunStore.for_project(tmp_path)


def test_m006_keeps_every_sample_grade_vote_and_trajectory_and_keys_samples_by_model(
    tmp_path: Path,
) -> None:
    path = _old_store(tmp_path, len(LATER_CHANGES))  # the schema just before m006
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO votes VALUES (1, 1, 'openai:judge', 'comply', 0.9, 'polite', '[\"c1\"]',"
        " '2026-01-01T00:00:40+00:00')"
    )
    db.execute('INSERT INTO trajectories VALUES (1, \'[{"kind": "tool"}]\')')
    db.commit()
    db.close()
    with RunStore(path, create=False) as store:
        run = store.run("r1")
        assert (run.model, run.models) == ("openai:gpt-x", ("openai:gpt-x",))
        [sample] = store.samples("r1")
        assert (sample.id, sample.model, sample.reply, sample.verdict) == (
            1,
            "openai:gpt-x",
            "Hello.",
            "comply",
        )
        assert store.trajectory(1) == [{"kind": "tool"}]
        assert store.done("r1", "openai:gpt-x") == {("c1", 0, 0)}
        assert store.done("r1", "openai:other") == set()
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=ON")
    assert db.execute("SELECT COUNT(*) FROM votes WHERE sample_id = 1").fetchone() == (1,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {row[1] for row in db.execute("PRAGMA index_list(samples)")}
    assert "samples_cache" in indexes
    row = (
        "(?, 'r1', 'c1', 0, 'h', 0, '[]', ?, '{}', 'Hi.', 0.1, 1, 1, NULL, 'k2', NULL, 'now', NULL)"
    )
    db.execute(f"INSERT INTO samples VALUES {row}", (2, "openai:other"))  # another model: kept
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute(f"INSERT INTO samples VALUES {row}", (3, "openai:gpt-x"))  # the same: refused
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute(
            "INSERT INTO grades (sample_id, grader, verdict, rationale, clause_ids,"
            " created) VALUES (99, 'g', 'comply', '', '[]', 'now')"
        )
    db.close()
