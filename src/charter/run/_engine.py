"""The run engine: send every pending challenge to the model, store each reply, grade it.

Calls run concurrently through a `ModelCaller` (an adaptive limit, a timeout and retries for each,
the same wrapper the judges use); a sample is stored as soon as it arrives, committed with the
others of its loop step (`RunStore.batched`). Setting the `stop`
event (Ctrl-C) cancels the calls in flight and leaves the run `interrupted` with every stored
sample kept, ready for `--resume`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from charter.grade import CallFacts, GradeInput, Grader, GradingPolicy, Panel, Verdict
from charter.model import (
    TRAJECTORY_KEY,
    AdaptiveLimiter,
    Backoff,
    GenerateConfig,
    Message,
    ModelCaller,
    ModelOutput,
    Provider,
    ProviderError,
)
from charter.run._plan import Challenge, message_json
from charter.run._store import RunStore, SampleRecord, StoreError
from charter.trajectory import Trajectory

MODEL = "model"
JUDGE = "judge"
ROLES = (MODEL, JUDGE)
"""Who made a call: the model under test or a judge; errors and retries are counted by role."""
HEARTBEAT_SECONDS = 10.0
"""How often a running run records that its process is alive (see `RunRecord.shown_status`)."""


@dataclass(slots=True)
class RunOptions:
    """How to run: sampling, repeats, flow control, cache."""

    config: GenerateConfig = field(default_factory=GenerateConfig)
    epochs: int = 1
    concurrency: int | None = None
    """Calls in flight at once; None takes the provider's `default_concurrency`."""
    max_retries: int = 4
    backoff: Backoff = field(default_factory=Backoff)
    use_cache: bool = True
    retry_errors: bool = False
    """Before running, forget the run's failed samples and failed grades so they are tried
    again (`charter test --resume` does, unless `--keep-errors`)."""


class Progress(Protocol):
    """Told about the run as it goes (a progress bar, or nothing)."""

    def start(self, total: int, done: int) -> None: ...

    def started(self, challenge: Challenge, epoch: int) -> None:
        """A sample's call is about to be made (or its reply taken from the cache)."""

    def stored(self, challenge: Challenge, epoch: int, error: str | None, cached: bool) -> None:
        """A sample's reply (or its failure) is stored; its grade follows."""

    def advance(self, verdict: Verdict, cached: bool) -> None: ...

    def stop(self) -> None: ...


class QuietProgress:
    """Says nothing."""

    def start(self, total: int, done: int) -> None:
        pass

    def started(self, challenge: Challenge, epoch: int) -> None:
        pass

    def stored(self, challenge: Challenge, epoch: int, error: str | None, cached: bool) -> None:
        pass

    def advance(self, verdict: Verdict, cached: bool) -> None:
        pass

    def stop(self) -> None:
        pass


def _by_role() -> dict[str, int]:
    return dict.fromkeys(ROLES, 0)


@dataclass(slots=True)
class RunOutcome:
    run_id: str
    status: str
    """`complete` or `interrupted`."""
    planned: int
    stored: int
    """Samples the run has now, from this and earlier invocations."""
    new: int = 0
    cached: int = 0
    errors: int = 0
    """Samples of this invocation graded `error`, by the model's failure or a judge's."""
    retries: int = 0
    slowdowns: int = 0
    errors_by_role: dict[str, int] = field(default_factory=_by_role)
    """`model`: samples whose call failed (or came back empty); `judge`: samples the model
    answered but no judge could grade."""
    retries_by_role: dict[str, int] = field(default_factory=_by_role)
    retried_errors: int = 0
    """Failed samples and grades of earlier invocations that this one tried again."""
    peak_in_flight: int = 0
    """The most calls to the model under test that were in flight at once."""


def parameters(config: GenerateConfig, provider: Provider | None = None) -> dict[str, Any]:
    """The sampling parameters recorded with a sample (everything that can change the reply).
    A setting the provider does not send is recorded as None: not used."""
    data = config.as_dict()
    data.pop("timeout", None)
    for name in provider.unsent(config) if provider is not None else ():
        data[name] = None
    return data


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


