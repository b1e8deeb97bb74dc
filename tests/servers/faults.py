"""A server that fails on purpose, in both the chat completions and the Messages API shapes.

The request's `model` picks the behaviour: ok, empty, rate-limited, rate-limited-date,
server-error, overloaded, bad-request, truncated, invalid-json, slow, slow-stream, hostile (a
reply full of terminal escapes and rich markup), echo-key (a 401 whose body repeats the key the
request carried, as some OpenAI-compatible servers do).
Every delay is bounded and ends early when the server stops.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

from servers._base import JsonHandler, LoopbackServer

REPLY = "fault server reply"
HOSTILE_REPLY = (
    "\x1b]0;pwned-title\x07\x1b[2J\x1b[31mred\x1b[0m "
    "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\ "
    "[/bold] [link=http://evil.example/]link[/link] [/INST] bell\x07 nul\x00 end"
)
SLOW_SECONDS = 3.0
"""How long the slow modes take in all: beyond the tests' timeouts, short enough to end."""


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14},
    }


def _message(model: str, text: str) -> dict[str, Any]:
    content = [{"type": "text", "text": text}] if text else []
    return {
        "id": "msg_fault",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 11, "output_tokens": 3},
    }


class FaultHandler(JsonHandler):
    def do_POST(self) -> None:
        request = self.read_json()
        mode = request.get("model", "") if isinstance(request, dict) else ""
        anthropic = self.path.rstrip("/").endswith("/messages")
        reply = _message if anthropic else _completion
        if mode in ("ok", "empty"):
            self.send_json(200, reply(mode, REPLY if mode == "ok" else ""))
        elif mode == "hostile":
            self.send_json(200, reply(mode, HOSTILE_REPLY))
        elif mode == "echo-key":
            sent = self.headers.get("Authorization") or self.headers.get("x-api-key") or ""
            message = f"Incorrect API key provided: {sent}. You can find your API key at ..."
            self.send_json(401, self._error(anthropic, "authentication_error", message))
        elif mode == "rate-limited":
            self.send_json(
                429, self._error(anthropic, "rate_limit_error", "slow down"), {"Retry-After": "7"}
            )
        elif mode == "rate-limited-date":
            when = email.utils.formatdate(time.time() + 30, usegmt=True)
            self.send_json(
                429, self._error(anthropic, "rate_limit_error", "slow down"), {"Retry-After": when}
            )
        elif mode == "server-error":
            self.send_json(500, self._error(anthropic, "api_error", "the server broke"))
        elif mode == "overloaded":
            self.send_json(529, self._error(anthropic, "overloaded_error", "overloaded"))
        elif mode == "bad-request":
            self.send_json(
                400, self._error(anthropic, "invalid_request_error", "no model named bad-request")
            )
        elif mode == "truncated":
            self._truncated()
        elif mode == "invalid-json":
            self._raw(200, b'{"id": "x", "choices": [')
        elif mode == "slow":
            if not self.server.stopping.wait(SLOW_SECONDS):
                self.send_json(200, reply(mode, REPLY))
        elif mode == "slow-stream":
            self._trickle(reply(mode, REPLY))
        else:
            self.send_json(404, self._error(anthropic, "not_found_error", f"no mode {mode!r}"))

    @staticmethod
    def _error(anthropic: bool, kind: str, message: str) -> dict[str, Any]:
        if anthropic:
            return {"type": "error", "error": {"type": kind, "message": message}}
        return {"error": {"message": message, "type": kind, "code": None}}

    def _raw(self, status: int, body: bytes, declared: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) if declared is None else declared))
        self.end_headers()
        self.wfile.write(body)

    def _truncated(self) -> None:
        """Promises a whole body, sends a third of it, and closes the connection."""
        full = b'{"id": "chatcmpl-cut", "choices": [{"message": {"content": "never ends"}}]}'
        self._raw(200, full[: len(full) // 3], declared=len(full))
        self.wfile.flush()
        self.close_connection = True

    def _trickle(self, data: dict[str, Any]) -> None:
        """Sends a valid body a few bytes at a time, the whole taking SLOW_SECONDS."""
        import json

        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        pieces = 15
        step = max(1, len(body) // pieces + 1)
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            if self.server.stopping.wait(SLOW_SECONDS / pieces):
                return


def start_fault_server() -> LoopbackServer:
    return LoopbackServer(FaultHandler).start()
