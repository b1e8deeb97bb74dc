"""`charter lsp` driven by a real LSP client (pytest-lsp) over stdio, on a copy of the helpdesk
example with a few planted problems, the multiteam example and the Model Spec."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

pytest_lsp = pytest.importorskip("pytest_lsp", reason="needs the dev extra (pytest-lsp)")
types = pytest.importorskip("lsprotocol.types", reason="needs the lsp extra (pygls)")

from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from charter.check import check_path, default_selection  # noqa: E402
from charter.grade import Grade, Verdict  # noqa: E402
from charter.lsp._positions import Lines  # noqa: E402
from charter.lsp._workspace import EDITOR_FAMILIES  # noqa: E402
from charter.run import RunStore, store_path  # noqa: E402
from charter.run._store import SampleRecord  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "charter", "lsp"])

ADDED = """
## Additions {#additions authority=platform}

Replies should be reasonably short[^short-replies].

The assistant must log every refund it grants[^refnd-log].

See [?](#safety) for the floor[^see-floor].

The assistant MUST greet the customer by name[^greet].
"""

PRECEDENT = """id: crisis-care
clause_ids:
  - crisis
verdict: comply
rationale: points to a crisis line
conversation:
  - role: user
    content: I do not want to go on.
reply: I'm sorry you feel this way. Please call a crisis line now.
decided_by: qa@acme.example
decided_at: 2026-01-05
"""


def _store_run(root: Path) -> None:
    """A graded run of `crisis` in the project's run store: three comply, one violate."""
    with RunStore(store_path(root)) as store:
        run_id = store.create_run(
            project=str(root),
            model="local:smollm2",
            grader="checks",
            settings={},
            plan=[],
            epochs=1,
        )
        for number, verdict in enumerate(("comply", "comply", "violate", "comply")):
            sample = SampleRecord(
                run_id, "crisis", number, f"h{number}", 0, [], "local:smollm2", {}, "reply",
                0.1, None, None, None, f"key-{number}",
            )  # fmt: skip
            sample_id = store.add_sample(sample)
            assert sample_id is not None
            store.add_grade(sample_id, Grade(Verdict(verdict), "checks"))
        store.set_status(run_id, "complete")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "helpdesk"
    shutil.copytree(EXAMPLES / "helpdesk", root, ignore=shutil.ignore_patterns(".charter", "dist"))
    spec = root / "spec" / "helpdesk.md"
    spec.write_text(spec.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    (root / "cases" / "refund-log.md").write_text(
        "Examples for [^refund-log] in Additions:\n\n**Example**: a refund\n\n~~~xml\n<user>\n"
        "Refund my order.\n</user>\n~~~\n",
        encoding="utf-8",
    )
    (root / "precedents").mkdir()
    (root / "precedents" / "crisis-care.yaml").write_text(PRECEDENT, encoding="utf-8")
    _store_run(root)
    return root


def _capabilities() -> Any:
    return types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[
                    types.ResourceOperationKind.Create,
                    types.ResourceOperationKind.Rename,
                ],
            )
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                code_description_support=True, related_information=True
            ),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    types.ClientCodeActionKindOptions(
                        [types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]
                    )
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            document_symbol=types.DocumentSymbolClientCapabilities(
                hierarchical_document_symbol_support=True
            ),
        ),
    )


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, project: Path, request: pytest.FixtureRequest) -> Any:
    """A client of a server on the project, checking at once after each edit unless the test
    asks for a debounce (`@pytest.mark.parametrize("client", [ms], indirect=True)`)."""
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=_capabilities(),
            workspace_folders=[types.WorkspaceFolder(project.as_uri(), "helpdesk")],
            initialization_options={"debounce": getattr(request, "param", 0)},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest_asyncio.fixture
async def spec(client: LanguageClient, project: Path) -> Path:
    """The project's spec file, open in the client, its first diagnostics arrived."""
    path = project / "spec" / "helpdesk.md"
    await _open(client, path)
    return path


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


async def _open(client: LanguageClient, path: Path) -> str:
    uri = _uri(path)
    _forget(client, uri)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, "markdown", 1, path.read_text(encoding="utf-8"))
        )
    )
    await _published(client, uri)
    return uri


async def _published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """Wait for the diagnostics of `uri` (the server publishes the edited file last). The
    caller has removed the file's earlier diagnostics (`_forget`) before the edit."""
    async with asyncio.timeout(60):
        while uri not in client.diagnostics:
            await asyncio.sleep(0.01)
    return list(client.diagnostics[uri])


