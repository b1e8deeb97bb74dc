"""`charter lsp`: the language server (pygls, stdio) over the library the command line uses."""

from __future__ import annotations

import asyncio
import math
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import charter
from charter.diagnostics import Diagnostic, Severity
from charter.lsp import _actions, _hover, _navigate
from charter.lsp._positions import Lines, uri, whole_line
from charter.lsp._protocol import LanguageServer, types
from charter.lsp._workspace import Workspace
from charter.spec import CONFIG_NAME, SpecLoadError

#: Seconds to wait after an edit in a burst before checking: the burst is checked once.
DEFAULT_DEBOUNCE = 0.05

_SEVERITIES = {
    Severity.NOTE: types.DiagnosticSeverity.Information,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.FATAL: types.DiagnosticSeverity.Error,
}
_PLACE = re.compile(r"^(?P<file>[^:\n]+?):(?P<line>\d+)(?::(?P<column>\d+))?: (?P<message>.*)$")


def default_rules_doc() -> str:
    """The rule catalogue the diagnostics link to: docs/rules.md of the checkout."""
    page = Path(charter.__file__).resolve().parents[2] / "docs" / "rules.md"
    if page.is_file():
        return page.as_uri()
    return "https://pypi.org/project/charter-spec/"


def path_of(document_uri: str) -> Path:
    return Path(unquote(urlparse(document_uri).path))


class CharterServer(LanguageServer):
    """Projects by root; diagnostics published per file after each (debounced) change."""

    def __init__(self) -> None:
        super().__init__("charter", charter.__version__)
        self.debounce = DEFAULT_DEBOUNCE
        self.rules_doc = default_rules_doc()
        self.roots: list[Path] = []
        self.projects: dict[Path, Workspace] = {}
        self.published: dict[Path, set[str]] = {}
        self.generation: dict[Path, int] = {}
        self.last_activity: dict[Path, float] = {}
        """When each project last had an edit or finished a check (`time.monotonic()`)."""

    # projects

    def root_for(self, path: Path) -> Path:
        """The outermost folder with a charter.toml between the file and its workspace folder
        (the workspace folder, or the file's own folder, when there is none)."""
        folder = next((r for r in self.roots if path.is_relative_to(r)), None)
        found = None
        for parent in path.parents:
            if (parent / CONFIG_NAME).is_file():
                found = parent
            if parent == folder:
                break
        return found or folder or path.parent

    def open_project(self, root: Path) -> Workspace:
        """Read the project at `root`, with the editor's open documents in it as they are
        shown (a project read again after charter.toml was mended keeps the unsaved edits)."""
        workspace = Workspace(root)
        for document_uri, document in self.workspace.text_documents.items():
            rel = workspace.relative(path_of(document_uri))
            if rel is not None and workspace.owns(rel):
                workspace.update(rel, document.source)
        self.projects[root] = workspace
        return workspace

    def project(self, path: Path) -> Workspace | None:
        root = self.root_for(path)
        if root not in self.projects:
            try:
                self.open_project(root)
            except SpecLoadError as error:
                self.publish_error(root, error)
                return None
        return self.projects[root]

    def located(self, document_uri: str) -> tuple[Workspace, str] | None:
        path = path_of(document_uri)
        workspace = self.project(path)
        rel = workspace.relative(path) if workspace is not None else None
        return None if workspace is None or rel is None else (workspace, rel)

    # diagnostics

    def to_lsp(self, diagnostic: Diagnostic, lines: Lines, root: Path) -> types.Diagnostic:
        start = lines.at(diagnostic.span.line, diagnostic.span.column)
        end = lines.at(diagnostic.span.line, diagnostic.span.column + diagnostic.length)
        rule = diagnostic.rule
        message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
        related = [
            types.DiagnosticRelatedInformation(
                types.Location(uri(root / other.span.file), whole_line(other.span.line - 1)),
                other.message,
            )
            for other in diagnostic.related
        ]
        return types.Diagnostic(
            range=types.Range(start, end),
            message=message,
            severity=_SEVERITIES[diagnostic.severity],
            code=diagnostic.code,
            code_description=types.CodeDescription(
                f"{self.rules_doc}#{rule.code.lower()}-{rule.name}"
            ),
            source="charter",
            related_information=related or None,
        )

    def publish(self, workspace: Workspace, last: str | None = None) -> None:
        """Every file's findings; the edited file `last`, so that its notification says that
        the whole project has been published."""
        by_file = workspace.diagnostics_by_file()
        before = self.published.get(workspace.root, set())
        files = sorted(before | set(by_file) | ({last} if last else set()))
        for rel in sorted(files, key=lambda rel: rel == last):
            lines = Lines(workspace.text_of(rel) or "")
            found = [self.to_lsp(d, lines, workspace.root) for d in by_file.get(rel, [])]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri(workspace.root / rel), found)
            )
        self.published[workspace.root] = set(by_file)

    def publish_error(self, root: Path, error: SpecLoadError) -> None:
        """An unusable project: its one-line error, at the file and line it names."""
        place = _PLACE.match(error.message)
        target, line = root / CONFIG_NAME, 0
        if place is not None:
            named = Path(place["file"])
            target = named if named.is_absolute() else root / named
            line = int(place["line"]) - 1
        text = (
            str(error)
            if place is None
            else f"{place['message']}" + (f" ({error.hint})" if error.hint else "")
        )
        found = types.Diagnostic(
            whole_line(line), text, types.DiagnosticSeverity.Error, source="charter"
        )
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri(target), [found]))
        self.published.setdefault(root, set()).add(
            target.resolve().relative_to(root.resolve()).as_posix()
            if target.resolve().is_relative_to(root.resolve())
            else str(target)
        )

    def refresh(self, document_uri: str, text: str | None, waited: float = 0.0) -> None:
        """Take the editor's text of the document, re-check its project and publish (`waited`:
        milliseconds since the edit, for the log)."""
        path = path_of(document_uri)
        root = self.root_for(path)
        workspace = self.projects.get(root)
        try:
            if workspace is None:
                workspace = self.open_project(root)
            rel = workspace.relative(path)
            if rel is not None:
                workspace.update(rel, text)
            workspace.check()
            timings = workspace.timings
            self.window_log_message(  # before the diagnostics: a client has both when they come
                types.LogMessageParams(
                    types.MessageType.Log,
                    f"checked {rel}: waited {waited:.1f} ms, read {timings.read_ms:.1f} ms, "
                    f"project check {timings.check_ms:.1f} ms",
                )
            )
            self.publish(workspace, rel)
        except SpecLoadError as error:
            self.projects.pop(root, None)
            self.publish_error(root, error)
        finally:
            self.last_activity[root] = time.monotonic()  # edits sent meanwhile are a burst

    async def changed(self, document_uri: str) -> None:
        """Check the edited project, unless another edit comes in first. An edit after a quiet
        spell (no edit and no check for the debounce delay) is checked at once; an edit in a
        burst waits for the delay, so that the burst is checked once, after its last edit."""
        root = self.root_for(path_of(document_uri))
        generation = self.generation.get(root, 0) + 1
        self.generation[root] = generation
        now = time.monotonic()
        quiet = now - self.last_activity.get(root, -math.inf) > self.debounce
        self.last_activity[root] = now
        await asyncio.sleep(0 if quiet else self.debounce)  # edits already received go first
        if self.generation[root] != generation:
            return
        waited = (time.monotonic() - now) * 1000
        self.refresh(document_uri, self.workspace.get_text_document(document_uri).source, waited)


