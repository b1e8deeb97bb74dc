"""Flow control for calls to one provider: an in-flight limit that adapts, and retry backoff."""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


class AdaptiveLimiter:
    """At most `current` calls in flight. A rate limit halves `current` and pauses new calls for
    the provider's `retry_after`; each run of `current` successes then adds one slot back, up to
    the configured maximum (additive increase, multiplicative decrease).

    Waiting calls queue first in, first out, and a freed slot is handed to exactly one of them:
    thousands of queued calls cost nothing while they wait (no wake-up of every waiter per
    finished call)."""

    def __init__(self, limit: int) -> None:
        self.maximum = max(1, limit)
        self.current = self.maximum
        self.in_flight = 0
        self.peak = 0
        """The most calls that were in flight at once."""
        self.resume_at = 0.0
        self.slowdowns = 0
        self.lowest = self.current
        self._successes = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._acquire()
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        if self.in_flight < self.current and not self._waiters:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        else:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter  # `_wake` counts this call in before it resolves the future
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._release()  # handed a slot in the same step as cancelled: pass it on
                raise
        try:
            while (pause := self.resume_at - time.monotonic()) > 0:
                await asyncio.sleep(pause)
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        """Hand free slots to the longest-waiting calls (skipping any cancelled meanwhile)."""
        while self._waiters and self.in_flight < self.current:
            waiter = self._waiters.popleft()
            if waiter.done():
                continue
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            waiter.set_result(None)

    def rate_limited(self, retry_after: float | None) -> None:
        self.slowdowns += 1
        self.current = max(1, self.current // 2)
        self.lowest = min(self.lowest, self.current)
        self._successes = 0
        if retry_after is not None and retry_after > 0:
            self.resume_at = max(self.resume_at, time.monotonic() + retry_after)

    def succeeded(self) -> None:
        if self.current >= self.maximum:
            return
        self._successes += 1
        if self._successes >= self.current:
            self.current += 1
            self._successes = 0
            self._wake()


@dataclass(slots=True)
class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n))."""

    base: float = 0.5
    cap: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0.0, min(self.cap, self.base * (2**attempt)))
