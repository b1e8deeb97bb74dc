"""`anthropic:MODEL`: the Messages API through the official `anthropic` SDK."""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING, Any

from charter.model._http import PerLoop, api_key, host_of, is_loopback, retry_after
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
)

if TYPE_CHECKING:
    import anthropic

DEFAULT_MAX_TOKENS = 1024
"""The Messages API needs a limit; this one is used when the config sets none."""
DEFAULT_BASE_URL = "https://api.anthropic.com"
"""Where the SDK sends requests when neither the option nor `ANTHROPIC_BASE_URL` says."""


class AnthropicProvider(Provider):
    """Claude models. Options: `base_url` (else `ANTHROPIC_BASE_URL`), `api_key`,
    `api_key_env` (default `ANTHROPIC_API_KEY`; a loopback `base_url` may run keyless) and
    `send_sampling` (by default, `yes`, the temperature and top_p of the run are sent in the
    request body; `no` leaves them out for a model that refuses them: they are then recorded as
    not sent, never as used, and listed in `raw["not_sent"]`). The API has no seed: a seed is
    always recorded as not sent."""

    name = "anthropic"
    default_concurrency = 8

    def __init__(self, model: str, **options: Any) -> None:
        super().__init__(model, **options)
        opts = Options(self.name, options, ["base_url", "api_key", "api_key_env", "send_sampling"])
        self.send_sampling = opts.choice("send_sampling", ("yes", "no")) != "no"
        try:
            import anthropic  # noqa: F401 - checked here so a missing SDK fails before a run
        except ImportError:
            raise ProviderConfigError(
                f"anthropic:{model} needs the anthropic SDK: pip install anthropic"
            ) from None
        self.base_url = opts.text("base_url") or os.environ.get("ANTHROPIC_BASE_URL") or None
        local = self.base_url is not None and is_loopback(host_of(self.base_url))
        key_env = opts.text("api_key_env") or "ANTHROPIC_API_KEY"
        key = api_key(opts.text("api_key"), key_env)
        if key is None and not local:
            raise ProviderConfigError(
                f"anthropic:{model}: no API key: set the environment variable {key_env}"
            )
        self.key = key or "none-needed-on-loopback"
        self._clients: PerLoop[anthropic.AsyncAnthropic] = PerLoop(self._new_client)

    def reply_settings(self) -> dict[str, Any]:
        return {"base_url": self.base_url or DEFAULT_BASE_URL, "send_sampling": self.send_sampling}

    def _new_client(self) -> anthropic.AsyncAnthropic:
        import anthropic
        import httpx2

        pool = anthropic.DefaultAsyncHttpxClient(
            limits=httpx2.Limits(
                max_connections=self.connections, max_keepalive_connections=self.connections
            )
        )
        return anthropic.AsyncAnthropic(
            api_key=self.key, base_url=self.base_url, max_retries=0, http_client=pool
        )

    def request_args(self, messages: list[Message], config: GenerateConfig) -> dict[str, Any]:
        """The keyword arguments of `messages.create` for this conversation and config."""
        check_roles(messages)
        system = [m.content for m in messages if m.role in ("system", "developer")]
        turns: list[dict[str, str]] = []
        for message in messages:
            if message.role in ("system", "developer"):
                continue
            role = "assistant" if message.role == "assistant" else "user"
            text = tool_as_user_text(message) if message.role == "tool" else message.content
            if turns and turns[-1]["role"] == role:
                turns[-1]["content"] += "\n\n" + text
            else:
                turns.append({"role": role, "content": text})
        if not turns:
            raise ProviderError(f"{self.spec}: the conversation has no user turn to answer")
        args: dict[str, Any] = {
            "model": self.model,
            "messages": turns,
            "max_tokens": config.max_tokens or DEFAULT_MAX_TOKENS,
            "timeout": config.timeout,
        }
        if system:
            args["system"] = "\n\n".join(system)
        sampling = {
            key: value
            for key, value in (("temperature", config.temperature), ("top_p", config.top_p))
            if value is not None
        }
        if sampling and self.send_sampling:
            args["extra_body"] = sampling
        if config.stop:
            args["stop_sequences"] = list(config.stop)
        return args

    def batch_params(self, messages: list[Message], config: GenerateConfig) -> dict[str, Any]:
        """The `params` of one Message Batches request: `messages.create`'s body."""
        args = self.request_args(messages, config)
        del args["timeout"]
        args.update(args.pop("extra_body", {}))
        return args

    def client(self) -> anthropic.AsyncAnthropic:
        """The SDK client of the running event loop."""
        return self._clients.get()

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        import anthropic

        args = self.request_args(messages, config)
        client = self._clients.get()
        started = time.perf_counter()
        try:
            reply = await asyncio.wait_for(client.messages.create(**args), config.timeout)
        except TimeoutError:
            raise ProviderError(
                f"{self.spec}: no complete reply within {config.timeout:g} s", retryable=True
            ) from None
        except anthropic.APIError as error:
            raise self._mapped(error) from None
        except ValueError as error:  # the SDK lets a body that is not JSON through as is
            raise ProviderError(
                f"{self.spec}: the server sent a body that is not valid JSON: {error}",
                retryable=True,
            ) from None
        return self.output_of(reply, time.perf_counter() - started, config)

    def output_of(
        self, reply: anthropic.types.Message, latency: float, config: GenerateConfig
    ) -> ModelOutput:
        """A Messages API reply (from a call or a batch's result) as a `ModelOutput`."""
        from anthropic.types import TextBlock

        text = "".join(block.text for block in reply.content if isinstance(block, TextBlock))
        raw: dict[str, Any] = {"id": reply.id}
        not_sent = self.unsent(config)
        if not_sent:
            raw["not_sent"] = not_sent
        if reply.stop_sequence:
            raw["stop_sequence"] = reply.stop_sequence
        return ModelOutput(
            text=text,
            model=reply.model or self.model,
            input_tokens=reply.usage.input_tokens,
            output_tokens=reply.usage.output_tokens,
            latency=latency,
            finish_reason=reply.stop_reason,
            raw=raw,
        )

    def unsent(self, config: GenerateConfig) -> list[str]:
        """The settings of `config` this provider does not pass on to the API."""
        names = [] if config.seed is None else ["seed"]
        if not self.send_sampling:
            names += [
                name
                for name, value in (("temperature", config.temperature), ("top_p", config.top_p))
                if value is not None
            ]
        return names

    def _mapped(self, error: anthropic.APIError) -> ProviderError:
        import anthropic

        if isinstance(error, anthropic.APITimeoutError):
            return ProviderError(
                f"{self.spec}: no complete reply within the time limit", retryable=True
            )
        if isinstance(error, anthropic.APIConnectionError):
            return ProviderError(f"{self.spec}: connection failed: {error}", retryable=True)
        if isinstance(error, anthropic.APIStatusError):
            status = error.status_code
            headers = error.response.headers
            message = f"{self.spec}: HTTP {status}: {_message_of(error)}"
            if isinstance(error, anthropic.RateLimitError) or status == 429:
                return RateLimited(message, retry_after=retry_after(headers))
            retryable = status in (408, 409) or status >= 500
            return ProviderError(
                message, retryable=retryable, status=status, retry_after=retry_after(headers)
            )
        return ProviderError(f"{self.spec}: {type(error).__name__}: {error}", retryable=True)

    async def aclose(self) -> None:
        client = self._clients.take()
        if client is not None:
            await client.close()


def _message_of(error: anthropic.APIStatusError) -> str:
    """The server's own message from an error body like {"error": {"message": ...}}."""
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(error.message)
