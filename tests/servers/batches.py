"""A server speaking both providers' batch endpoints, answering each batch `delay` seconds after
it was created, with faults on request: refused lines, expired lines, lines that meet a server
error, and whole batches that fail.

- OpenAI: `POST /v1/files` (multipart, purpose `batch`), `POST /v1/batches`, `GET /v1/batches/ID`,
  `POST /v1/batches/ID/cancel`, `GET /v1/files/ID/content`; and `POST /v1/chat/completions`.
- Anthropic: `POST /v1/messages/batches`, `GET /v1/messages/batches/ID`,
  `GET /v1/messages/batches/ID/results`, `POST /v1/messages/batches/ID/cancel`; and
  `POST /v1/messages`.

A reply echoes the conversation's last user turn (`Answer to: ...`), so a test can tell which
request it answers. The ordinary endpoints count their calls (`direct_calls`), the batch
endpoints the requests they answered (`batched`).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import default as email_policy
from typing import Any

from servers._base import JsonHandler, LoopbackServer
from servers.messages_api import _chat_of

CUSTOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(slots=True)
class BatchFaults:
    """How many requests (over all batches, in the order received) meet each fault."""

    refuse: int = 0
    """Answered with an invalid-request error (sending it again would not help)."""
    expire: int = 0
    """Not run before the completion window closed."""
    server_error: int = 0
    """Answered with a server-side error (worth sending again)."""
    fail_batches: int = 0
    """Whole batches that fail (OpenAI: status `failed`; Anthropic: every request errored)."""
    unreadable: int = 0
    """Reads of results (an output file, a results URL) answered 503."""
    unreachable: int = 0
    """Looks at a batch (`GET` of the batch) answered 503."""


@dataclass(slots=True)
class Batch:
    kind: str
    """`openai` or `anthropic`."""
    batch_id: str
    requests: list[dict[str, Any]]
    """Each with `custom_id` and the request body (`body` or `params`)."""
    created: float
    input_file_id: str = ""
    outcome: str = ""
    """Empty while running; then `completed`, `failed` or `cancelled`."""
    results: list[dict[str, Any]] = field(default_factory=list)
    """Per request: custom_id, and `reply` (a body) or `fault`."""


def _answer(text: str) -> str:
    return f"Answer to: {text}"


def _completion(body: dict[str, Any]) -> dict[str, Any]:
    last = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": _answer(last)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": len(last.split()), "completion_tokens": 3},
    }


def _message(params: dict[str, Any]) -> dict[str, Any]:
    _, chat = _chat_of(params)
    last = next(m["content"] for m in reversed(chat) if m["role"] == "user")
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": params["model"],
        "content": [{"type": "text", "text": _answer(last)}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": len(last.split()), "output_tokens": 3},
    }


class BatchServer(LoopbackServer):
    def __init__(self, delay: float, faults: BatchFaults | None = None) -> None:
        super().__init__(BatchHandler)
        self.delay = delay
        self.faults = faults or BatchFaults()
        self.lock = threading.Lock()
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, Batch] = {}
        self.created: list[str] = []
        self.cancelled: list[str] = []
        self.direct_calls = 0
        self.batched = 0
        self.polls = 0
        """Looks at a batch (`GET` of the batch itself)."""

    def new_batch(self, kind: str, requests: list[dict[str, Any]], file_id: str = "") -> Batch:
        prefix = "batch_" if kind == "openai" else "msgbatch_"
        batch = Batch(kind, prefix + uuid.uuid4().hex[:16], requests, time.time(), file_id)
        with self.lock:
            self.batches[batch.batch_id] = batch
            self.created.append(batch.batch_id)
        return batch

    def settle(self, batch: Batch) -> None:
        """Run the batch once its time has come: answer each request or give it its fault."""
        with self.lock:
            if batch.outcome or time.time() < batch.created + self.delay:
                return
            faults = self.faults
            if faults.fail_batches > 0:
                faults.fail_batches -= 1
                batch.outcome = "failed"
                if batch.kind == "openai":
                    return
                batch.results = [{"custom_id": r["custom_id"], "fault": "server_error"}
                                 for r in batch.requests]  # fmt: skip
                return
            for request in batch.requests:
                fault = ""
                for name in ("refuse", "expire", "server_error"):
                    if getattr(faults, name) > 0:
                        setattr(faults, name, getattr(faults, name) - 1)
                        fault = name
                        break
                result: dict[str, Any] = {"custom_id": request["custom_id"], "fault": fault}
                if not fault:
                    body = request.get("body") or request.get("params") or {}
                    result["reply"] = (
                        _completion(body) if batch.kind == "openai" else _message(body)
                    )
                    self.batched += 1
                batch.results.append(result)
            batch.outcome = "completed"

    def cancel(self, batch: Batch) -> None:
        with self.lock:
            if batch.outcome:
                return
            batch.outcome = "cancelled"
            self.cancelled.append(batch.batch_id)
            batch.results = [{"custom_id": r["custom_id"], "fault": "cancel"}
                             for r in batch.requests]  # fmt: skip


class BatchHandler(JsonHandler):
    server: BatchServer

    # routing

    def do_GET(self) -> None:
        parts = self._parts()
        if parts[:1] == ["files"] and len(parts) == 3 and parts[2] == "content":
            self._file_content(parts[1])
        elif parts[:2] == ["messages", "batches"] and len(parts) == 4 and parts[3] == "results":
            self._anthropic_results(parts[2])
        elif parts[:2] == ["messages", "batches"] and len(parts) == 3:
            self._anthropic_batch(parts[2])
        elif parts[:1] == ["batches"] and len(parts) == 2:
            self._openai_batch(parts[1])
        else:
            self._not_found()

    def do_POST(self) -> None:
        parts = self._parts()
        if parts == ["files"]:
            self._upload()
        elif parts == ["batches"]:
            self._openai_create()
        elif parts[:1] == ["batches"] and len(parts) == 3 and parts[2] == "cancel":
            self._cancel(parts[1], self._openai_batch)
        elif parts == ["messages", "batches"]:
            self._anthropic_create()
        elif parts[:2] == ["messages", "batches"] and len(parts) == 4 and parts[3] == "cancel":
            self._cancel(parts[2], self._anthropic_batch)
        elif parts == ["chat", "completions"]:
            self._count_direct()
            self.send_json(200, _completion(self.read_json()))
        elif parts == ["messages"]:
            self._count_direct()
            self.send_json(200, _message(self.read_json()))
        else:
            self._not_found()

    def _parts(self) -> list[str]:
        path = self.path.split("?")[0].strip("/")
        return path.removeprefix("v1/").split("/")

    def _not_found(self) -> None:
        self.send_json(404, {"error": {"message": f"no route for {self.path}"}})

    def _refuse(self, message: str) -> None:
        self.send_json(400, {"error": {"message": message, "type": "invalid_request_error"}})

    def _count_direct(self) -> None:
        with self.server.lock:
            self.server.direct_calls += 1

    def _unavailable(self, fault: str = "unreadable") -> bool:
        """Answer 503 if a `fault` (`unreadable` or `unreachable`) is left."""
        with self.server.lock:
            if getattr(self.server.faults, fault) <= 0:
                return False
            setattr(self.server.faults, fault, getattr(self.server.faults, fault) - 1)
        self.send_json(503, {"error": {"message": "try later", "type": "overloaded_error"}})
        return True

    def _send_bytes(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _batch(self, batch_id: str, kind: str) -> Batch | None:
        looking = self.command == "GET" and not self.path.endswith("/results")
        if looking and self._unavailable("unreachable"):
            return None
        batch = self.server.batches.get(batch_id)
        if batch is None or batch.kind != kind:
            self.send_json(404, {"error": {"message": f"no batch {batch_id}"}})
            return None
        self.server.settle(batch)
        with self.server.lock:
            self.server.polls += looking
        return batch

    def _cancel(self, batch_id: str, show: Any) -> None:
        batch = self.server.batches.get(batch_id)
        if batch is not None:
            self.server.cancel(batch)
        show(batch_id)

    # OpenAI

    def _upload(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
        form = BytesParser(policy=email_policy).parsebytes(head + self.rfile.read(length))
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in form.iter_parts()
        }
        if fields.get("purpose") != b"batch" or not fields.get("file"):
            self._refuse("a batch input file needs purpose=batch and a file part")
            return
        file_id = f"file-{uuid.uuid4().hex[:16]}"
        self.server.files[file_id] = fields["file"]
        self.send_json(200, {"id": file_id, "object": "file", "purpose": "batch"})

    def _openai_create(self) -> None:
        request = self.read_json() or {}
        if request.get("endpoint") != "/v1/chat/completions":
            self._refuse("endpoint: only /v1/chat/completions is served here")
            return
        if request.get("completion_window") != "24h":
            self._refuse("completion_window: must be 24h")
            return
        content = self.server.files.get(str(request.get("input_file_id")))
        if content is None:
            self._refuse(f"no file {request.get('input_file_id')}")
            return
        lines = [json.loads(text) for text in content.decode().splitlines() if text.strip()]
        ids = [line.get("custom_id") for line in lines]
        if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
            self._refuse("every line needs a custom_id, unique in the file")
            return
        for line in lines:
            body = line.get("body") or {}
            if line.get("method") != "POST" or line.get("url") != "/v1/chat/completions":
                self._refuse(f"{line['custom_id']}: method POST, url /v1/chat/completions")
                return
            if not body.get("model") or not body.get("messages"):
                self._refuse(f"{line['custom_id']}: the body needs model and messages")
                return
        batch = self.server.new_batch("openai", lines, str(request["input_file_id"]))
        self._openai_batch(batch.batch_id)

    def _openai_batch(self, batch_id: str) -> None:
        batch = self._batch(batch_id, "openai")
        if batch is None:
            return
        status = batch.outcome or "in_progress"
        data: dict[str, Any] = {
            "id": batch.batch_id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": status,
            "created_at": int(batch.created),
            "output_file_id": None,
            "error_file_id": None,
            "errors": None,
            "request_counts": {"total": len(batch.requests), "completed": 0, "failed": 0},
        }
        if status == "failed":
            data["errors"] = {
                "object": "list",
                "data": [{"code": "token_limit_exceeded", "message": "enqueued token limit"}],
            }
        elif batch.outcome:
            good = [r for r in batch.results if not r["fault"]]
            bad = [r for r in batch.results if r["fault"]]
            data["output_file_id"] = self._store_file([self._openai_line(r) for r in good])
            data["error_file_id"] = self._store_file([self._openai_line(r) for r in bad])
            data["request_counts"].update(completed=len(good), failed=len(bad))
        self.send_json(200, data)

    def _store_file(self, lines: list[dict[str, Any]]) -> str | None:
        if not lines:
            return None
        file_id = f"file-{uuid.uuid4().hex[:16]}"
        self.server.files[file_id] = "".join(json.dumps(line) + "\n" for line in lines).encode()
        return file_id

    @staticmethod
    def _openai_line(result: dict[str, Any]) -> dict[str, Any]:
        line: dict[str, Any] = {"id": f"batch_req_{uuid.uuid4().hex[:12]}"}
        line.update(custom_id=result["custom_id"], response=None, error=None)
        fault = result["fault"]
        if not fault:
            line["response"] = {"status_code": 200, "request_id": "req", "body": result["reply"]}
        elif fault in ("refuse", "server_error"):
            status, kind = (
                (400, "invalid_request_error") if fault == "refuse" else (500, "server_error")
            )
            error = {"message": f"{kind} for this request", "type": kind}
            line["response"] = {
                "status_code": status,
                "request_id": "req",
                "body": {"error": error},
            }
        else:
            code = "batch_expired" if fault == "expire" else "batch_cancelled"
            line["error"] = {"code": code, "message": f"the request was not run ({code})"}
        return line

    def _file_content(self, file_id: str) -> None:
        content = self.server.files.get(file_id)
        if content is None:
            self._not_found()
        elif not self._unavailable():
            self._send_bytes(content)

    # Anthropic

    def _anthropic_create(self) -> None:
        bearer = (self.headers.get("authorization") or "").startswith("Bearer ")
        if not (self.headers.get("x-api-key") or bearer):
            self._refuse("x-api-key or Authorization is required")
            return
        if not self.headers.get("anthropic-version"):
            self._refuse("anthropic-version header is required")
            return
        requests = (self.read_json() or {}).get("requests")
        if not isinstance(requests, list) or not requests:
            self._refuse("requests: at least one request is required")
            return
        ids = [r.get("custom_id") for r in requests]
        if len(set(ids)) != len(ids) or not all(CUSTOM_ID.match(str(i)) for i in ids):
            self._refuse("custom_id: unique, 1-64 letters, digits, _ or -")
            return
        for request in requests:
            problem, _ = _chat_of(request.get("params"))
            if problem:
                self._refuse(f"requests.{request['custom_id']}.params.{problem}")
                return
        batch = self.server.new_batch("anthropic", requests)
        self._anthropic_batch(batch.batch_id)

    def _anthropic_batch(self, batch_id: str) -> None:
        batch = self._batch(batch_id, "anthropic")
        if batch is None:
            return
        created = datetime.fromtimestamp(batch.created, UTC).isoformat()
        counts = dict.fromkeys(("processing", "succeeded", "errored", "canceled", "expired"), 0)
        for result in batch.results:
            counts[self._anthropic_result(result)["type"]] += 1
        counts["processing"] = 0 if batch.outcome else len(batch.requests)
        ended = bool(batch.outcome)
        self.send_json(
            200,
            {
                "id": batch.batch_id,
                "type": "message_batch",
                "processing_status": "ended" if ended else "in_progress",
                "request_counts": counts,
                "created_at": created,
                "expires_at": created,
                "ended_at": created if ended else None,
                "archived_at": None,
                "cancel_initiated_at": None,
                "results_url": (
                    f"{self.server.url}/v1/messages/batches/{batch.batch_id}/results"
                    if ended
                    else None
                ),
            },
        )

    @staticmethod
    def _anthropic_result(result: dict[str, Any]) -> dict[str, Any]:
        fault = result["fault"]
        if not fault:
            return {"type": "succeeded", "message": result["reply"]}
        if fault in ("refuse", "server_error"):
            kind = "invalid_request_error" if fault == "refuse" else "api_error"
            error = {"type": kind, "message": f"{kind} for this request"}
            return {"type": "errored", "error": {"type": "error", "error": error}}
        return {"type": "expired" if fault == "expire" else "canceled"}

    def _anthropic_results(self, batch_id: str) -> None:
        batch = self._batch(batch_id, "anthropic")
        if batch is None:
            return
        if not batch.outcome:
            self._refuse("the batch has not ended")
            return
        if self._unavailable():
            return
        lines = [
            {"custom_id": r["custom_id"], "result": self._anthropic_result(r)}
            for r in batch.results
        ]
        self._send_bytes("".join(json.dumps(line) + "\n" for line in lines).encode())
