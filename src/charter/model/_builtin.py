"""The built-in providers, registered through the same hook as a plugin's.

The provider modules are imported when the hook is called (a provider is looked up), not when the
plugin manager registers this module: reading a spec builds the manager, and `charter check`
should not pay for the HTTP clients (httpx2 alone costs ~20 ms to import).
"""

from __future__ import annotations

from charter.model._types import Provider
from charter.plugins import hookimpl


@hookimpl
def charter_providers() -> list[type[Provider]]:
    from charter.model._anthropic import AnthropicProvider
    from charter.model._command import CommandProvider
    from charter.model._hf import HFProvider
    from charter.model._local import LocalProvider
    from charter.model._openai import OpenAIProvider
    from charter.model._python import PythonProvider

    return [
        OpenAIProvider,
        AnthropicProvider,
        LocalProvider,
        HFProvider,
        CommandProvider,
        PythonProvider,
    ]
