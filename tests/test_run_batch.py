"""`BatchExecutor`: a run's model calls through the providers' batch endpoints, driven against a
real localhost server speaking OpenAI's Batch API and Anthropic's Message Batches.

Every sample is stored once; requests the batch could not run go through the ordinary endpoint;
refused ones are stored as errors; an interrupted run re-attaches to its batch on resume."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.grade import GradingPolicy
from charter.model import Provider, get_provider
from charter.run import (
    BatchExecutor,
    Engine,
    RunOptions,
    RunStore,
    Selection,
    batches_of,
    custom_id,
    plan,
    store_path,
)
from charter.spec import load_spec
from servers.batches import BatchFaults, BatchServer
from test_run_helpers import PROMPT_COUNT, make_spec

PROVIDERS = ("openai:gpt-test", "anthropic:claude-test")
FAST = {"poll_seconds": 0.02, "max_poll_seconds": 0.1}


@pytest.fixture
def server() -> Iterator[BatchServer]:
    batches = BatchServer(delay=0.3).start()
    yield batches
    batches.stop()


@pytest.fixture
def slow_server() -> Iterator[BatchServer]:
    """Answers late enough that a run stopped as its batch is sent has not collected it, even
    on a loaded machine."""
    batches = BatchServer(delay=2.0).start()
    yield batches
    batches.stop()


def _provider(spec: str, server: BatchServer) -> Provider:
    url = f"{server.url}/v1" if spec.startswith("openai:") else server.url
    return get_provider(spec, base_url=url)


def _new_run(root: Path, spec: str, epochs: int) -> tuple[RunStore, str]:
    loaded, _ = load_spec(root)
    store = RunStore(store_path(root))
    run_id = store.create_run(
        project=str(root), model=spec, grader=None, settings={},
        plan=plan(loaded, Selection()), epochs=epochs,
    )  # fmt: skip
    return store, run_id


def _drive(
    store: RunStore,
    run_id: str,
    provider: Provider,
    executor: BatchExecutor,
    epochs: int,
    stop_when: BatchServer | None = None,
    retry_errors: bool = False,
) -> str:
    """Run the engine; with `stop_when`, stop it as soon as that server has a batch;
    `retry_errors` as `--resume` does."""
    options = RunOptions(epochs=epochs, max_retries=0, retry_errors=retry_errors)
    engine = Engine(store, run_id, provider, GradingPolicy(), options, executor=executor)

    async def go() -> str:
        stop = asyncio.Event()
        if stop_when is not None:

            async def watch() -> None:
                while not stop_when.created:
                    await asyncio.sleep(0.01)
                stop.set()

            watcher = asyncio.ensure_future(watch())
        try:
            return (await engine.run(stop)).status
        finally:
            if stop_when is not None:
                watcher.cancel()
            await provider.aclose()

    return asyncio.run(go())


def _once_each(store: RunStore, run_id: str, expected: int) -> list[str | None]:
    samples = store.samples(run_id)
    keys = Counter((s.clause_id, s.prompt_index, s.epoch) for s in samples)
    assert len(keys) == expected
    assert set(keys.values()) == {1}
    return [s.error for s in samples]


@pytest.mark.parametrize("spec", PROVIDERS)
def test_every_sample_comes_back_from_one_batch(
    tmp_path: Path, server: BatchServer, spec: str
) -> None:
    store, run_id = _new_run(make_spec(tmp_path), spec, epochs=2)
    executor = BatchExecutor(**FAST)
    assert _drive(store, run_id, _provider(spec, server), executor, epochs=2) == "complete"
    errors = _once_each(store, run_id, 2 * PROMPT_COUNT)
    assert errors == [None] * (2 * PROMPT_COUNT)
    asked = {(c.clause_id, c.prompt_index): c.messages[-1].content for c in store.plan(run_id)}
    for sample in store.samples(run_id):  # each reply is matched to its own request
        assert sample.reply == f"Answer to: {asked[sample.clause_id, sample.prompt_index]}"
    assert server.batched == 2 * PROMPT_COUNT
    assert server.direct_calls == 0
    assert batches_of(store, run_id) == [(server.created[0], "collected")]
    assert executor.batches == server.created


@pytest.mark.parametrize("spec", PROVIDERS)
def test_faulty_requests_are_resent_or_reported_never_lost(tmp_path: Path, spec: str) -> None:
    faults = BatchFaults(refuse=1, expire=1, server_error=1)
    server = BatchServer(delay=0.2, faults=faults).start()
    try:
        store, run_id = _new_run(make_spec(tmp_path), spec, epochs=2)
        executor = BatchExecutor(**FAST)
        assert _drive(store, run_id, _provider(spec, server), executor, epochs=2) == "complete"
    finally:
        server.stop()
    errors = _once_each(store, run_id, 2 * PROMPT_COUNT)
    refused = [error for error in errors if error is not None]
    assert len(refused) == 1
    assert "invalid_request_error" in refused[0]
    assert server.direct_calls == 2  # the expired request and the server error
    assert executor.resent == 2
    assert server.batched == 2 * PROMPT_COUNT - 3


@pytest.mark.parametrize("spec", PROVIDERS)
def test_a_failed_batch_goes_through_the_ordinary_endpoint(tmp_path: Path, spec: str) -> None:
    server = BatchServer(delay=0.1, faults=BatchFaults(fail_batches=1)).start()
    try:
        store, run_id = _new_run(make_spec(tmp_path), spec, epochs=1)
        executor = BatchExecutor(**FAST)
        assert _drive(store, run_id, _provider(spec, server), executor, epochs=1) == "complete"
    finally:
        server.stop()
    assert _once_each(store, run_id, PROMPT_COUNT) == [None] * PROMPT_COUNT
    assert server.direct_calls == PROMPT_COUNT
    assert executor.resent == PROMPT_COUNT
    if spec.startswith("openai:"):
        assert executor.failures == [f"batch {server.created[0]} failed: enqueued token limit"]


@pytest.mark.parametrize("spec", PROVIDERS)
def test_resume_reattaches_to_the_batch_instead_of_sending_it_again(
    tmp_path: Path, slow_server: BatchServer, spec: str
) -> None:
    server = slow_server
    store, run_id = _new_run(make_spec(tmp_path), spec, epochs=2)
    first = _drive(store, run_id, _provider(spec, server), BatchExecutor(**FAST), 2, server)
    assert first == "interrupted"
    assert batches_of(store, run_id) == [(server.created[0], "open")]
    assert store.samples(run_id) == []
    again = BatchExecutor(**FAST)
    assert _drive(store, run_id, _provider(spec, server), again, epochs=2) == "complete"
    assert _once_each(store, run_id, 2 * PROMPT_COUNT) == [None] * (2 * PROMPT_COUNT)
    assert len(server.created) == 1  # the requests were paid for once
    assert again.batches == server.created
    assert server.direct_calls == 0
    assert server.cancelled == []  # left running by default
    assert batches_of(store, run_id) == [(server.created[0], "collected")]


def test_cancel_on_interrupt_cancels_and_resume_sends_the_rest(
    tmp_path: Path, slow_server: BatchServer
) -> None:
    server = slow_server
    spec = PROVIDERS[0]
    store, run_id = _new_run(make_spec(tmp_path), spec, epochs=1)
    cancelling = BatchExecutor(cancel_on_interrupt=True, **FAST)
    first = _drive(store, run_id, _provider(spec, server), cancelling, 1, server)
    assert first == "interrupted"
    assert server.cancelled == server.created
    assert _drive(store, run_id, _provider(spec, server), BatchExecutor(**FAST), 1) == "complete"
    assert _once_each(store, run_id, PROMPT_COUNT) == [None] * PROMPT_COUNT
    assert server.direct_calls == PROMPT_COUNT  # cancelled requests go the ordinary way
    assert len(server.created) == 1


@pytest.mark.parametrize("spec", PROVIDERS)
def test_results_that_cannot_be_read_are_read_again_or_left_for_resume(
    tmp_path: Path, spec: str
) -> None:
    server = BatchServer(delay=0.1, faults=BatchFaults(unreadable=2)).start()
    try:
        store, run_id = _new_run(make_spec(tmp_path), spec, epochs=1)
        first = _drive(store, run_id, _provider(spec, server), BatchExecutor(**FAST), 1)
        assert first == "complete"
        assert _once_each(store, run_id, PROMPT_COUNT) == [None] * PROMPT_COUNT
        server.faults.unreadable = 100
        store, run_id = _new_run(make_spec(tmp_path / "again"), spec, epochs=1)
        _drive(store, run_id, _provider(spec, server), BatchExecutor(**FAST), 1)
        errors = _once_each(store, run_id, PROMPT_COUNT)
        assert all(e and e.startswith("cannot read the results of batch") for e in errors)
        assert batches_of(store, run_id) == [(server.created[1], "open")]
        server.faults.unreadable = 0
        provider = _provider(spec, server)
        resumed = _drive(store, run_id, provider, BatchExecutor(**FAST), 1, retry_errors=True)
        assert resumed == "complete"
    finally:
        server.stop()
    assert _once_each(store, run_id, PROMPT_COUNT) == [None] * PROMPT_COUNT
    assert len(server.created) == 2  # one per run: the second was collected on resume
    assert server.direct_calls == 0
    assert batches_of(store, run_id) == [(server.created[1], "collected")]


def test_a_batch_that_cannot_be_reached_is_left_open_for_resume(tmp_path: Path) -> None:
    server = BatchServer(delay=0.1, faults=BatchFaults(unreachable=3)).start()
    try:
        spec = PROVIDERS[0]
        store, run_id = _new_run(make_spec(tmp_path), spec, epochs=1)
        first = _drive(store, run_id, _provider(spec, server), BatchExecutor(**FAST), 1)
        assert first == "complete"
        assert _once_each(store, run_id, PROMPT_COUNT) == [None] * PROMPT_COUNT  # 3 misses
        server.faults.unreachable = 100
        store, run_id = _new_run(make_spec(tmp_path / "again"), spec, epochs=1)
        executor = BatchExecutor(**FAST)
        _drive(store, run_id, _provider(spec, server), executor, 1)
        errors = _once_each(store, run_id, PROMPT_COUNT)
        assert all(e and e.startswith(f"cannot reach batch {server.created[1]}") for e in errors)
        assert batches_of(store, run_id) == [(server.created[1], "open")]
        server.faults.unreachable = 0
        again = _drive(store, run_id, _provider(spec, server), BatchExecutor(**FAST), 1, None, True)
        assert again == "complete"
    finally:
        server.stop()
    assert _once_each(store, run_id, PROMPT_COUNT) == [None] * PROMPT_COUNT
    assert len(server.created) == 2
    assert server.direct_calls == 0


def test_polling_backs_off(tmp_path: Path) -> None:
    server = BatchServer(delay=1.0).start()
    try:
        store, run_id = _new_run(make_spec(tmp_path), PROVIDERS[0], epochs=1)
        executor = BatchExecutor(poll_seconds=0.01, max_poll_seconds=0.16, backoff=2.0)
        _drive(store, run_id, _provider(PROVIDERS[0], server), executor, epochs=1)
    finally:
        server.stop()
    # Waits of 0.01, 0.02, 0.04, 0.08, then 0.16 each: about 10 looks in one second, where a
    # fixed 0.01 s interval would make about 100.
    assert 6 <= server.polls <= 14, server.polls


def test_custom_ids_are_valid_for_both_apis_and_unique() -> None:
    keys = [("refunds.window", 0, 0), ("refunds/window", 0, 0), ("x" * 100, 12, 3), ("é", 1, 1)]
    ids = [custom_id(*key) for key in keys]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", found) for found in ids), ids
    assert len(set(ids)) == len(ids)
    assert custom_id("rf01", 2, 1).startswith("rf01-p2-e1-")
    assert custom_id("rf01", 2, 1) == custom_id("rf01", 2, 1)  # the same on resume
