"""Go to definition, references, rename, completion and symbols over a `Workspace`."""

from __future__ import annotations

import re
from pathlib import Path

from charter.checks import all_kinds
from charter.lsp._positions import Lines, uri
from charter.lsp._protocol import types
from charter.lsp._tokens import ANCHOR, TAG, Kind, Token, token_at
from charter.lsp._workspace import Workspace
from charter.precedent import precedent_files
from charter.spec import Authority, Section, Spec


def cursor_token(workspace: Workspace, rel: str, position: types.Position) -> Token | None:
    text = workspace.text_of(rel)
    if text is None:
        return None
    line = Lines(text).line(position.line)
    return token_at(workspace.spec, line, min(position.character, len(line)))


def _location(workspace: Workspace, rel: str, line: int, column: int = 1) -> types.Location:
    text = workspace.text_of(rel) or ""
    start = Lines(text).at(line, column)
    return types.Location(uri(workspace.root / rel), types.Range(start, start))


def _module_file(workspace: Workspace, alias: str) -> str | None:
    """The first spec file of the imported module `alias`, relative to the root."""
    spec = workspace.spec
    module = next((m for m in spec.modules if m.alias == alias), None)
    if module is None:
        return None
    folder = Path(module.root)
    for record in spec.files:
        if (workspace.root / record.path).resolve().is_relative_to(folder):
            return record.path
    return None


def _section(spec: Spec, anchor: str) -> Section | None:
    return next((s for s in spec.sections if anchor in (s.id, s.anchor)), None)


def definition(workspace: Workspace, rel: str, position: types.Position) -> list[types.Location]:
    """The clause's tag and its prompt file; the section an anchor names; a module's spec."""
    token = cursor_token(workspace, rel, position)
    if token is None:
        return []
    spec = workspace.spec
    if token.kind is Kind.CLAUSE:
        clause = spec.clause(token.value)
        found = [] if clause is None else [_location(workspace, clause.span.file, clause.span.line)]
        prompt = spec.prompt_file(token.value)
        if prompt is not None:
            found.append(_location(workspace, prompt.path, 1))
        return found
    if token.kind is Kind.ANCHOR:
        section = _section(spec, token.value)
        return (
            [] if section is None else [_location(workspace, section.span.file, section.span.line)]
        )
    if token.kind is Kind.MODULE:
        target = _module_file(workspace, token.value)
        return [] if target is None else [_location(workspace, target, 1)]
    return []


def _occurrences(
    workspace: Workspace, pattern: re.Pattern[str], value: str
) -> list[tuple[str, types.Range]]:
    """Every place in the project's spec and prompt files where `pattern` names `value`."""
    found: list[tuple[str, types.Range]] = []
    for rel, text in workspace.texts().items():
        if value not in text:
            continue
        lines: Lines | None = None
        for match in pattern.finditer(text):
            name = next((k for k, v in match.groupdict().items() if v == value), None)
            if name is None:
                continue
            lines = lines or Lines(text)
            found.append((rel, lines.range(match.start(name), match.end(name))))
    return found


#: Where a module's alias is used: its clauses' ids (`[^legal:refund-limit]`, `clause:
#: brand:english-only` in overrides) and its import (`as: legal`).
MODULE_USE = re.compile(r"(?<![\w.-])(?P<value>[\w.-]+):(?=[\w-])|\bas:\s*[\"']?(?P<alias>[\w.-]+)")


def references(workspace: Workspace, rel: str, position: types.Position) -> list[types.Location]:
    """Every `[^id]` of a clause (and its prompt file), every link to an anchor, or every use of
    an imported module's alias."""
    token = cursor_token(workspace, rel, position)
    patterns = {Kind.CLAUSE: TAG, Kind.ANCHOR: ANCHOR, Kind.MODULE: MODULE_USE}
    if token is None or token.kind not in patterns:
        return []
    pattern = patterns[token.kind]
    found = [
        types.Location(uri(workspace.root / path), place)
        for path, place in _occurrences(workspace, pattern, token.value)
    ]
    prompt = workspace.spec.prompt_file(token.value) if token.kind is Kind.CLAUSE else None
    if prompt is not None:
        found.append(_location(workspace, prompt.path, 1))
    return found


# rename

_FRONT_MATTER_ID = r"(?m)^(?P<lead>\s*(?:-\s*)?(?:clause|by)\s*:\s*[\"']?){old}(?=[\"']?\s*$)"
_LIST_ITEM = r"(?m)^(?P<lead>\s*-\s*[\"']?){old}(?=[\"']?\s*$)"
_INLINE_LIST = r"(?P<lead>clause_ids\s*:\s*\[[^\]\n]*?)(?<![\w:-]){old}(?![\w:-])"


def _edits(text: str, pattern: str, old: str, new: str) -> list[types.TextEdit]:
    """TextEdits replacing `old` with `new` where `pattern` (with {old}) finds it."""
    lines: Lines | None = None
    edits: list[types.TextEdit] = []
    for match in re.finditer(pattern.format(old=re.escape(old)), text):
        lines = lines or Lines(text)
        start = match.end("lead") if "lead" in match.groupdict() else match.start()
        edits.append(types.TextEdit(lines.range(start, start + len(old)), new))
    return edits


def _precedent_edits(text: str, old: str, new: str) -> list[types.TextEdit]:
    """`clause_ids:` entries of a precedent file: a block list's items or an inline list."""
    edits = _edits(text, _INLINE_LIST, old, new)
    block = re.search(r"(?m)^clause_ids\s*:\s*\n((?:\s*-.*\n?)+)", text)
    if block is not None:
        inside = _edits(block[1], _LIST_ITEM, old, new)
        shift = Lines(text).position(block.start(1)).line
        for edit in inside:
            edit.range.start.line += shift
            edit.range.end.line += shift
        edits += inside
    return edits


