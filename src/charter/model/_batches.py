"""The providers' batch endpoints: many requests sent at once, answered within hours at a lower
price. `batch_api(provider)` gives the one of an `openai:` or `anthropic:` provider (None for a
provider without one); `charter.run.BatchExecutor` drives it.

- OpenAI's Batch API: the requests as a JSONL file (`POST /files`, purpose `batch`), then
  `POST /batches` for `/v1/chat/completions` within 24 hours; `GET /batches/{id}` until the batch
  is completed, failed, expired or cancelled; its output and error files give each line by
  `custom_id`.
- Anthropic's Message Batches: `POST /v1/messages/batches` with the requests; `GET` it until its
  `processing_status` is `ended`; its `results_url` gives each result by `custom_id` (succeeded,
  errored, canceled or expired).

Requests are built, and replies read, by the providers' own code (`OpenAIProvider.request_body`,
`AnthropicProvider.batch_params` and `output_of`), so a batch sends what a call would.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from charter.model._roles import check_roles
from charter.model._types import GenerateConfig, Message, ModelOutput, Provider, ProviderError

if TYPE_CHECKING:
    from charter.model._anthropic import AnthropicProvider
    from charter.model._openai import OpenAIProvider

BATCH_PROVIDERS = ("openai", "anthropic")
"""The providers whose APIs have a batch endpoint."""
CHAT_ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
OPENAI_ENDED = ("completed", "failed", "expired", "cancelled")
RETRYABLE_ERRORS = ("api_error", "overloaded_error", "rate_limit_error", "timeout_error")
"""Anthropic error types that say the request may succeed when sent again."""


@dataclass(frozen=True, slots=True)
class BatchRequest:
    custom_id: str
    messages: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class BatchState:
    """Where a batch is: `ended` once no request is processed any more; `failure` when the
    batch as a whole failed (why)."""

    batch_id: str
    status: str
    ended: bool
    failure: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One request's outcome: a reply, or an error and whether sending it again may help
    (`resend`: it expired, was cancelled or met a server-side error; not: it was refused)."""

    custom_id: str
    output: ModelOutput | None
    error: str | None = None
    resend: bool = False


class BatchApi(Protocol):
    """A provider's batch endpoint."""

    async def submit(self, requests: list[BatchRequest], config: GenerateConfig) -> str:
        """Send the requests as one batch; its id."""
        ...

    async def state(self, batch_id: str, config: GenerateConfig) -> BatchState: ...

    async def results(self, batch_id: str, config: GenerateConfig) -> list[BatchResult]:
        """The outcome of every request the ended batch reports."""
        ...

    async def cancel(self, batch_id: str, config: GenerateConfig) -> None: ...


def batch_api(provider: Provider) -> BatchApi | None:
    """The batch endpoint of `provider`, or None when its API has none."""
    from charter.model._anthropic import AnthropicProvider
    from charter.model._openai import OpenAIProvider

    if isinstance(provider, OpenAIProvider):
        return OpenAIBatches(provider)
    if isinstance(provider, AnthropicProvider):
        return AnthropicBatches(provider)
    return None


def has_batch_api(spec: str) -> bool:
    """Whether the model `PROVIDER:MODEL` is reached through a provider with a batch endpoint."""
    return spec.partition(":")[0] in BATCH_PROVIDERS


