"""The spec model: typed objects that every later stage reads.

Every object keeps the place it came from (`Span`) so that any finding, report or edit can point
back at the exact source line. Objects refer to each other by key (section key, clause id), not by
Python reference, so the whole model serialises to JSON without cycles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from charter._source import Span


class Authority(StrEnum):
    """A level in the chain of command, highest first."""

    ROOT = "root"
    SYSTEM = "system"
    DEVELOPER = "developer"
    USER = "user"
    GUIDELINE = "guideline"

    @property
    def rank(self) -> int:
        """0 for root (highest) to 4 for guideline (lowest)."""
        return _AUTHORITY_ORDER.index(self)

    def outranks(self, other: Authority) -> bool:
        return self.rank < other.rank


_AUTHORITY_ORDER = list(Authority)

#: Earlier names of authority levels, mapped to the current name.
LEGACY_AUTHORITIES: dict[str, Authority] = {"platform": Authority.ROOT}


class Label(StrEnum):
    """How the spec judges a candidate reply in a comparison."""

    GOOD = "GOOD"
    BAD = "BAD"
    OK = "OK"


ROLES = ("system", "developer", "user", "assistant", "tool")


@dataclass(slots=True)
class Turn:
    """One message of an example conversation."""

    role: str
    content: str
    span: Span
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Reply:
    """A candidate assistant reply inside a `<comparison>`, judged GOOD, BAD or OK."""

    label: Label | None
    content: str
    span: Span
    role: str = "assistant"
    attrs: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    blame: str | None = None
    """Section id the reply offends, from `BAD[#section]`; None means the example's own section."""


@dataclass(slots=True)
class Comparison:
    """Candidate replies that all continue the same conversation prefix."""

    after_turn: int
    """How many of the example's turns come before this comparison."""
    replies: list[Reply]
    span: Span


@dataclass(slots=True)
class Example:
    """An `**Example**: title` with its `~~~xml` conversation block."""

    title: str | None
    turns: list[Turn]
    comparisons: list[Comparison]
    span: Span
    section: str | None = None
    """Key of the section the example sits in (spec examples)."""
    clause: str | None = None
    """Clause id the example tests (examples in prompt files)."""

    def conversation(self, comparison: Comparison | None = None) -> list[Turn]:
        """The turns that precede `comparison` (all turns when None)."""
        if comparison is None:
            return list(self.turns)
        return self.turns[: comparison.after_turn]

    @property
    def replies(self) -> list[Reply]:
        return [reply for comparison in self.comparisons for reply in comparison.replies]


@dataclass(slots=True)
class CrossRef:
    """A link to a section anchor: `[?](#anchor)`, `[text](#anchor)` or a `BAD[#anchor]` blame."""

    target: str
    text: str
    span: Span
    kind: str = "link"
    """`link`, `title-link` (the `[?]` form, rendered as the target's title) or `blame`."""


@dataclass(slots=True)
class Commentary:
    """A `!!! meta "..."` block: explanation for readers, not an instruction to the model."""

    title: str
    text: str
    span: Span
    section: str | None = None


@dataclass(slots=True)
class Section:
    """A heading and the normative text below it, up to the next heading."""

    key: str
    """The section's id, or a slug of its title when it has none (unique within the spec)."""
    id: str | None
    title: str
    level: int
    span: Span
    anchor: str | None = None
    """The anchor GitHub renders for the heading (`policies--rules`), numbered when repeated in
    its file; links may use it as well as the id."""
    authority: Authority | None = None
    """The authority the section states or inherits from its nearest ancestor that states one."""
    stated_authority: str | None = None
    """The `authority=` value exactly as written, if any."""
    tags: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""
    """Normative markdown of the section's own body (no examples, no commentary, no subsections)."""
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    module: str | None = None
    """Alias of the imported module the section comes from; None for the project's own."""


@dataclass(slots=True)
class Clause:
    """A statement tagged with a footnote-style id, `...phrased[^sy73].`"""

    id: str
    text: str
    """The sentence(s) the tag belongs to, as plain text without tags."""
    focus: str
    """The part of the sentence the tag closes: from the sentence start or previous tag to it."""
    span: Span
    section: str | None
    authority: Authority | None
    modals: list[str] = field(default_factory=list)
    """Modal words used, lower-cased, in order: must, must not, should, never, may..."""
    normative: bool = True
    """False when the tag sits in commentary."""
    module: str | None = None
    """Alias of the imported module the clause comes from (its id is `module:id`); None for the
    project's own clauses."""


#: The keys a prompt file's front matter may hold (docs/prompt-files.md); any other is a typo.
PROMPT_FILE_KEYS = ("checks", "examples")


