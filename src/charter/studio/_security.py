"""Every request to the studio: the secret token (from the URL once, then a cookie), the Host
header (no DNS rebinding), a CSRF token on every write, and headers that forbid inline script,
framing and requests to anywhere else."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "charter_studio"
CSRF_FIELD = "csrf"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
#: Paths whose page brings its own, stricter policy (the HTML report: hashed inline script).
OWN_POLICY_SUFFIX = "/report.html"


@dataclass(frozen=True, slots=True)
class Secrets:
    """The URL token and the CSRF token of one studio process."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


async def _refuse(send: Send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


class Guard:
    """ASGI middleware in front of the studio's routes."""

    def __init__(self, app: ASGIApp, keys: Secrets, hosts: set[str]) -> None:
        self.app = app
        self.keys = keys
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = (_header(scope, b"host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in self.hosts:
            await _refuse(send, 403, "forbidden: unexpected Host header")
            return
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        tokens = query.get("token")
        from_url = tokens[0] if tokens else None
        if not (_same(from_url, self.keys.token) or _same(_cookie(scope), self.keys.token)):
            await _refuse(send, 403, "forbidden: open the studio with the URL it printed")
            return
        if scope["method"] not in ("GET", "HEAD"):
            checked = await self._checked_body(scope, receive, send)
            if checked is None:
                return
            receive = checked
        own_policy = str(scope.get("path", "")).endswith(OWN_POLICY_SUFFIX)
        set_cookie = from_url is not None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(HEADERS[1:] if own_policy else HEADERS)
                if set_cookie:
                    cookie = f"{COOKIE}={self.keys.token}; HttpOnly; SameSite=Strict; Path=/"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _checked_body(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Read the form, refuse it without the CSRF token (or from another origin), and hand
        the same body on to the route."""
        origin = _header(scope, b"origin")
        if origin is not None and origin != "null":
            origin_host = origin.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]").lower()
            if origin_host not in self.hosts:
                await _refuse(send, 403, "forbidden: a write from another origin")
                return None
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body"))
        body = b"".join(chunks)
        form = parse_qs(body.decode("utf-8", errors="replace"))
        fields = form.get(CSRF_FIELD)
        given = fields[0] if fields else _header(scope, b"x-csrf-token")
        if not _same(given, self.keys.csrf):
            await _refuse(send, 403, "forbidden: the form has no valid CSRF token; reload the page")
            return None
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay
