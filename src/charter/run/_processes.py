"""The model calls of a run in several local processes: `charter test --workers N|auto`.

The pending samples are split into one shard per worker (`charter.run._shards`, the logic the
Ray executor uses too). Each worker is a fresh Python process that rebuilds the provider from
its spec and options and sends its shard's calls through its own `ModelCaller`, with its share
of the run's concurrency (the shares add up to the concurrency asked for); the replies come back
over its stdout as they arrive. Only this process writes to the run store: it stores and grades
every reply, once. A worker that dies (killed, out of memory) is started again with the samples
that have not come back; after `attempts` starts the rest are stored as errors, which
`--resume` sends again.

The wire between the processes: the job, pickled, on the worker's stdin; on its stdout, frames
of a 4-byte big-endian length and a pickled list of `ShardReply` (a `ShardCounts` last).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import struct
import sys
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from charter.errors import ConfigError
from charter.model import Backoff, GenerateConfig
from charter.run._shards import ShardCounts, ShardItem, ShardLost, ShardReply, run_shards

if TYPE_CHECKING:
    from charter.run._engine import Engine
    from charter.run._plan import Challenge

FRAME = struct.Struct(">I")
WORKER_CODE = "from charter.run._processes import worker_main; worker_main()"
MAX_WORKERS = 64


class WorkersError(ConfigError):
    """`--workers` is not a whole number of at least 1, or `auto`."""


def worker_count(value: str | int | None) -> int:
    """`--workers N|auto` as a number of processes (auto: one per core); 1 when not given."""
    if value is None:
        return 1
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().lower() == "auto":
        return max(1, min(MAX_WORKERS, os.cpu_count() or 1))
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value)
    else:
        raise WorkersError(
            f"--workers must be a number of processes or auto, not `{value}`",
            "give e.g. --workers 2, or --workers auto for one per core",
        )
    if not 1 <= number <= MAX_WORKERS:
        raise WorkersError(
            f"--workers must be between 1 and {MAX_WORKERS}, not {number}",
            "give e.g. --workers 2, or --workers auto for one per core",
        )
    return number


def shares(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole shares that differ by one at most (each at least 1)."""
    base, extra = divmod(max(total, parts), parts)
    return [base + (index < extra) for index in range(parts)]


@dataclass(slots=True)
class ShardJob:
    """What a worker process is given on its stdin."""

    spec: str
    options: dict[str, Any]
    config: GenerateConfig
    items: list[ShardItem]
    concurrency: int
    max_retries: int
    backoff: Backoff


@dataclass(slots=True)
class ProcessExecutor:
    """Calls from `workers` local processes (see the module's doc)."""

    workers: int = 2
    attempts: int = 3
    lost_shards: int = field(default=0, init=False)
    """Worker processes that died before their shard was done (each was started again)."""
    pids: list[int] = field(default_factory=list, init=False)
    """Every worker process started, in order (for the tests, and to find a stuck one)."""

    def start(self, engine: Engine, pending: Iterable[tuple[Challenge, int]]) -> list[Any]:
        return [asyncio.ensure_future(self._run(engine, pending))]

    async def _run(self, engine: Engine, pending: Iterable[tuple[Challenge, int]]) -> None:
        split = shares(engine.limiter.maximum, self.workers)

        def launch(
            items: list[ShardItem], number: int, attempt: int
        ) -> AsyncIterator[ShardReply | ShardCounts]:
            job = ShardJob(
                engine.provider.spec,
                engine.provider.options,
                engine.options.config,
                items,
                split[number],
                engine.caller.max_retries,
                engine.caller.backoff,
            )
            return self._worker(job)

        def size(count: int) -> int:
            return -(-count // self.workers)

        self.lost_shards += await run_shards(
            engine, pending, size, launch, self.attempts, "workers"
        )

    async def _worker(self, job: ShardJob) -> AsyncIterator[ShardReply | ShardCounts]:
        """Run `job` in a new process and yield what it sends back."""
        with tempfile.TemporaryFile() as errors:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                WORKER_CODE,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=errors,
                env=_worker_env(),
                limit=1 << 20,
            )
            self.pids.append(process.pid)
            assert process.stdin is not None and process.stdout is not None
            try:
                with contextlib.suppress(ConnectionError):  # it died at once: said below
                    process.stdin.write(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
                    await process.stdin.drain()
                    process.stdin.close()
                finished = False
                while not finished:
                    try:
                        head = await process.stdout.readexactly(FRAME.size)
                        frame = await process.stdout.readexactly(FRAME.unpack(head)[0])
                    except asyncio.IncompleteReadError:
                        break
                    for item in pickle.loads(frame):
                        finished = finished or isinstance(item, ShardCounts)
                        yield item
                code = await process.wait()
            except BaseException:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
                raise
            if not finished:
                raise ShardLost(_death(process.pid, code, errors))


def _death(pid: int, code: int, errors: IO[bytes]) -> str:
    """How worker `pid` ended, with the last line it wrote to stderr."""
    how = f"exited with code {code}"
    if code < 0:
        try:
            how = f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"was killed by signal {-code}"
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    last = f": {lines[-1][:300]}" if lines else ""
    return f"worker process {pid} {how} before its shard was done{last}"


def _worker_env() -> dict[str, str]:
    """This environment, with the folder Charter is imported from first on PYTHONPATH."""
    source = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def worker_main() -> None:
    """A worker process: read its job from stdin, stream the replies to stdout."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to stderr, not the wire
    job: ShardJob = pickle.load(sys.stdin.buffer)
    asyncio.run(_serve(job, out))
    out.close()


async def _serve(job: ShardJob, out: IO[bytes]) -> None:
    from charter.model import ModelCaller, get_provider
    from charter.run._shards import shard_replies

    provider = get_provider(job.spec, **job.options)
    caller = ModelCaller(
        provider, max_retries=job.max_retries, backoff=job.backoff, concurrency=job.concurrency
    )

    def send(items: list[Any]) -> None:
        frame = pickle.dumps(items, pickle.HIGHEST_PROTOCOL)
        out.write(FRAME.pack(len(frame)) + frame)
        out.flush()

    try:
        async for replies in shard_replies(caller, job.config, job.items):
            send(replies)
        send([ShardCounts(caller.stats.retries, caller.limiter.slowdowns, caller.limiter.peak)])
    finally:
        await provider.aclose()
