"""The HTTP providers' connection pools follow the concurrency asked for: no hidden cap holds
calls back, and finished calls keep their connection for the next one (no reconnect churn).

Real localhost server, real provider, real `ModelCaller`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from charter.model import GenerateConfig, Message, get_provider
from charter.model._calls import ModelCaller
from servers.slow import SlowServer


@pytest.fixture
def slow() -> Iterator[SlowServer]:
    server = SlowServer(delay=0.4).start()
    yield server
    server.stop()


PROVIDERS = ["openai", "anthropic"]


def _send(server: SlowServer, concurrency: int, calls: int, kind: str) -> ModelCaller:
    url = f"{server.url}/v1" if kind == "openai" else server.url
    provider = get_provider(f"{kind}:slow", base_url=url)
    caller = ModelCaller(provider, concurrency=concurrency)
    config = GenerateConfig(max_tokens=8, timeout=30)
    messages = [Message(role="user", content="hello")]

    async def everything() -> None:
        try:
            await asyncio.gather(*(caller.generate(messages, config) for _ in range(calls)))
        finally:
            await provider.aclose()

    asyncio.run(everything())
    return caller


@pytest.mark.parametrize("kind", PROVIDERS)
def test_more_than_a_hundred_calls_reach_the_server_at_once(slow: SlowServer, kind: str) -> None:
    # httpx's default pool holds at most 100 connections: at concurrency 150 the server saw
    # 100 calls in flight, never more.
    caller = _send(slow, concurrency=150, calls=300, kind=kind)
    assert caller.stats.errors == 0
    assert caller.limiter.peak == 150
    assert slow.peak > 120


@pytest.mark.parametrize("kind", PROVIDERS)
def test_finished_calls_keep_their_connection(slow: SlowServer, kind: str) -> None:
    # The default pools keep 20 (httpx) or 100 (anthropic) idle connections alive: at
    # concurrency 128 the rest were closed after each call and opened again for the next.
    _send(slow, concurrency=128, calls=128 * 3, kind=kind)
    assert slow.peak >= 120
    assert slow.connections <= 128
