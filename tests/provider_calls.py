"""Call a provider once from synchronous test code, closing it afterwards."""

from __future__ import annotations

import asyncio
from typing import Any

from charter.model import GenerateConfig, Message, ModelOutput, get_provider


def generate(
    spec: str, messages: list[Message], config: GenerateConfig, **options: Any
) -> ModelOutput:
    """`get_provider(spec, **options).generate(messages, config)`, then `aclose()`."""

    async def call() -> ModelOutput:
        provider = get_provider(spec, **options)
        try:
            return await provider.generate(messages, config)
        finally:
            await provider.aclose()

    return asyncio.run(call())
