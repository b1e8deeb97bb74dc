"""A scripted OpenAI-compatible judge: fixed replies chosen by words in the conversation.

`start_verdict_server({"exclamation+calm": CONFLICT, "emoji": NO_CONFLICT})` answers a chat
completion with the reply of the first key whose words (split at `+`) all occur in the request's
messages, in the order given, and with `default` when none matches. A reply of `None` answers
HTTP 500 instead. Every request is kept
in `server.requests`, so a test can see what the judge was asked and how.
"""

from __future__ import annotations

import json
import time

from servers._base import JsonHandler, LoopbackServer

CONFLICT = json.dumps({"conflict": True, "reason": "one asks for exclamation marks, one bans them"})
NO_CONFLICT = json.dumps({"conflict": False, "reason": "both keep replies free of emoji"})
GARBAGE = "Well, it depends on the situation {maybe"
NOT_A_VERDICT = json.dumps({"verdict": "yes"})


class VerdictServer(LoopbackServer):
    def __init__(self, script: dict[str, str | None], default: str | None) -> None:
        super().__init__(VerdictHandler)
        self.script = script
        self.default = default


class VerdictHandler(JsonHandler):
    server: VerdictServer

    def do_POST(self) -> None:
        request = self.read_json()
        if not self.path.rstrip("/").endswith("/chat/completions") or not isinstance(request, dict):
            self.send_json(404, {"error": {"message": f"no route {self.path}"}})
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
        self.send_json(
            200,
            {
                "id": f"chatcmpl-scripted-{len(self.server.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": str(request.get("model", "")),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52},
            },
        )

    def do_GET(self) -> None:
        self.send_json(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})


def start_verdict_server(
    script: dict[str, str | None], default: str | None = GARBAGE
) -> VerdictServer:
    """A started server; `server.url + "/v1"` is the base_url to configure."""
    server = VerdictServer(script, default)
    server.start()
    return server
