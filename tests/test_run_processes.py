"""`ProcessExecutor` (`charter test --workers N`): a run's model calls from real worker
processes against a real loopback server; this process stores and grades every reply once.

A worker SIGKILLed mid-shard loses nothing: its shard is started again with only the samples that
have not come back. With no second start allowed, the lost samples are stored as errors and
`resume` completes the run, every sample stored exactly once."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.grade import GradingPolicy
from charter.model import get_provider
from charter.run import (
    Engine,
    ProcessExecutor,
    RunOptions,
    RunStore,
    WorkersError,
    worker_count,
)
from charter.run._processes import shares
from servers.slow import SlowServer
from test_run_helpers import PROMPT_COUNT, charter, make_spec, slow_run

CONCURRENCY = 6


@pytest.fixture
def server() -> Iterator[SlowServer]:
    slow = SlowServer(delay=0.2).start()
    yield slow
    slow.stop()


def _engine(
    store: RunStore, run_id: str, server: SlowServer, executor: ProcessExecutor, epochs: int,
    *, retry_errors: bool = False,
) -> Engine:  # fmt: skip
    provider = get_provider("openai:slow", base_url=f"{server.url}/v1")
    options = RunOptions(concurrency=CONCURRENCY, epochs=epochs, retry_errors=retry_errors)
    return Engine(store, run_id, provider, GradingPolicy(), options, executor=executor)


def _stored_once(store: RunStore, run_id: str, expected: int) -> Counter[tuple[str, int, int]]:
    samples = store.samples(run_id)
    keys = Counter((s.clause_id, s.prompt_index, s.epoch) for s in samples)
    assert len(keys) == expected
    assert set(keys.values()) == {1}
    return keys


def test_every_sample_is_stored_once_and_the_limit_holds_across_workers(
    tmp_path: Path, server: SlowServer
) -> None:
    epochs = 6
    store, run_id = slow_run(make_spec(tmp_path), epochs)
    executor = ProcessExecutor(workers=2)
    outcome = asyncio.run(_engine(store, run_id, server, executor, epochs).run())
    assert outcome.status == "complete"
    assert outcome.new == epochs * PROMPT_COUNT
    _stored_once(store, run_id, epochs * PROMPT_COUNT)
    assert all(s.error is None and s.reply == "OK." for s in store.samples(run_id))
    assert len(executor.pids) == 2 and os.getpid() not in executor.pids
    assert server.requests_served == epochs * PROMPT_COUNT
    assert server.peak <= CONCURRENCY  # the shares add up to the run's concurrency


def _kill_first_worker(
    server: SlowServer, executor: ProcessExecutor, after: int, killed: list[int]
) -> None:
    deadline = time.monotonic() + 60
    while (server.requests_served < after or not executor.pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    if executor.pids:
        os.kill(executor.pids[0], signal.SIGKILL)
        killed.append(executor.pids[0])


def _run_with_a_kill(
    tmp_path: Path, server: SlowServer, executor: ProcessExecutor, epochs: int
) -> tuple[RunStore, str, list[int]]:
    store, run_id = slow_run(make_spec(tmp_path), epochs)
    killed: list[int] = []
    killer = threading.Thread(target=_kill_first_worker, args=(server, executor, 6, killed))
    killer.start()
    outcome = asyncio.run(_engine(store, run_id, server, executor, epochs).run())
    killer.join()
    assert outcome.status == "complete"
    assert killed, "no worker process was found to kill"
    assert executor.lost_shards == 1
    return store, run_id, killed


def test_a_sigkilled_worker_loses_nothing_and_stored_samples_are_not_sent_again(
    tmp_path: Path, server: SlowServer
) -> None:
    epochs = 10
    samples = epochs * PROMPT_COUNT
    executor = ProcessExecutor(workers=2)
    store, run_id, killed = _run_with_a_kill(tmp_path, server, executor, epochs)
    _stored_once(store, run_id, samples)
    assert all(s.error is None and s.reply == "OK." for s in store.samples(run_id))
    assert len(executor.pids) == 3 and executor.pids[0] == killed[0]  # the lost shard restarted
    # Only the calls the dead worker had in flight (its share: 3) are sent again.
    assert samples <= server.requests_served <= samples + CONCURRENCY // 2


def test_resume_completes_a_run_whose_worker_was_killed(tmp_path: Path, server: SlowServer) -> None:
    epochs = 10
    samples = epochs * PROMPT_COUNT
    executor = ProcessExecutor(workers=2, attempts=1)  # the lost shard is not started again
    store, run_id, killed = _run_with_a_kill(tmp_path, server, executor, epochs)
    failed = [s for s in store.samples(run_id) if s.error is not None]
    assert failed, "the killed worker's samples should be stored as errors"
    assert all(f"worker process {killed[0]} was killed by SIGKILL" in s.error for s in failed)
    _stored_once(store, run_id, samples)

    again = ProcessExecutor(workers=2)
    engine = _engine(store, run_id, server, again, epochs, retry_errors=True)
    outcome = asyncio.run(engine.run())
    assert outcome.status == "complete"
    assert outcome.retried_errors == len(failed) and outcome.new == len(failed)
    _stored_once(store, run_id, samples)
    assert all(s.error is None and s.reply == "OK." for s in store.samples(run_id))


def test_workers_from_the_command_line(tmp_path: Path, server: SlowServer) -> None:
    toml = f'[models."openai:slow"]\nbase_url = "{server.url}/v1"\n'
    root = make_spec(tmp_path, {"charter.toml": toml})
    done = charter(root, "test", ".", "-m", "openai:slow", "--workers", "2", "--epochs", "3")
    assert done.returncode == 0, done.stderr
    assert server.requests_served == 3 * PROMPT_COUNT
    assert "12 new" in done.stdout + done.stderr


NO_RAY = importlib.util.find_spec("ray") is None


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--workers", "two"], "--workers must be a number of processes or auto, not `two`"),
        (["--workers", "0"], "--workers must be between 1 and 64, not 0"),
        (["--workers", "2", "--executor", "batch"], "--workers sets the local executor's"),
        (["--executor", "rya"], "--executor must be one of local, ray, batch, not `rya`"),
        (["--address", "127.0.0.1:6379"], "--address names a Ray cluster"),
        pytest.param(
            ["--executor", "ray", "--address", "127.0.0.1:1"],
            "no Ray cluster answers",
            marks=pytest.mark.skipif(NO_RAY, reason="needs the ray extra"),
        ),
    ],
)
def test_bad_executor_options_stop_before_anything_is_sent(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    root = make_spec(tmp_path)
    done = charter(root, "test", ".", "--model", "python:bot:reply", *flags)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / ".charter" / "runs.db").exists()


def test_worker_counts_and_shares() -> None:
    assert worker_count(None) == 1
    assert worker_count("3") == 3
    assert worker_count("auto") == max(1, min(64, os.cpu_count() or 1))
    with pytest.raises(WorkersError):
        worker_count("-1")
    assert shares(256, 2) == [128, 128]
    assert shares(7, 3) == [3, 2, 2]
    assert shares(1, 2) == [1, 1]  # every worker may make a call
