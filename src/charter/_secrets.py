"""Keep configured secrets out of everything Charter stores, prints or reports.

A server may echo the key it was sent ("Incorrect API key provided: Bearer sk-..."), a model
may repeat it. Every API key a provider reads (from its option, from `charter.toml`, from the
environment variables the providers use) is remembered here, and `redact` replaces each with
`<redacted>` in text bound for the run store, the terminal or a report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, overload

REDACTED = "<redacted>"
KEY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")
"""Environment variables the built-in providers read their keys from by default."""
SHORTEST_SECRET = 8
"""Shorter values are not treated as secrets: replacing them would garble ordinary text."""

_remembered: set[str] = set()


def remember_secret(value: str | None) -> None:
    """Treat `value` as a secret from now on (a key a provider was given)."""
    if value and len(value.strip()) >= SHORTEST_SECRET:
        _remembered.add(value.strip())


def remember_config_secrets(config: Mapping[str, Any]) -> None:
    """The keys `charter.toml` names: `api_key` values and the variables `api_key_env` names,
    in every `[models."PROVIDER:MODEL"]` table."""
    models = config.get("models")
    if not isinstance(models, Mapping):
        return
    for options in models.values():
        if not isinstance(options, Mapping):
            continue
        key = options.get("api_key")
        remember_secret(key if isinstance(key, str) else None)
        variable = options.get("api_key_env")
        if isinstance(variable, str):
            remember_secret(os.environ.get(variable))


def known_secrets() -> list[str]:
    """Every secret to hide, longest first (so a key that contains another goes whole)."""
    found = set(_remembered)
    for variable in KEY_VARIABLES:
        value = os.environ.get(variable, "").strip()
        if len(value) >= SHORTEST_SECRET:
            found.add(value)
    return sorted(found, key=len, reverse=True)


@overload
def redact(text: str) -> str: ...
@overload
def redact(text: None) -> None: ...
def redact(text: str | None) -> str | None:
    """`text` with every known secret, as written or as escaped in JSON, replaced."""
    if not text:
        return text
    for secret in known_secrets():
        text = text.replace(secret, REDACTED)
        escaped = json.dumps(secret)[1:-1]
        if escaped != secret:
            text = text.replace(escaped, REDACTED)
    return text
