"""The `system-prompt` target: `compile_system_prompt` as a build output (text or JSON)."""

from __future__ import annotations

import json

from charter.build._prompt import CompiledPrompt, compile_system_prompt
from charter.build._registry import Artifact, BuildContext, Option, target

PROMPT_OPTIONS = (
    Option("examples", "count", "most spec examples per section (0: none)"),
    Option("ids", "bool", "keep clause ids as [id] after the sentences they tag"),
    Option("max-tokens", "positive", "token budget; the lowest authority is dropped first"),
    Option("audience", "names", "only sections for these audiences (heading `audience=`)"),
    Option("modules", "names", "only sections of these modules (`project` for the project's)"),
    Option(
        "format",
        "choice",
        "text, or json with a map from each line to its clauses",
        ("text", "json"),
    ),
)


def dropped_note(prompt: CompiledPrompt) -> tuple[str, ...]:
    """One line saying which sections the budget left out, if any."""
    if not prompt.dropped:
        return ()
    names = ", ".join(f"{d.key} ({d.authority}, {d.tokens} tokens)" for d in prompt.dropped)
    budget = prompt.options.max_tokens
    return (f"dropped {len(prompt.dropped)} section(s) to fit {budget} tokens: {names}",)


@target(
    "system-prompt",
    summary="the deployed assistant's instructions, ordered by authority",
    default_output="dist/system-prompt.md",
    options=PROMPT_OPTIONS,
)
def build_system_prompt(context: BuildContext) -> Artifact:
    from charter.build._settings import options_from

    prompt = compile_system_prompt(context.spec, options_from(context.options))
    note = f"{prompt.tokens} tokens, {len(prompt.sections)} sections"
    if context.options.get("format") == "json":
        text = json.dumps(prompt.to_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = prompt.text
    return Artifact.single(text, note, dropped_note(prompt))
