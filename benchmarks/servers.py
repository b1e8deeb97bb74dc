"""A fixed-latency OpenAI-compatible chat completions server for the run benchmark.

Every `POST .../chat/completions` is answered after `--delay` seconds (default 0.2) with a
short reply, over HTTP/1.1 keep-alive, from one asyncio process on 127.0.0.1. `GET /stats`
returns the number of completions served. It prints `PORT <n>` once listening and runs until
SIGTERM/SIGINT, or until `--max-seconds` pass (so a forgotten server stops by itself).

    python benchmarks/servers.py [--delay 0.2] [--max-seconds 1800]

`LatencyServer` starts and stops it as a subprocess.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPLY = "OK. Refunds are possible within 30 days; I will not share passwords."


class Completions:
    """Answers chat completions after a fixed delay and counts them."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.served = 0
        self.connections = 0
        self.in_flight = 0
        self.peak = 0
        self.first: float | None = None
        self.last: float | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, path, headers = _parse_head(head)
                length = int(headers.get("content-length", "0"))
                body = await reader.readexactly(length) if length else b""
                status, payload = await self.respond(method, path, body)
                _write(writer, status, payload)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def respond(self, method: str, path: str, body: bytes) -> tuple[int, object]:
        if method == "GET" and path.rstrip("/").endswith("/stats"):
            return 200, {
                "served": self.served,
                "connections": self.connections,
                "peak_in_flight": self.peak,
                "first": self.first,
                "last": self.last,
            }
        if method != "POST" or not path.rstrip("/").endswith("/chat/completions"):
            return 404, {"error": {"message": f"no route {method} {path}"}}
        try:
            request = json.loads(body)
        except ValueError:
            return 400, {"error": {"message": "body is not JSON"}}
        if self.first is None:
            self.first = time.time()
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(self.delay)
        self.in_flight -= 1
        self.served += 1
        self.last = time.time()
        return 200, {
            "id": f"bench-{self.served}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(request.get("model", "bench")),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": REPLY},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": 14, "total_tokens": 26},
        }


def _parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return method, path, headers


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found"}


def _write(writer: asyncio.StreamWriter, status: int, payload: object) -> None:
    body = json.dumps(payload).encode()
    writer.write(
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n".encode()
        + body
    )


async def serve(delay: float, max_seconds: float) -> None:
    completions = Completions(delay)
    server = await asyncio.start_server(completions.handle, "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max_seconds)


class LatencyServer:
    """`servers.py` in its own process; `url` is its `/v1` base URL."""

    def __init__(self, delay: float = 0.2, max_seconds: float = 1800.0) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--delay",
                str(delay),
                "--max-seconds",
                str(max_seconds),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            self.process.kill()
            raise RuntimeError(f"the benchmark server did not start (said {line!r})")
        self.port = int(line[1])
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def served(self) -> int:
        return int(self.stats()["served"])

    def stats(self) -> dict[str, float]:
        """Completions served, connections accepted, the first request's arrival and the last
        reply's time."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{self.url}/stats", timeout=5) as response:
            data: dict[str, float] = json.loads(response.read())
        return data

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> LatencyServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2, help="seconds before each reply")
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="stop after this long")
    args = parser.parse_args()
    asyncio.run(serve(args.delay, args.max_seconds))


if __name__ == "__main__":
    main()
