"""Code actions: the checker's and linter's mechanical fixes, "ignore this rule here", "create
prompt file" for a clause without one, and clarify's questions as choices that write the answer."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from pathlib import Path

from charter.clarify import Answer, Question, answered_text, build_questions
from charter.diagnostics import Diagnostic, Rename, fixer_for
from charter.lint import Edit, project_lint_config
from charter.lsp._positions import Lines, uri
from charter.lsp._protocol import types
from charter.lsp._tokens import TAG
from charter.lsp._workspace import Workspace
from charter.spec import Spec

Change = types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile


def _document_edit(path: Path, edits: list[types.TextEdit]) -> types.TextDocumentEdit:
    document = types.OptionalVersionedTextDocumentIdentifier(uri(path), None)
    return types.TextDocumentEdit(document, list(edits))


def text_edits(old: str, new: str) -> list[types.TextEdit]:
    """The line-level edits that turn `old` into `new`."""
    before = old.splitlines(keepends=True)
    after = new.splitlines(keepends=True)
    lines = Lines(old)
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, start, end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        first = lines.starts[start] if start < len(lines.starts) else len(old)
        last = lines.starts[end] if end < len(lines.starts) else len(old)
        edits.append(types.TextEdit(lines.range(first, last), "".join(after[new_start:new_end])))
    return edits


def _fix_changes(workspace: Workspace, diagnostic: Diagnostic) -> list[Change]:
    fixer = fixer_for(diagnostic.code)
    if fixer is None:
        return []
    with workspace.with_buffers():
        found = fixer(workspace.spec, [diagnostic])
    changes: list[Change] = []
    for change in found:
        if isinstance(change, Rename):
            source, target = workspace.root / change.source, workspace.root / change.target
            changes.append(types.RenameFile(uri(source), target.as_uri()))
        elif isinstance(change, Edit):
            lines = Lines(workspace.text_of(change.file) or "")
            place = lines.range(change.start, change.end)
            edit = types.TextEdit(place, change.replacement)
            changes.append(_document_edit(workspace.root / change.file, [edit]))
    return changes


def _ignore_here(workspace: Workspace, diagnostic: Diagnostic) -> types.WorkspaceEdit:
    """A `<!-- charter: ignore CODE -->` comment at the end of the finding's line."""
    lines = Lines(workspace.text_of(diagnostic.span.file) or "")
    line = lines.line(diagnostic.span.line - 1)
    end = types.Position(diagnostic.span.line - 1, len(line.encode("utf-16-le")) // 2)
    comment = f"<!-- charter: ignore {diagnostic.code} -->"
    edit = types.TextEdit(types.Range(end, end), f" {comment}" if line.strip() else comment)
    return types.WorkspaceEdit(
        document_changes=[_document_edit(workspace.root / diagnostic.span.file, [edit])]
    )


def prompt_file_text(spec: Spec, clause_id: str) -> str:
    """A new prompt file: the heading naming the clause and one example to fill in."""
    clause = spec.clause(clause_id)
    section = spec.section(clause.section) if clause is not None and clause.section else None
    where = f" in {section.title}" if section is not None else ""
    return (
        f"Examples for [^{clause_id}]{where}:\n\n**Example**: a request this clause decides\n\n"
        "~~~xml\n<user>\nWrite the user's message here.\n</user>\n~~~\n"
    )


def _create_prompt_files(
    workspace: Workspace, rel: str, selected: types.Range
) -> Iterator[types.CodeAction]:
    spec = workspace.spec
    text = workspace.text_of(rel) or ""
    lines = Lines(text)
    folder = workspace.config.prompt_dirs[0] if workspace.config.prompt_dirs else "examples"
    seen: set[str] = set()
    for number in range(selected.start.line, selected.end.line + 1):
        for match in TAG.finditer(lines.line(number)):
            clause_id = match["value"]
            if clause_id in seen or spec.clause(clause_id) is None:
                continue
            seen.add(clause_id)
            if spec.prompt_file(clause_id) is not None or ":" in clause_id:
                continue
            target = workspace.root / folder / f"{clause_id}.md"
            start = types.Position(0, 0)
            changes: list[Change] = [
                types.CreateFile(
                    target.as_uri(), options=types.CreateFileOptions(ignore_if_exists=True)
                ),
                _document_edit(
                    target,
                    [types.TextEdit(types.Range(start, start), prompt_file_text(spec, clause_id))],
                ),
            ]
            yield types.CodeAction(
                title=f"Create prompt file {folder}/{clause_id}.md",
                kind=types.CodeActionKind.QuickFix,
                edit=types.WorkspaceEdit(document_changes=changes),
            )


def _questions(workspace: Workspace) -> list[Question]:
    with workspace.with_buffers():
        spec = workspace.spec
        return build_questions(spec, project_lint_config(spec.root))


def _clarify(workspace: Workspace, rel: str, selected: types.Range) -> Iterator[types.CodeAction]:
    text = workspace.text_of(rel) or ""
    day = dt.date.today().isoformat()
    for question in _questions(workspace):
        line = question.finding.span.line - 1
        if (
            question.finding.span.file != rel
            or not selected.start.line <= line <= selected.end.line
        ):
            continue
        for option in question.options:
            if option.definition:
                continue  # the definition itself must be typed: `charter clarify` asks for it
            new, _ = answered_text(text, [Answer(question, option)], day)
            edits = text_edits(text, new)
            yield types.CodeAction(
                title=f"Clarify: {question.text} → {option.label}",
                kind=types.CodeActionKind.RefactorRewrite,
                edit=types.WorkspaceEdit(
                    document_changes=[_document_edit(workspace.root / rel, edits)]
                ),
            )


def code_actions(workspace: Workspace, rel: str, selected: types.Range) -> list[types.CodeAction]:
    """Every action for the findings and clause tags on the selected lines."""
    actions: list[types.CodeAction] = []
    result = workspace.check()
    for diagnostic in result.diagnostics:
        line = diagnostic.span.line - 1
        if diagnostic.span.file != rel or not selected.start.line <= line <= selected.end.line:
            continue
        changes = _fix_changes(workspace, diagnostic)
        if changes:
            actions.append(
                types.CodeAction(
                    title=f"Fix {diagnostic.code} {diagnostic.rule.name}",
                    kind=types.CodeActionKind.QuickFix,
                    edit=types.WorkspaceEdit(document_changes=changes),
                    is_preferred=True,
                )
            )
        actions.append(
            types.CodeAction(
                title=f"Ignore {diagnostic.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                edit=_ignore_here(workspace, diagnostic),
            )
        )
    actions.extend(_create_prompt_files(workspace, rel, selected))
    actions.extend(_clarify(workspace, rel, selected))
    return actions
