"""Clauses of an instruction file: its normative bullets and sentences, with generated ids.

An instruction file has no clause tags. A sentence is a clause when it uses a modal word
(must, should, never, always, do not...) or starts with an imperative verb (Use, Run, Prefer,
Avoid...). Its id is a slug of its first words and a short hash of its text, so that editing
any other sentence leaves it unchanged; the lock file (`charter.agents.lock`) carries an id
across an edit of the sentence itself.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from charter.spec import modal_words, sentence_bounds, slugify

if TYPE_CHECKING:
    from markdown_it.token import Token

#: Verbs that open an instruction in the imperative, lower-cased.
IMPERATIVES = frozenset(
    [
        "add",
        "adopt",
        "apply",
        "ask",
        "avoid",
        "build",
        "call",
        "check",
        "choose",
        "clean",
        "collapse",
        "comment",
        "commit",
        "configure",
        "confirm",
        "create",
        "declare",
        "default",
        "define",
        "delete",
        "describe",
        "document",
        "don't",
        "download",
        "edit",
        "enable",
        "ensure",
        "expose",
        "favor",
        "favour",
        "fix",
        "follow",
        "format",
        "generate",
        "give",
        "handle",
        "implement",
        "import",
        "include",
        "inline",
        "install",
        "keep",
        "leave",
        "limit",
        "list",
        "log",
        "look",
        "make",
        "mark",
        "mention",
        "minimise",
        "minimize",
        "move",
        "name",
        "never",
        "note",
        "open",
        "pass",
        "pin",
        "place",
        "prefer",
        "preserve",
        "prevent",
        "print",
        "put",
        "raise",
        "read",
        "rebase",
        "record",
        "reference",
        "refactor",
        "regenerate",
        "remember",
        "remove",
        "rename",
        "replace",
        "report",
        "request",
        "require",
        "reset",
        "respect",
        "restart",
        "return",
        "reuse",
        "review",
        "run",
        "save",
        "scope",
        "search",
        "see",
        "separate",
        "set",
        "show",
        "skip",
        "sort",
        "split",
        "start",
        "state",
        "stick",
        "stop",
        "store",
        "structure",
        "submit",
        "test",
        "treat",
        "try",
        "update",
        "upgrade",
        "use",
        "validate",
        "verify",
        "wait",
        "wrap",
        "write",
        "always",
        "do",
    ]
)
_LEADING_MARKUP = re.compile(r"^[\s*_>#`\"'(\[]+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")
_SHORT_HASH = 4


@dataclass(frozen=True, slots=True)
class Sentence:
    """A normative sentence found in a file, before it has an id."""

    text: str
    line: int
    column: int
    heading: str | None
    """Title of the nearest heading above it."""
    in_list: bool


def normalise(text: str) -> str:
    """Text as ids and duplicate checks compare it: lower case, words only."""
    return " ".join(_WORD.findall(text.lower().replace("’", "'")))


def is_normative(text: str) -> bool:
    """Whether a sentence instructs: a modal word, or an imperative first word."""
    if modal_words(text):
        return True
    words = _WORD.findall(_LEADING_MARKUP.sub("", text))
    if not words:
        return False
    first = words[1] if words[0].lower() == "please" and len(words) > 1 else words[0]
    return first.lower().replace("’", "'") in IMPERATIVES and first[0].isupper()


def generated_id(text: str) -> str:
    """`never-add-or-modify-3f2a`: up to five words of the sentence and a hash of all of it."""
    words = normalise(text).split()[:5]
    stem = slugify(" ".join(words))[:40].strip("-") or "clause"
    digest = hashlib.sha256(normalise(text).encode()).hexdigest()[:_SHORT_HASH]
    return f"{stem}-{digest}"


def inline_text(token: Token) -> str:
    """An inline token as plain text: code spans keep their backticks, links their text."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type == "code_inline":
            parts.append(f"`{child.content}`")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def normative_sentences(tokens: list[Token], lines: list[str]) -> list[Sentence]:
    """Every normative sentence of paragraphs and list items, outside code and tables."""
    found: list[Sentence] = []
    heading: str | None = None
    in_table = 0
    in_list = 0
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "table_open":
            in_table += 1
        elif kind == "table_close":
            in_table -= 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif kind == "inline" and index and tokens[index - 1].type == "heading_open":
            heading = inline_text(token).strip()
        elif kind == "inline" and not in_table and tokens[index - 1].type == "paragraph_open":
            plain = inline_text(token)
            for start, end in sentence_bounds(plain):
                text = " ".join(plain[start:end].split())
                if len(text) < 3 or not is_normative(text):
                    continue
                line, column = _place(token, lines, plain[start:end])
                found.append(Sentence(text, line, column, heading, in_list > 0))
    return found


def _place(token: Token, lines: list[str], sentence: str) -> tuple[int, int]:
    """Line and column where the sentence starts, found by its first words in the source."""
    start, end = token.map or (0, 1)
    words = sentence.split()
    probe = words[0].strip("`*_") if words else ""
    for number in range(start, min(end, len(lines))):
        column = lines[number].find(probe) if probe else -1
        if column >= 0:
            return number + 1, column + 1
    return start + 1, 1
