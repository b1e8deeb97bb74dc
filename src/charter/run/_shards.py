"""A run's pending samples split into shards that other processes call: the part every
multi-worker executor shares (`RayExecutor`, `ProcessExecutor`).

The samples the run store already has a reply for are stored from the cache here; the others
are cut into shards, each sent to a worker through the executor's `Launch`, which streams back
one `ShardReply` per sample and a `ShardCounts` last. This process stores and grades every reply
as it arrives, once: a second copy of a sample is dropped. A shard whose worker is lost
(`ShardLost`) is launched again with only the samples that have not come back, so a stored
sample is never sent twice; after `attempts` launches its remaining samples are stored as errors
and the run can be resumed (`--resume` retries them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from charter.errors import CharterError
from charter.model import GenerateConfig, Message, ModelCaller, ModelOutput, ProviderError

if TYPE_CHECKING:
    from charter.run._engine import Call, Engine
    from charter.run._plan import Challenge


@dataclass(slots=True)
class ShardItem:
    """One pending sample as a shard carries it: its place in the run and its conversation."""

    index: int
    messages: tuple[Message, ...]


@dataclass(slots=True)
class ShardReply:
    """What a shard streams back for one sample."""

    index: int
    output: ModelOutput | None
    error: str | None


@dataclass(slots=True)
class ShardCounts:
    """Streamed last by a shard: its caller's figures."""

    retries: int
    slowdowns: int
    peak: int


class ShardLost(CharterError):
    """The worker running a shard died, or its node was lost; the text says how. Caught by
    `run_shards`, which starts the shard again."""


Launch = Callable[[list[ShardItem], int, int], AsyncIterator[ShardReply | ShardCounts]]
"""Start shard `number` (second argument; the third is the attempt, from 0) on a worker and
stream back what it sends; raise `ShardLost` when the worker is lost."""


async def run_shards(
    engine: Engine,
    pending: Iterable[tuple[Challenge, int]],
    shard_size: Callable[[int], int],
    launch: Launch,
    attempts: int,
    name: str,
) -> int:
    """Store the cached samples of `pending`, send the others in shards of `shard_size(count)`
    through `launch`; return how many shard launches were lost. `name` (the executor's) starts
    the error stored for a sample whose shard was lost `attempts` times."""
    from charter.run._engine import Call

    waiting: dict[int, tuple[Call, str]] = {}
    for index, (challenge, epoch) in enumerate(pending):
        call = Call(engine, challenge, epoch)
        hit, key = call.cached()
        if hit is not None:
            await call.finish(key, hit, None, None)
        else:
            waiting[index] = (call, key)
    if not waiting:
        return 0
    shards = list(_chunks(list(waiting), max(1, shard_size(len(waiting)))))
    lost = await asyncio.gather(
        *(_shard(engine, launch, attempts, name, number, indexes, waiting)
          for number, indexes in enumerate(shards))
    )  # fmt: skip
    return sum(lost)


async def _shard(
    engine: Engine,
    launch: Launch,
    attempts: int,
    name: str,
    number: int,
    indexes: list[int],
    waiting: dict[int, tuple[Call, str]],
) -> int:
    """One shard to completion: launched again while its worker is lost; the launches lost."""
    left = {index: waiting[index] for index in indexes}
    caller = engine.caller
    failure = ""
    lost = 0
    for attempt in range(attempts):
        items = [ShardItem(i, call.challenge.messages) for i, (call, _) in left.items()]
        try:
            async for item in launch(items, number, attempt):
                if isinstance(item, ShardCounts):
                    caller.stats.retries += item.retries
                    caller.limiter.slowdowns += item.slowdowns
                    caller.limiter.peak = max(caller.limiter.peak, item.peak)
                    continue
                found = left.pop(item.index, None)
                if found is not None:  # a sample arrives once; a repeat is dropped
                    call, key = found
                    await call.finish(key, None, item.output, item.error)
            if not left:
                return lost
            raise ShardLost(f"its stream ended with {len(left)} samples not sent back")
        except ShardLost as error:
            failure = str(error)
            lost += 1
            if not left:
                return lost
    for call, key in left.values():
        message = f"{name}: the shard was lost {attempts} times ({failure})"
        await call.finish(key, None, None, message)
    return lost


def _chunks(indexes: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(indexes), size):
        yield indexes[start : start + size]


async def shard_replies(
    caller: ModelCaller,
    config: GenerateConfig,
    items: list[ShardItem],
    acquire: Callable[[], Awaitable[object]] | None = None,
    release: Callable[[], object] | None = None,
) -> AsyncGenerator[list[ShardReply], None]:
    """The worker's side: send a shard's calls through `caller`, as many at once as its limit
    allows (each inside `acquire` and `release` when given: a limit shared with other
    workers), and yield the replies that have come back, a batch at a time."""
    feed = iter(items)
    ready: asyncio.Queue[ShardReply | None] = asyncio.Queue()

    async def one(item: ShardItem) -> ShardReply:
        if acquire is not None:
            await acquire()
        try:
            output = await caller.generate(list(item.messages), config)
            return ShardReply(item.index, output, None)
        except ProviderError as error:
            return ShardReply(item.index, None, str(error))
        finally:
            if release is not None:
                release()

    async def work() -> None:
        for item in feed:
            ready.put_nowait(await one(item))

    count = min(len(items), caller.limiter.maximum)
    workers = asyncio.gather(*(work() for _ in range(count)))
    workers.add_done_callback(lambda _: ready.put_nowait(None))
    try:
        while True:
            batch = [await ready.get()]
            while not ready.empty():
                batch.append(ready.get_nowait())
            replies = [reply for reply in batch if reply is not None]
            if replies:
                yield replies
            if None in batch:
                workers.result()  # a bug in a worker is raised, not lost
                return
    finally:
        workers.cancel()