def _options(params: types.InitializeParams) -> dict[str, Any]:
    options = params.initialization_options
    return options if isinstance(options, dict) else {}


def build_server() -> CharterServer:
    server = CharterServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: CharterServer, params: types.InitializeParams) -> None:
        options = _options(params)
        if isinstance(options.get("debounce"), int | float):
            ls.debounce = max(0.0, float(options["debounce"]) / 1000)
        if isinstance(options.get("rulesDocs"), str):
            ls.rules_doc = options["rulesDocs"]
        folders = [path_of(f.uri) for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [path_of(params.root_uri)]
        ls.roots = [folder.resolve() for folder in folders]

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CharterServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, params.text_document.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: CharterServer, params: types.DidChangeTextDocumentParams) -> None:
        await ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CharterServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.refresh(
            params.text_document.uri,
            ls.workspace.get_text_document(params.text_document.uri).source,
        )

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CharterServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, None)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: CharterServer, params: types.DidChangeWatchedFilesParams) -> None:
        for workspace in list(ls.projects.values()):
            workspace.reload()
            ls.publish(workspace)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CharterServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.located(params.text_document.uri)
        return None if found is None else _hover.hover(*found, params.position)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: CharterServer, params: types.DefinitionParams) -> list[types.Location]:
        found = ls.located(params.text_document.uri)
        return [] if found is None else _navigate.definition(*found, params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: CharterServer, params: types.ReferenceParams) -> list[types.Location]:
        found = ls.located(params.text_document.uri)
        return [] if found is None else _navigate.references(*found, params.position)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: CharterServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = ls.located(params.text_document.uri)
        if found is None:
            return None
        return _navigate.rename(*found, params.position, params.new_name)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["^", "#", "=", "-"]),
    )
    def completion(ls: CharterServer, params: types.CompletionParams) -> types.CompletionList:
        found = ls.located(params.text_document.uri)
        items = [] if found is None else _navigate.completion(*found, params.position)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]
        ),
    )
    def code_action(ls: CharterServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        found = ls.located(params.text_document.uri)
        return [] if found is None else _actions.code_actions(*found, params.range)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(
        ls: CharterServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        found = ls.located(params.text_document.uri)
        return [] if found is None else _navigate.document_symbols(*found)

    @server.feature(types.WORKSPACE_SYMBOL)
    def workspace_symbols(
        ls: CharterServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        for root in ls.roots:
            ls.project(root / CONFIG_NAME)
        return [
            symbol
            for workspace in ls.projects.values()
            for symbol in _navigate.workspace_symbols(workspace, params.query)
        ]

    return server


def serve() -> None:
    """Run the server on stdin and stdout until the editor ends it."""
    build_server().start_io()