class OpenAIBatches:
    """OpenAI's Batch API at the provider's `base_url`."""

    def __init__(self, provider: OpenAIProvider) -> None:
        self.provider = provider

    async def _send(self, method: str, path: str, config: GenerateConfig, **body: Any) -> bytes:
        # A batch sends a handful of requests (upload, create, polls, downloads) of every shape:
        # aiohttp serves them; the provider's own client is kept for the hot chat path.
        import aiohttp

        from charter.model._openai import Reply

        provider = self.provider
        headers = {"Authorization": f"Bearer {provider.key}"} if provider.key else {}
        timeout = aiohttp.ClientTimeout(total=config.timeout)
        try:
            async with (
                aiohttp.ClientSession(headers=headers) as session,
                session.request(
                    method, f"{provider.base_url}{path}", timeout=timeout, **body
                ) as response,
            ):
                reply = Reply(response.status, dict(response.headers), await response.read())
        except TimeoutError:
            raise ProviderError(
                f"{provider.spec}: no reply from {provider.base_url}{path} within "
                f"{config.timeout:g} s",
                retryable=True,
            ) from None
        except aiohttp.ClientError as error:
            raise ProviderError(
                f"{provider.spec}: {_transport_problem(error)} ({provider.base_url})",
                retryable=True,
            ) from None
        if reply.status != 200:
            raise provider._status_error(reply)
        return reply.body

    async def _json(self, method: str, path: str, config: GenerateConfig, **body: Any) -> Any:
        raw = await self._send(method, path, config, **body)
        try:
            return json.loads(raw)
        except ValueError:
            raise ProviderError(
                f"{self.provider.spec}: {path} sent a body that is not JSON", retryable=True
            ) from None

    async def submit(self, requests: list[BatchRequest], config: GenerateConfig) -> str:
        import aiohttp

        lines = []
        for request in requests:
            messages = list(request.messages)
            check_roles(messages)
            body = self.provider.request_body(messages, config)
            line = {"custom_id": request.custom_id, "method": "POST", "url": CHAT_ENDPOINT}
            lines.append(json.dumps({**line, "body": body}, ensure_ascii=False))
        form = aiohttp.FormData()
        form.add_field("purpose", "batch")
        form.add_field(
            "file",
            ("\n".join(lines) + "\n").encode(),
            filename="charter-batch.jsonl",
            content_type="application/jsonl",
        )
        uploaded = await self._json("POST", "/files", config, data=form)
        batch = await self._json(
            "POST",
            "/batches",
            config,
            json={
                "input_file_id": _field(uploaded, "id", self.provider.spec),
                "endpoint": CHAT_ENDPOINT,
                "completion_window": COMPLETION_WINDOW,
            },
        )
        return _field(batch, "id", self.provider.spec)

    async def state(self, batch_id: str, config: GenerateConfig) -> BatchState:
        batch = await self._json("GET", f"/batches/{batch_id}", config)
        status = str(batch.get("status", "")) if isinstance(batch, dict) else ""
        failure = None
        if status == "failed":
            errors = (batch.get("errors") or {}).get("data") or []
            failure = "; ".join(str(e.get("message", e)) for e in errors) or "no reason given"
        return BatchState(batch_id, status, status in OPENAI_ENDED, failure)

    async def results(self, batch_id: str, config: GenerateConfig) -> list[BatchResult]:
        batch = await self._json("GET", f"/batches/{batch_id}", config)
        found: list[BatchResult] = []
        for name in ("output_file_id", "error_file_id"):
            file_id = batch.get(name) if isinstance(batch, dict) else None
            if not file_id:
                continue
            content = await self._send("GET", f"/files/{file_id}/content", config)
            for text in content.decode("utf-8", errors="replace").splitlines():
                if text.strip():
                    found.append(self._result(json.loads(text), _created(batch)))
        return found

    def _result(self, line: dict[str, Any], created: float | None) -> BatchResult:
        from charter.model._openai import Reply

        custom_id = str(line.get("custom_id"))
        response = line.get("response") or {}
        error = line.get("error")
        if isinstance(error, dict) and error:
            code = str(error.get("code") or "")
            message = f"{self.provider.spec}: batch {code}: {error.get('message', '')}".strip()
            resend = code in ("batch_expired", "batch_cancelled") or not response
            return BatchResult(custom_id, None, message, resend)
        status = int(response.get("status_code") or 0)
        reply = Reply(status, {}, json.dumps(response.get("body")).encode())
        if status != 200:
            problem = self.provider._status_error(reply)
            return BatchResult(custom_id, None, str(problem), problem.retryable)
        try:
            output = self.provider._output(reply, _since(created))
        except ProviderError as problem:
            return BatchResult(custom_id, None, str(problem), problem.retryable)
        return BatchResult(custom_id, output)

    async def cancel(self, batch_id: str, config: GenerateConfig) -> None:
        await self._json("POST", f"/batches/{batch_id}/cancel", config)


