"""Ask a configured judge model whether two clauses conflict; a JSON verdict with a reason."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any

from charter.model import GenerateConfig, Message, Provider, ProviderError, get_provider

SYSTEM = (
    "You review written rules for an AI assistant. Two rules conflict when there is a "
    "situation in which the assistant cannot follow both. Rules that say the same thing, or that "
    "apply to different situations, do not conflict. Answer with JSON only: "
    '{"conflict": true or false, "reason": "one sentence"}.'
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"conflict": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["conflict", "reason"],
}
_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class JudgeVerdict:
    """The judge's answer for one pair; `conflict` is None when it gave no usable verdict."""

    conflict: bool | None
    reason: str
    judge: str


def parse_verdict(text: str) -> tuple[bool | None, str]:
    """(conflict, reason) from the judge's reply; (None, why) when it is not a verdict."""
    match = _OBJECT.search(text)
    if match is None:
        return None, "the judge's reply holds no JSON object"
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None, "the judge's reply is not valid JSON"
    verdict = data.get("conflict") if isinstance(data, dict) else None
    if not isinstance(verdict, bool):
        return None, 'the judge\'s JSON has no true/false "conflict"'
    reason = data.get("reason")
    return verdict, str(reason).strip() if reason else "no reason given"


def _messages(first: str, second: str) -> list[Message]:
    return [
        Message("system", SYSTEM),
        Message("user", f"Rule A: {first}\n\nRule B: {second}\n\nDo rules A and B conflict?"),
    ]


async def _ask_all(provider: Provider, pairs: list[tuple[str, str]]) -> list[JudgeVerdict]:
    config = GenerateConfig(temperature=0.0, max_tokens=200)
    limit = asyncio.Semaphore(4)

    async def ask(first: str, second: str) -> JudgeVerdict:
        async with limit:
            try:
                output = await provider.generate_json(_messages(first, second), config, SCHEMA)
            except ProviderError as error:
                return JudgeVerdict(None, f"the judge failed: {error}", provider.spec)
        conflict, reason = parse_verdict(output.text)
        return JudgeVerdict(conflict, reason, provider.spec)

    try:
        return list(await asyncio.gather(*(ask(a, b) for a, b in pairs)))
    finally:
        await provider.aclose()


def adjudicate(judge: str, pairs: list[tuple[str, str]]) -> list[JudgeVerdict]:
    """One verdict per (clause text, clause text) pair from the judge `provider:model`."""
    if not pairs:
        return []
    return asyncio.run(_ask_all(get_provider(judge), pairs))
