"""`RayExecutor`: a run's model calls on a real Ray cluster started in this process.

Every sample is stored exactly once, by this process; a worker killed mid-shard loses nothing
and the samples already stored are not sent again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.grade import GradingPolicy
from charter.model import get_provider
from charter.run import Engine, RayExecutor, RunOptions, RunStore, store_path
from servers.slow import SlowServer
from test_run_helpers import PROMPT_COUNT, make_spec, slow_run

ray = pytest.importorskip("ray", reason="needs the ray extra (pip install 'charter-spec[ray]')")
psutil = pytest.importorskip("psutil", reason="comes with ray")

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    os.environ["RAY_AUTH_MODE"] = "disabled"
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    yield
    ray.shutdown()


@pytest.fixture
def server() -> Iterator[SlowServer]:
    slow = SlowServer(delay=0.3).start()
    yield slow
    slow.stop()


def _run(
    root: Path, server: SlowServer, executor: RayExecutor, epochs: int
) -> tuple[RunStore, str]:
    store, run_id = slow_run(root, epochs)
    provider = get_provider("openai:slow", base_url=f"{server.url}/v1")
    options = RunOptions(concurrency=6, epochs=epochs)
    engine = Engine(store, run_id, provider, GradingPolicy(), options, executor=executor)
    outcome = asyncio.run(engine.run())
    assert outcome.status == "complete"
    assert engine.limiter.peak <= 6
    return store, run_id


def _once_each(stored: tuple[RunStore, str], expected: int) -> None:
    store, run_id = stored
    samples = store.samples(run_id)
    keys = Counter((s.clause_id, s.prompt_index, s.epoch) for s in samples)
    assert len(keys) == expected
    assert set(keys.values()) == {1}
    assert all(s.error is None and s.reply == "OK." for s in samples)


def test_every_sample_is_stored_once(cluster: None, tmp_path: Path, server: SlowServer) -> None:
    store = _run(make_spec(tmp_path), server, RayExecutor(shard_size=4), epochs=5)
    _once_each(store, 5 * PROMPT_COUNT)
    assert server.requests_served == 5 * PROMPT_COUNT
    assert server.peak <= 6  # the shared limit holds across shards


def _kill_a_shard_worker(server: SlowServer, after: int, killed: list[int]) -> None:
    deadline = time.monotonic() + 60
    while server.requests_served < after and time.monotonic() < deadline:
        time.sleep(0.05)
    # Only this test's cluster: its raylet and workers descend from this process. Another
    # run's Ray workers on the same machine (a second checkout's tests) are left alone.
    for process in psutil.Process().children(recursive=True):
        try:
            cmdline = process.cmdline()
        except psutil.Error:
            continue
        if any("run_shard" in part for part in cmdline):
            os.kill(process.pid, signal.SIGKILL)
            killed.append(process.pid)
            return


def test_a_killed_worker_loses_nothing(cluster: None, tmp_path: Path, server: SlowServer) -> None:
    samples = 10 * PROMPT_COUNT
    killed: list[int] = []
    killer = threading.Thread(target=_kill_a_shard_worker, args=(server, 8, killed))
    killer.start()
    executor = RayExecutor(shard_size=10)
    store = _run(make_spec(tmp_path), server, executor, epochs=10)
    killer.join()
    assert killed, "no shard worker was found to kill"
    assert executor.lost_shards >= 1
    _once_each(store, samples)
    # Only the calls the dead worker had in flight are sent again, never a stored sample.
    assert samples <= server.requests_served <= samples + 6


def test_a_cluster_that_does_not_answer_is_one_clear_error() -> None:
    code = (
        "from charter.run import ExecutorUnavailable\n"
        "from charter.run._ray import connect\n"
        "try:\n    connect('127.0.0.1:1')\n"
        "except ExecutorUnavailable as error:\n    print(error.exit_code, error, '|', error.hint)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.startswith("2 no Ray cluster answers at 127.0.0.1:1"), done.stderr
    assert "--address" in done.stdout


def test_two_models_on_ray_store_each_sample_once_per_model(
    cluster: None, tmp_path: Path, server: SlowServer
) -> None:
    import charter as api

    models = ("openai:slow", "openai:slow-too")
    toml = "".join(f'[models."{m}"]\nbase_url = "{server.url}/v1"\n' for m in models)
    root = make_spec(tmp_path, {"charter.toml": toml})
    options = api.TestOptions(model=list(models), epochs=2, executor="ray", concurrency=4)
    result = api.TestRun(root, options).run()
    assert result.outcome.status == "complete"
    with RunStore(store_path(root)) as store:
        samples = store.samples(result.run_id)
    keys = Counter((s.model, s.clause_id, s.prompt_index, s.epoch) for s in samples)
    assert len(keys) == 2 * 2 * PROMPT_COUNT and set(keys.values()) == {1}
    assert {key[0] for key in keys} == set(models)
    assert server.requests_served == 2 * 2 * PROMPT_COUNT
