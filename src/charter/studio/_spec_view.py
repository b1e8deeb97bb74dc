"""What the Spec screen shows: outline, source lines with their diagnostics, and per clause its
authority, prompts, precedents, latest pass rate and history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from charter.compose import effective_authority
from charter.diagnostics import Diagnostic
from charter.precedent import load_precedents
from charter.report import HistoryPoint, clause_history
from charter.run import RunStore, store_path
from charter.studio._workspace import StudioError, Workspace


@contextmanager
def open_store(root: Path) -> Iterator[RunStore | None]:
    """The project's run store, or None when no run was recorded yet."""
    db = store_path(root)
    if not db.is_file():
        yield None
        return
    store = RunStore(db, create=False)
    try:
        yield store
    finally:
        store.close()


@dataclass(slots=True)
class ClauseView:
    id: str
    text: str
    authority: str
    section: str | None
    location: str
    anchor: str
    prompts: list[str]
    precedents: list[str]
    history: list[HistoryPoint]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def latest(self) -> HistoryPoint | None:
        return self.history[-1] if self.history else None


@dataclass(slots=True)
class SourceLine:
    number: int
    text: str
    diagnostics: list[Diagnostic]


@dataclass(slots=True)
class SourceView:
    path: str
    lines: list[SourceLine]


@dataclass(slots=True)
class OutlineItem:
    title: str
    key: str
    level: int
    anchor: str
    """The id of its heading's line in the source column."""
    authority: str
    clauses: list[str]


@dataclass(slots=True)
class SpecView:
    name: str
    version: str | None
    outline: list[OutlineItem]
    clauses: list[ClauseView]
    sources: list[SourceView]
    counts: dict[str, int]
    elsewhere: list[Diagnostic]
    """Diagnostics of files other than the spec's markdown (prompt files, precedents)."""


def spec_view(workspace: Workspace) -> SpecView:
    loaded = workspace.loaded()
    spec = loaded.project.spec
    diagnostics = loaded.check.diagnostics
    by_line: dict[tuple[str, int], list[Diagnostic]] = {}
    for found in diagnostics:
        by_line.setdefault((found.span.file, found.span.line), []).append(found)
    precedents, _ = load_precedents(workspace.root)
    with open_store(workspace.root) as store:
        history = clause_history(store) if store is not None else {}
    clauses = []
    for clause in spec.clauses:
        prompt_file = spec.prompt_file(clause.id)
        clauses.append(
            ClauseView(
                id=clause.id,
                text=clause.text,
                authority=effective_authority(clause).value,
                section=clause.section,
                location=str(clause.span),
                anchor=f"{clause.span.file}:L{clause.span.line}",
                prompts=[e.title or "(untitled)" for e in prompt_file.examples]
                if prompt_file
                else [],
                precedents=[p.id for p in precedents if clause.id in p.clause_ids],
                history=history.get(clause.id, []),
                diagnostics=by_line.get((clause.span.file, clause.span.line), []),
            )
        )
    sources = []
    spec_files = {spec_file.path for spec_file in spec.files}
    for spec_file in spec.files:
        try:
            text = workspace.read(spec_file.path)
        except StudioError:  # an imported module outside the project: its clauses still show
            continue
        lines = [
            SourceLine(number, line, by_line.get((spec_file.path, number), []))
            for number, line in enumerate(text.split("\n"), 1)
        ]
        sources.append(SourceView(spec_file.path, lines))
    outline = [
        OutlineItem(
            s.title,
            s.key,
            s.level,
            f"{s.span.file}:L{s.span.line}",
            s.authority.value if s.authority else "",
            list(s.clauses),
        )
        for s in spec.sections
    ]
    counts: dict[str, int] = {}
    for found in diagnostics:
        counts[found.severity.value] = counts.get(found.severity.value, 0) + 1
    elsewhere = [d for d in diagnostics if d.span.file not in spec_files]
    return SpecView(
        spec.name or workspace.root.name,
        spec.version,
        outline,
        clauses,
        sources,
        counts,
        elsewhere,
    )
