"""The language server's project model: an edit re-reads only the edited file, and the open
buffers, not the files on disk, decide the findings (suppressions and fixes included)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from charter._memo import forget_all
from charter.check import check_path
from charter.diagnostics import Diagnostic
from charter.lsp._workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "helpdesk"
    shutil.copytree(EXAMPLES / "helpdesk", copy, ignore=shutil.ignore_patterns(".charter", "dist"))
    return copy


def test_findings_match_charter_check_with_the_linter(root: Path) -> None:
    workspace = Workspace(root)
    expected = check_path(root, select=workspace.selection())
    got = [(d.code, str(d.span), d.message) for d in workspace.check().diagnostics]
    assert got == [(d.code, str(d.span), d.message) for d in expected.diagnostics]
    assert any(code == "L011" for code, _, _ in got)


def test_an_edit_rereads_only_the_edited_file(root: Path) -> None:
    workspace = Workspace(root)
    before = {p.path: p for p in workspace.spec.prompt_files}
    spec_rel = "spec/helpdesk.md"
    text = workspace.text_of(spec_rel)
    assert text is not None
    workspace.update(spec_rel, text + "\nThe assistant must log refunds[^refund-log].\n")
    after = workspace.spec
    assert all(before[p.path] is p for p in after.prompt_files)  # prompt files were not re-read
    assert after.clause("refund-log") is not None
    assert "S102" in {d.code for d in workspace.check().diagnostics}  # no prompt file for it
    assert workspace.timings.reads == 1
    assert (root / spec_rel).read_text(encoding="utf-8") == text  # nothing was written


def test_the_buffer_not_the_disk_decides_suppressions(root: Path) -> None:
    workspace = Workspace(root)
    spec_rel = "spec/helpdesk.md"
    first = next(d for d in workspace.check().diagnostics if d.code == "L011")
    text = workspace.text_of(spec_rel)
    assert text is not None
    lines = text.split("\n")
    lines[first.span.line - 1] += " <!-- charter: ignore L011 -->"
    workspace.update(spec_rel, "\n".join(lines))
    places = {(d.code, d.span.line) for d in workspace.check().diagnostics}
    assert ("L011", first.span.line) not in places
    assert workspace.check().suppressed == 1
    workspace.update(spec_rel, None)  # closed unsaved: the file on disk counts again
    assert ("L011", first.span.line) in {
        (d.code, d.span.line) for d in workspace.check().diagnostics
    }


def test_a_new_prompt_file_in_a_buffer_joins_the_project(root: Path) -> None:
    workspace = Workspace(root)
    assert "S102" not in {d.code for d in workspace.check().diagnostics}
    workspace.update("cases/orphan.md", "Examples for [^orphan]:\n\n**Example**: x\n")
    codes = {d.code for d in workspace.check().diagnostics if d.span.file == "cases/orphan.md"}
    assert codes, "the unsaved prompt file was not read"
    workspace.update("cases/orphan.md", None)  # closed without saving: gone again
    assert all(d.span.file != "cases/orphan.md" for d in workspace.check().diagnostics)


def _found(diagnostics: list[Diagnostic]) -> list[tuple[str, str, str, str | None, int]]:
    return [(d.code, str(d.span), d.message, d.hint, d.length) for d in diagnostics]


#: Edits that each change what some memo holds: a sentence's lint findings, a clause's
#: statements, a heading, a clause tag, a link reference definition that changes how other
#: paragraphs' inline text parses, and a paragraph written twice.
_EDITS: list[tuple[str, str]] = [
    ("The assistant must strive to follow", "The assistant must reasonably strive to follow"),
    ("## No other objectives {#no_other_objectives", "## No other aims {#no_other_objectives"),
    ("instruction[^m12p] or", "instruction or"),
    (
        "Above all else, the assistant must adhere",
        "The assistant must never adhere to [the chain][chain].\n\n"
        "[chain]: #chain_of_command\n\nAbove all else, the assistant must adhere",
    ),
    (
        "## No other aims",
        "The assistant should always reply in French[^fr1].\n\n"
        "The assistant should never reply in French[^fr2].\n\n"
        "The assistant should always reply in French[^fr1].\n\n## No other aims",
    ),
    ("reasonably strive", "strive"),
]


@pytest.mark.usefixtures("corpora")
def test_edits_give_the_findings_of_a_fresh_check_of_the_final_text(
    tmp_path: Path, release_0912: Path
) -> None:
    edited, fresh = tmp_path / "edited", tmp_path / "fresh"
    for folder in (edited, fresh):
        folder.mkdir()
        shutil.copy(release_0912 / "model_spec.md", folder / "model_spec.md")
    workspace = Workspace(edited)
    workspace.check()
    text = workspace.text_of("model_spec.md")
    assert text is not None
    for old, new in _EDITS:
        assert old in text, old
        text = text.replace(old, new, 1)
        workspace.update("model_spec.md", text)
        workspace.check()
    (fresh / "model_spec.md").write_text(text, encoding="utf-8")
    forget_all()  # the fresh check reads everything from scratch
    expected = check_path(fresh, select=workspace.selection())
    got = _found(workspace.check().diagnostics)
    assert got == _found(expected.diagnostics)
    codes = {code for code, *_ in got}
    assert {"S101", "C201", "L005"} <= codes, sorted(codes)  # the edits made findings to compare