@dataclass(slots=True)
class PromptFile:
    """`examples/<id>.md` or `cases/<id>.md`: the challenge conversations for one clause."""

    id: str
    path: str
    span: Span
    examples: list[Example] = field(default_factory=list)
    named_ids: list[str] = field(default_factory=list)
    """Clause ids the file's heading line names (`Examples for [^id] in ...`)."""
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_error: tuple[int, str] | None = None
    """(line, message) when the front matter could not be read: its checks are unknown."""


@dataclass(slots=True)
class SpecFile:
    """One markdown file of the spec."""

    path: str
    reader: str
    lines: int
    sha256: str
    front_matter: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class InstructionFile:
    """An instruction file for coding agents (AGENTS.md, CLAUDE.md, a Cursor rule...)."""

    path: str
    format: str
    """`agents-md`, `claude-md`, `gemini-md`, `cursor-rule`, `cursorrules`,
    `copilot-instructions` or `copilot-scoped-instructions`."""
    tool: str
    """`generic` (every agent reads it) or the one tool that does (claude, cursor...)."""
    scope: str
    """The folder it governs, relative to the repository (`""` for the whole repository)."""
    globs: list[str] = field(default_factory=list)
    """File patterns it is limited to (`globs`, `applyTo`); empty means every file in scope."""
    always: bool = True
    """Whether the tool always loads it (Cursor `alwaysApply`; files without globs)."""
    description: str | None = None
    clauses: list[str] = field(default_factory=list)
    """Ids of its clauses (`path#id`)."""
    tokens: int = 0
    """Its size in tokens (about four characters each)."""
    same_as: str | None = None
    """The instruction file it is a link to (`CLAUDE.md` -> `AGENTS.md`), if any."""


@dataclass(slots=True)
class Module:
    """A spec module in a composed spec: the project itself or one it imports."""

    alias: str
    """The prefix of the module's ids (`legal` in `legal:refund-limit`); empty for the project."""
    name: str | None
    version: str | None
    owner: str | None
    level: str
    """The highest authority the module's clauses may claim (`level:` in its front matter)."""
    source: str
    """`path:<folder>` inside the project, or `package:<distribution>` for an installed spec."""
    root: str
    """The module's folder, absolute."""
    content_hash: str
    """`sha256:` digest of the module's spec and prompt files."""
    imports: dict[str, str] = field(default_factory=dict)
    """The aliases the module uses for its imports, mapped to the aliases in the composed spec."""
    overrides: list[dict[str, Any]] = field(default_factory=list)
    """The module's `overrides:` entries as written."""
    imported_by: str | None = None
    """Alias of the module that first imported it; None for the project."""


@dataclass(slots=True)
class Spec:
    """A whole spec: its files, sections, clauses, examples, prompt files and metadata."""

    root: str
    """The project directory, absolute."""
    name: str | None = None
    version: str | None = None
    owner: str | None = None
    imports: list[Any] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    files: list[SpecFile] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    prompt_files: list[PromptFile] = field(default_factory=list)
    cross_refs: list[CrossRef] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    """The project and every module it imports, when it imports any."""
    instruction_files: list[InstructionFile] = field(default_factory=list)
    """Agent instruction files, when the spec was read from a repository's AGENTS.md,
    CLAUDE.md, Cursor rules... (their clauses are the normative sentences, `path#id`)."""

    def section(self, key: str) -> Section | None:
        """The section with this key (its id, or title slug)."""
        return self._section_index().get(key)

    def clause(self, clause_id: str) -> Clause | None:
        """The first clause tagged with this id."""
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        return None

    def prompt_file(self, clause_id: str) -> PromptFile | None:
        for prompt_file in self.prompt_files:
            if prompt_file.id == clause_id:
                return prompt_file
        return None

    def anchors(self) -> set[str]:
        """Every section id a cross reference may target."""
        return set(self.anchor_titles())

    def anchor_titles(self) -> dict[str, str]:
        """Every link target (`{#id}` ids first, then GitHub heading anchors) -> section title."""
        found = {section.id: section.title for section in self.sections if section.id}
        for section in self.sections:
            if section.anchor:
                found.setdefault(section.anchor, section.title)
        return found

    def _section_index(self) -> dict[str, Section]:
        return {section.key: section for section in self.sections}

    def stats(self) -> dict[str, Any]:
        """Counts of the main objects, as `charter show --stats` prints them."""
        replies = {label.value: 0 for label in Label}
        for example in self.examples:
            for reply in example.replies:
                if reply.label is not None:
                    replies[reply.label.value] += 1
        return {
            "sections_with_id": sum(1 for section in self.sections if section.id),
            "clauses": len({clause.id for clause in self.clauses}),
            "examples": len(self.examples),
            "replies": replies,
            "prompt_files": len(self.prompt_files),
        }
