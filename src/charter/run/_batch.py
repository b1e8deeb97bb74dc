"""Run the model calls of a run through the provider's batch endpoint: `--executor batch`.

The pending samples that are not in the reply cache go to the provider as one batch (OpenAI's
Batch API or Anthropic's Message Batches, `charter.model.batch_api`), each request named by its
sample's key (`custom_id`). The batch's id is recorded in the run store as soon as the provider
gives it, so a `--resume` after a crash or Ctrl-C re-attaches to the batch instead of paying
for it twice. The batch is polled (`poll_seconds`, growing by `backoff` up to
`max_poll_seconds`); once it has ended, each result is stored and graded once, by this process.

A request the batch could not run (it expired, was cancelled, met a server-side error, or the
whole batch failed) is sent again through the provider's ordinary endpoint, with the engine's
retries and limits; a request the provider refused is stored as an error with its message (and
`--resume` tries it again). Nothing is lost either way.

On Ctrl-C the batch is left running by default: the provider finishes it, and `--resume`
collects it. With `cancel_on_interrupt` it is cancelled; `--resume` then collects what it
finished and sends the rest through the ordinary endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from charter.model import (
    BATCH_PROVIDERS,
    BatchApi,
    BatchRequest,
    BatchResult,
    ModelOutput,
    Provider,
    ProviderError,
    batch_api,
    has_batch_api,
)
from charter.run._ray import ExecutorUnavailable
from charter.run._store import RunStore, now

if TYPE_CHECKING:
    from charter.run._engine import Call, Engine
    from charter.run._plan import Challenge

CANCEL_SECONDS = 30.0
"""How long a submission or a cancel under way at Ctrl-C may take to finish."""
RESULT_ATTEMPTS = 5
"""Tries at reading an ended batch's results when the network fails."""
POLL_FAILURES = 10
"""Looks in a row that may fail on the network (or a server error) before the batch is left
open for `--resume`."""
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
Item = TypeVar("Item")
Finished = tuple["Call", str, "ModelOutput | None", "str | None"]
"""A sample's call, its cache key, and its reply or error."""


def require_batch_api(spec: str) -> None:
    """Refuse, before anything is sent, a model whose provider has no batch endpoint."""
    if not has_batch_api(spec):
        names = ", ".join(f"{name}:" for name in BATCH_PROVIDERS)
        raise ExecutorUnavailable(
            f"--executor batch needs a provider with a batch endpoint ({names}); {spec} has none",
            "test it with --executor local (the default), or give --model openai:... "
            "or --model anthropic:...",
        )


def custom_id(clause_id: str, prompt_index: int, epoch: int) -> str:
    """A sample's key as a batch request id (letters, digits, `_` and `-`, at most 64): readable,
    and unique by a hash of the exact key."""
    exact = f"{clause_id}\0{prompt_index}\0{epoch}"
    digest = hashlib.sha256(exact.encode()).hexdigest()[:10]
    return f"{_UNSAFE.sub('_', clause_id)[:36]}-p{prompt_index}-e{epoch}-{digest}"


@dataclass(frozen=True, slots=True)
class OpenBatch:
    batch_id: str
    custom_ids: frozenset[str]


class BatchLedger:
    """The `batches` table of the run store: which batches a run sent, and which are collected."""

    def __init__(self, store: RunStore, run_id: str, model: str) -> None:
        self.db = store.db
        self.run_id = run_id
        self.model = model

    def record(self, batch_id: str, custom_ids: Iterable[str]) -> None:
        self.db.execute(
            "INSERT INTO batches (id, run_id, model, custom_ids, status, created)"
            " VALUES (?, ?, ?, ?, 'open', ?)",
            (batch_id, self.run_id, self.model, json.dumps(sorted(custom_ids)), now()),
        )

    def open(self) -> list[OpenBatch]:
        rows = self.db.execute(
            "SELECT id, custom_ids FROM batches WHERE run_id = ? AND model = ? AND status = 'open'"
            " ORDER BY created",
            (self.run_id, self.model),
        ).fetchall()
        return [OpenBatch(row[0], frozenset(json.loads(row[1]))) for row in rows]

    def collected(self, batch_id: str) -> None:
        self.db.execute(
            "UPDATE batches SET status = 'collected', collected = ? WHERE id = ?",
            (now(), batch_id),
        )


