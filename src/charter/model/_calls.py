"""Every call to a model goes through a `ModelCaller`: the model under test, the judges and the
conflict adjudicator alike.

A caller gives each attempt its time limit, retries what is worth retrying (a rate limit, a
timeout, a dropped connection, a server error, a reply with no choices) with full-jitter
exponential backoff or the server's own `Retry-After`, slows down on a rate limit through its
`AdaptiveLimiter`, checks the shape of what the provider returned, and counts it all in `stats`.
After the last attempt it raises one `ProviderError` that says how many attempts were made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from charter.model._limits import AdaptiveLimiter, Backoff
from charter.model._types import (
    GenerateConfig,
    Message,
    ModelOutput,
    Provider,
    ProviderError,
    RateLimited,
    token_count,
)

LONGEST_WAIT = 300.0
"""Seconds: the most a `Retry-After` makes a call wait before its next attempt."""


@dataclass(slots=True)
class CallStats:
    """What one caller did: calls asked for, retries made, calls that failed for good."""

    calls: int = 0
    retries: int = 0
    errors: int = 0


class ModelCaller:
    """One provider behind time limits, retries and an adaptive in-flight limit."""

    def __init__(
        self,
        provider: Provider,
        *,
        max_retries: int = 4,
        backoff: Backoff | None = None,
        concurrency: int | None = None,
    ) -> None:
        self.provider = provider
        self.max_retries = max_retries
        self.backoff = backoff or Backoff()
        self.limiter = AdaptiveLimiter(concurrency or provider.default_concurrency)
        provider.allow_connections(self.limiter.maximum)
        self.stats = CallStats()

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        """`provider.generate`, retried; raises `ProviderError` once the attempts are spent."""
        return await self._call(lambda: self.provider.generate(list(messages), config), config)

    async def generate_json(
        self, messages: list[Message], config: GenerateConfig, schema: dict[str, Any]
    ) -> ModelOutput:
        """`provider.generate_json`, retried like `generate`."""
        return await self._call(
            lambda: self.provider.generate_json(list(messages), config, schema), config
        )

    async def _call(
        self, send: Callable[[], Awaitable[ModelOutput]], config: GenerateConfig
    ) -> ModelOutput:
        self.stats.calls += 1
        attempt = 0
        while True:
            failure = await self._attempt(send, config)
            if isinstance(failure, ModelOutput):
                return failure
            if not failure.retryable or attempt >= self.max_retries:
                self.stats.errors += 1
                tries = f" after {attempt + 1} attempts" if attempt else ""
                raise ProviderError(f"{failure}{tries}", status=failure.status) from failure
            delay = failure.retry_after
            if delay is None:
                delay = self.backoff.delay(attempt)
            self.stats.retries += 1
            await asyncio.sleep(min(delay, LONGEST_WAIT))
            attempt += 1

    async def _attempt(
        self, send: Callable[[], Awaitable[ModelOutput]], config: GenerateConfig
    ) -> ModelOutput | ProviderError:
        """One attempt in a slot of the limiter: the checked reply, or what went wrong."""
        async with self.limiter.slot():
            try:
                async with asyncio.timeout(config.timeout):  # no task per call, as wait_for
                    output = await send()
                output = checked_output(output, self.provider.spec)
            except RateLimited as error:
                self.limiter.rate_limited(error.retry_after)
                return error
            except ProviderError as error:
                return error
            except TimeoutError:
                return ProviderError(f"no reply within {config.timeout:g} s", retryable=True)
            except Exception as error:  # a provider bug must not end the run
                return ProviderError(f"{self.provider.spec}: {type(error).__name__}: {error}")
            self.limiter.succeeded()
            return output


def checked_output(output: object, spec: str) -> ModelOutput:
    """`output` if it is a `ModelOutput` whose text is a string; token counts that are not
    whole numbers of at least 0 are dropped (None), a latency that is not a number becomes 0."""
    if not isinstance(output, ModelOutput):
        raise ProviderError(f"{spec} returned {type(output).__name__}, not a ModelOutput")
    if not isinstance(output.text, str):
        raise ProviderError(f"{spec}: the reply is {type(output.text).__name__}, not text")
    output.input_tokens = token_count(output.input_tokens)
    output.output_tokens = token_count(output.output_tokens)
    latency = output.latency
    if isinstance(latency, bool) or not isinstance(latency, int | float) or latency < 0:
        output.latency = 0.0
    if not isinstance(output.model, str):
        output.model = str(output.model)
    return output
