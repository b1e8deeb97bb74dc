"""The run store: SQLite in WAL mode at `<project>/.charter/runs.db`.

Every sample is committed the moment it arrives; during a run (`RunStore.batched`), the samples
and grades that arrive in one step of the event loop are committed together at the start of the
next step, so killing the process loses at most the replies of that one step, which a `--resume`
sends again. In WAL mode with `synchronous=NORMAL` a commit is a write to the log and no fsync: it
survives the process being killed (the log is replayed on the next open), and only a power cut
can lose the last few commits, which a `--resume` then asks the model for again. An fsync per
commit (`FULL`) blocked the event loop for most of a 2,000-sample run.

A UNIQUE constraint on (run, model, clause, prompt, epoch) makes a duplicate sample impossible,
which is what lets `--resume` finish a run exactly once per sample, for each model it tests.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from charter._secrets import redact
from charter.errors import StoreError as StoreError  # re-exported for the run package
from charter.grade import Grade
from charter.run._migrations import PLAN_IN_ROWS, migrate
from charter.run._plan import Challenge

SCHEMA_VERSION = 1
STORE_DIR = ".charter"
STORE_NAME = "runs.db"
PAGE = 500
"""Rows read per query when a run's plan or samples are read a page at a time."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_path(project_root: Path) -> Path:
    return project_root / STORE_DIR / STORE_NAME


def open_store(project_root: Path, *, must_exist: bool) -> RunStore:
    """The project's run store (close it, or use `contextlib.closing`); `must_exist` for
    reading: a missing file is a `StoreError` and nothing is created."""
    db = store_path(project_root)
    if must_exist and not db.is_file():
        raise StoreError(f"no runs recorded in {db} (run `charter test {project_root}` first)")
    return RunStore(db, create=not must_exist)


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: str
    created: str
    finished: str | None
    status: str
    project: str
    model: str
    grader: str | None
    settings: dict[str, Any]
    planned: int
    owner_pid: int | None = None
    """The process that runs (or last ran) the run, on `owner_host`."""
    owner_host: str | None = None
    heartbeat: str | None = None
    """When that process last said it was alive (UTC, ISO 8601)."""
    models: tuple[str, ...] = ()
    """Every model the run tests, `model` first (read from the store: never empty)."""

    @property
    def shown_status(self) -> str:
        """The status as stored, except that a `running` run whose process is gone is `stale`:
        it was killed without the chance to record `interrupted` (resume it with --resume)."""
        if self.status == "running" and not owner_alive(self):
            return "stale"
        return self.status


STALE_AFTER = timedelta(minutes=2)
"""A running run on another host whose heartbeat is older than this is taken as dead; on this
host the process id answers (and the same limit, five times over, guards against a reused id)."""


