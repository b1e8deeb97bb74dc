"""The spec-aware judge: clause, section, authority, definitions and precedents in, a verdict out.

Two ways to ask a model:

- `json`: the judge template, answered as JSON held to `VERDICT_SCHEMA` where the provider offers
  structured output (OpenAI-compatible `response_format`, llama.cpp grammars), else parsed strictly
  with one repair attempt. An answer that never parses is an `error` grade, never a pass.
- `logprob` (local GGUF models): a short yes/no prompt and the next-token probabilities of "yes"
  and "no", one forward pass, so a tiny model is measured rather than asked to write JSON.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, Protocol

from charter.grade._context import ClauseContext
from charter.grade._judge import ask_with_repair, parse_verdict
from charter.grade._types import Grade, GradeInput, Verdict
from charter.model import GenerateConfig, Message, ModelCaller, Provider, ProviderError
from charter.precedent import Precedent, relevant

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["comply", "violate", "not_applicable"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "rationale": {"type": "string"},
        "clause_ids": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["verdict", "confidence", "rationale", "clause_ids"],
    "additionalProperties": False,
}
PAIR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "better": {"type": "string", "enum": ["A", "B"]},
        "rationale": {"type": "string"},
    },
    "required": ["better", "rationale"],
    "additionalProperties": False,
}
SHORT_LIMIT = 600
"""Characters of the rule, the last user turn and the reply in the short (tiny-model) prompt."""
FULL_LIMIT = 6000
"""Characters of a precedent's reply or a section shown in the full prompt."""

Contexts = Callable[[GradeInput], ClauseContext]


class LogprobProvider(Protocol):
    def next_token_logprobs(self, messages: list[Message], words: list[str]) -> dict[str, float]:
        """Log-probabilities of each word as the reply's first token."""
        ...


def shipped_template(name: str) -> str:
    return resources.files("charter.grade").joinpath(name).read_text("utf-8")


@dataclass(frozen=True, slots=True)
class Templates:
    """The judge's prompt templates (files users may override in charter.toml `[judge]`)."""

    full: str
    short: str
    pair: str
    pair_short: str

    @classmethod
    def load(cls, overrides: dict[str, Path] | None = None) -> Templates:
        names = {
            "full": "judge_spec.md",
            "short": "judge_short.md",
            "pair": "judge_pair.md",
            "pair_short": "judge_pair_short.md",
        }
        given = overrides or {}
        texts = {
            key: given[key].read_text(encoding="utf-8") if key in given else shipped_template(name)
            for key, name in names.items()
        }
        return cls(**texts)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split()) if limit <= SHORT_LIMIT else text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _conversation(messages: Sequence[Message]) -> str:
    return "\n".join(f"<{m.role}>\n{_cut(m.content, FULL_LIMIT)}\n</{m.role}>" for m in messages)


