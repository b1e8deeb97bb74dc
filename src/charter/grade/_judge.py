"""A basic model judge: one prompt from a template, a strict JSON verdict, one repair attempt.

An answer that still does not parse is recorded as an `error` verdict, never as a pass.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from string import Template
from typing import TypeVar

from charter.errors import ModelError
from charter.grade._types import Grade, GradeInput, Verdict
from charter.model import GenerateConfig, Message, ModelCaller, Provider, ProviderError

T = TypeVar("T")

JUDGE_VERDICTS = {"comply": Verdict.COMPLY, "violate": Verdict.VIOLATE}
JUDGE_VERDICTS["not_applicable"] = Verdict.NOT_APPLICABLE

_REPAIR = (
    "Your answer could not be read: {problem}. Reply again with only the JSON object "
    '{{"verdict": ..., "confidence": ..., "rationale": ...}} and no other text.'
)


class VerdictFormatError(ModelError, ValueError):
    """The judge's answer is not the JSON object the template asks for."""


def default_template() -> str:
    """The judge prompt shipped with Charter."""
    return resources.files("charter.grade").joinpath("judge_prompt.md").read_text("utf-8")


def load_template(path: Path | None) -> str:
    """The template at `path`, or the shipped one. Raises `OSError` if the file is unreadable."""
    return default_template() if path is None else path.read_text(encoding="utf-8")


def parse_verdict(text: str) -> tuple[Verdict, float | None, str]:
    """Read `{"verdict", "confidence", "rationale"}` strictly (a ```json fence is allowed)."""
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
        body = body.rsplit("```", 1)[0].strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise VerdictFormatError(f"not JSON ({error.msg})") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise VerdictFormatError("not JSON (a number too long to read)") from None
    if not isinstance(data, dict):
        raise VerdictFormatError("not a JSON object")
    verdict = JUDGE_VERDICTS.get(str(data.get("verdict", "")).strip().lower())
    if verdict is None:
        raise VerdictFormatError(f"verdict must be one of {', '.join(JUDGE_VERDICTS)}")
    confidence = data.get("confidence")
    if confidence is not None:
        if isinstance(confidence, bool) or not isinstance(confidence, int | float):
            raise VerdictFormatError("confidence must be a number")
        if not 0.0 <= confidence <= 1.0:
            raise VerdictFormatError("confidence must be between 0 and 1")
        confidence = float(confidence)
    rationale = data.get("rationale", "")
    return verdict, confidence, rationale if isinstance(rationale, str) else str(rationale)


def _conversation_text(messages: tuple[Message, ...]) -> str:
    return "\n".join(f"<{m.role}>\n{m.content}\n</{m.role}>" for m in messages)


class ModelJudge:
    """Asks a model whether a reply complies with its clause."""

    def __init__(
        self, provider: Provider, template: str | None = None, config: GenerateConfig | None = None
    ) -> None:
        self.provider = provider
        self.calls = ModelCaller(provider)
        self.template = Template(template if template is not None else default_template())
        self.config = config or GenerateConfig(temperature=0.0, max_tokens=300)
        self.name = f"judge:{provider.spec}"

    def prompt(self, item: GradeInput) -> str:
        references = ""
        if item.references:
            shown = "\n".join(
                f'<reference label="{ref.label}">\n{ref.content}\n</reference>'
                for ref in item.references
            )
            references = f"\nReplies the specification itself labels, for comparison:\n{shown}\n"
        return self.template.safe_substitute(
            clause_id=item.clause_id,
            clause=item.clause_text,
            conversation=_conversation_text(item.conversation),
            reply=item.reply,
            references=references,
        )

    async def grade(self, item: GradeInput) -> Grade:
        clause_ids = item.clause_ids or (item.clause_id,)

        async def ask(messages: list[Message]) -> str:
            return (await self.calls.generate(messages, self.config)).text

        try:
            parsed, problem = await ask_with_repair(ask, self.prompt(item), parse_verdict)
        except ProviderError as error:
            return Grade(Verdict.ERROR, self.name, f"judge call failed: {error}", None, clause_ids)
        if parsed is None:
            reason = f"judge answer unreadable after one repair attempt: {problem}"
            return Grade(Verdict.ERROR, self.name, reason, None, clause_ids)
        verdict, confidence, rationale = parsed
        return Grade(verdict, self.name, rationale, confidence, clause_ids)


async def ask_with_repair(
    ask: Callable[[list[Message]], Awaitable[str]], prompt: str, parse: Callable[[str], T]
) -> tuple[T | None, str]:
    """Send `prompt`; if `parse` rejects the answer (`VerdictFormatError`), say what is wrong and
    ask once more. Returns the parsed answer (None if both failed) and the last problem."""
    messages = [Message("user", prompt)]
    problem = ""
    for attempt in range(2):
        text = await ask(messages)
        try:
            return parse(text), ""
        except VerdictFormatError as error:
            problem = str(error)
        if attempt == 0:
            messages += [
                Message("assistant", text),
                Message("user", _REPAIR.format(problem=problem)),
            ]
    return None, problem
