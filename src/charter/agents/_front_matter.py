"""Front matter of Cursor rules and Copilot instruction files.

These tools read their front matter leniently: `globs: **/*.ts` is not valid YAML (the `*`
starts an alias) yet Cursor reads it. So YAML is tried first, then plain `key: value` lines;
only a block that is neither is broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_FENCE = re.compile(r"\A---[ \t]*\n(?P<body>.*?)(?:\n)?^---[ \t]*$\n?", re.DOTALL | re.MULTILINE)
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")


@dataclass(slots=True)
class FrontMatter:
    """The block's keys, the text after it, and a problem when it could not be read."""

    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    """The file's text with the front matter replaced by blank lines (line numbers keep)."""
    error: tuple[int, str] | None = None
    """(line, message) when the block is broken."""


def split_front_matter(text: str) -> FrontMatter:
    """Read the `---` block at the top of `text`, if any."""
    if not text.startswith("---"):
        return FrontMatter(body=text)
    found = _FENCE.match(text)
    if found is None:
        return FrontMatter(body=text, error=(1, "front matter opened with `---` is never closed"))
    block = found["body"]
    blank = "\n" * found.group(0).count("\n")
    body = blank + text[found.end() :]
    data, error = _read_block(block)
    return FrontMatter(data, body, error)


def _read_block(block: str) -> tuple[dict[str, Any], tuple[int, str] | None]:
    from charter._yaml import YamlError, load_yaml

    try:
        loaded = load_yaml(block).data if block.strip() else {}
        if isinstance(loaded, dict):
            return {str(key): value for key, value in loaded.items()}, None
    except YamlError:
        pass
    data: dict[str, Any] = {}
    for number, line in enumerate(block.split("\n"), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            if line.startswith((" ", "\t", "-")) and data:
                continue  # a continuation or list item under the previous key
            return data, (number, f"front matter line is not `key: value`: {line.strip()[:60]}")
        data[match["key"]] = _plain_value(match["value"].strip())
    return data, None


def _plain_value(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def patterns(value: Any) -> list[str]:
    """Glob patterns from a `globs` or `applyTo` value: a list, or one comma-separated string."""
    if isinstance(value, list):
        items = [str(item) for item in value]
    elif isinstance(value, str):
        items = value.split(",")
    else:
        return []
    return [item.strip().strip("\"'") for item in items if item.strip().strip("\"'")]
