"""The HTTP client of the `openai:` provider, chosen by measurement: CPU per request.

The same load goes through aiohttp and through Charter's own keep-alive client
(`charter.model._wire`), each in this process against `servers.py` (its own process): `--requests`
chat completions, `--concurrency` in flight, each answered after `--delay` seconds. Printed: wall
time, requests per second as a share of the concurrency / latency bound, and this process's CPU
per request (`time.process_time`).

    python benchmarks/bench_http.py [--requests 20000] [--concurrency 256] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable

from servers import LatencyServer

BODY = json.dumps(
    {"model": "bench", "messages": [{"role": "user", "content": "Can order 7 be refunded?"}]}
).encode()


async def _load(send: Callable[[], Awaitable[bytes]], requests: int, concurrency: int) -> None:
    left = iter(range(requests))

    async def worker() -> None:
        for _ in left:
            reply = json.loads(await send())
            assert reply["choices"][0]["message"]["content"]

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def with_aiohttp(url: str, requests: int, concurrency: int) -> None:
    import aiohttp

    pool = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    async with aiohttp.ClientSession(connector=pool, trust_env=False) as session:

        async def send() -> bytes:
            async with session.post(
                f"{url}/chat/completions",
                data=BODY,
                headers={"Content-Type": "application/json"},
            ) as response:
                return await response.read()

        await _load(send, requests, concurrency)


async def with_wire(url: str, requests: int, concurrency: int) -> None:
    from charter.model._wire import WireClient

    client = WireClient(url, {}, concurrency)

    async def send() -> bytes:
        return (await client.post("/chat/completions", BODY)).body

    try:
        await _load(send, requests, concurrency)
    finally:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    bound = args.concurrency / args.delay
    print(f"{args.requests} requests, {args.concurrency} in flight, {args.delay * 1000:.0f} ms")
    for name, client in (("aiohttp", with_aiohttp), ("charter wire", with_wire)):
        with LatencyServer(args.delay) as server:
            cpu, wall = time.process_time(), time.perf_counter()
            asyncio.run(client(server.url, args.requests, args.concurrency))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            peak = int(server.stats()["peak_in_flight"])
        rate = args.requests / wall
        print(
            f"  {name:13} {wall:6.2f} s wall, {rate:7.0f}/s = {rate / bound:6.1%} of the bound,"
            f" {cpu / args.requests * 1000:.3f} ms CPU per request, {peak} in flight at most"
        )


if __name__ == "__main__":
    main()
