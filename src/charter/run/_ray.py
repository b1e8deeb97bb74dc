"""Run the model calls of a run on Ray: `charter test --executor ray [--address ...]`.

The pending samples are split into shards; each shard is a Ray task that rebuilds the provider
from its spec and options, sends its calls concurrently through its own `ModelCaller` (retries,
time limits and the adaptive 429 limit, as in this process), and streams every reply back as it
arrives. A shared limiter actor holds the run's concurrency across all shards, so the cluster as
a whole never has more calls in flight than asked for.

Only this process writes to the run store: it stores and grades each streamed reply, once (the
store refuses a second copy of a sample). A shard whose worker dies, or whose node is lost, is
sent again with only the samples that have not come back, so stored samples are never re-sent;
after `RayExecutor.attempts` tries the remaining samples are stored as errors and the run can be
resumed (`--resume` works across executors: the store says what is done).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import math
import os
import socket
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from charter.errors import ConfigError
from charter.model import Backoff, GenerateConfig, ModelCaller
from charter.run._shards import (
    ShardCounts,
    ShardItem,
    ShardLost,
    ShardReply,
    run_shards,
    shard_replies,
)

if TYPE_CHECKING:
    from charter.run._engine import Engine
    from charter.run._plan import Challenge

RAY_EXTRA = "ray"
INSTALL_RAY = "pip install 'charter-spec[ray]'"
SHARDS_PER_CPU = 4
"""Shards made for each CPU of the cluster: small enough that a lost worker costs little."""


class ExecutorUnavailable(ConfigError):
    """The executor cannot start: its extra is missing or the cluster does not answer."""


def require_ray() -> Any:
    """The `ray` module, or `ExecutorUnavailable` naming the extra to install."""
    if importlib.util.find_spec("ray") is None:
        raise ExecutorUnavailable(
            f"--executor ray needs Ray, from the `{RAY_EXTRA}` extra (not installed)",
            INSTALL_RAY,
        )
    import ray

    return ray


def connect(address: str | None) -> Any:
    """Join the cluster at `address` (or start one in this process), once per process."""
    ray = require_ray()
    if ray.is_initialized():
        return ray
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a private local cluster
    if address is not None:
        probe(address)  # Ray itself retries an address that does not answer for minutes
    try:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
            configure_logging=True,
        )
    except (ConnectionError, TimeoutError, RuntimeError, ValueError) as error:
        where = address or "a new local cluster"
        raise ExecutorUnavailable(
            f"cannot reach the Ray cluster at {where}: {' '.join(str(error).split())[:300]}",
            "start it (`ray start --head`) or give its address with --address HOST:PORT",
        ) from None
    return ray


PROBE_SECONDS = 5.0


def probe(address: str) -> None:
    """Refuse at once a `HOST:PORT` (or `ray://HOST:PORT`) that nothing listens on."""
    target = address.removeprefix("ray://")
    host, colon, port = target.rpartition(":")
    if not colon or not port.isdigit():
        if address in ("auto", "local"):
            return
        raise ExecutorUnavailable(
            f"--address `{address}` is not HOST:PORT (or ray://HOST:PORT, auto, local)",
            "give the head node's address, e.g. --address 127.0.0.1:6379",
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_SECONDS):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ExecutorUnavailable(
            f"no Ray cluster answers at {address}: {reason.lower()}",
            "start it (`ray start --head`) or give its address with --address HOST:PORT",
        ) from None


@dataclass(slots=True)
class RayExecutor:
    """Calls on a Ray cluster (see the module's doc). `address` None starts a local cluster
    in this process; `shard_size` 0 picks one from the cluster's CPUs."""

    address: str | None = None
    shard_size: int = 0
    attempts: int = 3
    lost_shards: int = field(default=0, init=False)
    """Shards sent again because their worker or node was lost."""

    def start(self, engine: Engine, pending: Iterable[tuple[Challenge, int]]) -> list[Any]:
        ray = connect(self.address)
        return [asyncio.ensure_future(self._run(ray, engine, pending))]

    async def _run(
        self, ray: Any, engine: Engine, pending: Iterable[tuple[Challenge, int]]
    ) -> None:
        task = ray.remote(run_shard).options(num_returns="streaming", max_retries=0)
        limits: list[Any] = []  # the shared limiter actor, made when the first shard starts
        caller = engine.caller

        async def launch(
            items: list[ShardItem], number: int, attempt: int
        ) -> AsyncIterator[ShardReply | ShardCounts]:
            if not limits:
                limits.append(_shared_limit(ray).remote(engine.limiter.maximum))
            holder = f"{number}.{attempt}"
            stream = task.remote(
                engine.provider.spec,
                engine.provider.options,
                engine.options.config,
                items,
                caller.limiter.maximum,
                caller.max_retries,
                caller.backoff,
                limits[0],
                holder,
            )
            try:
                async for ref in stream:
                    yield await ref
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    ray.cancel(stream, force=True)
                raise
            except ray.exceptions.RayError as error:
                with contextlib.suppress(Exception):
                    await limits[0].forget.remote(holder)
                raise ShardLost(" ".join(str(error).split())[:300]) from None

        def size(count: int) -> int:
            return self.shard_size or _auto_size(count, ray)

        try:
            self.lost_shards += await run_shards(
                engine, pending, size, launch, self.attempts, "ray"
            )
        finally:
            if limits:
                with contextlib.suppress(Exception):
                    ray.kill(limits[0])


def _auto_size(count: int, ray: Any) -> int:
    cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
    return max(1, math.ceil(count / (cpus * SHARDS_PER_CPU)))


def _shared_limit(ray: Any) -> Any:
    """The actor class that holds the run's concurrency across every shard."""
    return ray.remote(SharedLimit).options(max_concurrency=10_000)


class SharedLimit:
    """At most `limit` calls in flight across the cluster. Slots are counted per holder, so a
    shard whose worker died gives its slots back (`forget`)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.held: dict[str, int] = {}
        self._free: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._free is None:
            self._free = asyncio.Condition()
        return self._free

    async def acquire(self, holder: str) -> None:
        free = self._condition()
        async with free:
            await free.wait_for(lambda: sum(self.held.values()) < self.limit)
            self.held[holder] = self.held.get(holder, 0) + 1

    async def release(self, holder: str) -> None:
        free = self._condition()
        async with free:
            if self.held.get(holder, 0) > 0:
                self.held[holder] -= 1
            free.notify()

    async def forget(self, holder: str) -> None:
        free = self._condition()
        async with free:
            self.held.pop(holder, None)
            free.notify_all()


def run_shard(
    spec: str,
    options: dict[str, Any],
    config: GenerateConfig,
    items: list[ShardItem],
    concurrency: int,
    max_retries: int,
    backoff: Backoff,
    limit: Any,
    holder: str,
) -> Iterator[ShardReply | ShardCounts]:
    """A Ray task: send a shard's calls concurrently, yield each reply as it arrives, then the
    caller's counts. Runs in a Ray worker process."""
    from charter.model import get_provider

    provider = get_provider(spec, **options)
    caller = ModelCaller(
        provider, max_retries=max_retries, backoff=backoff, concurrency=concurrency
    )
    loop = asyncio.new_event_loop()

    async def acquire() -> None:
        await limit.acquire.remote(holder)

    replies = shard_replies(caller, config, items, acquire, lambda: limit.release.remote(holder))
    try:
        while True:
            try:
                batch = loop.run_until_complete(anext(replies))
            except StopAsyncIteration:
                break
            for reply in batch:  # noqa: UP028 (Ray sends values in; a list iterator takes none)
                yield reply
        yield ShardCounts(caller.stats.retries, caller.limiter.slowdowns, caller.limiter.peak)
    finally:
        loop.run_until_complete(replies.aclose())
        loop.run_until_complete(provider.aclose())
        loop.close()
