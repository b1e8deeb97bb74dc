"""The run engine: send every pending challenge to the model, store each reply, grade it.

Calls run concurrently under an adaptive limit, each with a timeout and retries; a sample is
committed as soon as it arrives. Setting the `stop` event (Ctrl-C) cancels the calls in flight and
leaves the run `interrupted` with every stored sample kept, ready for `--resume`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from charter.grade import GradeInput, GradingPolicy, Verdict
from charter.model._types import (
    GenerateConfig,
    ModelOutput,
    Provider,
    ProviderError,
    RateLimited,
)
from charter.run._limits import AdaptiveLimiter, Backoff
from charter.run._plan import Challenge, message_json
from charter.run._store import RunStore, SampleRecord


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


class Progress(Protocol):
    """Told about the run as it goes (a progress bar, or nothing)."""

    def start(self, total: int, done: int) -> None: ...

    def advance(self, verdict: Verdict, cached: bool) -> None: ...

    def stop(self) -> None: ...


class QuietProgress:
    """Says nothing."""

    def start(self, total: int, done: int) -> None:
        pass

    def advance(self, verdict: Verdict, cached: bool) -> None:
        pass

    def stop(self) -> None:
        pass


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
    retries: int = 0
    slowdowns: int = 0


def parameters(config: GenerateConfig) -> dict[str, Any]:
    """The sampling parameters recorded with a sample (everything that can change the reply)."""
    data = config.as_dict()
    data.pop("timeout", None)
    return data


def cache_key(model: str, params: dict[str, Any], challenge: Challenge, epoch: int) -> str:
    payload = {
        "model": model,
        "parameters": params,
        "conversation": [message_json(m) for m in challenge.messages],
        "epoch": epoch,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class _Call:
    """One challenge and epoch on its way through the model, the store and the grader."""

    def __init__(self, engine: Engine, challenge: Challenge, epoch: int) -> None:
        self.engine = engine
        self.challenge = challenge
        self.epoch = epoch

    async def run(self) -> None:
        engine = self.engine
        key = cache_key(engine.provider.spec, engine.params, self.challenge, self.epoch)
        hit = engine.store.cached(key) if engine.options.use_cache else None
        output: ModelOutput | None = None
        error: str | None = None
        if hit is not None:
            output = ModelOutput(
                text=hit["reply"],
                model=engine.provider.model,
                input_tokens=hit["input_tokens"],
                output_tokens=hit["output_tokens"],
                latency=hit["latency"] or 0.0,
            )
        else:
            output, error = await engine.call(self.challenge)
        if output is not None and not output.text.strip() and error is None:
            error = "empty reply"
        sample_id = engine.store.add_sample(
            SampleRecord(
                run_id=engine.run_id,
                clause_id=self.challenge.clause_id,
                prompt_index=self.challenge.prompt_index,
                prompt_hash=self.challenge.prompt_hash,
                epoch=self.epoch,
                conversation=[message_json(m) for m in self.challenge.messages],
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
        engine.outcome.new += hit is None
        engine.outcome.cached += hit is not None
        engine.outcome.errors += error is not None
        reply = output.text if output is not None else ""
        await engine.grade(sample_id, self.challenge, reply, error, cached=hit is not None)


class Engine:
    """Runs one stored run's pending samples against one provider."""

    def __init__(
        self,
        store: RunStore,
        run_id: str,
        provider: Provider,
        policy: GradingPolicy,
        options: RunOptions,
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.provider = provider
        self.policy = policy
        self.options = options
        self.progress: Progress = progress or QuietProgress()
        self.params = parameters(options.config)
        self.limiter = AdaptiveLimiter(options.concurrency or provider.default_concurrency)
        self.outcome = RunOutcome(run_id, "running", 0, 0)

    async def call(self, challenge: Challenge) -> tuple[ModelOutput | None, str | None]:
        """The model's reply, or None and the last error after the retries are spent."""
        options = self.options
        attempt = 0
        while True:
            failure: ProviderError
            async with self.limiter.slot():
                try:
                    output = await asyncio.wait_for(
                        self.provider.generate(list(challenge.messages), options.config),
                        options.config.timeout,
                    )
                except RateLimited as error:
                    self.limiter.rate_limited(error.retry_after)
                    failure = error
                except ProviderError as error:
                    failure = error
                except TimeoutError:
                    failure = ProviderError(
                        f"no reply within {options.config.timeout:g} s", retryable=True
                    )
                except Exception as error:  # a provider bug must not end the run
                    failure = ProviderError(f"{type(error).__name__}: {error}")
                else:
                    self.limiter.succeeded()
                    return output, None
            if not failure.retryable or attempt >= options.max_retries:
                tries = f" after {attempt + 1} attempts" if attempt else ""
                return None, f"{failure}{tries}"
            delay = failure.retry_after
            if delay is None:
                delay = options.backoff.delay(attempt)
            self.outcome.retries += 1
            await asyncio.sleep(delay)
            attempt += 1

    async def grade(
        self, sample_id: int, challenge: Challenge, reply: str, error: str | None, cached: bool
    ) -> None:
        item = GradeInput(
            clause_id=challenge.clause_id,
            clause_text=challenge.clause_text,
            conversation=challenge.messages,
            reply=reply,
            checks=challenge.checks,
            references=challenge.references,
            clause_ids=challenge.clause_ids,
        )
        grade = await self.policy.grade(item, error)
        self.store.add_grade(sample_id, grade)
        self.progress.advance(grade.verdict, cached)

    async def _regrade_ungraded(self, plan: dict[tuple[str, int], Challenge]) -> None:
        """Grade samples stored by an earlier invocation that stopped before grading them."""
        for sample in self.store.samples(self.run_id):
            challenge = plan.get((sample.clause_id, sample.prompt_index))
            if sample.verdict is None and challenge is not None:
                await self.grade(sample.id, challenge, sample.reply or "", sample.error, True)

    async def run(self, stop: asyncio.Event | None = None) -> RunOutcome:
        """Send every pending sample; return when all are stored or `stop` is set."""
        plan = self.store.plan(self.run_id)
        done = self.store.done(self.run_id)
        pending = [
            (challenge, epoch)
            for epoch in range(self.options.epochs)
            for challenge in plan
            if (challenge.clause_id, challenge.prompt_index, epoch) not in done
        ]
        self.outcome.planned = len(plan) * self.options.epochs
        self.progress.start(self.outcome.planned, len(done))
        self.store.set_status(self.run_id, "running")
        await self._regrade_ungraded({(c.clause_id, c.prompt_index): c for c in plan})
        tasks = [asyncio.ensure_future(_Call(self, c, e).run()) for c, e in pending]
        stopper = asyncio.ensure_future((stop or asyncio.Event()).wait())
        try:
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
            raise
        finally:
            stopper.cancel()
            self.progress.stop()
        if self.outcome.status != "interrupted":
            self.outcome.status = "complete"
        self.store.set_status(self.run_id, self.outcome.status)
        self.outcome.stored = len(self.store.done(self.run_id))
        self.outcome.slowdowns = self.limiter.slowdowns
        return self.outcome