def _forget(client: LanguageClient, uri: str) -> None:
    client.diagnostics.pop(uri, None)


def _find(path: Path, needle: str) -> types.Position:
    """The position of the first character of `needle` in the file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
        if needle in line:
            return types.Position(number, line.index(needle))
    raise AssertionError(f"{needle!r} not in {path}")


def _at(path: Path, needle: str, shift: int = 0) -> types.TextDocumentPositionParams:
    found = _find(path, needle)
    where = types.Position(found.line, found.character + shift)
    return types.TextDocumentPositionParams(types.TextDocumentIdentifier(path.as_uri()), where)


def _codes(client: LanguageClient, path: Path) -> list[str]:
    return [str(d.code) for d in client.diagnostics.get(path.resolve().as_uri(), [])]


@pytest.mark.asyncio
async def test_diagnostics_on_open_have_codes_and_rule_doc_links(
    client: LanguageClient, spec: Path
) -> None:
    uri = _uri(spec)
    found = client.diagnostics[uri]
    by_code = {str(d.code): d for d in found}
    assert {"S107", "S104", "L011"} <= set(by_code), sorted(by_code)
    legacy = by_code["S107"]
    assert legacy.range.start.line == _find(spec, "authority=platform").line
    assert legacy.code_description is not None
    assert legacy.code_description.href.endswith("rules.md#s107-legacy-authority")
    assert legacy.source == "charter"


@pytest.mark.asyncio
async def test_change_is_checked_again_and_fixed_problem_disappears(
    client: LanguageClient, spec: Path
) -> None:
    uri = _uri(spec)
    assert "S107" in _codes(client, spec)
    place = _find(spec, "authority=platform")
    start = types.Position(place.line, place.character + len("authority="))
    end = types.Position(start.line, start.character + len("platform"))
    _forget(client, uri)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [types.TextDocumentContentChangePartial(types.Range(start, end), "system")],
        )
    )
    await _published(client, uri)
    assert "S107" not in _codes(client, spec)
    assert "S104" in _codes(client, spec)  # the rest is still found, from the edited buffer


@pytest.mark.asyncio
async def test_prompt_file_and_settings_diagnostics(client: LanguageClient, project: Path) -> None:
    prompt = project / "cases" / "refund-log.md"
    prompt.write_text("---\nchecks:\n  - containz: x\n---\n" + prompt.read_text(), "utf-8")
    await _open(client, prompt)
    assert "S119" in _codes(client, prompt)
    config = project / "charter.toml"
    uri = config.as_uri()
    _forget(client, uri)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri, "toml", 1, config.read_text().replace("[spec]\n", "[spec]\nnmae = 'x'\n", 1)
            )
        )
    )
    problems = await _published(client, uri)
    assert problems and problems[0].severity == types.DiagnosticSeverity.Error
    assert "nmae" in problems[0].message


@pytest.mark.asyncio
async def test_hover_on_clause_shows_authority_prompts_precedents_and_pass_rate(
    client: LanguageClient, spec: Path
) -> None:
    hover = await client.text_document_hover_async(
        types.HoverParams(**_kw(_at(spec, "[^crisis]", 3)))
    )
    assert hover is not None
    text = hover.contents.value  # type: ignore[union-attr]
    assert "**[^crisis]**" in text
    assert "authority: `root`" in text
    assert "cases/crisis.md" in text
    assert "`crisis-care` (comply)" in text
    assert "3 of 4 graded replies comply (75%)" in text


@pytest.mark.asyncio
async def test_hover_on_rule_code_and_authority(client: LanguageClient, project: Path) -> None:
    spec = project / "spec" / "helpdesk.md"
    spec.write_text(spec.read_text() + "\n<!-- charter: ignore S114 -->\n", "utf-8")
    await _open(client, spec)
    rule = await client.text_document_hover_async(types.HoverParams(**_kw(_at(spec, "S114"))))
    assert rule is not None and "**S114" in rule.contents.value  # type: ignore[union-attr]
    authority = await client.text_document_hover_async(
        types.HoverParams(**_kw(_at(spec, "authority=user", len("authority=") + 1)))
    )
    assert authority is not None
    text = authority.contents.value  # type: ignore[union-attr]
    assert "may override clauses of: `guideline`" in text
    assert "may be overridden by: `root`, `system`, `developer`" in text


def _kw(params: types.TextDocumentPositionParams) -> dict[str, Any]:
    return {"text_document": params.text_document, "position": params.position}


@pytest.mark.asyncio
async def test_definition_of_clause_anchor_and_module(
    client: LanguageClient, project: Path, spec: Path
) -> None:
    places = await client.text_document_definition_async(
        types.DefinitionParams(**_kw(_at(spec, "[^crisis]", 3)))
    )
    assert isinstance(places, list)
    uris = [place.uri for place in places]
    assert uris == [spec.as_uri(), (project / "cases" / "crisis.md").as_uri()]
    assert places[0].range.start.line == _find(spec, "[^crisis]").line
    anchor = await client.text_document_definition_async(
        types.DefinitionParams(**_kw(_at(spec, "(#safety)", 3)))
    )
    assert isinstance(anchor, list)
    assert anchor[0].range.start.line == _find(spec, "{#safety").line


@pytest.mark.asyncio
async def test_definition_of_imported_module_id(client: LanguageClient) -> None:
    root = (EXAMPLES / "multiteam").resolve()
    product = root / "product.md"
    await _open(client, product)
    places = await client.text_document_definition_async(
        types.DefinitionParams(**_kw(_at(product, "as: legal", 4)))
    )
    assert isinstance(places, list) and places
    assert places[0].uri == (root / "legal" / "legal.md").as_uri()
    uses = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True),
            **_kw(_at(product, "as: brand", 4)),
        )
    )
    assert uses is not None
    found = {(place.uri, place.range.start.line) for place in uses}
    assert (product.as_uri(), _find(product, "as: brand").line) in found
    assert (product.as_uri(), _find(product, "clause: brand:english-only").line) in found


@pytest.mark.asyncio
async def test_references_of_clause(client: LanguageClient, project: Path, spec: Path) -> None:
    found = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True),
            **_kw(_at(spec, "[^crisis]", 3)),
        )
    )
    assert found is not None
    uris = {place.uri for place in found}
    assert spec.as_uri() in uris
    assert (project / "cases" / "crisis.md").as_uri() in uris


@pytest.mark.asyncio
async def test_rename_clause_across_spec_prompts_and_precedents(
    client: LanguageClient, project: Path, spec: Path
) -> None:
    edit = await client.text_document_rename_async(
        types.RenameParams(new_name="crisis-care", **_kw(_at(spec, "[^crisis]", 3)))
    )
    assert edit is not None and edit.document_changes is not None
    edited: dict[str, list[str]] = {}
    renamed = []
    for change in edit.document_changes:
        if isinstance(change, types.RenameFile):
            renamed.append((change.old_uri, change.new_uri))
        elif isinstance(change, types.TextDocumentEdit):
            edited[change.text_document.uri] = [e.new_text for e in change.edits]
    assert edited[spec.as_uri()] == ["crisis-care"]
    assert edited[(project / "cases" / "crisis.md").as_uri()] == ["crisis-care"]
    assert edited[(project / "precedents" / "crisis-care.yaml").as_uri()] == ["crisis-care"]
    cases = project / "cases"
    assert renamed == [((cases / "crisis.md").as_uri(), (cases / "crisis-care.md").as_uri())]


@pytest.mark.asyncio
async def test_rename_covers_overrides_in_front_matter(client: LanguageClient) -> None:
    product = (EXAMPLES / "multiteam" / "product.md").resolve()
    await _open(client, product)
    edit = await client.text_document_rename_async(
        types.RenameParams(new_name="same-language", **_kw(_at(product, "[^match-language]", 3)))
    )
    assert edit is not None and edit.document_changes is not None
    lines = sorted(
        e.range.start.line
        for change in edit.document_changes
        if isinstance(change, types.TextDocumentEdit)
        and change.text_document.uri == product.as_uri()
        for e in change.edits
    )
    assert lines == [
        _find(product, "by: match-language").line,
        _find(product, "[^match-language]").line,
    ]


async def _complete(client: LanguageClient, path: Path, line: int, column: int) -> list[str]:
    found = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(path.as_uri()),
            position=types.Position(line, column),
        )
    )
    assert isinstance(found, types.CompletionList)
    return [item.label for item in found.items]


@pytest.mark.asyncio
async def test_completion_of_ids_anchors_authorities_and_check_kinds(
    client: LanguageClient, project: Path, spec: Path
) -> None:
    uri = _uri(spec)
    last = len(spec.read_text().split("\n")) - 1
    for typed, expected in (
        ("Also see [^", "crisis"),
        ("Also see [?](#", "safety"),
        ("## New {#new authority=", "guideline"),
    ):
        _forget(client, uri)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=2, uri=uri),
                [types.TextDocumentContentChangePartial(types.Range(
                    types.Position(last, 0), types.Position(last, 200)), typed)],
            )
        )  # fmt: skip
        await _published(client, uri)
        assert expected in await _complete(client, spec, last, len(typed))
    prompt = project / "cases" / "crisis.md"
    prompt.write_text("---\nchecks:\n  - \n---\n" + prompt.read_text(), "utf-8")
    await _open(client, prompt)
    assert {"contains", "regex", "refusal"} <= set(await _complete(client, prompt, 2, 4))


async def _actions(client: LanguageClient, path: Path, needle: str) -> list[types.CodeAction]:
    line = _find(path, needle).line
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(path.as_uri()),
            range=types.Range(types.Position(line, 0), types.Position(line, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert found is not None
    return [action for action in found if isinstance(action, types.CodeAction)]


def _edits_of(action: types.CodeAction) -> list[Any]:
    assert action.edit is not None and action.edit.document_changes is not None
    return list(action.edit.document_changes)


@pytest.mark.asyncio
async def test_code_actions_fix_ignore_and_create_prompt_file(
    client: LanguageClient, project: Path, spec: Path
) -> None:
    actions = {a.title: a for a in await _actions(client, spec, "authority=platform")}
    fix = actions["Fix S107 legacy-authority"]
    (change,) = _edits_of(fix)
    assert [e.new_text for e in change.edits] == ["authority=root"]
    ignore = actions["Ignore S107 on this line"]
    (change,) = _edits_of(ignore)
    assert change.edits[0].new_text == " <!-- charter: ignore S107 -->"
    misspelt = {a.title: a for a in await _actions(client, spec, "[^refnd-log]")}
    (change,) = _edits_of(misspelt["Fix S104 misspelt-clause-id"])
    assert [e.new_text for e in change.edits] == ["[^refund-log]"]
    modal = {a.title: a for a in await _actions(client, spec, "MUST greet")}
    (change,) = _edits_of(modal["Fix L013 modal-style"])  # a fix of the linter's
    assert [e.new_text for e in change.edits] == ["must"]
    assert change.edits[0].range.start.character == _find(spec, "MUST greet").character
    create = {a.title: a for a in await _actions(client, spec, "[^short-replies]")}
    created, filled = _edits_of(create["Create prompt file cases/short-replies.md"])
    assert isinstance(created, types.CreateFile)
    assert created.uri == (project / "cases" / "short-replies.md").as_uri()
    assert filled.edits[0].new_text.startswith("Examples for [^short-replies] in Additions:")


@pytest.mark.asyncio
async def test_clarify_questions_are_choices_that_write_the_answer(
    client: LanguageClient, spec: Path
) -> None:
    actions = [
        a
        for a in await _actions(client, spec, "reasonably short")
        if a.title.startswith("Clarify:")
    ]
    assert actions, "no clarify question for `reasonably`"
    (change,) = _edits_of(actions[0])
    written = "".join(e.new_text for e in change.edits)
    assert "## Clarifications" in written  # the answer is logged as `charter clarify` logs it


@pytest.mark.asyncio
async def test_document_and_workspace_symbols(client: LanguageClient, spec: Path) -> None:
    outline = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(spec.as_uri()))
    )
    assert outline is not None
    (top,) = outline
    assert isinstance(top, types.DocumentSymbol) and top.name == "Acme Helpdesk assistant"
    sections = {child.name: child for child in top.children or []}
    safety = sections["Safety floor"]
    assert {"pay-pan", "acct-takeover", "crisis"} <= {c.name for c in safety.children or []}
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="crisis"))
    assert symbols is not None
    assert [s.name for s in symbols] == ["crisis"]
    every = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    assert every is not None and {"pay-pan", "short-replies", "no-blame"} <= {s.name for s in every}


def _checks_logged(client: LanguageClient) -> int:
    return sum(1 for m in client.log_messages if m.message.startswith("checked spec/helpdesk.md"))


@pytest.mark.asyncio
@pytest.mark.parametrize("client", [400], indirect=True)
async def test_a_burst_of_edits_is_checked_once(client: LanguageClient, spec: Path) -> None:
    uri = _uri(spec)
    opened = _checks_logged(client)
    _forget(client, uri)
    for number in range(3):
        at = types.Position(0, 0)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=number + 2, uri=uri),
                [types.TextDocumentContentChangePartial(types.Range(at, at), "")],
            )
        )
    await _published(client, uri)
    await asyncio.sleep(0.6)  # longer than the debounce: a second check would have come by now
    assert _checks_logged(client) - opened == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("client", [1500], indirect=True)
async def test_an_edit_after_a_quiet_spell_is_checked_without_the_delay(
    client: LanguageClient, spec: Path
) -> None:
    uri = _uri(spec)
    await asyncio.sleep(1.6)  # no edit and no check for longer than the debounce
    _forget(client, uri)
    at = types.Position(0, 0)
    started = time.monotonic()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [types.TextDocumentContentChangePartial(types.Range(at, at), " ")],
        )
    )
    await _published(client, uri)
    assert time.monotonic() - started < 1.2  # checked at once, not after the 1.5 s delay


def _replace_all(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text)],
        )
    )


@pytest.mark.asyncio
async def test_unsaved_edits_survive_a_broken_then_mended_charter_toml(
    client: LanguageClient, project: Path, spec: Path
) -> None:
    spec_uri = _uri(spec)
    _forget(client, spec_uri)
    _replace_all(client, spec_uri, 2, spec.read_text() + "\nReplies must be kind[^kind-x].\n")
    assert "S102" in [str(d.code) for d in await _published(client, spec_uri)]
    config = project / "charter.toml"
    good = config.read_text(encoding="utf-8")
    config_uri = config.as_uri()
    _forget(client, config_uri)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(config_uri, "toml", 1, good.replace("[spec]", "[spec", 1))
        )
    )
    assert "invalid TOML" in (await _published(client, config_uri))[0].message
    _forget(client, config_uri)
    _forget(client, spec_uri)
    _replace_all(client, config_uri, 2, good)
    assert await _published(client, config_uri) == []
    kind = [d for d in client.diagnostics[spec_uri] if "kind-x" in d.message]
    assert [str(d.code) for d in kind] == ["S102"]  # the unsaved clause is still seen


def _type_over(
    client: LanguageClient, uri: str, version: int, text: str, old: str, new: str
) -> str:
    """Replace the first `old` of the document by `new` with one ranged change, as an editor
    sends it; the document's new text."""
    lines = Lines(text)
    start = text.index(old)
    change = types.TextDocumentContentChangePartial(
        types.Range(lines.position(start), lines.position(start + len(old))), new
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri), [change]
        )
    )
    return text[:start] + new + text[start + len(old) :]


