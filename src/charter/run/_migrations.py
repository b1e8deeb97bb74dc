"""The run store's schema as named migrations, each applied once and recorded in `_migrations`.

A migration is a function of the open connection, registered in order with `@migration`; its
name never changes once released. Opening a store applies the ones it has not recorded, in one
write transaction (the caller's). A store from before migrations were recorded (it has `meta`
but no `_migrations`) holds the first one's tables: `m001_initial` is recorded as done and the
later ones run, each adding only what the store lacks.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from charter.errors import StoreError

Migrate = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    apply: Migrate


MIGRATIONS: list[Migration] = []

PLAN_IN_ROWS = "plan_items"
"""What `runs.plan` holds once the run's plan is stored as rows of `plan_items`."""


def migration(function: Migrate) -> Migrate:
    """Register `function` as the next migration, under its name."""
    MIGRATIONS.append(Migration(function.__name__, function))
    return function


def _add_columns(db: sqlite3.Connection, table: str, columns: tuple[tuple[str, str], ...]) -> None:
    """Add each (name, type) column `table` lacks: a store from before migrations were recorded
    may have some of them already."""
    present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
    for name, kind in columns:
        if name not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def _script(db: sqlite3.Connection, statements: str) -> None:
    for statement in statements.split(";"):
        if statement.strip():
            db.execute(statement)


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    """Runs, samples and grades (schema 1 as first released)."""
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY,
            created TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,
            project TEXT NOT NULL,
            model TEXT NOT NULL,
            grader TEXT,
            settings TEXT NOT NULL,
            plan TEXT NOT NULL,
            planned INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS samples (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id),
            clause_id TEXT NOT NULL,
            prompt_index INTEGER NOT NULL,
            prompt_hash TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            conversation TEXT NOT NULL,
            model TEXT NOT NULL,
            parameters TEXT NOT NULL,
            reply TEXT,
            latency REAL,
            input_tokens INTEGER,
            output_tokens INTEGER,
            error TEXT,
            cache_key TEXT NOT NULL,
            cached_from INTEGER,
            created TEXT NOT NULL,
            UNIQUE (run_id, clause_id, prompt_index, epoch)
        );
        CREATE INDEX IF NOT EXISTS samples_cache ON samples (cache_key);
        CREATE TABLE IF NOT EXISTS grades (
            id INTEGER PRIMARY KEY,
            sample_id INTEGER NOT NULL REFERENCES samples(id),
            grader TEXT NOT NULL,
            verdict TEXT NOT NULL,
            confidence REAL,
            rationale TEXT NOT NULL,
            clause_ids TEXT NOT NULL,
            created TEXT NOT NULL,
            UNIQUE (sample_id, grader)
        )
        """,
    )


@migration
def m002_votes(db: sqlite3.Connection) -> None:
    """Each judge's own grade of a sample, for panels (`grades` holds the majority)."""
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS votes (
            id INTEGER PRIMARY KEY,
            sample_id INTEGER NOT NULL REFERENCES samples(id),
            grader TEXT NOT NULL,
            verdict TEXT NOT NULL,
            confidence REAL,
            rationale TEXT NOT NULL,
            clause_ids TEXT NOT NULL,
            created TEXT NOT NULL
        )
        """,
    )


@migration
def m003_samples_carried_from(db: sqlite3.Connection) -> None:
    """`--changed-since`: the sample of an earlier run a sample was carried over from."""
    _add_columns(db, "samples", (("carried_from", "INTEGER"),))


@migration
def m004_runs_owner(db: sqlite3.Connection) -> None:
    """Which process runs a run, and when it last said so, so that a killed run shows as stale."""
    _add_columns(
        db, "runs", (("owner_pid", "INTEGER"), ("owner_host", "TEXT"), ("heartbeat", "TEXT"))
    )


@migration
def m005_trajectories(db: sqlite3.Connection) -> None:
    """What an agent did for a sample (`charter.trajectory`): its steps as JSON."""
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS trajectories (
            sample_id INTEGER PRIMARY KEY REFERENCES samples(id),
            steps TEXT NOT NULL
        )
        """,
    )


_CHILDREN_OF_SAMPLES = ("grades", "votes", "trajectories")
"""The tables whose rows reference a sample by id."""


