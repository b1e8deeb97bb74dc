"""What the HTTP providers share: hosts, keys, Retry-After, and one client per event loop."""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import os
import time
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from charter._secrets import remember_secret
from charter.model._types import ProviderConfigError

ClientT = TypeVar("ClientT")


def host_of(base_url: str) -> str:
    """The host name of `base_url`, lower case; refuses a URL that is not http(s)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProviderConfigError(
            f"base_url `{base_url}` is not an http(s) URL such as http://127.0.0.1:8080/v1"
        )
    return parts.hostname.lower()


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (localhost or a loopback address)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_key(option: str | None, env_name: str) -> str | None:
    """The key given as an option, else the value of the environment variable `env_name`;
    remembered as a secret, so that it is redacted wherever Charter stores or prints text."""
    key = option or os.environ.get(env_name) or None
    remember_secret(key)
    return key


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_retryable_status(status: int) -> bool:
    """Statuses worth another attempt: timeouts, conflicts, rate limits, server errors."""
    return status in (408, 409, 429) or status >= 500


class PerLoop(Generic[ClientT]):
    """Keeps one async client per event loop: a client's connections belong to its loop."""

    def __init__(self, make: Callable[[], ClientT]) -> None:
        self._make = make
        self._client: ClientT | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> ClientT:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = self._make()
            self._loop = loop
        return self._client

    def take(self) -> ClientT | None:
        """The client of the running loop, forgotten here so the caller can close it."""
        client, self._client = self._client, None
        loop, self._loop = self._loop, None
        try:
            same = loop is asyncio.get_running_loop()
        except RuntimeError:
            same = False
        return client if same else None
