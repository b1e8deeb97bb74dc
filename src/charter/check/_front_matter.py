"""Prompt-file front matter: keys Charter does not read, and `examples:` titles that name no
example of the file. Both are typos whose checks would silently never run."""

from __future__ import annotations

import re
from pathlib import Path

from charter._buffers import read_text
from charter._source import Span
from charter.check._registry import checker
from charter.diagnostics import Diagnostics, Severity, rule
from charter.spec import PROMPT_FILE_KEYS, PromptFile, Spec, did_you_mean

UNKNOWN_FRONT_MATTER_KEY = rule(
    "S117",
    "unknown-front-matter-key",
    Severity.ERROR,
    "A prompt file's front matter has a key Charter does not read.",
    """
    A prompt file's front matter holds `checks:` (run on every reply) and `examples:` (checks for
    the example of a given title). Any other key is read by nothing, so the checks written under a
    misspelt key never run and every reply passes them.

    Example: `chekcs:` instead of `checks:`.

    Fix: use `checks` or `examples`; the finding names the closest one.
    """,
)

UNKNOWN_EXAMPLE_TITLE = rule(
    "S118",
    "unknown-example-title",
    Severity.ERROR,
    "A title under a prompt file's `examples:` names no example of the file.",
    """
    `examples:` in a prompt file's front matter maps example titles (the text after
    `**Example**:`) to checks for that example alone. A title that matches no example of the file
    attaches its checks to nothing.

    Example: `examples: {"asks for a refnd": {checks: [...]}}` when the example is titled
    `asks for a refund`.

    Fix: copy the title exactly as written after `**Example**:`.
    """,
)


def _front_matter_lines(root: Path, prompt_file: PromptFile) -> list[str]:
    """The file's lines up to the end of its front matter ("" lines when unreadable)."""
    try:
        text = read_text(root / prompt_file.path)
    except (OSError, UnicodeDecodeError):
        return []
    lines = text.removeprefix("\ufeff").split("\n")
    end = next((n for n, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), len(lines))
    return lines[: end + 1]


def _line_of(lines: list[str], pattern: re.Pattern[str], start: int = 0) -> tuple[int, int]:
    for number in range(start, len(lines)):
        match = pattern.search(lines[number])
        if match is not None:
            return number + 1, match.start(1) + 1
    return 1, 1


def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*['\"]?({re.escape(key)})['\"]?\s*:")


@checker(rules=("S117", "S118"))
def check_prompt_front_matter(spec: Spec, sink: Diagnostics) -> None:
    root = Path(spec.root)
    for prompt_file in spec.prompt_files:
        front_matter = prompt_file.front_matter
        if not front_matter:
            continue
        lines = _front_matter_lines(root, prompt_file)
        for key in front_matter:
            if key in PROMPT_FILE_KEYS:
                continue
            guess = did_you_mean(str(key), PROMPT_FILE_KEYS)
            line, column = _line_of(lines, _key_pattern(str(key)))
            sink.add(
                UNKNOWN_FRONT_MATTER_KEY,
                f"front matter key `{key}` is read by nothing"
                + (f"; did you mean `{guess}`?" if guess else ""),
                Span(prompt_file.path, line, column),
                hint=f"the keys are {', '.join(PROMPT_FILE_KEYS)}",
                length=len(str(key)),
            )
        per_example = front_matter.get("examples")
        if not isinstance(per_example, dict):
            continue  # the checks' own validation says what `examples` must be
        titles = [example.title for example in prompt_file.examples if example.title]
        start = _line_of(lines, _key_pattern("examples"))[0]
        for title in per_example:
            if str(title) in titles:
                continue
            guess = did_you_mean(str(title), titles)
            line, column = _line_of(lines, re.compile(f"({re.escape(str(title))})"), start)
            sink.add(
                UNKNOWN_EXAMPLE_TITLE,
                f"`examples:` names `{title!s}`, which is no example title of this file"
                + (f"; did you mean `{guess}`?" if guess else ""),
                Span(prompt_file.path, line, column),
                hint="copy the title as written after `**Example**:`"
                + (f" (titles: {', '.join(repr(t) for t in titles[:5])})" if titles else ""),
                length=len(str(title)),
            )