def batches_of(store: RunStore, run_id: str) -> list[tuple[str, str]]:
    """The batches a run sent: (provider's id, `open` or `collected`), oldest first."""
    rows = store.db.execute(
        "SELECT id, status FROM batches WHERE run_id = ? ORDER BY created, id", (run_id,)
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


@dataclass(slots=True)
class BatchExecutor:
    """Calls through the provider's batch endpoint (see the module's doc)."""

    poll_seconds: float = 30.0
    max_poll_seconds: float = 600.0
    backoff: float = 1.5
    """Each poll of an unfinished batch waits this many times longer, up to `max_poll_seconds`."""
    cancel_on_interrupt: bool = False
    max_requests: int = 50_000
    """Requests per batch (OpenAI's limit; more samples make more batches)."""
    batches: list[str] = field(default_factory=list, init=False)
    """The batches this invocation sent or re-attached to."""
    resent: int = field(default=0, init=False)
    """Requests sent again through the ordinary endpoint."""
    failures: list[str] = field(default_factory=list, init=False)
    """Why a batch failed as a whole (its requests were sent through the ordinary endpoint)."""

    def start(self, engine: Engine, pending: Iterable[tuple[Challenge, int]]) -> list[Any]:
        api = self.api_for(engine.provider)
        return [asyncio.ensure_future(self._run(engine, api, pending))]

    @staticmethod
    def api_for(provider: Provider) -> BatchApi:
        api = batch_api(provider)
        if api is None:
            require_batch_api(provider.spec)
            raise ExecutorUnavailable(f"{provider.spec}: its provider has no batch endpoint")
        return api

    async def _run(
        self, engine: Engine, api: BatchApi, pending: Iterable[tuple[Challenge, int]]
    ) -> None:
        from charter.run._engine import Call

        waiting: dict[str, tuple[Call, str]] = {}
        for challenge, epoch in pending:
            call = Call(engine, challenge, epoch)
            hit, key = call.cached()
            if hit is not None:
                await call.finish(key, hit, None, None)
            else:
                waiting[custom_id(challenge.clause_id, challenge.prompt_index, epoch)] = (call, key)
        ledger = BatchLedger(engine.store, engine.run_id, engine.provider.spec)
        rounds = []
        for batch in ledger.open():
            mine = {cid: waiting.pop(cid) for cid in batch.custom_ids if cid in waiting}
            rounds.append(self._follow(engine, api, ledger, batch.batch_id, mine))
        ids = list(waiting)
        for start in range(0, len(ids), self.max_requests):
            chunk = {cid: waiting[cid] for cid in ids[start : start + self.max_requests]}
            rounds.append(self._submit_and_follow(engine, api, ledger, chunk))
        await asyncio.gather(*rounds)

    async def _submit_and_follow(
        self,
        engine: Engine,
        api: BatchApi,
        ledger: BatchLedger,
        calls: dict[str, tuple[Call, str]],
    ) -> None:
        requests = [BatchRequest(cid, call.challenge.messages) for cid, (call, _) in calls.items()]
        submitting = asyncio.ensure_future(api.submit(requests, engine.options.config))
        try:
            batch_id = await asyncio.shield(submitting)
        except asyncio.CancelledError:  # interrupted while sending: record the batch if it came
            with contextlib.suppress(ProviderError, TimeoutError, asyncio.CancelledError):
                batch_id = await asyncio.wait_for(submitting, CANCEL_SECONDS)
                ledger.record(batch_id, calls)
                if self.cancel_on_interrupt:  # it came after the interrupt: cancel it too
                    await asyncio.wait_for(
                        api.cancel(batch_id, engine.options.config), CANCEL_SECONDS
                    )
            raise
        except ProviderError as error:
            refused: list[Finished] = [
                (call, key, None, f"batch not sent: {error}") for call, key in calls.values()
            ]
            await self._finish_all(engine, refused)
            return
        ledger.record(batch_id, calls)
        await self._follow(engine, api, ledger, batch_id, calls)

    async def _follow(
        self,
        engine: Engine,
        api: BatchApi,
        ledger: BatchLedger,
        batch_id: str,
        calls: dict[str, tuple[Call, str]],
    ) -> None:
        """Wait for the batch to end, then store every result of `calls` and resend the rest."""
        self.batches.append(batch_id)
        config = engine.options.config
        try:
            failure = await self._wait(api, batch_id, config) if calls else None
        except asyncio.CancelledError:
            if self.cancel_on_interrupt:
                with contextlib.suppress(ProviderError, TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(
                        asyncio.shield(api.cancel(batch_id, config)), CANCEL_SECONDS
                    )
            raise
        except ProviderError as error:
            if error.retryable:  # unreachable for now: left open, `--resume` collects it
                await self._left_open(engine, calls, f"cannot reach batch {batch_id}: {error}")
                return
            failure = f"cannot follow batch {batch_id}: {error}"
        _raise_if_cancelled()
        if failure is not None:
            self.failures.append(failure)
        results: list[BatchResult] = []
        if failure is None and calls:
            try:
                results = await self._results(api, batch_id, config)
            except ProviderError as error:
                message = f"cannot read the results of batch {batch_id}: {error}"
                await self._left_open(engine, calls, message)
                return
        done: list[Finished] = []
        resend = dict(calls)
        for result in results:
            found = resend.get(result.custom_id)
            if found is None or (result.output is None and result.resend):
                continue
            del resend[result.custom_id]
            done.append((*found, result.output, result.error))
        await self._finish_all(engine, done)
        self.resent += len(resend)
        await self._resend(engine, resend)
        ledger.collected(batch_id)

    async def _left_open(
        self, engine: Engine, calls: dict[str, tuple[Call, str]], message: str
    ) -> None:
        """Store the samples of a batch that is left open as errors saying why: `--resume`
        (which tries failed samples again) re-attaches to the batch and collects them."""
        self.failures.append(message)
        unread: list[Finished] = [(c, k, None, message) for c, k in calls.values()]
        await self._finish_all(engine, unread)

    async def _results(self, api: BatchApi, batch_id: str, config: Any) -> list[BatchResult]:
        """The ended batch's results, read again after a network failure."""
        interval = self.poll_seconds
        for _ in range(RESULT_ATTEMPTS - 1):
            try:
                return await api.results(batch_id, config)
            except ProviderError as error:
                if not error.retryable:
                    raise
            _raise_if_cancelled()
            await asyncio.sleep(interval)
            interval = min(interval * self.backoff, self.max_poll_seconds)
        return await api.results(batch_id, config)

    async def _wait(self, api: BatchApi, batch_id: str, config: Any) -> str | None:
        """Poll until the batch ends; the reason it failed as a whole, or None."""
        interval = min(self.poll_seconds, self.max_poll_seconds)
        misses = 0
        while True:
            try:
                state = await api.state(batch_id, config)
            except ProviderError as error:
                misses += 1
                if not error.retryable or misses >= POLL_FAILURES:
                    raise
            else:
                misses = 0
                if state.ended:
                    return (
                        None
                        if state.failure is None
                        else f"batch {batch_id} failed: {state.failure}"
                    )
            _raise_if_cancelled()
            await asyncio.sleep(interval)
            interval = min(interval * self.backoff, self.max_poll_seconds)

    async def _resend(self, engine: Engine, calls: dict[str, tuple[Call, str]]) -> None:
        """Send requests the batch could not run through the ordinary endpoint."""

        async def one(item: tuple[Call, str]) -> None:
            call, key = item
            output, error = await engine.call(list(call.challenge.messages))
            await call.finish(key, None, output, error)

        await _bounded(engine.workers(), list(calls.values()), one)

    @staticmethod
    async def _finish_all(engine: Engine, done: list[Finished]) -> None:
        """Store and grade each result, as many at once as the engine grades."""

        async def one(item: Finished) -> None:
            call, key, output, error = item
            await call.finish(key, None, output, error)

        await _bounded(engine.workers(), done, one)


def _raise_if_cancelled() -> None:
    """Go on cancelling a task whose cancellation an HTTP client or `asyncio.wait_for` (before
    Python 3.12) turned into an error or a result: a stopped run must not go on polling."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def _bounded(
    limit: int, items: list[Item], action: Callable[[Item], Awaitable[None]]
) -> None:
    """`action` on every item, at most `limit` at once."""
    queue = iter(items)

    async def worker() -> None:
        for item in queue:
            await action(item)

    await asyncio.gather(*(worker() for _ in range(min(limit, len(items)))))
