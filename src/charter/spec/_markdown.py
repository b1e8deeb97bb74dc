"""Read spec markdown (the Model Spec's conventions plus front matter) with markdown-it-py.

markdown-it turns the file into block tokens with line maps; this module walks them once and
builds sections from headings, clauses from `[^id]` tags in text, examples from `~~~xml` fences,
commentary from `!!! meta` admonitions and cross references from `#anchor` links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from charter._memo import Memo, remembering
from charter._source import Span
from charter.diagnostics import Diagnostics
from charter.spec._chunks import cut_points
from charter.spec._examples import read_example
from charter.spec._model import (
    LEGACY_AUTHORITIES,
    Authority,
    Clause,
    Commentary,
    CrossRef,
    Example,
    Section,
)
from charter.spec._rules import (
    EXAMPLE_WITHOUT_BLOCK,
    LEGACY_AUTHORITY,
    MALFORMED_ATTRIBUTES,
    MALFORMED_FRONT_MATTER,
    NESTING_TOO_DEEP,
    UNCLOSED_EXAMPLE,
    UNKNOWN_AUTHORITY,
)
from charter.text import (
    CLAUSE_TAG,
    github_slug,
    modal_words,
    sentence_bounds,
    slugify,
    strip_tags,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

MAX_NESTING = 20
_TRAILING_ATTRS = re.compile(r"\s*(\{[^{}]*\})\s*$")
_EXAMPLE_TITLE = re.compile(r"^\*\*Example\*\*\s*:?\s*(?P<title>.*)$", re.DOTALL)
_REASON_LINK = re.compile(r"\[([^\]]*)\]\(#([\w-]+)\)")
_NESTING_MARKERS = re.compile(r"^\s*(?:(?:>|[-*+]|\d{1,9}[.)])\s*)*")
_PROSE_RESUMES = re.compile(r"^ {0,3}(?:#{1,6}\s|\*\*Example\*\*)", re.MULTILINE)
"""Where an unclosed example block's conversation ends: the next heading or example title."""
_TITLE_REF = "\x00"  # marks a `[?](#id)` link in plain text until titles are known


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The shared markdown-it parser: CommonMark, tables, front matter, admonitions."""
    # Imported here, not at module level: markdown-it and its plugins cost ~20 ms, which commands
    # that never read a spec (`charter --version`) should not pay.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    parser.use(front_matter_plugin).use(admon_plugin).enable("table")
    parser.core.ruler.at("inline", _inline_remembered)
    parser.core.ruler.push("remember_inline", _remember_inline)
    return parser


_INLINE: Memo[str, list[Token]] = Memo(16384)
"""The inline tokens of each paragraph, heading or cell text parsed lately, by its text."""
_PARSED: Memo[str, list[Token]] = Memo(32, always=True)
"""The tokens of the markdown files parsed lately, by their text (kept by commands too, so
that the linter reads the reader's parse)."""
LARGEST_REMEMBERED = 2_000_000
"""Characters of the largest file whose tokens and prose are kept after it is read (a larger
one is read once per check, and its tokens would only hold memory)."""


def _inline_remembered(state: StateCore) -> None:
    """markdown-it's `inline` rule, taking a text's inline tokens from `_INLINE` when it was
    parsed before. Inline parsing depends only on the text and the link reference definitions,
    so the memo is used only when the file has none."""
    memo = not state.env.get("references")
    for token in state.tokens:
        if token.type != "inline":
            continue
        known = _INLINE.get(token.content) if memo else None
        if known is not None:
            token.children = known
        else:
            token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def _remember_inline(state: StateCore) -> None:
    """After `text_join` (which leaves joined tokens as they are): keep each text's tokens."""
    if state.env.get("references"):
        return
    for token in state.tokens:
        if token.type == "inline" and token.children is not None:
            _INLINE.put(token.content, token.children)


def markdown_tokens(text: str) -> list[Token]:
    """The tokens of a markdown file's `text` (`\\n` line ends), parsed once however many
    readers ask for them. The tokens are shared: read them, never change them."""
    found = _PARSED.get(text)
    if found is None:
        points = cut_points(text) if remembering() and len(text) <= LARGEST_REMEMBERED else None
        if points is None or len(points) == 1:
            found = markdown_parser().parse(text)
        else:
            found = _parse_pieces(text, points)
        if len(text) <= LARGEST_REMEMBERED:
            _PARSED.put(text, found)
    return found


_PIECES: Memo[str, tuple[int, list[Token]]] = Memo(4096)
"""The tokens of each piece of a file parsed lately, by the piece's text, with the line the
piece started at (its tokens' line numbers count from there)."""


def _parse_pieces(text: str, points: list[int]) -> list[Token]:
    """The tokens of `text` parsed piece by piece (`cut_points`), the unchanged pieces' taken
    from `_PIECES` (moved when lines were added or removed above them)."""
    from copy import copy

    offsets = [0]
    position = text.find("\n")
    while position != -1:
        offsets.append(position + 1)
        position = text.find("\n", position + 1)
    tokens: list[Token] = []
    for start, end in zip(points, [*points[1:], None], strict=True):
        piece = text[offsets[start] : len(text) if end is None else offsets[end]]
        known = _PIECES.get(piece)
        if known is None:
            found = _moved(markdown_parser().parse(piece), start)
            _PIECES.put(piece, (start, found))
        elif known[0] != start:
            found = _moved([copy(token) for token in known[1]], start - known[0])
            _PIECES.put(piece, (start, found))
        else:
            found = known[1]
        tokens.extend(found)
    return tokens


def _moved(tokens: list[Token], lines: int) -> list[Token]:
    """The tokens with their line numbers moved by `lines` (changed in place)."""
    if lines:
        for token in tokens:
            if token.map is not None:
                token.map = [token.map[0] + lines, token.map[1] + lines]
    return tokens


def parsed_tokens(text: str) -> list[Token] | None:
    """The tokens of `text` when `markdown_tokens` parsed it lately, else None."""
    return _PARSED.get(text)


@dataclass(slots=True)
class _LeadIn:
    """A sentence that introduces the list after it (`...any of the following:`), with the
    clauses it tags and the first line of each item of that list, gathered as the list is read."""

    sentence: str
    clauses: list[Clause]
    items: list[str] = field(default_factory=list)


_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
_LIST_CLOSE = ("bullet_list_close", "ordered_list_close")


@dataclass(slots=True)
class Document:
    """What one markdown file contributes to a spec."""

    path: str
    front_matter: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)
    cross_refs: list[CrossRef] = field(default_factory=list)
    preamble_tags: list[str] = field(default_factory=list)
    """Clause tags in the text before the first heading or example (a prompt file's header)."""
    lines: int = 0