class CacheKeys:
    """`cache_key` for one provider and set of parameters: the parts every sample shares are
    encoded once, and each key is the same text `json.dumps(payload, sort_keys=True)` gives."""

    def __init__(self, provider: Provider, params: dict[str, Any]) -> None:
        self._tail = (
            f', "model": {_canonical(provider.spec)}, "parameters": {_canonical(params)}'
            f', "provider": {_canonical(provider.reply_settings())}}}'
        )

    def key(self, messages: Sequence[Message], epoch: int) -> str:
        conversation = _canonical([message_json(m) for m in messages])
        text = f'{{"conversation": {conversation}, "epoch": {_canonical(epoch)}{self._tail}'
        return hashlib.sha256(text.encode()).hexdigest()


def cache_key(
    provider: Provider, params: dict[str, Any], messages: Sequence[Message], epoch: int
) -> str:
    """The key a reply is cached under: the model, its endpoint and options, the sampling
    parameters, every message sent (a system prompt included) and the epoch."""
    return CacheKeys(provider, params).key(messages, epoch)


def judge_callers(judge: Grader | None) -> list[ModelCaller]:
    """The callers of every model judge in `judge` (a panel's members each have one)."""
    members = judge.judges if isinstance(judge, Panel) else [judge]
    callers = [getattr(member, "calls", None) for member in members]
    return [caller for caller in callers if isinstance(caller, ModelCaller)]


def grade_input(
    challenge: Challenge,
    reply: str,
    call: CallFacts | None = None,
    trajectory: Trajectory | None = None,
) -> GradeInput:
    """What a grader needs to judge `reply` to `challenge` (with the call's figures and the
    agent's trajectory when there are)."""
    return GradeInput(
        clause_id=challenge.clause_id,
        clause_text=challenge.clause_text,
        conversation=challenge.messages,
        reply=reply,
        checks=challenge.checks,
        references=challenge.references,
        clause_ids=challenge.clause_ids,
        call=call,
        trajectory=trajectory,
    )


class Call:
    """One challenge and epoch on its way through the model, the store and the grader."""

    def __init__(self, engine: Engine, challenge: Challenge, epoch: int) -> None:
        self.engine = engine
        self.challenge = challenge
        self.epoch = epoch

    async def run(self) -> None:
        hit, key = self.cached()
        if hit is not None:
            await self.finish(key, hit, None, None)
        else:
            output, error = await self.engine.call(list(self.challenge.messages))
            await self.finish(key, None, output, error)

    def cached(self) -> tuple[sqlite3.Row | None, str]:
        """The stored reply this call can reuse (or None), and the key it is cached under."""
        engine = self.engine
        engine.progress.started(self.challenge, self.epoch)
        return engine.lookup(self.challenge, self.epoch)

    async def finish(
        self,
        key: str,
        hit: sqlite3.Row | None,
        output: ModelOutput | None,
        error: str | None,
    ) -> None:
        """Store the sample (once: a second arrival of the same sample is dropped) and grade it."""
        engine = self.engine
        if hit is not None:
            output = ModelOutput(
                text=hit["reply"],
                model=engine.provider.model,
                input_tokens=hit["input_tokens"],
                output_tokens=hit["output_tokens"],
                latency=hit["latency"] or 0.0,
            )
        if output is not None and not output.text.strip() and error is None:
            error = "empty reply"
        messages = self.challenge.messages
        sample_id = engine.store.add_sample(
            SampleRecord(
                run_id=engine.run_id,
                clause_id=self.challenge.clause_id,
                prompt_index=self.challenge.prompt_index,
                prompt_hash=self.challenge.prompt_hash,
                epoch=self.epoch,
                conversation=[message_json(m) for m in messages],
                model=engine.provider.spec,
                parameters=engine.params,
                reply=output.text if output is not None else None,
                latency=output.latency if output is not None else None,
                input_tokens=output.input_tokens if output is not None else None,
                output_tokens=output.output_tokens if output is not None else None,
                error=error,
                cache_key=key,
                cached_from=hit["id"] if hit is not None else None,
            )
        )
        if sample_id is None:
            return
        steps = _steps(engine.store, output, hit["id"] if hit is not None else None)
        if steps is not None:
            engine.store.add_trajectory(sample_id, steps)
        engine.outcome.new += hit is None
        engine.outcome.cached += hit is not None
        engine.outcome.errors_by_role[MODEL] += error is not None
        engine.progress.stored(self.challenge, self.epoch, error, hit is not None)
        reply = output.text if output is not None else ""
        call = (
            CallFacts(
                engine.provider.spec, output.latency, output.input_tokens, output.output_tokens
            )
            if output is not None
            else None
        )
        trajectory = Trajectory.from_json(steps) if steps is not None else None
        await engine.grade(
            sample_id, self.challenge, reply, error, hit is not None, call, trajectory
        )


