"""What every provider takes and returns. Providers live beside this module; see `charter.model`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import Any

from charter._secrets import redact
from charter.errors import EXIT_CALLS_FAILED, ConfigError, ModelError


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message sent to a model. `role` is system, developer, user, assistant or tool."""

    role: str
    content: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class GenerateConfig:
    """Sampling parameters and limits for one call. Recorded with every sample."""

    temperature: float | None = 0.0
    max_tokens: int | None = 512
    top_p: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    timeout: float = 120.0
    """Seconds for one attempt, end to end."""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["stop"] = list(self.stop)
        return data


@dataclass(slots=True)
class ModelOutput:
    """A model's reply to one call."""

    text: str
    model: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    latency: float = 0.0
    """Seconds from sending the request to having the whole reply."""
    finish_reason: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    """Provider-specific extras worth keeping (response id, system fingerprint...)."""


def token_count(value: Any) -> int | None:
    """`value` if it is a whole number of tokens (an int of at least 0, not a bool), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class ProviderError(ModelError):
    """A call failed. `retryable` says whether the run engine should try again.

    Raised out of a command (no run engine to record it), it exits with code 4."""

    exit_code = EXIT_CALLS_FAILED

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(redact(message))  # a server may echo the key it was sent
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class RateLimited(ProviderError):
    """HTTP 429 or the provider's equivalent: retry later, and slow down."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=True, status=429, retry_after=retry_after)


class ProviderConfigError(ModelError, ConfigError):
    """The provider cannot be set up (unknown name, missing key, bad option): exit 2, one line."""


class Provider(ABC):
    """A model reachable by Charter: `openai:gpt-4o`, `local:smollm2`, `command:./agent`..."""

    #: The part before the colon in `PROVIDER:MODEL`.
    name: str = ""
    #: How many calls the run engine sends at once by default.
    default_concurrency: int = 8

    def __init__(self, model: str, **options: Any) -> None:
        self.model = model
        self.options = options
        self.connections = self.default_concurrency
        """Connections an HTTP provider keeps open (and alive) at once: the most calls its
        callers allow in flight, so no pool cap below the concurrency asked for holds calls
        back and no finished call closes a connection another call then has to reopen."""

    def allow_connections(self, calls: int) -> None:
        """A caller may send up to `calls` at once: size the connection pool for that.
        Takes effect for clients made afterwards (they are made at the first call)."""
        self.connections = max(self.connections, calls)

    @property
    def spec(self) -> str:
        """`provider:model`, as the user wrote it: the key runs and caches are recorded under."""
        return f"{self.name}:{self.model}"

    @abstractmethod
    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        """Send one conversation and return the reply. Raise `ProviderError` on failure."""

    #: True when `generate_json` constrains the reply to the schema (structured output).
    structured_output: bool = False

    async def generate_json(
        self, messages: list[Message], config: GenerateConfig, schema: dict[str, Any]
    ) -> ModelOutput:
        """Like `generate`, with the reply held to the JSON `schema` where the provider can.

        The default sends the plain call: the caller parses (and repairs) the answer itself.
        """
        return await self.generate(messages, config)

    #: Options that never change a reply (credentials), left out of `reply_settings`.
    SECRET_OPTIONS = frozenset({"api_key", "api_key_env"})

    def reply_settings(self) -> dict[str, Any]:
        """Everything besides the model name and the call's `GenerateConfig` that can change a
        reply: the endpoint and the provider's options. Part of the cache key, so a cached reply
        is only reused from the same endpoint with the same options."""
        return {k: v for k, v in sorted(self.options.items()) if k not in self.SECRET_OPTIONS}

    def unsent(self, config: GenerateConfig) -> list[str]:
        """The settings of `config` this provider does not pass on to the model (recorded as
        not sent rather than as used)."""
        return []

    async def aclose(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release connections, processes or loaded weights."""
