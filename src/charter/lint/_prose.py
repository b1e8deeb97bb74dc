"""Find the normative prose of a spec file: paragraphs, list items and table rows of section
bodies, never headings, example conversations, commentary, code or the clarifications log.

Each block keeps its exact source text and offset in the file, so that findings point at the
right line and column and fixes can rewrite single characters without touching anything else.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from charter._memo import Memo
from charter.lint._normative import normative
from charter.spec import LARGEST_REMEMBERED, MAX_NESTING, parsed_tokens
from charter.text import APOSTROPHES, CLAUSE_TAG, sentence_bounds

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

CLARIFICATIONS_TITLE = "Clarifications"
_EXAMPLE_TITLE = re.compile(r"^\*\*Example\*\*\s*:?")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)+?\1")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_HTML = re.compile(r"<!--(?:.|\n)*?-->|</?[A-Za-z][^<>\n]*>")
_QUOTED = re.compile(r"\"[^\"\n]{0,300}\"|“[^”]{0,300}”|‘[^’\n]{0,300}’")
_LONE_CR = re.compile(r"\r(?!\n)")
_TITLE_LINK = re.compile(r"\[\?\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_IMPERATIVE = re.compile(
    r"^\W*(avoid|use|respond|answer|refuse|decline|ask|say|tell|treat|follow|keep|include|"
    r"prefer|provide|give|offer|explain|write|end|begin|start|never|always|do|"
    rf"don[{APOSTROPHES}]t|be|make)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Sentence:
    """A sentence of a block, as offsets into the block text."""

    start: int
    end: int
    clause_ids: list[str] = field(default_factory=list)
    requirement: bool = False
    """True when the sentence obliges, forbids or permits something (a modal word, a clause tag
    or an imperative opening)."""


def _sentence_start(sentence: Sentence) -> int:
    return sentence.start


@dataclass(slots=True)
class Block:
    """One normative paragraph, list item or table row, with masked copies of its text."""

    file: str
    offset: int
    """Character offset of the block's first character in the file."""
    text: str
    """The exact source text (markers, tags and all)."""
    prose: str
    """`text` with code spans, tags, link targets and HTML blanked out (same length)."""
    plain: str
    """`prose` with quoted passages blanked out too (same length)."""
    section: str | None
    section_title: str | None
    line_starts: list[int]
    """File offsets at which each file line starts (shared by the file's blocks)."""
    sentences: list[Sentence] = field(default_factory=list)
    vocabulary: frozenset[str] = frozenset()
    """Lower-case words of `plain`, to skip patterns that cannot match."""
    tokens: list[tuple[int, str]] = field(default_factory=list)
    """Start offset and lower-case text of each word of `plain`, where phrase patterns are tried."""
    excerpts: dict[tuple[int, int], str] = field(default_factory=dict, repr=False, compare=False)
    """Cut pieces of `text`, so that findings in one long sentence share one copy of it."""

    def excerpt(self, start: int, end: int) -> str:
        """`text[start:end]`, cut once however many findings ask for it."""
        piece = self.excerpts.get((start, end))
        if piece is None:
            piece = self.excerpts[start, end] = self.text[start:end]
        return piece

    def place(self, index: int) -> tuple[int, int]:
        """1-based line and column in the file of the block character at `index`."""
        absolute = self.offset + index
        line = _bisect(self.line_starts, absolute)
        return line + 1, absolute - self.line_starts[line] + 1

    def sentence_at(self, index: int) -> Sentence | None:
        position = bisect.bisect_right(self.sentences, index, key=_sentence_start) - 1
        if position >= 0 and index < self.sentences[position].end:
            return self.sentences[position]
        return None

    def words(self) -> int:
        return len(self.tokens)  # a token per word of `plain`


@dataclass(slots=True)
class ProseFile:
    """The normative blocks of one spec file, plus the emphasised runs of its definitions."""

    path: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    definitions: set[str] = field(default_factory=set)
    headings: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def block_parser() -> MarkdownIt:
    """The spec reader's markdown dialect, block structure only: the linter reads each block's
    source text itself, so inline parsing would be wasted work."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    parser.use(front_matter_plugin).use(admon_plugin).enable("table")
    parser.disable("inline")
    return parser


def _bisect(starts: list[int], value: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= value:
            low = middle
        else:
            high = middle - 1
    return low


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def mask(text: str) -> tuple[str, str]:
    """The `prose` and `plain` masks of a block's source text."""
    prose = _blank(text, _CODE_SPAN)
    prose = _blank(prose, _HTML)
    prose = _blank(prose, CLAUSE_TAG)
    prose = _blank(prose, _LINK_TARGET)
    prose = _blank(prose, _TITLE_LINK)
    return prose, _blank(prose, _QUOTED)


_DEFINITIONS_TITLE = re.compile(r"^(definitions?|glossary|terminology|terms)\b", re.IGNORECASE)
_EMPHASIS = re.compile(
    r"(\*\*|__)(?P<bold>[^*_\n]{1,60}?)\1|(?<![*\w])[*_](?P<italic>[^*_\n]{1,60}?)[*_](?![*\w])"
)


