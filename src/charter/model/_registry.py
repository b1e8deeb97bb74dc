"""Find providers by name (through the `charter_providers` hook) and build one from its spec."""

from __future__ import annotations

import re
from typing import Any

from charter.model._types import Provider, ProviderConfigError
from charter.plugins import plugin_manager

_NAME = re.compile(r"[a-z][a-z0-9_.-]*\Z")
_EXAMPLES = "e.g. openai:gpt-4o, local:smollm2 or command:./agent.sh"


def provider_classes() -> dict[str, type[Provider]]:
    """Every registered provider class by name; a plugin's class replaces a built-in's."""
    found: dict[str, type[Provider]] = {}
    for batch in plugin_manager().hook.charter_providers():
        for cls in batch:
            if not (isinstance(cls, type) and issubclass(cls, Provider) and cls.name):
                raise ProviderConfigError(
                    f"a plugin registered {cls!r} as a provider, but it is not a "
                    "Provider subclass with a `name`"
                )
            found.setdefault(cls.name, cls)
    return found


def list_providers() -> list[str]:
    """The names usable before the colon in `PROVIDER:MODEL`, sorted."""
    return sorted(provider_classes())


def parse_spec(spec: str) -> tuple[str, str]:
    """Split `PROVIDER:MODEL` at the first colon (the model part may hold more colons)."""
    provider, colon, model = spec.strip().partition(":")
    provider = provider.strip().lower()
    if not colon:
        raise ProviderConfigError(
            f"model `{spec}` names no provider: write PROVIDER:MODEL, {_EXAMPLES}"
        )
    if not provider:
        raise ProviderConfigError(
            f"model `{spec}` has nothing before the colon: write PROVIDER:MODEL, {_EXAMPLES}"
        )
    if not _NAME.match(provider):
        raise ProviderConfigError(
            f"model `{spec}`: `{provider}` is not a provider name (letters, digits, - _ .)"
        )
    if not model.strip():
        raise ProviderConfigError(
            f"model `{spec}` names no model after '{provider}:': write PROVIDER:MODEL, {_EXAMPLES}"
        )
    return provider, model.strip()


def get_provider(spec: str, **options: Any) -> Provider:
    """Build the provider for `spec` (`PROVIDER:MODEL`) with its options.

    Raises `ProviderConfigError` for an unknown provider, a malformed spec, an unknown option
    or a missing credential, so a run can stop before it sends anything.
    """
    name, model = parse_spec(spec)
    classes = provider_classes()
    cls = classes.get(name)
    if cls is None:
        known = ", ".join(sorted(classes))
        raise ProviderConfigError(
            f"unknown provider `{name}` in `{spec}`; known providers: {known}"
        )
    return cls(model, **options)
