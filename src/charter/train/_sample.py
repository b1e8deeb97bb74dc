"""Rejection sampling for context distillation: reply to each train prompt several times *with*
the compiled system prompt, keep the replies the prompt's checks pass.

Replies are appended to `samples.jsonl` as they come, so an interrupted sampling pass resumes
where it stopped. The kept rows hold the conversation *without* the system prompt: that is what
the model is trained on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.grade import run_check
from charter.model import GenerateConfig, Message, Provider, ProviderError
from charter.run import message_json
from charter.train._split import SplitPrompt

SAMPLES_FILE = "samples.jsonl"


@dataclass(frozen=True, slots=True)
class Kept:
    """A reply that passed its prompt's checks, with the conversation to train it on."""

    clause_id: str
    messages: tuple[Message, ...]
    reply: str


def _key(clause_id: str, prompt_index: int, draw: int) -> str:
    return f"{clause_id}\0{prompt_index}\0{draw}"


def _done(path: Path) -> dict[str, dict[str, Any]]:
    """Samples already drawn, by key (a torn last line from an interruption is skipped)."""
    found: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        found[_key(row["clause_id"], row["prompt_index"], row["draw"])] = row
    return found


def _messages(row: dict[str, Any]) -> tuple[Message, ...]:
    return tuple(Message(m["role"], m["content"], m.get("name")) for m in row["messages"])


def passes(checks: tuple[dict[str, Any], ...], reply: str) -> bool:
    return bool(reply.strip()) and all(run_check(check, reply)[0] for check in checks)


async def _sample(
    provider: Provider,
    prompts: list[SplitPrompt],
    system: str,
    draws: int,
    config: GenerateConfig,
    out: Path,
    advance: Callable[[], None],
    stop_at: float,
) -> None:
    done = _done(out)
    loop = asyncio.get_running_loop()
    with out.open("a", encoding="utf-8") as handle:
        for item in prompts:
            challenge = item.challenge
            for draw in range(draws):
                key = _key(challenge.clause_id, challenge.prompt_index, draw)
                if key in done:
                    advance()
                    continue
                if loop.time() > stop_at:
                    return
                messages = [Message("system", system), *challenge.messages]
                seeded = GenerateConfig(
                    temperature=config.temperature,
                    max_tokens=config.max_tokens,
                    top_p=config.top_p,
                    seed=(config.seed or 0) * 1000 + draw,
                    timeout=config.timeout,
                )
                failure: str | None = None
                try:
                    reply = (await provider.generate(messages, seeded)).text
                except ProviderError as error:
                    reply, failure = "", str(error)
                row = {
                    "clause_id": challenge.clause_id,
                    "prompt_index": challenge.prompt_index,
                    "draw": draw,
                    "messages": [message_json(m) for m in challenge.messages],
                    "reply": reply,
                    "error": failure,
                    "passed": failure is None and passes(challenge.checks, reply),
                }
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                handle.flush()
                advance()


def sample_replies(
    provider: Provider,
    prompts: list[SplitPrompt],
    system: str,
    *,
    draws: int,
    config: GenerateConfig,
    folder: Path,
    advance: Callable[[], None],
    seconds: float,
) -> tuple[list[Kept], int]:
    """Draw `draws` replies per prompt (resuming from `folder/samples.jsonl`) for at most
    `seconds`; return the distinct replies that pass their prompt's checks, and how many
    replies to these prompts were drawn."""

    async def run() -> None:
        stop_at = asyncio.get_running_loop().time() + seconds
        try:
            await _sample(provider, prompts, system, draws, config, out, advance, stop_at)
        finally:
            await provider.aclose()

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / SAMPLES_FILE
    asyncio.run(run())
    return kept_replies(out, prompts)


def kept_replies(out: Path, prompts: list[SplitPrompt]) -> tuple[list[Kept], int]:
    """The passing replies in `out` whose prompt is one of `prompts` (train split), deduplicated,
    and the number of replies in `out` to those prompts."""
    by_place = {(p.challenge.clause_id, p.challenge.prompt_index): p for p in prompts}
    kept: dict[tuple[str, int, str], Kept] = {}
    drawn = 0
    for row in _done(out).values():
        item = by_place.get((row["clause_id"], row["prompt_index"]))
        if item is None or item.challenge.messages != _messages(row):
            continue
        drawn += 1
        if not row["passed"]:
            continue
        reply = row["reply"].strip()
        key = (row["clause_id"], row["prompt_index"], reply)
        kept.setdefault(key, Kept(row["clause_id"], item.challenge.messages, reply))
    return list(kept.values()), drawn
