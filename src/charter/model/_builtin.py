"""The built-in providers, registered through the same hook as a plugin's."""

from __future__ import annotations

from charter.model._anthropic import AnthropicProvider
from charter.model._command import CommandProvider
from charter.model._local import LocalProvider
from charter.model._openai import OpenAIProvider
from charter.model._python import PythonProvider
from charter.model._types import Provider
from charter.plugins import hookimpl


@hookimpl
def charter_providers() -> list[type[Provider]]:
    return [OpenAIProvider, AnthropicProvider, LocalProvider, CommandProvider, PythonProvider]