def owner_alive(run: RunRecord, at: datetime | None = None) -> bool:
    """Whether the process that claimed `run` may still be running it."""
    if run.heartbeat is None:
        return run.owner_pid is None  # a run from before owners were recorded: unknown
    age = (at or datetime.now(UTC)) - datetime.fromisoformat(run.heartbeat)
    if run.owner_host != socket.gethostname() or run.owner_pid is None:
        return age < STALE_AFTER
    return age < STALE_AFTER * 5 and _pid_alive(run.owner_pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


@dataclass(frozen=True, slots=True)
class SampleRecord:
    """A reply (or a failure) for one challenge and epoch, as stored."""

    run_id: str
    clause_id: str
    prompt_index: int
    prompt_hash: str
    epoch: int
    conversation: list[dict[str, Any]]
    model: str
    parameters: dict[str, Any]
    reply: str | None
    latency: float | None
    input_tokens: int | None
    output_tokens: int | None
    error: str | None
    cache_key: str
    cached_from: int | None = None


@dataclass(frozen=True, slots=True)
class StoredSample:
    """A sample row with its grade (if graded yet)."""

    id: int
    clause_id: str
    prompt_index: int
    epoch: int
    reply: str | None
    error: str | None
    latency: float | None
    input_tokens: int | None
    output_tokens: int | None
    cached_from: int | None
    parameters: dict[str, Any]
    verdict: str | None
    grader: str | None
    confidence: float | None
    rationale: str | None
    carried_from: int | None = None
    """The id of the earlier run's sample this one was copied from (`--changed-since`)."""
    carried_run: str | None = None
    """The run that sample belongs to."""
    model: str = ""
    """The model that replied (PROVIDER:MODEL)."""


@dataclass(frozen=True, slots=True)
class CarriableSample:
    """A stored sample that a later run may carry forward instead of calling the model."""

    id: int
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RunSummary:
    run: RunRecord
    samples: int
    comply: int
    violate: int

    @property
    def pass_rate(self) -> float | None:
        graded = self.comply + self.violate
        return self.comply / graded if graded else None


class RunStore:
    """Runs, samples and grades in one SQLite file."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0, create: bool = True) -> None:
        """Open the store at `path`; with `create`, make it (and its folder) when it is missing
        or an empty file. Without, a file that holds no run database is refused. Two processes
        may create or migrate the same store at once: one does, the other waits and uses it."""
        self.path = path
        self._batch_loop: asyncio.AbstractEventLoop | None = None
        self._batch_open = False
        with self._errors():
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.is_file():
                raise StoreError(f"{path}: no run database here")
            self.db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            try:
                _when_free(lambda: self._prepare(create), busy_timeout)
            except BaseException:
                self.db.close()
                raise

    def _prepare(self, create: bool) -> None:
        self.db.execute("PRAGMA foreign_keys=ON")
        if create or self._tables():
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate(create)

    @classmethod
    def for_project(cls, project_root: Path) -> RunStore:
        return cls(store_path(project_root))

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as error:
            text = str(error)
            if "locked" in text or "busy" in text:
                raise StoreError(
                    f"{self.path}: the run database is locked by another process; wait for it to "
                    "finish and try again"
                ) from None
            raise StoreError(f"{self.path}: cannot use the run database: {text}") from None
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{self.path}: not a readable run database ({error}); move the file aside to "
                "start a new one"
            ) from None

    def _tables(self) -> set[str]:
        rows = self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        return {row[0] for row in rows}

    def _migrate(self, create: bool) -> None:
        """Create the schema or apply the migrations the store lacks (`charter.run._migrations`),
        in one write transaction (`BEGIN IMMEDIATE`: a second process waits, then finds it done)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._migrate_in_transaction(create)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate_in_transaction(self, create: bool) -> None:
        tables = self._tables()
        if "meta" not in tables:
            if tables:
                raise StoreError(
                    f"{self.path}: this SQLite file is not a Charter run database; "
                    "move it aside to start a new one"
                )
            if not create:
                raise StoreError(
                    f"{self.path}: holds no run database (the file is empty or damaged); it was "
                    "left as it is: move it aside, and the next `charter test` starts a new one"
                )
            migrate(self.db, self.path, existing=False)
            self.db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            return
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row and str(row[0]).isdigit() else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer Charter (schema {version}, this one reads "
                f"{SCHEMA_VERSION}); upgrade Charter"
            )
        if version < SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema {version} has no migration to {SCHEMA_VERSION}; "
                "move the file aside to start a new one"
            )
        migrate(self.db, self.path, existing=True)

    # runs

    def create_run(
        self,
        *,
        project: str,
        model: str,
        grader: str | None,
        settings: dict[str, Any],
        plan: Iterable[Challenge],
        epochs: int,
        models: Sequence[str] = (),
    ) -> str:
        """A new `running` run of `model` (with `models`, of each of them, `model` first). The
        plan is written as rows while it is read (it may be a generator), in one transaction."""
        tested = list(dict.fromkeys([model, *models]))
        run_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
        counted = [0]

        def rows() -> Iterator[tuple[object, ...]]:
            for position, challenge in enumerate(plan):
                counted[0] = position + 1
                yield (
                    run_id,
                    position,
                    challenge.clause_id,
                    challenge.prompt_index,
                    challenge.authority,
                    json.dumps(challenge.to_json(), ensure_ascii=False),
                )

        self.flush()
        with self._errors():
            self.db.execute("BEGIN")
            try:
                self.db.execute(
                    "INSERT INTO runs (id, created, status, project, model, grader, settings,"
                    " plan, planned, owner_pid, owner_host, heartbeat, models)"
                    " VALUES (?, ?, 'running', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                    (
                        run_id,
                        now(),
                        project,
                        model,
                        grader,
                        redact(json.dumps(settings)),
                        PLAN_IN_ROWS,
                        *_owner(),
                        json.dumps(tested),
                    ),
                )
                self.db.executemany(
                    "INSERT INTO plan_items"
                    " (run_id, position, clause_id, prompt_index, authority, challenge)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    rows(),
                )
                self.db.execute(
                    "UPDATE runs SET planned = ? WHERE id = ?",
                    (counted[0] * epochs * len(tested), run_id),
                )
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        return run_id

    def run(self, run_id: str) -> RunRecord:
        with self._errors():
            row = self.db.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?",
                (run_id,),
            ).fetchone()
        if row is None:
            raise StoreError(f"no run `{run_id}` in {self.path} (`charter runs` lists them)")
        return _run_record(row)

    def plan(self, run_id: str) -> list[Challenge]:
        """The run's whole plan in order (`plan_items` reads it a page at a time)."""
        return list(self.plan_items(run_id))

    def plan_items(self, run_id: str, page: int = PAGE) -> Iterator[Challenge]:
        """The run's challenges in plan order, decoded `page` at a time (a missing run is a
        `StoreError` at the first item)."""
        self.run(run_id)
        for _, challenge in self._plan_pages(run_id, page, None, 0):
            yield challenge

    def plan_size(self, run_id: str) -> int:
        """How many challenges the run's plan has (each runs once per epoch and model)."""
        with self._errors():
            row = self.db.execute(
                "SELECT COUNT(*) FROM plan_items WHERE run_id = ?", (run_id,)
            ).fetchone()
        return int(row[0])

    def plan_clauses(self, run_id: str) -> list[tuple[str, str | None]]:
        """(clause id, authority) of every clause in the plan, in plan order."""
        with self._errors():
            rows = self.db.execute(
                "SELECT clause_id, authority FROM plan_items WHERE run_id = ?"
                " GROUP BY clause_id ORDER BY MIN(position)",
                (run_id,),
            ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def pending(
        self, run_id: str, model: str, epochs: int, page: int = PAGE
    ) -> Iterator[list[tuple[Challenge, int]]]:
        """The (challenge, epoch) pairs of `model` that the run has no sample of yet, epoch by
        epoch in plan order, in pages of `page` (the last may be smaller; a page may span
        epochs). Each page is read when the one before
        it is used up, so samples stored meanwhile are not offered again."""
        found: list[tuple[Challenge, int]] = []
        for epoch in range(epochs):
            for _, challenge in self._plan_pages(run_id, page, model, epoch):
                found.append((challenge, epoch))
                if len(found) == page:
                    yield found
                    found = []
        if found:
            yield found

    def _plan_pages(
        self, run_id: str, page: int, model: str | None, epoch: int
    ) -> Iterator[tuple[int, Challenge]]:
        """Plan items by position, `page` rows per query; with `model`, only those that have no
        sample of `model` at `epoch`."""
        unsampled = (
            " AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.run_id = p.run_id"
            " AND s.model = ? AND s.clause_id = p.clause_id AND s.prompt_index = p.prompt_index"
            " AND s.epoch = ?)"
        )
        after = -1
        while True:
            values: tuple[object, ...] = (run_id, after)
            if model is not None:
                values += (model, epoch)
            with self._errors():
                rows = self.db.execute(
                    "SELECT position, challenge FROM plan_items p WHERE run_id = ?"
                    f" AND position > ?{unsampled if model is not None else ''}"
                    " ORDER BY position LIMIT ?",
                    (*values, page),
                ).fetchall()
            for position, text in rows:
                yield position, Challenge.from_json(json.loads(text))
            if len(rows) < page:
                return
            after = rows[-1][0]

    def done_count(self, run_id: str, model: str | None = None) -> int:
        """How many samples the run has (of `model` only, when given)."""
        with self._errors():
            row = self.db.execute(
                "SELECT COUNT(*) FROM samples WHERE run_id = ? AND (? IS NULL OR model = ?)",
                (run_id, model, model),
            ).fetchone()
        return int(row[0])

    def ungraded(self, run_id: str, model: str) -> list[tuple[StoredSample, Challenge]]:
        """The samples of `model` stored without a grade (an invocation stopped between the
        two), each with its challenge."""
        with self._errors():
            rows = self.db.execute(
                f"SELECT {_SAMPLE_COLUMNS}, p.challenge FROM samples s"
                " LEFT JOIN grades g ON g.sample_id = s.id"
                " LEFT JOIN samples source ON source.id = s.carried_from"
                " JOIN plan_items p ON p.run_id = s.run_id AND p.clause_id = s.clause_id"
                " AND p.prompt_index = s.prompt_index"
                " WHERE s.run_id = ? AND s.model = ? AND g.id IS NULL ORDER BY s.id",
                (run_id, model),
            ).fetchall()
        return [
            (_stored_sample(row), Challenge.from_json(json.loads(row["challenge"]))) for row in rows
        ]

    def verdict_counts(
        self, run_id: str, model: str | None = None, clause: str | None = None
    ) -> list[tuple[str, str | None, int, int]]:
        """(clause id, verdict, samples, carried samples) of the run, counted in SQL, clauses in
        the order of their first sample."""
        with self._errors():
            rows = self.db.execute(
                "SELECT s.clause_id, g.verdict, COUNT(*), COUNT(s.carried_from), MIN(s.id)"
                " FROM samples s LEFT JOIN grades g ON g.sample_id = s.id"
                " WHERE s.run_id = ? AND (? IS NULL OR s.model = ?)"
                " AND (? IS NULL OR s.clause_id = ?)"
                " GROUP BY s.clause_id, g.verdict ORDER BY MIN(s.id)",
                (run_id, model, model, clause, clause),
            ).fetchall()
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    def prompt_counts(
        self, run_id: str, model: str | None = None, clause: str | None = None
    ) -> list[tuple[str, int, int, int]]:
        """Per prompt (and model): its clause id, its graded samples (comply or violate), those
        that comply, and how many different replies its epochs gave (no reply counts as one)."""
        with self._errors():
            rows = self.db.execute(
                "SELECT s.clause_id,"
                " SUM(g.verdict IN ('comply', 'violate')), SUM(g.verdict = 'comply'),"
                " COUNT(DISTINCT s.reply) + MAX(s.reply IS NULL)"
                " FROM samples s LEFT JOIN grades g ON g.sample_id = s.id"
                " WHERE s.run_id = ? AND (? IS NULL OR s.model = ?)"
                " AND (? IS NULL OR s.clause_id = ?)"
                " GROUP BY s.model, s.clause_id, s.prompt_index ORDER BY MIN(s.id)",
                (run_id, model, model, clause, clause),
            ).fetchall()
        return [(row[0], row[1] or 0, row[2] or 0, row[3]) for row in rows]

    def set_status(self, run_id: str, status: str) -> None:
        finished = now() if status in ("complete", "interrupted") else None
        with self._errors():
            self.db.execute(
                "UPDATE runs SET status = ?, finished = ? WHERE id = ?", (status, finished, run_id)
            )

    def claim(self, run_id: str) -> None:
        """Mark the run `running` by this process (its id and host) from now."""
        with self._errors():
            self.db.execute(
                "UPDATE runs SET status = 'running', finished = NULL, owner_pid = ?,"
                " owner_host = ?, heartbeat = ? WHERE id = ?",
                (*_owner(), run_id),
            )

    def heartbeat(self, run_id: str) -> None:
        """Record that the process running the run is still alive."""
        with self._errors():
            self._write()
            self.db.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (now(), run_id))

    def list_runs(self) -> list[RunSummary]:
        with self._errors():
            rows = self.db.execute(
                "SELECT r.id, r.created, r.finished, r.status, r.project, r.model, r.grader,"
                " r.settings, r.planned, r.owner_pid, r.owner_host, r.heartbeat, r.models,"
                " (SELECT COUNT(*) FROM samples s WHERE s.run_id = r.id) AS n,"
                " (SELECT COUNT(*) FROM samples s JOIN grades g ON g.sample_id = s.id"
                "   WHERE s.run_id = r.id AND g.verdict = 'comply') AS comply,"
                " (SELECT COUNT(*) FROM samples s JOIN grades g ON g.sample_id = s.id"
                "   WHERE s.run_id = r.id AND g.verdict = 'violate') AS violate"
                " FROM runs r ORDER BY r.rowid"
            ).fetchall()
        return [
            RunSummary(_run_record(row), row["n"], row["comply"], row["violate"]) for row in rows
        ]

    # samples and grades

    def done(self, run_id: str, model: str | None = None) -> set[tuple[str, int, int]]:
        """(clause id, prompt index, epoch) of every sample the run already has (of `model`
        only, when given)."""
        with self._errors():
            rows = self.db.execute(
                "SELECT clause_id, prompt_index, epoch FROM samples WHERE run_id = ?"
                " AND (? IS NULL OR model = ?)",
                (run_id, model, model),
            ).fetchall()
        return {(row[0], row[1], row[2]) for row in rows}

    def forget_errors(self, run_id: str) -> int:
        """Delete the run's failed samples (the model's call failed) and the failed grades of
        the others (no judge could grade them), so that they are tried again: the samples are
        sent anew, the replies graded anew. One transaction. Returns how many there were."""
        failed_grades = (
            "SELECT g.sample_id FROM grades g JOIN samples s ON s.id = g.sample_id"
            " WHERE s.run_id = ? AND (s.error IS NOT NULL OR g.verdict = 'error')"
        )
        self.flush()
        with self._errors():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                ids = [row[0] for row in self.db.execute(failed_grades, (run_id,))]
                failed = self.db.execute(
                    "SELECT id FROM samples WHERE run_id = ? AND error IS NOT NULL", (run_id,)
                ).fetchall()
                for table in ("votes", "grades"):
                    self.db.executemany(
                        f"DELETE FROM {table} WHERE sample_id = ?", [(i,) for i in ids]
                    )
                self.db.executemany("DELETE FROM samples WHERE id = ?", failed)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        return len(set(ids) | {row[0] for row in failed})

    def cached(self, cache_key: str) -> sqlite3.Row | None:
        """The latest successful sample with this key, from any run."""
        with self._errors():
            row: sqlite3.Row | None = self.db.execute(
                "SELECT id, reply, latency, input_tokens, output_tokens FROM samples"
                " WHERE cache_key = ? AND error IS NULL AND reply IS NOT NULL AND reply != ''"
                " ORDER BY id DESC LIMIT 1",
                (cache_key,),
            ).fetchone()
        return row

    def cached_many(self, cache_keys: Iterable[str]) -> dict[str, sqlite3.Row]:
        """`cached` for many keys at once: the rows found, by key (a few queries in all)."""
        found: dict[str, sqlite3.Row] = {}
        wanted = list(dict.fromkeys(cache_keys))
        with self._errors():
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                chunk = wanted[start : start + _KEYS_PER_QUERY]
                rows = self.db.execute(
                    "SELECT cache_key, id, reply, latency, input_tokens, output_tokens"
                    f" FROM samples WHERE cache_key IN ({', '.join('?' * len(chunk))})"
                    " AND error IS NULL AND reply IS NOT NULL AND reply != '' ORDER BY id",
                    chunk,
                )
                for row in rows:  # the latest sample of a key comes last and wins
                    found[row["cache_key"]] = row
        return found

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Within the block (run by an asyncio loop), the samples, grades and heartbeats written
        during one step of the loop are committed together at the start of the next step: one
        transaction per step instead of one per row. Leaving the block commits what is left."""
        self._batch_loop = asyncio.get_running_loop()
        try:
            yield
        finally:
            self._batch_loop = None
            self.flush()

    def flush(self) -> None:
        """Commit the writes batched so far (see `batched`); while batching, a commit refused
        because another process holds the database is tried again a moment later."""
        if not self._batch_open:
            return
        try:
            with self._errors():
                self.db.execute("COMMIT")
        except StoreError:
            if self._batch_loop is None:
                raise
            self._batch_loop.call_later(0.1, self.flush)
            return
        self._batch_open = False

    def _write(self) -> None:
        """Before a write: open the step's transaction when batching and none is open."""
        if self._batch_loop is not None and not self._batch_open:
            self.db.execute("BEGIN")
            self._batch_open = True
            self._batch_loop.call_soon(self.flush)

    def add_sample(self, sample: SampleRecord) -> int | None:
        """Write one sample and return its id (committed now, or with its loop step when
        `batched`); None if the run already has it."""
        try:
            with self._errors():
                self._write()
                cursor = self.db.execute(
                    "INSERT INTO samples (run_id, clause_id, prompt_index, prompt_hash, epoch,"
                    " conversation, model, parameters, reply, latency, input_tokens,"
                    " output_tokens, error, cache_key, cached_from, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        sample.run_id,
                        sample.clause_id,
                        sample.prompt_index,
                        sample.prompt_hash,
                        sample.epoch,
                        redact(json.dumps(sample.conversation, ensure_ascii=False)),
                        sample.model,
                        json.dumps(sample.parameters, sort_keys=True),
                        redact(sample.reply),
                        sample.latency,
                        sample.input_tokens,
                        sample.output_tokens,
                        redact(sample.error),
                        sample.cache_key,
                        sample.cached_from,
                        now(),
                    ),
                )
        except sqlite3.IntegrityError:
            return None
        return cursor.lastrowid

    def add_trajectory(self, sample_id: int, steps: list[dict[str, Any]]) -> None:
        """Keep what the agent did for a sample (secrets redacted, as replies are)."""
        with self._errors():
            self._write()
            self.db.execute(
                "INSERT OR REPLACE INTO trajectories (sample_id, steps) VALUES (?, ?)",
                (sample_id, redact(json.dumps(steps, ensure_ascii=False))),
            )

    def trajectory(self, sample_id: int) -> list[dict[str, Any]] | None:
        """The steps stored for a sample, or for the sample it was cached or carried from."""
        with self._errors():
            row = self.db.execute(
                "SELECT t.steps FROM samples s JOIN trajectories t ON t.sample_id IN"
                " (s.id, s.cached_from, s.carried_from) WHERE s.id = ?"
                " ORDER BY t.sample_id = s.id DESC LIMIT 1",
                (sample_id,),
            ).fetchone()
        if row is None:
            return None
        steps = json.loads(row[0])
        return steps if isinstance(steps, list) else None

    def trajectories(self, run_id: str) -> dict[int, list[dict[str, Any]]]:
        """The trajectory of every sample of the run that has one, by sample id."""
        with self._errors():
            rows = self.db.execute(
                "SELECT s.id, t.steps FROM samples s JOIN trajectories t ON t.sample_id IN"
                " (s.id, s.cached_from, s.carried_from) WHERE s.run_id = ?"
                " ORDER BY t.sample_id = s.id",
                (run_id,),
            ).fetchall()
        found: dict[int, list[dict[str, Any]]] = {}
        for sample_id, steps in rows:  # a sample's own steps come last and win
            loaded = json.loads(steps)
            if isinstance(loaded, list):
                found[sample_id] = loaded
        return found

    def add_grade(self, sample_id: int, grade: Grade) -> None:
        with self._errors():
            self._write()
            self.db.execute(
                "INSERT OR IGNORE INTO grades (sample_id, grader, verdict, confidence, rationale,"
                " clause_ids, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                _grade_row(sample_id, grade),
            )
            if grade.votes:
                self.db.executemany(
                    "INSERT INTO votes (sample_id, grader, verdict, confidence, rationale,"
                    " clause_ids, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [_grade_row(sample_id, vote) for vote in grade.votes],
                )

    def samples(self, run_id: str) -> list[StoredSample]:
        """Every sample of the run in plan order, each with its grade (None when ungraded)."""
        with self._errors():
            rows = self.db.execute(
                f"SELECT {_SAMPLE_COLUMNS} FROM samples s"
                " LEFT JOIN grades g ON g.sample_id = s.id"
                " LEFT JOIN samples source ON source.id = s.carried_from"
                " WHERE s.run_id = ? ORDER BY s.id",
                (run_id,),
            ).fetchall()
        return [_stored_sample(row) for row in rows]

    def override_grade(self, sample_id: int, grade: Grade) -> None:
        """Make `grade` (a person's verdict) the sample's grade. The grade it replaces stays on
        record as a vote, unless it is one already. One transaction."""
        self.flush()
        with self._errors():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute(
                    "INSERT INTO votes (sample_id, grader, verdict, confidence, rationale,"
                    " clause_ids, created) SELECT g.sample_id, g.grader, g.verdict, g.confidence,"
                    " g.rationale, g.clause_ids, g.created FROM grades g WHERE g.sample_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.sample_id = g.sample_id"
                    " AND v.grader = g.grader AND v.verdict = g.verdict)",
                    (sample_id,),
                )
                self.db.execute("DELETE FROM grades WHERE sample_id = ?", (sample_id,))
                self.db.execute(
                    "INSERT INTO grades (sample_id, grader, verdict, confidence, rationale,"
                    " clause_ids, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    _grade_row(sample_id, grade),
                )
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # carrying results forward (`charter test --changed-since`)

    def latest_complete_run(self, model: str, grader: str | None) -> RunRecord | None:
        """The newest complete run of `model` alone graded by `grader` (None: checks only); a
        run of several models is not one (its samples are not all of `model`)."""
        with self._errors():
            row = self.db.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs"
                " WHERE status = 'complete' AND model = ? AND grader IS ?"
                " AND (models IS NULL OR models = ?)"
                " ORDER BY rowid DESC LIMIT 1",
                (model, grader, json.dumps([model])),
            ).fetchone()
        return None if row is None else _run_record(row)

    def carriable(self, run_id: str) -> dict[tuple[str, str, int], CarriableSample]:
        """The run's successful samples by (clause id, prompt hash, epoch): replies that can
        stand for the same prompt in a later run."""
        with self._errors():
            rows = self.db.execute(
                "SELECT id, clause_id, prompt_hash, epoch, parameters FROM samples"
                " WHERE run_id = ? AND error IS NULL",
                (run_id,),
            ).fetchall()
        return {
            (row["clause_id"], row["prompt_hash"], row["epoch"]): CarriableSample(
                row["id"], json.loads(row["parameters"])
            )
            for row in rows
        }

    def carry(self, run_id: str, sources: list[tuple[int, int]]) -> int:
        """Copy samples of an earlier run into `run_id`, each with its grade and votes, marked
        with `carried_from`. `sources` pairs a sample id with the prompt index it takes in the
        new run. One transaction: all are carried or none. Returns how many were."""
        self.flush()
        with self._errors():
            self.db.execute("BEGIN")
            try:
                for sample_id, prompt_index in sources:
                    self._carry_one(run_id, sample_id, prompt_index)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        return len(sources)

    def _carry_one(self, run_id: str, sample_id: int, prompt_index: int) -> None:
        cursor = self.db.execute(
            "INSERT INTO samples (run_id, clause_id, prompt_index, prompt_hash, epoch,"
            " conversation, model, parameters, reply, latency, input_tokens, output_tokens,"
            " error, cache_key, cached_from, created, carried_from)"
            " SELECT ?, clause_id, ?, prompt_hash, epoch, conversation, model, parameters,"
            " reply, latency, input_tokens, output_tokens, error, cache_key, cached_from, ?, id"
            " FROM samples WHERE id = ?",
            (run_id, prompt_index, now(), sample_id),
        )
        copy = cursor.lastrowid
        for table in ("grades", "votes"):
            self.db.execute(
                f"INSERT INTO {table} (sample_id, grader, verdict, confidence, rationale,"
                " clause_ids, created) SELECT ?, grader, verdict, confidence, rationale,"
                f" clause_ids, created FROM {table} WHERE sample_id = ? ORDER BY id",
                (copy, sample_id),
            )