class AnthropicBatches:
    """Anthropic's Message Batches, through the provider's SDK client."""

    def __init__(self, provider: AnthropicProvider) -> None:
        self.provider = provider

    async def _call(self, work: Any, config: GenerateConfig) -> Any:
        import anthropic

        try:
            return await asyncio.wait_for(work, config.timeout)
        except TimeoutError:
            raise ProviderError(
                f"{self.provider.spec}: no reply within {config.timeout:g} s", retryable=True
            ) from None
        except anthropic.APIError as error:
            raise self.provider._mapped(error) from None

    async def submit(self, requests: list[BatchRequest], config: GenerateConfig) -> str:
        body = [
            {
                "custom_id": r.custom_id,
                "params": self.provider.batch_params(list(r.messages), config),
            }
            for r in requests
        ]
        batches = self.provider.client().messages.batches
        batch = await self._call(batches.create(requests=body), config)  # type: ignore[arg-type]
        return str(batch.id)

    async def state(self, batch_id: str, config: GenerateConfig) -> BatchState:
        batches = self.provider.client().messages.batches
        batch = await self._call(batches.retrieve(batch_id), config)
        status = str(batch.processing_status)
        return BatchState(batch_id, status, status == "ended")

    async def results(self, batch_id: str, config: GenerateConfig) -> list[BatchResult]:
        batches = self.provider.client().messages.batches
        batch = await self._call(batches.retrieve(batch_id), config)
        latency = _since(batch.created_at.timestamp())

        async def read() -> list[BatchResult]:
            found = []
            async for line in await batches.results(batch_id):
                found.append(self._result(line, latency, config))
            return found

        results: list[BatchResult] = await self._call(read(), config)
        return results

    def _result(self, line: Any, latency: float, config: GenerateConfig) -> BatchResult:
        result = line.result
        spec = self.provider.spec
        if result.type == "succeeded":
            return BatchResult(
                line.custom_id, self.provider.output_of(result.message, latency, config)
            )
        if result.type == "errored":
            error = result.error.error
            kind = str(getattr(error, "type", "error"))
            message = f"{spec}: batch {kind}: {getattr(error, 'message', '')}"
            return BatchResult(line.custom_id, None, message, kind in RETRYABLE_ERRORS)
        return BatchResult(line.custom_id, None, f"{spec}: batch request {result.type}", True)

    async def cancel(self, batch_id: str, config: GenerateConfig) -> None:
        batches = self.provider.client().messages.batches
        await self._call(batches.cancel(batch_id), config)


def _field(data: Any, name: str, spec: str) -> str:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise ProviderError(f"{spec}: the batch endpoint's reply has no `{name}`")
    return value


def _created(batch: Any) -> float | None:
    value = batch.get("created_at") if isinstance(batch, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _since(created: float | None) -> float:
    """Seconds from a batch's creation to now: how long its replies took."""
    return max(0.0, time.time() - created) if created is not None else 0.0


def _transport_problem(error: Exception) -> str:
    """What went wrong on the wire, in words: connecting, a dropped connection, a cut body."""
    import aiohttp

    if isinstance(error, aiohttp.ClientConnectorError):
        reason = error.os_error.strerror or str(error.os_error) or "refused"
        return f"could not connect: {reason.lower()}"
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return "the server closed the connection before it replied"
    if isinstance(error, aiohttp.ClientPayloadError):
        return f"the reply was cut off: {error}"
    return f"{type(error).__name__}: {error}"
