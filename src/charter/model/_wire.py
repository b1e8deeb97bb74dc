"""A small HTTP/1.1 client for JSON POSTs: keep-alive connections to one origin, nothing else.

The `openai:` provider's calls all go to one host with one method, so a general client's work
(cookie jars, redirects, proxies, connection-pool bookkeeping per request) is CPU spent for
nothing; under hundreds of calls in flight it was most of a run's CPU (see
`benchmarks/bench_http.py`). This client keeps idle connections in a stack, writes the request in
one piece and reads a `Content-Length`, chunked or read-to-close body. A connection goes back to
the stack only after a complete response; one cancelled or failed mid-way is closed.

Errors are `WireError`s whose text says what happened on the wire; the caller adds the provider
and decides on retries. Time limits are the caller's (`asyncio.timeout` around `post`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from charter.errors import ModelError

HEAD_LIMIT = 64 * 1024
"""The most bytes a response's status line and headers may take."""


class WireError(ModelError):
    """The exchange failed on the wire: no connection, a dropped one, a reply cut off or not
    HTTP. Worth another attempt."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]
    """Names lower case; a repeated header keeps its last value."""
    body: bytes


class _Connection:
    __slots__ = ("reader", "reused", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reused = False

    def close(self) -> None:
        self.writer.close()


class WireClient:
    """POSTs to the origin of `base_url` over at most `keep` idle keep-alive connections."""

    def __init__(self, base_url: str, headers: dict[str, str], keep: int) -> None:
        parts = urlsplit(base_url)
        self.secure = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.secure else 80)
        self.prefix = parts.path.rstrip("/")
        self.keep = max(1, keep)
        default_port = self.port == (443 if self.secure else 80)
        authority = self.host if default_port else f"{self.host}:{self.port}"
        if ":" in self.host:  # an IPv6 literal
            authority = f"[{self.host}]" if default_port else f"[{self.host}]:{self.port}"
        lines = [f"Host: {authority}", "Content-Type: application/json", "Accept: */*"]
        lines.append("User-Agent: charter")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self._headers = ("\r\n".join(lines) + "\r\n").encode("latin-1")
        self._idle: list[_Connection] = []
        self._ssl = ssl.create_default_context() if self.secure else None

    async def post(self, path: str, body: bytes) -> Response:
        """POST `body` (JSON) to `path` under the base URL's path. A reused connection that the
        server closed while it was idle is replaced once, at no cost to the caller."""
        request = (
            f"POST {self.prefix}{path} HTTP/1.1\r\nContent-Length: {len(body)}\r\n".encode()
            + self._headers
            + b"\r\n"
            + body
        )
        while True:
            connection = self._idle.pop() if self._idle else await self._open()
            try:
                response, reusable = await self._exchange(connection, request)
            except _StaleConnection:
                connection.close()
                continue
            except BaseException:
                connection.close()
                raise
            if reusable and len(self._idle) < self.keep:
                connection.reused = True
                self._idle.append(connection)
            else:
                connection.close()
            return response

    async def _open(self) -> _Connection:
        try:
            reader, writer = await asyncio.open_connection(
                self.host,
                self.port,
                ssl=self._ssl,
                server_hostname=self.host if self._ssl else None,
                limit=HEAD_LIMIT,
            )
        except ssl.SSLError as error:
            raise WireError(f"TLS failed: {error.reason or error}") from None
        except ConnectionRefusedError:
            raise WireError("could not connect: connection refused") from None
        except OSError as error:
            reason = error.strerror or str(error) or type(error).__name__
            raise WireError(f"could not connect: {reason.lower()}") from None
        return _Connection(reader, writer)

    async def _exchange(self, connection: _Connection, request: bytes) -> tuple[Response, bool]:
        reader, writer = connection.reader, connection.writer
        try:
            writer.write(request)
            if writer.transport.get_write_buffer_size() > 0:
                await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            while head.startswith(b"HTTP/1.1 1") and not head.startswith(b"HTTP/1.1 101"):
                head = await reader.readuntil(b"\r\n\r\n")  # 100 Continue and the like
        except asyncio.IncompleteReadError as error:
            if connection.reused and not error.partial:
                raise _StaleConnection from None
            raise WireError("the server closed the connection before it replied") from None
        except asyncio.LimitOverrunError:
            raise WireError(f"the reply's headers are over {HEAD_LIMIT} bytes") from None
        except (ConnectionError, OSError) as error:
            if connection.reused:
                raise _StaleConnection from None
            raise WireError(f"the connection failed: {error}") from None
        status, version, headers = _parse_head(head)
        try:
            body, complete = await _read_body(reader, status, headers)
        except asyncio.IncompleteReadError as error:
            raise WireError(f"the reply was cut off after {len(error.partial)} bytes") from None
        except (ConnectionError, OSError, ValueError, asyncio.LimitOverrunError) as error:
            raise WireError(f"the reply was cut off: {error}") from None
        body = _decoded(body, headers.get("content-encoding", ""))
        closing = headers.get("connection", "").lower()
        reusable = complete and (
            closing == "keep-alive" if version == "HTTP/1.0" else closing != "close"
        )
        return Response(status, headers, body), reusable

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        for connection in idle:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                await connection.writer.wait_closed()


class _StaleConnection(WireError):
    """A kept connection the server had closed: nothing was received, so send again."""


def _parse_head(head: bytes) -> tuple[int, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/") or not code.isdigit():
        raise WireError(f"the server's reply is not HTTP: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return int(code), version, headers


async def _read_body(
    reader: asyncio.StreamReader, status: int, headers: dict[str, str]
) -> tuple[bytes, bool]:
    """The body, and whether the connection is left at the start of the next response."""
    if status in (204, 304):
        return b"", True
    if "chunked" in headers.get("transfer-encoding", "").lower():
        parts: list[bytes] = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                    pass
                return b"".join(parts), True
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise WireError(f"the reply's Content-Length is not a number: {length[:40]!r}")
        return await reader.readexactly(int(length)), True
    return await reader.read(), False


def _decoded(body: bytes, encoding: str) -> bytes:
    """`body` inflated if the server compressed it although it was not asked to."""
    encoding = encoding.lower().strip()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            return zlib.decompress(body, 47)  # a gzip or zlib header, detected
        except zlib.error as error:
            raise WireError(f"the reply's {encoding} body is damaged: {error}") from None
    raise WireError(f"the reply is encoded as {encoding!r}, which this client does not read")
