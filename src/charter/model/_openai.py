"""`openai:MODEL`: any OpenAI-compatible chat completions endpoint, over Charter's own client."""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass
from typing import Any

from charter.model._http import (
    PerLoop,
    api_key,
    host_of,
    is_retryable_status,
    retry_after,
)
from charter.model._options import Options
from charter.model._roles import check_roles, tool_as_user_text
from charter.model._types import (
    GenerateConfig,
    Message,
    ModelOutput,
    Provider,
    ProviderConfigError,
    ProviderError,
    RateLimited,
    token_count,
)
from charter.model._wire import WireClient, WireError

DEFAULT_BASE_URL = "https://api.openai.com/v1"
OPENAI_HOST = "api.openai.com"
STRUCTURED = ("json_schema", "json_object", "off")


class OpenAIProvider(Provider):
    """Chat completions at `base_url` (option, else `OPENAI_BASE_URL`, else OpenAI's).

    Options: `base_url`, `api_key`, `api_key_env` (default `OPENAI_API_KEY`),
    `developer_role` (`developer`, or `system` for servers without that role: the default
    for every host but OpenAI's) and `structured` (how `generate_json` asks for a schema:
    `json_schema`, OpenAI's and llama.cpp's llama-server form, the default; `json_object`, the
    `{"type": "json_object", "schema": ...}` form of llama-cpp-python's server; or `off`).
    """

    name = "openai"
    default_concurrency = 8

    def __init__(self, model: str, **options: Any) -> None:
        super().__init__(model, **options)
        opts = Options(
            self.name,
            options,
            ["base_url", "api_key", "api_key_env", "developer_role", "structured"],
        )
        self.base_url = (
            opts.text("base_url") or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        ).rstrip("/")
        host = host_of(self.base_url)
        self.official = host == OPENAI_HOST
        key_env = opts.text("api_key_env") or "OPENAI_API_KEY"
        self.key = api_key(opts.text("api_key"), key_env)
        if self.key is None and self.official:
            raise ProviderConfigError(
                f"openai:{model}: no API key: set the environment variable {key_env} "
                "(or point base_url at a server that needs none)"
            )
        if self.key is None and opts.text("api_key_env"):
            raise ProviderConfigError(
                f"openai:{model}: the environment variable {key_env} is not set"
            )
        role = opts.choice("developer_role", ("developer", "system"))
        self.developer_role = role or ("developer" if self.official else "system")
        self.structured = opts.choice("structured", STRUCTURED) or "json_schema"
        self.structured_output = self.structured != "off"
        self._clients: PerLoop[WireClient] = PerLoop(self._new_client)

    def reply_settings(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "developer_role": self.developer_role}

    def _new_client(self) -> WireClient:
        # Charter's own keep-alive client: on the run benchmark's server (256 in flight, 50 ms)
        # it spent 0.06 ms of CPU per request, aiohttp 0.19 ms, httpx2 3.5-3.8 ms
        # (benchmarks/bench_http.py).
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return WireClient(self.base_url, headers, self.connections)

    def request_body(self, messages: list[Message], config: GenerateConfig) -> dict[str, Any]:
        """The JSON body for `messages` under `config`, roles mapped for this host."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [self._message_json(message) for message in messages],
        }
        limit_key = "max_completion_tokens" if self.official else "max_tokens"
        for key, value in (
            ("temperature", config.temperature),
            (limit_key, config.max_tokens),
            ("top_p", config.top_p),
            ("seed", config.seed),
        ):
            if value is not None:
                body[key] = value
        if config.stop:
            body["stop"] = list(config.stop)
        return body

    def _message_json(self, message: Message) -> dict[str, str]:
        if message.role == "tool":
            return {"role": "user", "content": tool_as_user_text(message)}
        role = self.developer_role if message.role == "developer" else message.role
        data = {"role": role, "content": message.content}
        if message.name:
            data["name"] = message.name
        return data

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        check_roles(messages)
        return await self._post(self.request_body(messages, config), config)

    async def generate_json(
        self, messages: list[Message], config: GenerateConfig, schema: dict[str, Any]
    ) -> ModelOutput:
        check_roles(messages)
        body = self.request_body(messages, config)
        if self.structured == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "verdict", "strict": True, "schema": schema},
            }
        elif self.structured == "json_object":
            body["response_format"] = {"type": "json_object", "schema": schema}
        return await self._post(body, config)

    async def _post(self, body: dict[str, Any], config: GenerateConfig) -> ModelOutput:
        client = self._clients.get()
        data = json.dumps(body, ensure_ascii=False).encode()
        started = time.perf_counter()
        try:
            async with asyncio.timeout(config.timeout):
                response = await client.post("/chat/completions", data)
        except TimeoutError:
            raise ProviderError(
                f"{self.spec}: no complete reply from {self.base_url} within {config.timeout:g} s",
                retryable=True,
            ) from None
        except WireError as error:
            raise ProviderError(f"{self.spec}: {error} ({self.base_url})", retryable=True) from None
        latency = time.perf_counter() - started
        reply = Reply(response.status, response.headers, response.body)
        if reply.status != 200:
            raise self._status_error(reply)
        return self._output(reply, latency)

    def _status_error(self, reply: Reply) -> ProviderError:
        status = reply.status
        message = f"{self.spec}: HTTP {status}: {_server_message(reply)}"
        if status == 429:
            return RateLimited(message, retry_after=retry_after(reply.headers))
        return ProviderError(
            message,
            retryable=is_retryable_status(status),
            status=status,
            retry_after=retry_after(reply.headers),
        )

    def _output(self, reply: Reply, latency: float) -> ModelOutput:
        try:
            data = json.loads(reply.body)
        except ValueError:
            raise ProviderError(
                f"{self.spec}: the server sent a body that is not JSON "
                f"({len(reply.body)} bytes: {reply.text[:80]!r})",
                retryable=True,
                status=reply.status,
            ) from None
        choices = data.get("choices") if isinstance(data, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise ProviderError(
                f"{self.spec}: the reply has no choices: {_server_message(reply)}",
                retryable=True,
                status=reply.status,
            )
        choice = choices[0]
        message = choice.get("message")
        if not isinstance(message, dict):
            message = {}
        usage = data.get("usage")
        if not isinstance(usage, dict):
            usage = {}
        raw = {key: data[key] for key in ("id", "system_fingerprint", "created") if data.get(key)}
        if message.get("refusal"):
            raw["refusal"] = message["refusal"]
        reason = choice.get("finish_reason")
        return ModelOutput(
            text=self._content_text(message.get("content")),
            model=str(data.get("model") or self.model),
            input_tokens=token_count(usage.get("prompt_tokens")),
            output_tokens=token_count(usage.get("completion_tokens")),
            latency=latency,
            finish_reason=reason if isinstance(reason, str) else None,
            raw=raw,
        )

    def _content_text(self, content: Any) -> str:
        """A message's `content`: text, nothing (empty), or a list of text parts joined."""
        if content is None or isinstance(content, str):
            return content or ""
        if isinstance(content, list) and all(
            isinstance(part, dict) and isinstance(part.get("text"), str) for part in content
        ):
            return "".join(part["text"] for part in content)
        raise ProviderError(
            f"{self.spec}: the reply's content is {_json_kind(content)}, not text",
            status=200,
        )

    async def aclose(self) -> None:
        client = self._clients.take()
        if client is not None:
            await client.aclose()


def _json_kind(value: Any) -> str:
    """How JSON would name the type of `value`: a number, a list, an object..."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class Reply:
    """What came back over HTTP: the status, the headers (names lower case), the body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", {k.lower(): v for k, v in self.headers.items()})

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _server_message(reply: Reply) -> str:
    """The server's own error message if it sent one in the usual shape, else its text."""
    try:
        data = json.loads(reply.body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if data.get("message"):
            return str(data["message"])
    text = " ".join(reply.text.split())
    return text[:300] or "(empty body)"
