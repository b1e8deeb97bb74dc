"""The reader plugin for agent instruction files: one file into a `Document` whose clauses are
its normative sentences (`path#id`)."""

from __future__ import annotations

from pathlib import Path

from charter._source import Span
from charter.agents._clauses import normative_sentences
from charter.agents._formats import format_of
from charter.agents._front_matter import split_front_matter
from charter.agents._lock import LockedClause, assign_ids
from charter.agents._rules import BROKEN_FRONT_MATTER
from charter.diagnostics import Diagnostics
from charter.plugins import hookimpl
from charter.spec import Clause, Document, markdown_parser, modal_words, read_markdown

READER_NAME = "agent-instructions"


class AgentInstructionsReader:
    """AGENTS.md, CLAUDE.md, GEMINI.md, Cursor rules and Copilot instructions."""

    name = READER_NAME

    def claims(self, path: Path) -> bool:
        return format_of(path.as_posix()) is not None

    def sniff(self, text: str) -> bool:
        return True

    def read(self, path: str, text: str, sink: Diagnostics, *, prompt_file: bool) -> Document:
        return read_instructions(path, text, sink)


def read_instructions(
    path: str, text: str, sink: Diagnostics, locked: list[LockedClause] | None = None
) -> Document:
    """Read one instruction file; its clauses get ids `path#id` (kept from `locked`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front = split_front_matter(text)
    if front.error is not None:
        line, message = front.error
        sink.add(
            BROKEN_FRONT_MATTER,
            message,
            Span(path, line, 1),
            hint="write one `key: value` a line between the `---` lines",
        )
    document = read_markdown(path, front.body, Diagnostics())
    document.front_matter = front.data
    lines = front.body.split("\n")
    sentences = normative_sentences(markdown_parser().parse(front.body), lines)
    ids = assign_ids([sentence.text for sentence in sentences], locked or [])
    section_at = [(section.span.line, section) for section in document.sections]
    for sentence, clause_id in zip(sentences, ids, strict=True):
        section = None
        for line, candidate in section_at:
            if line <= sentence.line:
                section = candidate
        clause = Clause(
            id=f"{path}#{clause_id}",
            text=sentence.text,
            focus=sentence.text,
            span=Span(path, sentence.line, sentence.column),
            section=section.key if section else None,
            authority=None,
            modals=modal_words(sentence.text),
        )
        document.clauses.append(clause)
        if section is not None:
            section.clauses.append(clause.id)
    return document


@hookimpl
def charter_readers() -> list[AgentInstructionsReader]:
    return [AgentInstructionsReader()]