_RUN_COLUMNS = (
    "id, created, finished, status, project, model, grader, settings, planned,"
    " owner_pid, owner_host, heartbeat, models"
)
"""The columns `_run_record` reads."""


_SAMPLE_COLUMNS = (
    "s.id, s.clause_id, s.prompt_index, s.epoch, s.reply, s.error, s.latency,"
    " s.input_tokens, s.output_tokens, s.cached_from, s.parameters,"
    " g.verdict, g.grader, g.confidence, g.rationale, s.carried_from,"
    " source.run_id AS carried_run, s.model"
)
"""The columns `_stored_sample` reads (`samples s`, its grade `g`, the sample it was carried
from `source`)."""


def _stored_sample(row: sqlite3.Row) -> StoredSample:
    return StoredSample(
        id=row["id"],
        clause_id=row["clause_id"],
        prompt_index=row["prompt_index"],
        epoch=row["epoch"],
        reply=row["reply"],
        error=row["error"],
        latency=row["latency"],
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
        cached_from=row["cached_from"],
        parameters=json.loads(row["parameters"]),
        verdict=row["verdict"],
        grader=row["grader"],
        confidence=row["confidence"],
        rationale=row["rationale"],
        carried_from=row["carried_from"],
        carried_run=row["carried_run"],
        model=row["model"],
    )


