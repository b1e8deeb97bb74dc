"""Undefined terms: **bold** or multi-word *italic* runs that present a term as defined, when
neither the definitions section nor the sentence itself defines it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.lint import _rules as rules
from charter.lint import _words as words
from charter.lint._phrases import Hit
from charter.lint._prose import Block, emphasised, term_key

_TERM_SHAPE = re.compile(r"^[A-Za-z][A-Za-z'’ -]*[A-Za-z]$")
_DEFINED_AFTER = re.compile(
    r"^\s*(?:\(|:|---|—|–|,?\s+(?:is|are|means|mean|refers?\s+to|describes?|denotes?|consists?)\b)",
    re.IGNORECASE,
)
_DEFINED_BEFORE = re.compile(
    r"(?:\bcalled|\bknown\s+as|\btermed|\bwe\s+call|\breferred\s+to\s+as|\bdefined\s+as|"
    r"\b(?:is|are)|\bi\.e\.,?)\s*(?:an?\s+|the\s+)?[*_]{1,2}$",
    re.IGNORECASE,
)


_MARKUP_NAMES = frozenset({"bold", "italic", "italics", "strikethrough", "underline"})


class TermUses:
    """How often a term occurs in the spec's prose (plural or singular, any case)."""

    def __init__(self, blocks: list[Block]) -> None:
        self.text = " ".join(" ".join(block.plain.lower().split()) for block in blocks)
        self.counts: dict[str, int] = {}

    def get(self, key: str, default: int = 0) -> int:
        if key not in self.counts:
            words = [re.escape(word) + "s?" for word in key.split()]
            pattern = re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])")
            self.counts[key] = len(pattern.findall(self.text))
        return self.counts[key] or default


def undefined_terms(
    block: Block, defined: set[str], seen: set[str], uses: TermUses
) -> Iterator[Hit]:
    """Flag each undefined term once per spec (`seen` is shared across blocks). A term is one
    the spec relies on: emphasised once and used at least once more."""
    whole = block.prose.strip(" -*+>\n\t0123456789.")
    for start, body, bold in emphasised(block.prose):
        if whole.strip("*_ ").strip() == body.strip():
            continue  # a bold paragraph is a pseudo-heading, not a term
        if len(body.split()) == 1 and (
            body.lower() in _MARKUP_NAMES or body.lower().endswith(("ly", "ing"))
        ):
            continue
        if (
            block.plain[start : start + len(body)].strip()
            != block.prose[start : start + len(body)].strip()
        ):
            continue  # inside quotes: a mention
        term = " ".join(body.split())
        parts = term.split()
        if not _TERM_SHAPE.match(term) or len(parts) > 4 or (not bold and len(parts) < 2):
            continue
        if all(part.lower() in words.EMPHASIS_WORDS for part in parts):
            continue
        key = term_key(term)
        if key in seen or any(key in entry for entry in defined) or uses.get(key, 0) < 2:
            continue
        marker = 2 if bold else 1
        before = block.prose[max(0, start - 40) : start]
        after = block.prose[start + len(body) + marker : start + len(body) + marker + 20]
        if _DEFINED_BEFORE.search(before) or _DEFINED_AFTER.match(after):
            seen.add(key)
            continue
        seen.add(key)
        yield Hit(
            rules.UNDEFINED_TERM,
            start,
            start + len(body),
            f"`{term}` is emphasised as a term but not defined",
            "add it to the definitions section, or drop the emphasis if it is not a term",
        )