@migration
def m006_models(db: sqlite3.Connection) -> None:
    """Several models in one run: a run lists its models (`runs.models`, JSON; NULL is the one
    `runs.model`), and a sample is unique per (run, model, clause, prompt, epoch).

    SQLite cannot change a UNIQUE constraint in place, so `samples` is rebuilt with its ids
    kept. Foreign keys cannot be switched off inside the transaction, so the rows that point at
    samples are set aside while the table is replaced, then put back unchanged."""
    _add_columns(db, "runs", (("models", "TEXT"),))
    for table in _CHILDREN_OF_SAMPLES:
        db.execute(f"CREATE TEMP TABLE m006_{table} AS SELECT * FROM {table}")
        db.execute(f"DELETE FROM {table}")
    columns = (
        "id, run_id, clause_id, prompt_index, prompt_hash, epoch, conversation, model,"
        " parameters, reply, latency, input_tokens, output_tokens, error, cache_key,"
        " cached_from, created, carried_from"
    )
    _script(
        db,
        f"""
        CREATE TABLE samples_m006 (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id),
            clause_id TEXT NOT NULL,
            prompt_index INTEGER NOT NULL,
            prompt_hash TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            conversation TEXT NOT NULL,
            model TEXT NOT NULL,
            parameters TEXT NOT NULL,
            reply TEXT,
            latency REAL,
            input_tokens INTEGER,
            output_tokens INTEGER,
            error TEXT,
            cache_key TEXT NOT NULL,
            cached_from INTEGER,
            created TEXT NOT NULL,
            carried_from INTEGER,
            UNIQUE (run_id, model, clause_id, prompt_index, epoch)
        );
        INSERT INTO samples_m006 ({columns}) SELECT {columns} FROM samples;
        DROP TABLE samples;
        ALTER TABLE samples_m006 RENAME TO samples;
        CREATE INDEX samples_cache ON samples (cache_key)
        """,
    )
    for table in _CHILDREN_OF_SAMPLES:
        db.execute(f"INSERT INTO {table} SELECT * FROM temp.m006_{table}")
        db.execute(f"DROP TABLE temp.m006_{table}")


@migration
def m007_batches(db: sqlite3.Connection) -> None:
    """Batches a run sent to a provider's batch endpoint, so that `--resume` re-attaches to
    them instead of sending their requests again: the provider's id, the model, the samples'
    custom ids (JSON) and whether the results are in (`open` or `collected`)."""
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS batches (
            id TEXT PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id),
            model TEXT NOT NULL,
            custom_ids TEXT NOT NULL,
            status TEXT NOT NULL,
            created TEXT NOT NULL,
            collected TEXT
        );
        CREATE INDEX IF NOT EXISTS batches_run ON batches (run_id)
        """,
    )


@migration
def m008_plan_items(db: sqlite3.Connection) -> None:
    """The plan as rows, one per challenge in plan order (`position`), so that a run of any size
    is planned, resumed and reported without decoding its whole plan at once. The plans of
    earlier runs (a JSON list in `runs.plan`) move into the rows; `runs.plan` then holds
    `PLAN_IN_ROWS`."""
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS plan_items (
            run_id TEXT NOT NULL REFERENCES runs(id),
            position INTEGER NOT NULL,
            clause_id TEXT NOT NULL,
            prompt_index INTEGER NOT NULL,
            authority TEXT,
            challenge TEXT NOT NULL,
            PRIMARY KEY (run_id, position),
            UNIQUE (run_id, clause_id, prompt_index)
        )
        """,
    )
    runs = db.execute("SELECT id, plan FROM runs WHERE plan != ?", (PLAN_IN_ROWS,)).fetchall()
    for run_id, text in runs:
        items = json.loads(text) if text else []
        db.executemany(
            "INSERT OR IGNORE INTO plan_items"
            " (run_id, position, clause_id, prompt_index, authority, challenge)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    run_id,
                    position,
                    item["clause_id"],
                    int(item["prompt_index"]),
                    item.get("authority"),
                    json.dumps(item, ensure_ascii=False),
                )
                for position, item in enumerate(items)
            ),
        )
        db.execute("UPDATE runs SET plan = ? WHERE id = ?", (PLAN_IN_ROWS, run_id))


def applied(db: sqlite3.Connection) -> list[str]:
    """The names recorded in `_migrations`, in the order they were applied."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "_migrations" not in tables:
        return []
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(db: sqlite3.Connection, where: Path, *, existing: bool) -> list[str]:
    """Apply every migration `db` has not recorded; returns the names applied now. `existing`:
    the store's schema-1 tables are there (with no `_migrations` recorded, it predates them).
    Runs inside the caller's transaction; a store that records a migration this Charter does
    not know is refused."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
    )
    done = applied(db)
    known = {found.name for found in MIGRATIONS}
    unknown = [name for name in done if name not in known]
    if unknown:
        raise StoreError(
            f"{where}: written by a newer Charter (migrations {', '.join(unknown)}); "
            "upgrade Charter"
        )
    if existing and not done:
        _record(db, MIGRATIONS[0].name)
        done = [MIGRATIONS[0].name]
    now_applied = []
    for found in MIGRATIONS:
        if found.name not in done:
            found.apply(db)
            _record(db, found.name)
            now_applied.append(found.name)
    return now_applied


def _record(db: sqlite3.Connection, name: str) -> None:
    db.execute(
        "INSERT INTO _migrations (name, applied) VALUES (?, ?)",
        (name, datetime.now(UTC).isoformat(timespec="seconds")),
    )
