"""A small server speaking Anthropic's Messages API (POST /v1/messages), answered by a real
local model: SmolLM2 run in this process by llama-cpp-python.

It checks requests the way the real API does (headers, required fields, alternating roles) and
answers with the real response and error JSON shapes.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from servers._base import JsonHandler, LoopbackServer


def _text_of(content: Any) -> str | None:
    """A message's text: a string, or a list of text blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(
        isinstance(block, dict) and block.get("type") == "text" for block in content
    ):
        return "".join(str(block.get("text", "")) for block in content)
    return None


class MessagesHandler(JsonHandler):
    server: MessagesServer

    def do_POST(self) -> None:
        if self.path.split("?")[0].rstrip("/") != "/v1/messages":
            self._error(404, "not_found_error", f"no route for {self.path}")
            return
        bearer = (self.headers.get("authorization") or "").startswith("Bearer ")
        if not (self.headers.get("x-api-key") or bearer):
            self._error(401, "authentication_error", "x-api-key or Authorization is required")
            return
        if not self.headers.get("anthropic-version"):
            self._error(400, "invalid_request_error", "anthropic-version header is required")
            return
        request = self.read_json()
        problem, chat = _chat_of(request)
        if problem:
            self._error(400, "invalid_request_error", problem)
            return
        self.send_json(200, self.server.answer(request, chat))

    def _error(self, status: int, kind: str, message: str) -> None:
        self.send_json(status, {"type": "error", "error": {"type": kind, "message": message}})


def _chat_of(request: Any) -> tuple[str | None, list[dict[str, str]]]:
    """An error message for a request the API would refuse, else the chat for llama.cpp."""
    if not isinstance(request, dict):
        return "the body must be a JSON object", []
    for key in ("model", "max_tokens", "messages"):
        if key not in request:
            return f"{key}: Field required", []
    if not isinstance(request["max_tokens"], int) or request["max_tokens"] < 1:
        return "max_tokens: must be a positive integer", []
    chat: list[dict[str, str]] = []
    if "system" in request:
        system = _text_of(request["system"])
        if system is None:
            return "system: must be a string or a list of text blocks", []
        chat.append({"role": "system", "content": system})
    messages = request["messages"]
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required", []
    previous = None
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ("user", "assistant"):
            return f"messages.{index}.role: must be 'user' or 'assistant'", []
        if role == previous:
            return f"messages.{index}: roles must alternate between user and assistant", []
        text = _text_of(message.get("content"))
        if text is None:
            return f"messages.{index}.content: must be a string or text blocks", []
        chat.append({"role": role, "content": text})
        previous = role
    return None, chat


class MessagesServer(LoopbackServer):
    """Loads the model once; answers one request at a time."""

    def __init__(self, model_path: str) -> None:
        from llama_cpp import Llama

        super().__init__(MessagesHandler)
        self.llama = Llama(model_path=model_path, n_ctx=2048, verbose=False)
        self.lock = threading.Lock()

    def answer(self, request: dict[str, Any], chat: list[dict[str, str]]) -> dict[str, Any]:
        stops = request.get("stop_sequences") or []
        with self.lock:
            result: Any = self.llama.create_chat_completion(
                messages=chat,  # type: ignore[arg-type]
                max_tokens=request["max_tokens"],
                temperature=float(request.get("temperature", 1.0)),
                stop=stops,
            )
        choice = result["choices"][0]
        text = choice["message"]["content"] or ""
        reason = "max_tokens" if choice["finish_reason"] == "length" else "end_turn"
        return {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": request["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": result["usage"]["prompt_tokens"],
                "output_tokens": result["usage"]["completion_tokens"],
            },
        }