def _read_only(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    db.row_factory = sqlite3.Row
    return db


def carried_runs(
    path: Path, run_id: str, *, model: str | None = None, clause: str | None = None
) -> list[str]:
    """The runs the run's carried samples (of `model`, of `clause`) came from, first seen first."""
    db = _read_only(path)
    try:
        rows = db.execute(
            "SELECT source.run_id FROM samples s JOIN samples source ON source.id = s.carried_from"
            " WHERE s.run_id = ? AND (? IS NULL OR s.model = ?) AND (? IS NULL OR s.clause_id = ?)"
            " GROUP BY source.run_id ORDER BY MIN(s.id)",
            (run_id, model, model, clause, clause),
        ).fetchall()
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot read the run's samples: {error}") from None
    finally:
        db.close()
    return [row[0] for row in rows]


def read_samples(
    path: Path,
    run_id: str,
    *,
    model: str | None = None,
    clause: str | None = None,
    replayed: bool = False,
) -> Iterator[tuple[StoredSample, Challenge | None, list[dict[str, Any]] | None]]:
    """The run's samples in order (of `model`, of `clause`, with `replayed` only those whose
    challenge replays a precedent), each with its challenge and trajectory, read `PAGE` rows
    at a time through a read-only connection of its own: what a report streams, whether or
    not a `RunStore` is still open on the file."""
    db = _read_only(path)
    query = (
        f"SELECT {_SAMPLE_COLUMNS}, p.challenge,"
        " COALESCE((SELECT steps FROM trajectories WHERE sample_id = s.id),"
        " (SELECT steps FROM trajectories WHERE sample_id = s.cached_from),"
        " (SELECT steps FROM trajectories WHERE sample_id = s.carried_from)) AS steps"
        " FROM samples s LEFT JOIN grades g ON g.sample_id = s.id"
        " LEFT JOIN samples source ON source.id = s.carried_from"
        " LEFT JOIN plan_items p ON p.run_id = s.run_id AND p.clause_id = s.clause_id"
        " AND p.prompt_index = s.prompt_index"
        " WHERE s.run_id = ? AND s.id > ? AND (? IS NULL OR s.model = ?)"
        " AND (? IS NULL OR s.clause_id = ?)"
        " AND (? = 0 OR json_extract(p.challenge, '$.expected') IS NOT NULL)"
        " ORDER BY s.id LIMIT ?"
    )
    try:
        after = -1
        while True:
            try:
                rows = db.execute(
                    query, (run_id, after, model, model, clause, clause, replayed, PAGE)
                ).fetchall()
            except sqlite3.Error as error:
                raise StoreError(f"{path}: cannot read the run's samples: {error}") from None
            for row in rows:
                text = row["challenge"]
                steps = json.loads(row["steps"]) if row["steps"] else None
                yield (
                    _stored_sample(row),
                    Challenge.from_json(json.loads(text)) if text else None,
                    steps if isinstance(steps, list) else None,
                )
            if len(rows) < PAGE:
                return
            after = rows[-1]["id"]
    finally:
        db.close()


_KEYS_PER_QUERY = 500
"""Cache keys looked up per query (SQLite allows 32,766 parameters; fewer keeps each small)."""


def _run_record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=row["id"],
        created=row["created"],
        finished=row["finished"],
        status=row["status"],
        project=row["project"],
        model=row["model"],
        grader=row["grader"],
        settings=json.loads(row["settings"]),
        planned=row["planned"],
        owner_pid=row["owner_pid"],
        owner_host=row["owner_host"],
        heartbeat=row["heartbeat"],
        models=tuple(json.loads(row["models"])) if row["models"] else (row["model"],),
    )


def _grade_row(sample_id: int, grade: Grade) -> tuple[object, ...]:
    """The values of a `grades` (or `votes`) row for `grade`."""
    return (
        sample_id,
        grade.grader,
        grade.verdict.value,
        grade.confidence,
        redact(grade.rationale),
        json.dumps(list(grade.clause_ids)),
        now(),
    )


def _owner() -> tuple[int, str, str]:
    """This process as the owner of a run: its id, its host, and now as its heartbeat."""
    return os.getpid(), socket.gethostname(), now()


def _when_free(action: Callable[[], None], patience: float) -> None:
    """Run `action`, again after a short random pause while another connection holds the
    database (switching to WAL and `BEGIN IMMEDIATE` can be refused at once rather than wait),
    for up to `patience` seconds."""
    deadline = time.monotonic() + patience
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(random.uniform(0.01, 0.1))
