"""A scripted OpenAI-compatible judge: fixed replies chosen by words in the conversation.

`start_verdict_server({"exclamation+calm": CONFLICT, "emoji": NO_CONFLICT})` answers a chat
completion with the reply of the first key whose words (split at `+`) all occur in the request's
messages, in the order given, and with `default` when none matches. A reply of `None` answers
HTTP 500 instead. Every request is kept
in `server.requests`, so a test can see what the judge was asked and how.

`answers` are given first, one per request in turn, before the script applies: an HTTP status
(an error body; a 429 says `Retry-After: 0`) or a whole completion body sent with 200, for a
server that fails a few times, or answers in a shape no client expects.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any

from servers._base import JsonHandler, LoopbackServer

CONFLICT = json.dumps({"conflict": True, "reason": "one asks for exclamation marks, one bans them"})
NO_CONFLICT = json.dumps({"conflict": False, "reason": "both keep replies free of emoji"})
GARBAGE = "Well, it depends on the situation {maybe"
NOT_A_VERDICT = json.dumps({"verdict": "yes"})


Answer = int | dict[str, Any]


class VerdictServer(LoopbackServer):
    def __init__(
        self, script: dict[str, str | None], default: str | None, answers: Iterable[Answer] = ()
    ) -> None:
        super().__init__(VerdictHandler)
        self.script = script
        self.default = default
        self.answers = list(answers)
        self.lock = threading.Lock()

    def next_answer(self) -> Answer | None:
        with self.lock:
            return self.answers.pop(0) if self.answers else None


def completion(content: Any, **fields: Any) -> dict[str, Any]:
    """A chat completion body whose message content is `content` (any JSON value)."""
    body: dict[str, Any] = {
        "id": "chatcmpl-answer",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }
    body.update(fields)
    return body


class VerdictHandler(JsonHandler):
    server: VerdictServer

    def do_POST(self) -> None:
        request = self.read_json()
        if not self.path.rstrip("/").endswith("/chat/completions") or not isinstance(request, dict):
            self.send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        answer = self.server.next_answer()
        if isinstance(answer, int):
            headers = {"Retry-After": "0"} if answer == 429 else {}
            self.send_json(answer, {"error": {"message": f"scripted HTTP {answer}"}}, headers)
            return
        if answer is not None:
            self.send_json(200, answer)
            return
        text = " ".join(
            str(message.get("content", ""))
            for message in request.get("messages", [])
            if isinstance(message, dict)
        ).lower()
        reply = next(
            (
                reply
                for key, reply in self.server.script.items()
                if all(word.lower() in text for word in key.split("+"))
            ),
            self.server.default,
        )
        if reply is None:
            self.send_json(500, {"error": {"message": "the scripted judge broke"}})
            return
        usage = {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52}
        body = completion(reply, usage=usage, model=str(request.get("model", "")))
        body["id"] = f"chatcmpl-scripted-{len(self.server.requests)}"
        self.send_json(200, body)

    def do_GET(self) -> None:
        self.send_json(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})


def start_verdict_server(
    script: dict[str, str | None], default: str | None = GARBAGE, answers: Iterable[Answer] = ()
) -> VerdictServer:
    """A started server; `server.url + "/v1"` is the base_url to configure."""
    server = VerdictServer(script, default, answers)
    server.start()
    return server