def _last_user(messages: Sequence[Message]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.content
    return messages[-1].content if messages else ""


def _precedent_block(cases: Sequence[Precedent]) -> str:
    if not cases:
        return ""
    parts = ["\nDecided cases under this rule (precedents):"]
    for case in cases:
        why = f"\nWhy: {case.rationale}" if case.rationale else ""
        parts.append(
            f'<precedent verdict="{case.verdict}">\n{_conversation(case.conversation)}\n'
            f"<reply>\n{_cut(case.reply, 1500)}\n</reply>{why}\n</precedent>"
        )
    return "\n".join(parts) + "\n"


def _definition_block(context: ClauseContext) -> str:
    if not context.definitions:
        return ""
    lines = "\n".join(f"- {term}: {_cut(text, 400)}" for term, text in context.definitions)
    return f"\nDefinitions the rule relies on:\n{lines}\n"


def parse_judgement(text: str) -> tuple[Verdict, float | None, str, tuple[str, ...]]:
    """`parse_verdict` plus the optional `clause_ids` list."""
    verdict, confidence, rationale = parse_verdict(text)
    body = text.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
    ids: tuple[str, ...] = ()
    try:
        raw = json.loads(body).get("clause_ids", [])
    except (ValueError, AttributeError):
        raw = []
    if isinstance(raw, list):
        ids = tuple(str(item) for item in raw)
    return verdict, confidence, rationale, ids


class SpecJudge:
    """Grades one reply against its clause in context; see the module docstring for the modes."""

    def __init__(
        self,
        provider: Provider,
        contexts: Contexts,
        *,
        precedents: Sequence[Precedent] = (),
        templates: Templates | None = None,
        mode: str | None = None,
        shots: int = 3,
        config: GenerateConfig | None = None,
    ) -> None:
        self.provider = provider
        self.calls = ModelCaller(provider)
        self.contexts = contexts
        self.precedents = list(precedents)
        self.templates = templates or Templates.load()
        self.mode = mode or ("logprob" if hasattr(provider, "next_token_logprobs") else "json")
        if self.mode not in ("json", "logprob"):
            raise ValueError("judge mode must be json or logprob")
        if self.mode == "logprob" and not hasattr(provider, "next_token_logprobs"):
            raise ValueError(f"{provider.spec} gives no log-probabilities; use mode json")
        self.shots = shots
        self.config = config or GenerateConfig(temperature=0.0, max_tokens=400)
        self.name = f"judge:{provider.spec}"

    # prompts ---------------------------------------------------------------------------------

    def shown_precedents(self, item: GradeInput, context: ClauseContext) -> list[Precedent]:
        """The few-shot precedents for `item`; none about its own conversation under holdout."""
        return relevant(
            self.precedents,
            context.clause_ids,
            item.conversation,
            self.shots,
            exclude_conversation=item.holdout,
        )

    def prompt(self, item: GradeInput) -> str:
        context = self.contexts(item)
        if self.mode == "logprob":
            return Template(self.templates.short).safe_substitute(
                statement=_cut(context.statement, SHORT_LIMIT),
                last_user=_cut(_last_user(item.conversation), SHORT_LIMIT),
                reply=_cut(item.reply, SHORT_LIMIT),
            )
        return Template(self.templates.full).safe_substitute(
            clause_ids=context.label,
            authority=context.authority or "unstated",
            statement=context.statement,
            section_title=context.section_title,
            section_text=_cut(context.section_text, FULL_LIMIT),
            definitions=_definition_block(context),
            precedents=_precedent_block(self.shown_precedents(item, context)),
            conversation=_conversation(item.conversation),
            reply=item.reply,
        )

    # grading ---------------------------------------------------------------------------------

    async def grade(self, item: GradeInput) -> Grade:
        ids = item.clause_ids or (item.clause_id,)
        try:
            prompt = self.prompt(item)
            if self.mode == "logprob":
                return await self._grade_logprob(prompt, ids)
            return await self._grade_json(prompt, ids)
        except ProviderError as error:
            return Grade(Verdict.ERROR, self.name, f"judge call failed: {error}", None, ids)

    async def _grade_logprob(self, prompt: str, ids: tuple[str, ...]) -> Grade:
        yes, no = await _yes_no(self.provider, prompt, ("yes", "no"))
        verdict = Verdict.COMPLY if yes >= no else Verdict.VIOLATE
        confidence = max(yes, no)
        rationale = f"next-token P(yes)={yes:.2f}, P(no)={no:.2f}"
        return Grade(verdict, self.name, rationale, round(confidence, 3), ids)

    async def _grade_json(self, prompt: str, ids: tuple[str, ...]) -> Grade:
        async def ask(messages: list[Message]) -> str:
            return (await self.calls.generate_json(messages, self.config, VERDICT_SCHEMA)).text

        parsed, problem = await ask_with_repair(ask, prompt, parse_judgement)
        if parsed is None:
            reason = f"judge answer unreadable after one repair attempt: {problem}"
            return Grade(Verdict.ERROR, self.name, reason, None, ids)
        verdict, confidence, rationale, cited = parsed
        return Grade(verdict, self.name, rationale, confidence, cited or ids)

    async def prefer(self, item: GradeInput, first: str, second: str) -> tuple[str | None, str]:
        """Which of two replies follows the clause better: "A" (first), "B" or None (unreadable)."""
        context = self.contexts(item)
        if self.mode == "logprob":
            prompt = Template(self.templates.pair_short).safe_substitute(
                statement=_cut(context.statement, SHORT_LIMIT),
                last_user=_cut(_last_user(item.conversation), SHORT_LIMIT),
                reply_a=_cut(first, SHORT_LIMIT),
                reply_b=_cut(second, SHORT_LIMIT),
            )
            a, b = await _yes_no(self.provider, prompt, ("A", "B"))
            return ("A" if a >= b else "B"), f"P(A)={a:.2f}, P(B)={b:.2f}"
        prompt = Template(self.templates.pair).safe_substitute(
            clause_ids=context.label,
            authority=context.authority or "unstated",
            statement=context.statement,
            section_title=context.section_title,
            section_text=_cut(context.section_text, FULL_LIMIT),
            conversation=_conversation(item.conversation),
            reply_a=first,
            reply_b=second,
        )
        output = await self.calls.generate_json([Message("user", prompt)], self.config, PAIR_SCHEMA)
        try:
            data = json.loads(output.text.strip().removeprefix("```json").removesuffix("```"))
            better = str(data["better"]).strip().upper()
        except (ValueError, KeyError, TypeError, AttributeError):
            return None, f"unreadable answer: {output.text[:80]!r}"
        if better not in ("A", "B"):
            return None, f"unreadable answer: {output.text[:80]!r}"
        return better, str(data.get("rationale", ""))


async def _yes_no(provider: Provider, prompt: str, words: tuple[str, str]) -> tuple[float, float]:
    """Normalised probabilities of two answer words (as written or capitalised) as the first
    reply token."""

    variants = list(dict.fromkeys([*words, words[0].capitalize(), words[1].capitalize()]))
    logprobs: dict[str, float] = await asyncio.to_thread(
        provider.next_token_logprobs,  # type: ignore[attr-defined]
        [Message("user", prompt)],
        variants,
    )
    first = sum(math.exp(v) for k, v in logprobs.items() if k.lower() == words[0].lower())
    second = sum(math.exp(v) for k, v in logprobs.items() if k.lower() == words[1].lower())
    # "yes"/"Yes" are distinct tokens; their probabilities add up.
    total = first + second
    if total <= 0:
        raise ProviderError("the model gives neither answer word any probability")
    return first / total, second / total
