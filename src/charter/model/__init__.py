"""Providers: how Charter reaches a model under test or a grader.

A model is named `PROVIDER:MODEL`, split at the first colon::

    openai:gpt-4o                  OpenAI-compatible chat completions (any base_url)
    anthropic:claude-sonnet-4-5    Anthropic's Messages API
    local:smollm2                  a GGUF run in-process by llama.cpp (or local:PATH.gguf)
    hf:FOLDER                      transformers in-process: a `charter train` result (train extra)
    command:./agent.sh             a program: conversation as JSON on stdin, reply on stdout
    python:my_agent.bot:reply      a Python function (messages, config) -> str | ModelOutput

`get_provider(spec, **options)` builds one; `list_providers()` names them all.

Third parties add providers with the `charter_providers` hook (see `charter.plugins` and
docs/plugins.md): a plugin module returns `Provider` subclasses, each with a unique `name`::

    from charter.model import GenerateConfig, Message, ModelOutput, Provider
    from charter.plugins import hookimpl

    class EchoProvider(Provider):
        name = "echo"

        async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
            return ModelOutput(text=messages[-1].content, model=self.model)

    @hookimpl
    def charter_providers() -> list[type[Provider]]:
        return [EchoProvider]

and names that module in its package's `[project.entry-points.charter]` table. A plugin's
provider replaces a built-in one of the same name.
"""

from charter.model._batches import (
    BATCH_PROVIDERS,
    BatchApi,
    BatchRequest,
    BatchResult,
    BatchState,
    batch_api,
    has_batch_api,
)
from charter.model._calls import ModelCaller
from charter.model._limits import AdaptiveLimiter, Backoff
from charter.model._prices import (
    Price,
    PriceTableError,
    load_prices,
    parse_prices,
    price_for,
    shipped_prices,
)
from charter.model._registry import get_provider, list_providers, parse_spec, provider_classes
from charter.model._trajectory import RAW_KEY as TRAJECTORY_KEY
from charter.model._trajectory import output_trajectory, trajectory_output
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

__all__ = [
    "BATCH_PROVIDERS",
    "TRAJECTORY_KEY",
    "AdaptiveLimiter",
    "Backoff",
    "BatchApi",
    "BatchRequest",
    "BatchResult",
    "BatchState",
    "GenerateConfig",
    "Message",
    "ModelCaller",
    "ModelOutput",
    "Price",
    "PriceTableError",
    "Provider",
    "ProviderConfigError",
    "ProviderError",
    "RateLimited",
    "batch_api",
    "get_provider",
    "has_batch_api",
    "list_providers",
    "load_prices",
    "output_trajectory",
    "parse_prices",
    "parse_spec",
    "price_for",
    "provider_classes",
    "shipped_prices",
    "token_count",
    "trajectory_output",
]
