"""Ask a configured judge model whether two clauses conflict; a JSON verdict with a reason.

Questions go out in batches of `BATCH` (at most `CONCURRENCY` in flight); each batch's decided
verdicts are written to the verdict cache before the next is sent, so an interrupted run keeps
what it was told, and a re-run asks only what it was never told (or was told no verdict).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from charter.conflict._verdict_cache import CachedVerdict, VerdictCache, verdict_key
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

#: Changes whenever SYSTEM, the user message or SCHEMA change: cached verdicts are then stale.
PROMPT_VERSION = "conflict-judge-1"
#: Questions sent (and cached) together.
BATCH = 16
CONCURRENCY = 4

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
    cached: bool = False
    """Read from the verdict cache, not asked this run."""


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


def _question(first: str, second: str) -> tuple[str, str]:
    """The pair in a fixed order, so that (a, b) and (b, a) are one question."""
    return (first, second) if first <= second else (second, first)


async def _ask_all(
    provider: Provider, questions: list[tuple[str, str]], cache: VerdictCache | None
) -> dict[tuple[str, str], JudgeVerdict]:
    config = GenerateConfig(temperature=0.0, max_tokens=200)
    calls = ModelCaller(provider, concurrency=CONCURRENCY)
    settings = provider.reply_settings()

    async def ask(first: str, second: str) -> JudgeVerdict:
        try:
            output = await calls.generate_json(_messages(first, second), config, SCHEMA)
        except ProviderError as error:
            return JudgeVerdict(None, f"the judge failed: {_one_line(str(error))}", provider.spec)
        conflict, reason = parse_verdict(output.text)
        return JudgeVerdict(conflict, reason, provider.spec, output.text)

    found: dict[tuple[str, str], JudgeVerdict] = {}
    keys = {q: verdict_key(*q, provider.spec, settings, PROMPT_VERSION) for q in questions}
    waiting = []
    for question in questions:
        hit = cache.get(keys[question]) if cache else None
        if hit is None:
            waiting.append(question)
        else:
            found[question] = JudgeVerdict(
                hit.conflict, hit.reason, provider.spec, hit.reply, cached=True
            )
    try:
        for start in range(0, len(waiting), BATCH):
            batch = waiting[start : start + BATCH]
            verdicts = await asyncio.gather(*(ask(a, b) for a, b in batch))
            found.update(zip(batch, verdicts, strict=True))
            if cache is not None:
                cache.put_all(
                    [
                        (
                            keys[q],
                            provider.spec,
                            PROMPT_VERSION,
                            *q,
                            CachedVerdict(bool(v.conflict), v.reason, v.reply),
                        )
                        for q, v in zip(batch, verdicts, strict=True)
                        if v.conflict is not None
                    ]
                )
    finally:
        await provider.aclose()
    return found


def adjudicate(
    judge: str,
    pairs: list[tuple[str, str]],
    options: dict[str, Any] | None = None,
    cache: VerdictCache | None = None,
) -> list[JudgeVerdict]:
    """One verdict per (clause text, clause text) pair from the judge `provider:model`, built
    with `options` (its `[models."provider:model"]` table); with `cache`, verdicts kept there
    are reused and new decided ones kept. A question is sent once however many pairs ask it.
    Raises `SpecLoadError` when the judge cannot be set up (unknown provider, bad option,
    missing key)."""
    if not pairs:
        return []
    try:
        provider = get_provider(judge, **(options or {}))
    except ProviderConfigError as error:
        raise SpecLoadError(f"[conflicts] judge {judge}: {error}") from None
    questions = list(dict.fromkeys(_question(a, b) for a, b in pairs))
    found = asyncio.run(_ask_all(provider, questions, cache))
    return [found[_question(a, b)] for a, b in pairs]