class Executor(Protocol):
    """Where the model calls of a run's pending samples are made: in this process (the
    default), or on a cluster (`charter.run.RayExecutor`). The engine stores and grades every
    reply in this process either way, so there is one writer to the run store."""

    def start(self, engine: Engine, pending: Iterable[tuple[Challenge, int]]) -> list[Any]:
        """Begin the work; the futures returned finish when every pending sample is stored.
        `pending` is read lazily (a page of the plan at a time): take each item when its
        call is about to be made."""
        ...


class LocalExecutor:
    """Calls from this process: a bounded set of workers, each taking the next pending sample
    when it is done with one, so a run of any size holds `engine.workers()` calls at most."""

    def start(self, engine: Engine, pending: Iterable[tuple[Challenge, int]]) -> list[Any]:
        queue = iter(pending)
        first = next(queue, None)
        if first is None:
            return []
        queue = itertools.chain([first], queue)
        return [asyncio.ensure_future(self._work(engine, queue)) for _ in range(engine.workers())]

    @staticmethod
    async def _work(engine: Engine, queue: Iterator[tuple[Challenge, int]]) -> None:
        for challenge, epoch in queue:
            await Call(engine, challenge, epoch).run()


def _steps(
    store: RunStore, output: ModelOutput | None, cached_from: int | None
) -> list[dict[str, Any]] | None:
    """The trajectory of a reply: sent with it, or stored with the sample it was cached from."""
    if cached_from is not None:
        return store.trajectory(cached_from)
    steps = output.raw.get(TRAJECTORY_KEY) if output is not None else None
    return steps if isinstance(steps, list) else None


