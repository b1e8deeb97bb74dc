"""Glob patterns as Cursor `globs` and Copilot `applyTo` write them (`**` spans folders)."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """`src/**/*.ts` as a regular expression over `/` paths; a pattern without `/` matches
    the file name in any folder."""
    text = pattern.strip().lstrip("/")
    if "/" not in text:
        text = f"**/{text}"
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if text.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if text.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            close = text.find("}", index)
            if close > index:
                options = text[index + 1 : close].split(",")
                out.append("(?:" + "|".join(re.escape(option) for option in options) + ")")
                index = close + 1
                continue
            out.append(re.escape(char))
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + r"\Z")


def matches(pattern: str, path: str) -> bool:
    return glob_regex(pattern).match(path) is not None