def emphasised(text: str) -> list[tuple[int, str, bool]]:
    """Offset, text and boldness of each emphasised run (shared by the calls for one text:
    read the list, never change it)."""
    found = _EMPHASISED.get(text)
    if found is None:
        found = []
        for match in _EMPHASIS.finditer(text):
            bold = match.group("bold") is not None
            body = match.group("bold") if bold else match.group("italic")
            start = match.start("bold") if bold else match.start("italic")
            found.append((start, body, bold))
        _EMPHASISED.put(text, found)
    return found


_EMPHASISED: Memo[str, list[tuple[int, str, bool]]] = Memo(16384)


@dataclass(frozen=True, slots=True)
class _BlockRead:
    """What a block's text alone decides: its masks, sentences and words."""

    prose: str
    plain: str
    sentences: list[Sentence]
    vocabulary: frozenset[str]
    tokens: list[tuple[int, str]]


_BLOCKS: Memo[str, _BlockRead] = Memo(16384)
"""The reading of each block text seen lately (an edit re-reads the edited blocks only)."""
_FILES: Memo[tuple[str, str], ProseFile] = Memo(64)
"""The prose of each spec file read lately, by path and text."""


def read_prose(path: str, text: str) -> ProseFile:
    """The normative blocks of one spec file's markdown `text` (shared with the earlier calls
    for the same file and text: read it, never change it)."""
    found = _FILES.get((path, text))
    if found is None:
        found = _read_prose(path, text)
        if len(text) <= LARGEST_REMEMBERED:
            _FILES.put((path, text), found)
    return found


def _read_prose(path: str, text: str) -> ProseFile:
    text = _LONE_CR.sub("\n", text)  # the reader treats a lone CR as a line break; same length
    lines = text.split("\n")
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    prose_file = ProseFile(path, text)
    tokens = parsed_tokens(text) or block_parser().parse(text)  # the spec reader's, if it has
    commentary = 0
    skip_level: int | None = None
    definitions_level: int | None = None
    section: str | None = None
    title: str | None = None
    seen: set[tuple[int, int]] = set()
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "admonition_open":
            commentary += 1
        elif kind == "admonition_close":
            commentary -= 1
        if commentary:
            continue
        if kind == "heading_open":
            level = int(token.tag[1:])
            title, section = _heading(tokens[index + 1])
            prose_file.headings.add(_term_key(title))
            if skip_level is not None and level <= skip_level:
                skip_level = None
            if definitions_level is not None and level <= definitions_level:
                definitions_level = None
            if skip_level is None and title.strip().lower() == CLARIFICATIONS_TITLE.lower():
                skip_level = level
            if definitions_level is None and _DEFINITIONS_TITLE.match(title.strip()):
                definitions_level = level
            elif definitions_level is not None:
                prose_file.definitions.add(_term_key(title))
            continue
        if skip_level is not None or kind != "inline" or token.map is None:
            continue
        if tokens[index - 1].type == "heading_open":
            continue
        start, end = token.map
        if (start, end) in seen or _EXAMPLE_TITLE.match(token.content):
            continue
        seen.add((start, end))
        offset = line_starts[start]
        stop = line_starts[end] - 1 if end < len(line_starts) else len(text)
        raw = text[offset:stop]
        if definitions_level is not None:
            prose_file.definitions.update(_term_key(body) for _, body, _ in emphasised(raw))
        lead = re.match(r"^\W*(\*\*|__)(?P<term>[^*_\n]{1,60})\1\s*:", raw)
        if lead is not None:
            prose_file.definitions.add(_term_key(lead["term"]))
        read = _BLOCKS.get(raw) or _BLOCKS.put(raw, _read_block(raw))
        prose_file.blocks.append(
            Block(
                path,
                offset,
                raw,
                read.prose,
                read.plain,
                section,
                title,
                line_starts,
                read.sentences,
                read.vocabulary,
                read.tokens,
            )
        )
    return prose_file


def _read_block(raw: str) -> _BlockRead:
    prose, plain = mask(raw)
    block = Block("", 0, raw, prose, plain, None, None, [0])
    sentences = _sentences(block)
    tokens = [(m.start(), m.group(0).lower()) for m in _WORD.finditer(plain)]
    return _BlockRead(prose, plain, sentences, frozenset(word for _, word in tokens), tokens)


def _heading(inline: Token) -> tuple[str, str | None]:
    content = inline.content
    found = re.search(r"\s*\{([^{}]*)\}\s*$", content)
    anchor = None
    if found is not None:
        ident = re.search(r"#([\w-]+)", found.group(1))
        anchor = ident.group(1) if ident else None
        content = content[: found.start()]
    return content.strip(), anchor


def _term_key(term: str) -> str:
    words = term.lower().replace("’", "'").strip(" .:,;").split()
    return " ".join(w[:-1] if w.endswith("s") and not w.endswith("ss") else w for w in words)


term_key = _term_key


def _sentences(block: Block) -> list[Sentence]:
    tags = [(match.start(), match["id"]) for match in CLAUSE_TAG.finditer(block.text)]
    found: list[Sentence] = []
    for start, end in sentence_bounds(block.prose):
        found.append(Sentence(start, end))
    for position, clause_id in tags:
        index = bisect.bisect_right(found, position, key=_sentence_start) - 1
        owner = found[index] if index >= 0 else None
        if owner is not None:
            owner.clause_ids.append(clause_id)
            owner.end = max(owner.end, position + len(clause_id) + 3)
    for sentence in found:
        words = block.plain[sentence.start : sentence.end]
        sentence.requirement = normative(words, bool(sentence.clause_ids))
    return found
