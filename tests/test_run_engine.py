"""The run engine in process: retries, backoff, 429 slow-down, timeouts, concurrency, errors.

The deterministic failing providers below are test-only `Provider` subclasses; the same paths
also run through the real `python:` provider (`get_provider`) at the end of this file.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest

from charter.grade import GradingPolicy
from charter.model import (
    GenerateConfig,
    Message,
    ModelOutput,
    Provider,
    ProviderError,
    RateLimited,
    get_provider,
)
from charter.run import (
    Backoff,
    Engine,
    QuietProgress,
    RunOptions,
    RunStore,
    Selection,
    cache_key,
    plan,
    store_path,
)
from charter.run._engine import parameters
from charter.spec import load_spec
from test_run_helpers import PROMPT_COUNT, make_spec


class Scripted(Provider):
    """Fails the first `failures` calls with `error`, then answers; counts calls in flight."""

    name = "scripted"

    def __init__(self, failures: int = 0, error: Exception | None = None, delay: float = 0.0):
        super().__init__("test")
        self.failures = failures
        self.error = error
        self.delay = delay
        self.calls = 0
        self.in_flight = 0
        self.peak = 0

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        self.calls += 1
        number = self.calls
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if number <= self.failures and self.error is not None:
                raise self.error
            return ModelOutput(text="Hello, refunds within 30 days.", model=self.model)
        finally:
            self.in_flight -= 1


def run_engine(root: Path, provider: Provider, **options: object) -> tuple[RunStore, str, object]:
    spec, _ = load_spec(root)
    challenges = plan(spec, Selection())
    store = RunStore(store_path(root))
    epochs = int(options.get("epochs", 1))  # type: ignore[call-overload]
    run_id = store.create_run(
        project=str(root),
        model=provider.spec,
        grader=None,
        settings={},
        plan=challenges,
        epochs=epochs,
    )
    run_options = RunOptions(backoff=Backoff(base=0.01, cap=0.05), **options)  # type: ignore[arg-type]
    engine = Engine(store, run_id, provider, GradingPolicy(), run_options)
    outcome = asyncio.run(engine.run())
    return store, run_id, (outcome, engine)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_spec(tmp_path)


def test_retryable_errors_are_retried_then_succeed(project: Path) -> None:
    provider = Scripted(failures=2, error=ProviderError("server 503", retryable=True, status=503))
    store, run_id, (outcome, _) = run_engine(project, provider, concurrency=1)
    assert outcome.retries == 2
    assert outcome.errors == 0
    samples = store.samples(run_id)
    assert len(samples) == PROMPT_COUNT
    assert all(s.error is None for s in samples)


def test_non_retryable_error_is_recorded_as_error_never_a_pass(project: Path) -> None:
    provider = Scripted(failures=99, error=ProviderError("bad request", status=400))
    store, run_id, (outcome, _) = run_engine(project, provider)
    assert provider.calls == PROMPT_COUNT
    assert outcome.errors == PROMPT_COUNT
    assert {s.verdict for s in store.samples(run_id)} == {"error"}
    assert all("bad request" in (s.error or "") for s in store.samples(run_id))


def test_retries_are_bounded_by_max_retries(project: Path) -> None:
    provider = Scripted(failures=99, error=ProviderError("flaky", retryable=True))
    store, run_id, _ = run_engine(project, provider, max_retries=2, concurrency=1)
    assert provider.calls == PROMPT_COUNT * 3
    assert all("after 3 attempts" in (s.error or "") for s in store.samples(run_id))


def test_rate_limit_halves_in_flight_honours_retry_after_and_recovers(project: Path) -> None:
    provider = Scripted(failures=1, error=RateLimited("429", retry_after=0.3), delay=0.01)
    started = time.monotonic()
    store, run_id, (outcome, engine) = run_engine(project, provider, concurrency=4, epochs=3)
    elapsed = time.monotonic() - started
    limiter = engine.limiter  # type: ignore[attr-defined]
    assert outcome.slowdowns == 1
    assert limiter.lowest == 2
    assert limiter.current > limiter.lowest  # recovered as calls succeeded
    assert elapsed >= 0.3
    assert len(store.samples(run_id)) == 3 * PROMPT_COUNT


def test_timeouts_are_errors_after_retries(project: Path) -> None:
    provider = Scripted(delay=5.0)
    config = GenerateConfig(timeout=0.1)
    store, run_id, (outcome, _) = run_engine(project, provider, config=config, max_retries=1)
    assert outcome.errors == PROMPT_COUNT
    assert all("no reply within 0.1 s" in (s.error or "") for s in store.samples(run_id))


def test_concurrency_bounds_calls_in_flight(project: Path) -> None:
    provider = Scripted(delay=0.05)
    run_engine(project, provider, concurrency=2, epochs=3)
    assert provider.peak == 2


def test_empty_reply_is_an_error(project: Path) -> None:
    class Silent(Scripted):
        async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
            return ModelOutput(text="  ", model=self.model)

    store, run_id, _ = run_engine(project, Silent())
    assert {(s.verdict, s.error) for s in store.samples(run_id)} == {("error", "empty reply")}


def test_backoff_is_full_jitter_under_an_exponential_cap() -> None:
    backoff = Backoff(base=0.5, cap=4.0, rng=random.Random(1))
    for attempt in range(6):
        delays = [backoff.delay(attempt) for _ in range(200)]
        bound = min(4.0, 0.5 * 2**attempt)
        assert all(0 <= d <= bound for d in delays)
        assert max(delays) > bound * 0.8


def test_real_python_provider_through_the_engine(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(project))
    provider = get_provider("python:bot:reply")
    store, run_id, (outcome, _) = run_engine(project, provider)
    assert outcome.status == "complete"
    verdicts = sorted(s.verdict or "" for s in store.samples(run_id))
    assert verdicts == ["comply", "comply", "needs_review", "violate"]


def test_the_cache_key_covers_endpoint_options_and_every_message_sent() -> None:
    def key(messages: list[Message], **options: str) -> str:
        provider = get_provider("openai:m", **options)
        return cache_key(provider, parameters(GenerateConfig(), provider), messages, 0)

    user = [Message("user", "hi")]
    here = {"base_url": "http://127.0.0.1:8080/v1"}
    assert key(user, **here) == key(user, **here)
    assert key(user, **here) != key(user, base_url="http://127.0.0.1:9090/v1")
    assert key(user, **here) != key(user, **here, developer_role="developer")
    assert key(user, **here) == key(user, **here, api_key="another-key")
    assert key(user, **here) != key([Message("system", "Be brief."), *user], **here)


def test_the_stored_cache_key_is_that_of_the_messages_sent(project: Path) -> None:
    sent: list[list[Message]] = []

    class Recording(Scripted):
        async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
            sent.append(list(messages))
            return await super().generate(messages, config)

    provider = Recording()
    store, _, (_, engine) = run_engine(project, provider)
    params = engine.params  # type: ignore[attr-defined]
    expected = {cache_key(provider, params, messages, 0) for messages in sent}
    stored = {row[0] for row in store.db.execute("SELECT cache_key FROM samples")}
    assert len(expected) == PROMPT_COUNT
    assert stored == expected


def test_a_provider_reply_in_a_bad_shape_is_a_stored_error_and_the_run_completes(
    project: Path,
) -> None:
    class Odd(Scripted):
        async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
            if "refund" in messages[-1].content:
                return ModelOutput(text=5, model=self.model)  # type: ignore[arg-type]
            output = ModelOutput(text="Hello!", model=self.model)
            output.input_tokens = {"n": 1}  # type: ignore[assignment]
            return output

    store, run_id, (outcome, _) = run_engine(project, Odd())
    assert outcome.status == "complete"  # type: ignore[attr-defined]
    assert store.run(run_id).status == "complete"
    rows = {(s.clause_id, s.prompt_index): s for s in store.samples(run_id)}
    assert rows["rf01", 0].error == "scripted:test: the reply is int, not text"
    assert rows["tn01", 0].error is None and rows["tn01", 0].input_tokens is None


class CountsTasks(QuietProgress):
    """A progress sink that records how many asyncio tasks exist as each sample is graded."""

    def __init__(self) -> None:
        self.most = 0
        self.graded = 0

    def advance(self, verdict: object, cached: bool) -> None:
        self.graded += 1
        self.most = max(self.most, len(asyncio.all_tasks()))


def test_a_large_run_holds_one_task_per_worker_not_one_per_sample(project: Path) -> None:
    # 400 samples at concurrency 4: the engine made 400 tasks up front; now 4 workers take
    # the next pending sample in turn.
    spec, _ = load_spec(project)
    challenges = plan(spec, Selection())
    store = RunStore(store_path(project))
    run_id = store.create_run(
        project=str(project), model="scripted:test", grader=None, settings={},
        plan=challenges, epochs=100,
    )  # fmt: skip
    progress = CountsTasks()
    options = RunOptions(concurrency=4, epochs=100)
    engine = Engine(store, run_id, Scripted(delay=0.001), GradingPolicy(), options, progress)
    outcome = asyncio.run(engine.run())
    assert outcome.stored == 100 * PROMPT_COUNT
    assert progress.graded == 100 * PROMPT_COUNT
    assert engine.workers() == 4
    # Each worker, and each call's time limit, is a task; then the runner, heartbeat, stop watcher.
    assert progress.most <= 2 * 4 + 4
