"""Start the studio: check the address, pick a free port, print the URL with its token."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from charter.studio._workspace import EXTRA_HINT, StudioError

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on `host` (`port` 0: a free one), so that the printed URL answers at
    once: connections wait in the backlog until the server takes them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise StudioError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def project_root(path: Path) -> Path:
    if not path.exists():
        raise StudioError(f"{path}: no such file or directory (give the spec project folder)")
    return (path if path.is_dir() else path.parent).resolve()


def build(path: Path, host: str, port: int, allow_remote: bool) -> tuple[Any, socket.socket, str]:
    """The app, the socket it is served on, and the URL to print."""
    if not is_loopback(host) and not allow_remote:
        raise StudioError(
            f"--host {host} would open the studio to other machines; add --allow-remote to "
            "mean it, or leave --host out (127.0.0.1)"
        )
    if not 0 <= port <= 65535:
        raise StudioError(f"--port {port}: give a port between 1 and 65535 (0: a free one)")
    root = project_root(path)
    from charter.studio._app import create_app  # StudioError without the `studio` extra
    from charter.studio._security import Secrets

    keys = Secrets()
    hosts = LOOPBACK_NAMES | {host.lower()}
    app = create_app(root, keys, hosts)
    sock = listen(host, port)
    chosen = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return app, sock, f"http://{shown}:{chosen}/spec?token={keys.token}"


def serve(
    path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    allow_remote: bool = False,
    announce: Callable[[str], Any] = print,
) -> None:
    """Serve the studio until interrupted."""
    try:
        import uvicorn
    except ImportError:
        raise StudioError(f"{EXTRA_HINT} (uvicorn is missing)") from None
    app, sock, url = build(path, host, port, allow_remote)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    announce(f"Charter studio for {project_root(path)}\n  {url}\n(Ctrl+C to stop)")
    with sock:
        server.run(sockets=[sock])