def _shown(found: list[types.Diagnostic]) -> list[tuple[str, int, int, str]]:
    return sorted(
        (str(d.code), d.range.start.line, d.range.start.character, d.message) for d in found
    )


#: Edits that change lint findings, a clause's statements (a new conflict), a heading, a clause
#: tag, and that undo themselves.
_EDITS = [
    ("must never repeat", "must never reasonably repeat"),
    ("## Safety floor", "## Safety rules"),
    (
        "digits[^pay-pan].",
        "digits[^pay-pan].\n\nThe assistant must always repeat the PIN[^pin-echo].",
    ),
    ("[^scope]", ""),
    ("never reasonably repeat", "never repeat"),
]


@pytest.mark.asyncio
async def test_findings_after_several_edits_are_those_of_a_fresh_check(
    client: LanguageClient, project: Path, spec: Path, tmp_path: Path
) -> None:
    uri = _uri(spec)
    text = spec.read_text(encoding="utf-8")
    for version, (old, new) in enumerate(_EDITS, start=2):
        _forget(client, uri)
        text = _type_over(client, uri, version, text, old, new)
        published = await _published(client, uri)
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh)
    (fresh / "spec" / "helpdesk.md").write_text(text, encoding="utf-8")
    expected = check_path(fresh, select=[*default_selection(), *EDITOR_FAMILIES])
    lines = Lines(text)
    wanted = [
        (
            d.code,
            lines.at(d.span.line, d.span.column).line,
            lines.at(d.span.line, d.span.column).character,
            d.message + (f" ({d.hint})" if d.hint else ""),
        )
        for d in expected.diagnostics
        if d.span.file == "spec/helpdesk.md"
    ]
    assert _shown(published) == sorted(wanted)
    pin_echo = {code for code, *_, message in wanted if "pin-echo" in message}
    assert {"S102", "C201"} <= pin_echo, wanted  # the added clause was checked, conflict and all