def rename(
    workspace: Workspace, rel: str, position: types.Position, new: str
) -> types.WorkspaceEdit | None:
    """Rename a clause id: its tags, the prompt file (and its heading), overrides in front
    matter and the `clause_ids` of precedents."""
    token = cursor_token(workspace, rel, position)
    if token is None or token.kind is not Kind.CLAUSE or not re.fullmatch(r"[^\]\s]+", new):
        return None
    old = token.value
    changes: list[types.TextDocumentEdit | types.RenameFile | types.CreateFile] = []

    def add(path: Path, edits: list[types.TextEdit]) -> None:
        if edits:
            document = types.OptionalVersionedTextDocumentIdentifier(uri(path), None)
            changes.append(types.TextDocumentEdit(document, list(edits)))

    tags = _occurrences(workspace, TAG, old)
    for path, text in workspace.texts().items():
        edits = [types.TextEdit(place, new) for where, place in tags if where == path]
        if text.startswith("---"):
            front = text[: text.find("\n---", 3) + 1]
            edits += _edits(front, _FRONT_MATTER_ID, old, new)
        add(workspace.root / path, edits)
    for precedent in precedent_files(workspace.root):
        text = precedent.read_text(encoding="utf-8", errors="replace")
        add(precedent, _precedent_edits(text, old, new))
    prompt = workspace.spec.prompt_file(old)
    if prompt is not None:
        source = workspace.root / prompt.path
        target = source.with_name(new + source.suffix)
        changes.append(types.RenameFile(uri(source), target.as_uri()))
    return types.WorkspaceEdit(document_changes=changes)


# completion


def _items(
    labels: dict[str, str], kind: types.CompletionItemKind, suffix: str = ""
) -> list[types.CompletionItem]:
    return [
        types.CompletionItem(label=label, kind=kind, detail=detail, insert_text=label + suffix)
        for label, detail in sorted(labels.items())
    ]


def completion(
    workspace: Workspace, rel: str, position: types.Position
) -> list[types.CompletionItem]:
    """Clause ids after `[^`, anchors after `(#` or `[#`, authorities after `authority=`, and
    check kinds in a prompt file's front matter."""
    text = workspace.text_of(rel) or ""
    lines = Lines(text)
    before = lines.line(position.line)[: position.character]
    spec = workspace.spec
    if re.search(r"\[\^[^\]\s]*$", before):
        clauses = {c.id: " ".join(c.text.split())[:80] for c in spec.clauses}
        return _items(clauses, types.CompletionItemKind.Reference)
    if re.search(r"[(\[]#[\w-]*$", before):
        return _items(spec.anchor_titles(), types.CompletionItemKind.Reference)
    if re.search(r"authority=[\"']?[\w-]*$", before):
        ranks = {a.value: f"rank {a.rank} (0 is highest)" for a in Authority}
        return _items(ranks, types.CompletionItemKind.EnumMember)
    front_end = text.find("\n---", 3) if text.startswith("---") else -1
    in_front = front_end != -1 and lines.offset(position) <= front_end
    if in_front and re.fullmatch(r"\s*-\s*\w*", before):
        kinds = {kind.name: kind.summary for kind in all_kinds()}
        return _items(kinds, types.CompletionItemKind.Property, ": ")
    return []


# symbols


def document_symbols(workspace: Workspace, rel: str) -> list[types.DocumentSymbol]:
    """The file's sections as a tree, each with its clauses."""
    spec = workspace.spec
    lines = Lines(workspace.text_of(rel) or "")
    own = sorted((s for s in spec.sections if s.span.file == rel), key=lambda s: s.span.line)
    last_line = max(0, len(lines.starts) - 1)
    children: dict[str, list[types.DocumentSymbol]] = {"": []}
    symbols: list[tuple[str, types.DocumentSymbol]] = []
    for index, section in enumerate(own):
        following = [s for s in own[index + 1 :] if s.level <= section.level]
        end = following[0].span.line - 2 if following else last_line
        heading = types.Range(lines.at(section.span.line, 1), lines.at(section.span.line, 1))
        whole = types.Range(heading.start, types.Position(max(end, heading.start.line), 0))
        detail = " ".join(filter(None, [section.id, section.authority]))
        symbol = types.DocumentSymbol(
            section.title, types.SymbolKind.Namespace, whole, heading, detail=detail
        )
        children[section.key] = []
        symbols.append((section.key, symbol))
        parent = section.parent if section.parent in children else ""
        children[parent].append(symbol)
    for clause in spec.clauses:
        if clause.span.file != rel:
            continue
        place = lines.at(clause.span.line, clause.span.column)
        here = types.Range(place, place)
        detail = " ".join(clause.focus.split())[:80]
        symbol = types.DocumentSymbol(
            clause.id, types.SymbolKind.Constant, here, here, detail=detail
        )
        children[clause.section if clause.section in children else ""].append(symbol)
    for key, symbol in symbols:
        symbol.children = children[key] or None
    return children[""]


def workspace_symbols(workspace: Workspace, query: str) -> list[types.WorkspaceSymbol]:
    """Every clause whose id or text contains `query` (case-insensitive)."""
    wanted = query.lower()
    found = []
    for clause in workspace.spec.clauses:
        if wanted and wanted not in clause.id.lower() and wanted not in clause.text.lower():
            continue
        found.append(
            types.WorkspaceSymbol(
                name=clause.id,
                kind=types.SymbolKind.Constant,
                location=_location(
                    workspace, clause.span.file, clause.span.line, clause.span.column
                ),
                container_name=clause.section,
            )
        )
    return found
