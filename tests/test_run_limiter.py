"""The adaptive limiter's queue: one freed slot wakes one queued call, first in first out, and
cancelled or paused calls never leak a slot."""

from __future__ import annotations

import asyncio
import time

from charter.run import AdaptiveLimiter


async def _through(limiter: AdaptiveLimiter, name: int, log: list[int], hold: float) -> None:
    async with limiter.slot():
        log.append(name)
        assert limiter.in_flight <= limiter.current
        await asyncio.sleep(hold)


def test_queued_calls_start_in_order_and_never_exceed_the_limit() -> None:
    async def main() -> tuple[list[int], int, int]:
        limiter = AdaptiveLimiter(4)
        log: list[int] = []
        peak = 0

        async def watch() -> None:
            nonlocal peak
            while True:
                peak = max(peak, limiter.in_flight)
                await asyncio.sleep(0)

        watcher = asyncio.ensure_future(watch())
        await asyncio.gather(*(_through(limiter, n, log, 0.002) for n in range(60)))
        watcher.cancel()
        return log, peak, limiter.in_flight

    log, peak, left = asyncio.run(main())
    assert log == list(range(60))
    assert peak == 4
    assert left == 0


def test_cancelled_waiters_leak_no_slot() -> None:
    async def main() -> tuple[int, list[int]]:
        limiter = AdaptiveLimiter(2)
        log: list[int] = []
        tasks = [asyncio.ensure_future(_through(limiter, n, log, 0.01)) for n in range(10)]
        await asyncio.sleep(0.001)  # 0 and 1 hold the slots; the rest queue
        for task in tasks[2:6]:
            task.cancel()
        await asyncio.wait(tasks, timeout=2)
        return limiter.in_flight, log

    left, log = asyncio.run(main())
    assert left == 0
    assert log == [0, 1, 6, 7, 8, 9]


def test_a_slot_handed_to_a_call_cancelled_in_the_same_step_is_passed_on() -> None:
    async def main() -> tuple[int, list[int]]:
        limiter = AdaptiveLimiter(1)
        log: list[int] = []
        async with limiter.slot():
            second = asyncio.ensure_future(_through(limiter, 1, log, 0.0))
            third = asyncio.ensure_future(_through(limiter, 2, log, 0.0))
            await asyncio.sleep(0)  # both queue behind this holder
        # Leaving the block handed the slot to `second`; it is cancelled before it runs again.
        second.cancel()
        await asyncio.wait({second, third}, timeout=2)
        return limiter.in_flight, log

    left, log = asyncio.run(main())
    assert left == 0
    assert log == [2]


def test_rate_limit_pause_holds_new_calls_and_growth_wakes_waiters() -> None:
    async def main() -> tuple[float, int, int]:
        limiter = AdaptiveLimiter(4)
        limiter.rate_limited(0.05)
        assert limiter.current == 2
        started = time.monotonic()
        log: list[int] = []
        await _through(limiter, 0, log, 0.0)
        waited = time.monotonic() - started
        for _ in range(2):
            limiter.succeeded()  # two successes at current 2: one slot back
        return waited, limiter.current, limiter.in_flight

    waited, current, left = asyncio.run(main())
    assert waited >= 0.045
    assert current == 3
    assert left == 0
