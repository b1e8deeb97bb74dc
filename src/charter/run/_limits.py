"""Flow control for calls to one provider: an in-flight limit that adapts, and retry backoff."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


class AdaptiveLimiter:
    """At most `current` calls in flight. A rate limit halves `current` and pauses new calls for
    the provider's `retry_after`; each run of `current` successes then adds one slot back, up to
    the configured maximum (additive increase, multiplicative decrease)."""

    def __init__(self, limit: int) -> None:
        self.maximum = max(1, limit)
        self.current = self.maximum
        self.in_flight = 0
        self.resume_at = 0.0
        self.slowdowns = 0
        self.lowest = self.current
        self._successes = 0
        self._changed = asyncio.Event()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._acquire()
        try:
            yield
        finally:
            self.in_flight -= 1
            self._changed.set()

    async def _acquire(self) -> None:
        while True:
            pause = self.resume_at - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
                continue
            if self.in_flight < self.current:
                self.in_flight += 1
                return
            self._changed.clear()
            await self._changed.wait()

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
            self._changed.set()


@dataclass(slots=True)
class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n))."""

    base: float = 0.5
    cap: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0.0, min(self.cap, self.base * (2**attempt)))