class _Walker:
    """One pass over a file's tokens."""

    def __init__(self, path: str, text: str, sink: Diagnostics, *, prompt_file: bool) -> None:
        self.path = path
        self.text = text
        self.lines = text.split("\n")
        self.sink = sink
        self.prompt_file = prompt_file
        self.doc = Document(path, lines=len(self.lines))
        self.stack: list[Section] = []
        self.keys: dict[str, int] = {}
        self.github_slugs: dict[str, int] = {}
        self.body: dict[str, list[str]] = {}
        self.pending_title: tuple[str, Span] | None = None
        self.commentary_depth = 0
        self.lead_in: _LeadIn | None = None
        """The lead-in sentence of the paragraph just read, until the next block shows whether
        a list follows it."""
        self.lists: list[_LeadIn | None] = []
        """Open lists, innermost last, each with the lead-in it completes (None when none)."""
        self.item_lead: str | None = None
        """The lead-in of the list whose item's first paragraph is being read."""

    # -- helpers ---------------------------------------------------------------------------
    def span(self, token: Token, column: int = 1) -> Span:
        start, end = token.map or (0, 1)
        return Span(self.path, start + 1, column, end)

    def section(self) -> Section | None:
        return self.stack[-1] if self.stack else None

    def raw(self, token: Token) -> str:
        start, end = token.map or (0, 0)
        return "\n".join(self.lines[start:end])

    # -- the walk --------------------------------------------------------------------------
    def run(self, tokens: list[Token]) -> Document:
        deepest: Token | None = None
        for index, token in enumerate(tokens):
            if token.level >= MAX_NESTING - 1 and token.map and deepest is None:
                deepest = token
            if _is_cut(tokens, index):
                self.cut_block(token)
            kind = token.type
            self.track_lists(tokens, index)
            if kind == "front_matter":
                self.front_matter(token)
            elif kind == "heading_open" and self.commentary_depth == 0:
                self.heading(token, tokens[index + 1])
            elif kind == "admonition_open":
                if self.commentary_depth == 0:
                    self.open_commentary(token, tokens, index)
                self.commentary_depth += 1
            elif kind == "admonition_close":
                self.commentary_depth -= 1
            elif kind == "fence":
                self.fence(token)
            elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
                self.paragraph(token, top_level=tokens[index - 1].level == 0)
            elif kind == "inline" and tokens[index - 1].type != "heading_open":
                self.inline(token)
            if (
                token.level == 0
                and token.map
                and self.commentary_depth == 0
                and kind
                in (
                    "bullet_list_open",
                    "ordered_list_open",
                    "blockquote_open",
                    "table_open",
                    "html_block",
                    "code_block",
                )
            ):
                self.add_body(self.raw(token))
        if self.pending_title is not None:
            self.example_without_block()
        if deepest is not None:
            self.sink.add(
                NESTING_TOO_DEEP,
                f"blocks nested deeper than {MAX_NESTING} levels; deeper text is read as text",
                self.span(deepest),
                hint="flatten the lists or quotes, or put the text in a code block",
            )
        self.finish()
        return self.doc

    def track_lists(self, tokens: list[Token], index: int) -> None:
        """Pair a lead-in sentence with the list right after it, and each item with its lead-in."""
        token = tokens[index]
        kind = token.type
        if kind in _LIST_OPEN:
            self.lists.append(self.lead_in)
        elif kind in _LIST_CLOSE and self.lists:
            finished = self.lists.pop()
            if finished is not None and finished.items:
                listed = "\n".join(f"- {item}" for item in finished.items)
                for clause in finished.clauses:
                    clause.text = f"{clause.text}\n{listed}"
        self.item_lead = None
        if kind == "inline" and index >= 2 and tokens[index - 2].type == "list_item_open":
            active = self.lists[-1] if self.lists else None
            if active is not None:
                self.item_lead = active.sentence
                active.items.append(strip_tags(_plain_text(token)))
        if token.nesting == 1 or kind in ("fence", "code_block", "html_block", "hr"):
            self.lead_in = None

    def cut_block(self, token: Token) -> None:
        """Read a block whose content the parser dropped for depth as one plain paragraph, so
        that its clause tags and links still count."""
        start, end = token.map or (0, 0)
        text = " ".join(_NESTING_MARKERS.sub("", line) for line in self.lines[start:end])
        parsed = markdown_parser().parseInline(text)
        if parsed:
            parsed[0].map = [start, end]
            self.inline(parsed[0])

    def front_matter(self, token: Token) -> None:
        from charter._yaml import YamlError, load_yaml

        try:
            data = load_yaml(token.content).data if token.content.strip() else {}
        except YamlError as error:
            self.sink.add(
                MALFORMED_FRONT_MATTER,
                f"front matter is not valid YAML: {error.message}",
                Span(self.path, error.line + 1, error.column),
                hint="fix the YAML between the `---` lines",
            )
            return
        if not isinstance(data, dict):
            self.sink.add(
                MALFORMED_FRONT_MATTER,
                f"front matter must be a mapping of keys to values, not {type(data).__name__}",
                Span(self.path, 2, 1),
                hint="write `key: value` lines, e.g. `name: support-bot`",
            )
            return
        self.doc.front_matter = {str(key): value for key, value in data.items()}

    def heading(self, token: Token, inline: Token) -> None:
        if self.pending_title is not None:
            self.example_without_block()
        level = int(token.tag[1:])
        content = inline.content
        attrs: dict[str, str] = {}
        found = _TRAILING_ATTRS.search(content)
        if found is not None:
            from mdit_py_plugins.attrs.parse import ParseError
            from mdit_py_plugins.attrs.parse import parse as parse_attrs

            try:
                _, attrs = parse_attrs(found.group(1))
                content = content[: found.start()]
            except ParseError as error:
                column = self.lines[(token.map or (0,))[0]].find("{") + 1
                self.sink.add(
                    MALFORMED_ATTRIBUTES,
                    f"heading attributes do not parse: {error}",
                    self.span(token, max(column, 1)),
                    hint='quote values with spaces or commas: tags="a b"',
                    length=len(found.group(1)),
                )
        title = content.strip()
        section_id = attrs.pop("id", None)
        key = section_id or slugify(title)
        count = self.keys.get(key, 0)
        self.keys[key] = count + 1
        if count and not section_id:
            key = f"{key}-{count + 1}"
        anchor = github_slug(title)
        repeats = self.github_slugs.get(anchor, 0)
        self.github_slugs[anchor] = repeats + 1
        if repeats:  # GitHub numbers a repeated heading's anchor from 1: `faq`, `faq-1`, `faq-2`
            anchor = f"{anchor}-{repeats}"
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        stated = attrs.pop("authority", None)
        authority = self.authority(stated, token) if stated is not None else None
        if authority is None and parent is not None:
            authority = parent.authority
        tags_value = attrs.pop("tags", "")
        attrs.pop("class", None)
        section = Section(
            key=key,
            id=section_id,
            title=title,
            anchor=anchor,
            level=level,
            span=self.span(token),
            authority=authority,
            stated_authority=stated,
            tags=[tag for tag in re.split(r"[\s,]+", tags_value) if tag],
            attrs=attrs,
            parent=parent.key if parent else None,
        )
        if parent is not None:
            parent.children.append(key)
        self.stack.append(section)
        self.doc.sections.append(section)

    def authority(self, stated: str, token: Token) -> Authority | None:
        value = stated.strip().lower()
        line = self.lines[(token.map or (0,))[0]]
        column = line.find("authority=") + 1
        where = self.span(token, max(column, 1))
        if value in Authority.__members__.values():
            return Authority(value)
        legacy = LEGACY_AUTHORITIES.get(value)
        if legacy is not None:
            self.sink.add(
                LEGACY_AUTHORITY,
                f"`authority={stated}` is the earlier name of `{legacy.value}`; "
                f"read as {legacy.value}",
                where,
                hint=f"write `authority={legacy.value}`",
                length=len("authority=") + len(stated),
            )
            return legacy
        levels = ", ".join(level.value for level in Authority)
        self.sink.add(
            UNKNOWN_AUTHORITY,
            f"unknown authority `{stated}`; the levels are {levels}",
            where,
            hint="use one of the five levels of the chain of command",
            length=len("authority=") + len(stated),
        )
        return None

    def open_commentary(self, token: Token, tokens: list[Token], index: int) -> None:
        title = token.meta.get("tag", "") if isinstance(token.meta, dict) else ""
        for follower in tokens[index + 1 : index + 4]:
            if follower.type == "inline":
                title = follower.content.strip().strip('"')
                break
        body = self.raw(token).split("\n", 1)
        section = self.section()
        self.doc.commentary.append(
            Commentary(
                title or "meta",
                "\n".join(
                    line.strip() for line in (body[1] if len(body) > 1 else "").split("\n")
                ).strip(),
                self.span(token),
                section.key if section else None,
            )
        )

    def fence(self, token: Token) -> None:
        if token.info.strip().lower() != "xml":
            if self.commentary_depth == 0 and token.level == 0:
                self.add_body(self.raw(token))
            return
        start, end = token.map or (0, 1)
        closing = self.lines[end - 1].strip() if end - 1 > start else ""
        marker = token.markup
        content = token.content
        if not (closing.startswith(marker) and closing.strip(marker[0]) == ""):
            resumed = _PROSE_RESUMES.search(content)
            content = content[: resumed.start()] if resumed else content
            self.sink.add(
                UNCLOSED_EXAMPLE,
                f"`{marker}{token.info}` block opened here is never closed",
                self.span(token, _indent(self.lines[start]) + 1),
                hint=f"add a `{marker}` line after the example's last turn",
                length=len(marker) + len(token.info),
            )
        title, title_span = self.pending_title or (None, self.span(token))
        self.pending_title = None
        section = self.section()
        example = read_example(
            content,
            file=self.path,
            first_line=start + 2,
            indent=_indent(self.lines[start]),
            title=title,
            span=title_span,
            sink=self.sink,
        )
        example.section = section.key if section and not self.prompt_file else None
        for reply in example.replies:
            if reply.blame:
                self.doc.cross_refs.append(
                    CrossRef(reply.blame, f"[#{reply.blame}]", reply.span, "blame")
                )
            for text, target in _REASON_LINK.findall(reply.reason or ""):
                kind = "title-link" if text == "?" else "link"
                self.doc.cross_refs.append(CrossRef(target, text, reply.span, kind))
        self.doc.examples.append(example)

    def paragraph(self, token: Token, *, top_level: bool) -> None:
        found = _EXAMPLE_TITLE.match(token.content)
        if found is not None and self.commentary_depth == 0:
            if self.pending_title is not None:
                self.example_without_block()
            self.pending_title = (" ".join(found["title"].split()), self.span(token))
            self.cross_references(token)
            return
        if self.pending_title is not None:
            self.example_without_block()
        if top_level and self.commentary_depth == 0:
            self.add_body(self.raw(token))
        self.inline(token)

    def example_without_block(self) -> None:
        assert self.pending_title is not None
        title, span = self.pending_title
        self.pending_title = None
        self.sink.add(
            EXAMPLE_WITHOUT_BLOCK,
            f"example `{title}` has no ~~~xml conversation block after its title",
            span,
            hint="add the conversation block right after the title",
            length=len("**Example**"),
        )

    def add_body(self, raw: str) -> None:
        section = self.section()
        if section is not None:
            self.body.setdefault(section.key, []).append(raw)

    def inline(self, token: Token) -> None:
        plain = _plain_text(token)
        tags = list(CLAUSE_TAG.finditer(plain))
        self.cross_references(token)
        bounds = sentence_bounds(plain)
        last = plain[bounds[-1][0] : bounds[-1][1]] if bounds else ""
        opens_list = strip_tags(last).endswith(":") and self.commentary_depth == 0
        self.lead_in = _LeadIn(strip_tags(last), []) if opens_list else None
        if not tags:
            return
        if self.prompt_file:
            if not self.doc.examples:
                self.doc.preamble_tags.extend(match["id"] for match in tags)
            return
        places = self.tag_places(token)
        section = self.section()
        lead = f"{self.item_lead} " if self.item_lead else ""
        # Tags and sentences both run left to right: one pass pairs them, and a sentence that
        # carries many tags is cleaned once (linear time however many tags share it).
        sentences: dict[tuple[int, int], tuple[str, list[str]]] = {}
        bound = 0
        previous_end = 0
        for number, match in enumerate(tags):
            while bound < len(bounds) and bounds[bound][1] + 1 <= match.start():
                bound += 1
            inside = bound < len(bounds) and bounds[bound][0] <= match.start()
            start, end = bounds[bound] if inside else (0, len(plain))
            if (start, end) not in sentences:
                text = strip_tags(plain[start:end])
                sentences[start, end] = (text, modal_words(text))
            text, modals = sentences[start, end]
            focus_start = max(start, previous_end)
            previous_end = match.end()
            line, column = places[number] if number < len(places) else (self.span(token).line, 1)
            clause = Clause(
                id=match["id"],
                text=lead + text,
                focus=strip_tags(plain[focus_start : match.start()]),
                span=Span(self.path, line, column),
                section=section.key if section else None,
                authority=section.authority if section else None,
                modals=list(modals),
                normative=self.commentary_depth == 0,
            )
            self.doc.clauses.append(clause)
            if self.lead_in is not None and start == bounds[-1][0]:
                self.lead_in.clauses.append(clause)
            if section is not None:
                section.clauses.append(clause.id)

    def tag_places(self, token: Token) -> list[tuple[int, int]]:
        """Line and column of each clause tag in the token's source, skipping code spans."""
        start, end = token.map or (0, 0)
        places: list[tuple[int, int]] = []
        for offset, line in enumerate(self.lines[start:end]):
            masked = _mask_code_spans(line)
            for match in CLAUSE_TAG.finditer(masked):
                places.append((start + offset + 1, match.start() + 1))
        return places

    def cross_references(self, token: Token) -> None:
        children = token.children or []
        start = (token.map or (0,))[0]
        search_from: dict[int, int] = {}
        for index, child in enumerate(children):
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            if not href.startswith("#") or len(href) < 2:
                continue
            target = href[1:]
            text = children[index + 1].content if index + 1 < len(children) else ""
            line_number, column = start + 1, 1
            needle = f"](#{target})"
            for offset, line in enumerate(self.lines[start : (token.map or (0, 0))[1]]):
                found = line.find(needle, search_from.get(offset, 0))
                if found >= 0:
                    search_from[offset] = found + 1
                    line_number = start + offset + 1
                    column = line.rfind("[", 0, found) + 1 or 1
                    break
            kind = "title-link" if text == "?" else "link"
            self.doc.cross_refs.append(
                CrossRef(target, text, Span(self.path, line_number, column), kind)
            )

    def finish(self) -> None:
        for section in self.doc.sections:
            section.text = "\n\n".join(self.body.get(section.key, ())).strip()


