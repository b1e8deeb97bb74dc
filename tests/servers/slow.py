"""An OpenAI-compatible server that answers every completion after a fixed delay, over
HTTP/1.1 keep-alive, and counts what the client did: calls in flight at once (the peak) and
connections opened. Threaded, with a listen backlog deep enough for hundreds of connects."""

from __future__ import annotations

import threading
import time
from typing import Any

from servers._base import JsonHandler, LoopbackServer


class SlowServer(LoopbackServer):
    request_queue_size = 512

    def __init__(self, delay: float) -> None:
        super().__init__(SlowHandler)
        self.delay = delay
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.connections = 0
        self.requests_served = 0

    def entered(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def left(self) -> None:
        with self.lock:
            self.in_flight -= 1
            self.requests_served += 1


class SlowHandler(JsonHandler):
    server: SlowServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_POST(self) -> None:
        request: Any = self.read_json() or {}
        self.server.entered()
        try:
            time.sleep(self.server.delay)
        finally:
            self.server.left()
        model = request.get("model", "slow")
        if self.path.rstrip("/").endswith("/messages"):  # the Anthropic Messages API
            self.send_json(200, _message(model))
            return
        self.send_json(
            200,
            {
                "id": "chatcmpl-slow",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "OK."},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
            },
        )


def _message(model: str) -> dict[str, Any]:
    return {
        "id": "msg_slow",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": "OK."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 1},
    }
