"""What a judge is told about a clause: its statement, section, authority and definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from charter.spec import Spec

_DEFINITION = re.compile(r"^\s*[-*]?\s*\*\*([^*]{2,60})\*\*\s*[:.]\s*(.+)$", re.MULTILINE)
DEFINITION_TITLES = ("definitions", "definition", "glossary", "terms")


@dataclass(frozen=True, slots=True)
class ClauseContext:
    """The parts of the spec a judge needs to apply one clause (or one section's clauses)."""

    clause_ids: tuple[str, ...]
    statement: str
    section_title: str = ""
    section_text: str = ""
    authority: str | None = None
    definitions: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return ", ".join(self.clause_ids) if self.clause_ids else self.section_title or "spec"


def definitions(spec: Spec) -> list[tuple[str, str]]:
    """`**Term**: meaning` entries from a section titled Definitions (or Glossary, Terms)."""
    found: list[tuple[str, str]] = []
    for section in spec.sections:
        if section.title.strip().lower() not in DEFINITION_TITLES:
            continue
        texts = [section.text]
        texts += [child.text for key in section.children if (child := spec.section(key))]
        for text in texts:
            for match in _DEFINITION.finditer(text):
                found.append((match.group(1).strip(), match.group(2).strip()))
    return found


def _uses(term: str, text: str) -> bool:
    stem = re.escape(term.lower().rstrip("s"))
    return re.search(rf"\b{stem}", text.lower()) is not None


def clause_context(
    spec: Spec,
    clause_ids: tuple[str, ...],
    section_key: str | None = None,
    *,
    glossary: list[tuple[str, str]] | None = None,
) -> ClauseContext:
    """The context for these clauses (their statements joined), or for a section without any."""
    clauses = [clause for cid in clause_ids if (clause := spec.clause(cid)) is not None]
    key = section_key or (clauses[0].section if clauses else None)
    section = spec.section(key) if key else None
    statement = " ".join(
        f"[{clause.id}] {clause.text}" if len(clauses) > 1 else clause.text for clause in clauses
    )
    section_text = section.text.strip() if section else ""
    if not statement:
        statement = section_text
    authorities = [clause.authority for clause in clauses if clause.authority]
    authority = authorities[0] if authorities else (section.authority if section else None)
    entries = definitions(spec) if glossary is None else glossary
    used_in = f"{statement} {section_text}"
    return ClauseContext(
        clause_ids=tuple(clause.id for clause in clauses) or clause_ids,
        statement=statement,
        section_title=section.title if section else "",
        section_text=section_text,
        authority=None if authority is None else str(authority),
        definitions=tuple((term, text) for term, text in entries if _uses(term, used_in)),
    )
