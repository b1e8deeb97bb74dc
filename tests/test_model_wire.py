"""The `openai:` provider's HTTP/1.1 client against real localhost servers that answer in each
shape the wire allows, or misbehave: chunked bodies, a kept connection closed while idle, a
refused port, a body cut short, a reply that is not HTTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

import pytest

from charter.model._wire import Response, WireClient, WireError

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.decode("latin-1").split("\r\n"):
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    return await reader.readexactly(length)


async def _exchange(handler: Handler, posts: int) -> tuple[list[Response], int]:
    """`posts` requests through one client to a server running `handler` per connection;
    the responses and how many connections the server accepted."""
    accepted = 0

    async def counted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        try:
            await handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(counted, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = WireClient(f"http://127.0.0.1:{port}/v1", {"Authorization": "Bearer k"}, 4)
    try:
        responses = [await client.post("/chat/completions", b'{"n": 1}') for _ in range(posts)]
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
    return responses, accepted


async def chunked_keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        body = await _read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Seen: " + body + b"\r\n\r\n"
            b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
        )
        await writer.drain()


async def one_reply_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)  # answers as if it kept the connection, then drops it
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    await writer.drain()


async def cut_short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"choices":')
    await writer.drain()


async def not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    await writer.drain()


def test_chunked_bodies_over_one_kept_connection() -> None:
    responses, accepted = asyncio.run(_exchange(chunked_keep_alive, 3))
    assert [r.body for r in responses] == [b"hello world"] * 3
    assert responses[0].status == 200 and responses[0].headers["x-seen"] == '{"n": 1}'
    assert accepted == 1


def test_a_kept_connection_the_server_closed_is_replaced_unseen() -> None:
    responses, accepted = asyncio.run(_exchange(one_reply_then_close, 3))
    assert [r.body for r in responses] == [b"ok"] * 3
    assert accepted == 3


def test_a_body_cut_short_is_an_error_that_says_so() -> None:
    with pytest.raises(WireError, match="the reply was cut off after 11 bytes"):
        asyncio.run(_exchange(cut_short, 1))


def test_a_reply_that_is_not_http_is_an_error_that_says_so() -> None:
    with pytest.raises(WireError, match=r"the server's reply is not HTTP: 'SSH-2\.0"):
        asyncio.run(_exchange(not_http, 1))


def test_a_port_nobody_listens_on_is_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed

    async def post() -> Response:
        client = WireClient(f"http://127.0.0.1:{port}/v1", {}, 1)
        return await client.post("/chat/completions", b"{}")

    with pytest.raises(WireError, match=r"^could not connect: connection refused$"):
        asyncio.run(post())