def read_markdown(
    path: str, text: str, sink: Diagnostics, *, prompt_file: bool = False
) -> Document:
    """Read one markdown file into a `Document`, adding findings to `sink`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line ends as markdown-it sees them
    return _Walker(path, text, sink, prompt_file=prompt_file).run(markdown_tokens(text))


def resolve_title_links(document_clauses: list[Clause], titles: dict[str, str]) -> None:
    """Replace `[?](#id)` markers in clause text with the target section's title."""
    pattern = re.compile(f"{_TITLE_REF}([^{_TITLE_REF}]*){_TITLE_REF}")

    def title(match: re.Match[str]) -> str:
        return titles.get(match.group(1), match.group(1))

    for clause in document_clauses:
        clause.text = pattern.sub(title, clause.text)
        clause.focus = pattern.sub(title, clause.focus)


def _plain_text(token: Token) -> str:
    parts: list[str] = []
    children = token.children or []
    skip_link_text = False
    for index, child in enumerate(children):
        kind = child.type
        if kind == "text":
            if not skip_link_text:
                parts.append(child.content)
        elif kind == "code_inline":
            parts.append(child.content.replace("[^", "[\u2060^"))
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            following = children[index + 1] if index + 1 < len(children) else None
            if href.startswith("#") and following is not None and following.content == "?":
                parts.append(f"{_TITLE_REF}{href[1:]}{_TITLE_REF}")
                skip_link_text = True
        elif kind == "link_close":
            skip_link_text = False
        elif kind == "image":
            parts.append(child.content)
    return "".join(parts)


def _is_cut(tokens: list[Token], index: int) -> bool:
    """Whether the token opens a block at the depth limit whose content the parser dropped."""
    token = tokens[index]
    return (
        token.nesting == 1
        and token.level == MAX_NESTING - 1
        and token.map is not None
        and index + 1 < len(tokens)
        and tokens[index + 1].nesting == -1
    )


def _mask_code_spans(line: str) -> str:
    """The line with the inside of `code spans` blanked, so tags in code are not found."""
    return re.sub(r"(`+)(.+?)\1", lambda m: m.group(1) + " " * len(m.group(2)) + m.group(1), line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