class Engine:
    """Runs one stored run's pending samples against one provider (a run of several models
    has one engine per model, each finding its own model's samples done or pending)."""

    def __init__(
        self,
        store: RunStore,
        run_id: str,
        provider: Provider,
        policy: GradingPolicy,
        options: RunOptions,
        progress: Progress | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.executor: Executor = executor or LocalExecutor()
        self.store = store
        self.run_id = run_id
        self.provider = provider
        self.policy = policy
        self.options = options
        self.progress: Progress = progress or QuietProgress()
        self.params = parameters(options.config, provider)
        self.keys = CacheKeys(provider, self.params)
        self._prefetched: dict[tuple[str, int, int], str] = {}
        self._hits: dict[str, sqlite3.Row] = {}
        self.caller = ModelCaller(
            provider,
            max_retries=options.max_retries,
            backoff=options.backoff,
            concurrency=options.concurrency,
        )
        self.judges = judge_callers(policy.judge)
        for caller in self.judges:  # the judges retry as the model under test does
            caller.max_retries = options.max_retries
            caller.backoff = options.backoff
        self.outcome = RunOutcome(run_id, "running", 0, 0)

    def prefetch(self, pending: list[tuple[Challenge, int]]) -> None:
        """Work out the cache key of every sample of a page of pending ones and look them all
        up in the store at once (one query per few hundred keys), instead of one per sample.
        The hits of earlier pages' samples not yet looked up are kept."""
        keys = self._prefetched
        fresh = []
        for challenge, epoch in pending:
            key = self.keys.key(challenge.messages, epoch)
            keys[challenge.clause_id, challenge.prompt_index, epoch] = key
            fresh.append(key)
        if self.options.use_cache:
            live = set(keys.values())
            hits = {key: row for key, row in self._hits.items() if key in live}
            hits.update(self.store.cached_many(fresh))
            self._hits = hits

    def pending(self) -> Iterator[tuple[Challenge, int]]:
        """The samples of this engine's model that the run lacks, read from the store a page
        at a time (each page's cache keys looked up together) as the executor takes them."""
        for page in self.store.pending(self.run_id, self.provider.spec, self.options.epochs):
            self.prefetch(page)
            page.reverse()
            while page:  # each item let go as it is taken, not with the page
                yield page.pop()

    def lookup(self, challenge: Challenge, epoch: int) -> tuple[sqlite3.Row | None, str]:
        """The stored reply a sample can reuse (or None), and the key it is cached under."""
        key = self._prefetched.pop((challenge.clause_id, challenge.prompt_index, epoch), None)
        if key is None:
            key = self.keys.key(challenge.messages, epoch)
            hit = self.store.cached(key) if self.options.use_cache else None
            return hit, key
        return self._hits.get(key), key

    @property
    def limiter(self) -> AdaptiveLimiter:
        """The in-flight limit of the calls to the model under test."""
        return self.caller.limiter

    async def call(self, messages: list[Message]) -> tuple[ModelOutput | None, str | None]:
        """The model's reply, or None and the last error after the retries are spent."""
        try:
            return await self.caller.generate(messages, self.options.config), None
        except ProviderError as error:
            return None, str(error)

    async def grade(
        self,
        sample_id: int,
        challenge: Challenge,
        reply: str,
        error: str | None,
        cached: bool,
        call: CallFacts | None = None,
        trajectory: Trajectory | None = None,
    ) -> None:
        grade = await self.policy.grade(grade_input(challenge, reply, call, trajectory), error)
        if error is None and grade.verdict is Verdict.ERROR:
            self.outcome.errors_by_role[JUDGE] += 1
        self.store.add_grade(sample_id, grade)
        self.progress.advance(grade.verdict, cached)

    async def _regrade_ungraded(self) -> None:
        """Grade samples stored by an earlier invocation that stopped before grading them."""
        for sample, challenge in self.store.ungraded(self.run_id, self.provider.spec):
            steps = self.store.trajectory(sample.id)
            trajectory = Trajectory.from_json(steps) if steps is not None else None
            await self.grade(
                sample.id,
                challenge,
                sample.reply or "",
                sample.error,
                True,
                trajectory=trajectory,
            )

    def workers(self) -> int:
        """How many samples go through at once: enough to keep every model slot busy while
        other samples wait for their judges."""
        return self.limiter.maximum + sum(caller.limiter.maximum for caller in self.judges)

    async def _heartbeat(self) -> None:
        """Record every few seconds that this process still runs the run."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            with contextlib.suppress(StoreError):  # busy for a moment: the next beat will do
                self.store.heartbeat(self.run_id)

    async def run(self, stop: asyncio.Event | None = None) -> RunOutcome:
        """Send every pending sample; return when all are stored or `stop` is set."""
        self.store.claim(self.run_id)
        if self.options.retry_errors:
            self.outcome.retried_errors = self.store.forget_errors(self.run_id)
        self.outcome.planned = self.store.plan_size(self.run_id) * self.options.epochs
        done = self.store.done_count(self.run_id, self.provider.spec)
        self.progress.start(self.outcome.planned, done)
        heartbeat = asyncio.ensure_future(self._heartbeat())
        stopper = asyncio.ensure_future((stop or asyncio.Event()).wait())
        tasks: list[asyncio.Future[None]] = []
        try:
            with self.store.batched():
                await self._regrade_ungraded()
                tasks = self.executor.start(self, self.pending())
                if tasks:
                    everything: asyncio.Future[Any] = asyncio.gather(*tasks)
                    waiting: set[asyncio.Future[Any]] = {everything, stopper}
                    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                    if stopper.done() and not everything.done():
                        everything.cancel()
                        await asyncio.gather(everything, return_exceptions=True)
                        self.outcome.status = "interrupted"
                    else:
                        everything.result()
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            with contextlib.suppress(StoreError):  # the error being raised says more
                self.store.set_status(self.run_id, "interrupted")
            raise
        finally:
            heartbeat.cancel()
            stopper.cancel()
            self.progress.stop()
        if self.outcome.status != "interrupted":
            self.outcome.status = "complete"
        self.store.set_status(self.run_id, self.outcome.status)
        self._count()
        return self.outcome

    def _count(self) -> None:
        """Totals and per-role figures of this invocation into the outcome."""
        outcome = self.outcome
        outcome.stored = self.store.done_count(self.run_id, self.provider.spec)
        outcome.retries_by_role[MODEL] = self.caller.stats.retries
        outcome.retries_by_role[JUDGE] = sum(caller.stats.retries for caller in self.judges)
        outcome.errors = sum(outcome.errors_by_role.values())
        outcome.retries = sum(outcome.retries_by_role.values())
        outcome.peak_in_flight = self.caller.limiter.peak
        outcome.slowdowns = self.caller.limiter.slowdowns + sum(
            caller.limiter.slowdowns for caller in self.judges
        )
