"""Ask a configured judge model whether two clauses conflict; a JSON verdict with a reason."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from charter.model import (
    GenerateConfig,
    Message,
    ModelCaller,
    Provider,
    ProviderConfigError,
    ProviderError,
    get_provider,
)
from charter.spec import SpecLoadError

#: What the instruction shows in place of the reason; a judge that repeats it gave none.
PLACEHOLDER = "one sentence"
SYSTEM = (
    "You review written rules for an AI assistant. Two rules conflict when there is a "
    "situation in which the assistant cannot follow both. Rules that say the same thing, or that "
    "apply to different situations, do not conflict. Answer with JSON only: "
    f'{{"conflict": true or false, "reason": "{PLACEHOLDER}"}}.'
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"conflict": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["conflict", "reason"],
}
_DECODER = json.JSONDecoder(strict=False)  # raw newlines in strings, as models write them


@dataclass(frozen=True, slots=True)
class JudgeVerdict:
    """The judge's answer for one pair; `conflict` is None when it gave no usable verdict."""

    conflict: bool | None
    reason: str
    judge: str
    reply: str = ""
    """The judge's reply as it came, for audit (empty when the call failed)."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _objects(text: str) -> list[Any]:
    """Every JSON value that starts at a `{` of `text` and parses, in order."""
    found = []
    start = text.find("{")
    while start != -1:
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except ValueError:  # not JSON, or a number too long to read
            pass
        else:
            found.append(value)
        start = text.find("{", start + 1)
    return found


def parse_verdict(text: str) -> tuple[bool | None, str]:
    """(conflict, reason) from the judge's reply; (None, why) when it is not a verdict."""
    if "{" not in text:
        return None, "the judge's reply holds no JSON object"
    objects = [value for value in _objects(text) if isinstance(value, dict)]
    if not objects:
        return None, "the judge's reply is not valid JSON"
    data = next((value for value in objects if "conflict" in value), objects[0])
    verdict = data.get("conflict")
    if not isinstance(verdict, bool):
        return None, 'the judge\'s JSON has no true/false "conflict"'
    reason = _one_line(str(data.get("reason") or ""))
    if reason.lower().rstrip(".") == PLACEHOLDER:
        return verdict, "no reason given (the judge repeated the instruction's placeholder)"
    return verdict, reason or "no reason given"


def _messages(first: str, second: str) -> list[Message]:
    return [
        Message("system", SYSTEM),
        Message("user", f"Rule A: {first}\n\nRule B: {second}\n\nDo rules A and B conflict?"),
    ]


async def _ask_all(provider: Provider, pairs: list[tuple[str, str]]) -> list[JudgeVerdict]:
    config = GenerateConfig(temperature=0.0, max_tokens=200)
    calls = ModelCaller(provider, concurrency=4)

    async def ask(first: str, second: str) -> JudgeVerdict:
        try:
            output = await calls.generate_json(_messages(first, second), config, SCHEMA)
        except ProviderError as error:
            return JudgeVerdict(None, f"the judge failed: {_one_line(str(error))}", provider.spec)
        conflict, reason = parse_verdict(output.text)
        return JudgeVerdict(conflict, reason, provider.spec, output.text)

    try:
        return list(await asyncio.gather(*(ask(a, b) for a, b in pairs)))
    finally:
        await provider.aclose()


def adjudicate(
    judge: str, pairs: list[tuple[str, str]], options: dict[str, Any] | None = None
) -> list[JudgeVerdict]:
    """One verdict per (clause text, clause text) pair from the judge `provider:model`, built
    with `options` (its `[models."provider:model"]` table). Raises `SpecLoadError` when the
    judge cannot be set up (unknown provider, bad option, missing key)."""
    if not pairs:
        return []
    try:
        provider = get_provider(judge, **(options or {}))
    except ProviderConfigError as error:
        raise SpecLoadError(f"[conflicts] judge {judge}: {error}") from None
    return asyncio.run(_ask_all(provider, pairs))
