"""`charter check` on both Model Spec releases and on mutated copies of 2025-09-12."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from charter.check import CheckResult, check_path
from charter.diagnostics import Severity

Finding = tuple[str, str, int]
CopyRelease = Callable[[Path], Path]
CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def findings(result: CheckResult) -> list[Finding]:
    return [(d.code, d.span.file, d.span.line) for d in result.diagnostics]


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_2025_09_12_is_clean(release_0912: Path, run_charter: CliRunner) -> None:
    result = check_path(release_0912)
    assert result.diagnostics == []
    assert result.exit_code == 0
    done = run_charter("check", release_0912)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "All checks passed: 115 files, 114 clauses."


def test_2025_02_12_has_only_the_stray_markup_and_legacy_notes(release_0212: Path) -> None:
    result = check_path(release_0212)
    spec_file = release_0212 / "model_spec.md"
    platform_lines = [
        number
        for number, line in enumerate(spec_file.read_text(encoding="utf-8").split("\n"), 1)
        if line.startswith("#") and "authority=platform" in line
    ]
    stray = [d for d in result.diagnostics if d.code == "S110"]
    notes = [d for d in result.diagnostics if d.code == "S107"]
    assert len(stray) + len(notes) == len(result.diagnostics)
    assert [(d.span.line, d.span.column) for d in stray] == [(2745, 1), (2749, 1), (2750, 1)]
    assert all(d.message.startswith("stray `*` before `") for d in stray)
    assert sorted(d.span.line for d in notes) == platform_lines
    assert all(d.severity is Severity.NOTE for d in notes)
    assert result.exit_code == 1


def test_deleted_prompt_file_and_misspelt_tag_give_exactly_two_findings(
    release_0912: Path, copy_release: CopyRelease
) -> None:
    root = copy_release(release_0912)
    (root / "examples" / "8ep1.md").unlink()
    edit(root / "model_spec.md", "[^m12p]", "[^m1p2]")
    result = check_path(root)
    assert findings(result) == [("S102", "model_spec.md", 164), ("S104", "model_spec.md", 172)]
    missing, misspelt = result.diagnostics
    assert "`8ep1` has no prompt file" in missing.message
    assert "`m1p2`" in misspelt.message and "examples/m12p.md" in misspelt.message
    line = (root / "model_spec.md").read_text(encoding="utf-8").split("\n")[171]
    assert misspelt.span.column == line.index("[^m1p2]") + 1
    assert [r.span.file for r in misspelt.related] == ["examples/m12p.md"]
    assert result.exit_code == 1


def test_prompt_file_heading_naming_another_id(
    release_0912: Path, copy_release: CopyRelease
) -> None:
    root = copy_release(release_0912)
    edit(root / "examples" / "m12p.md", "Examples for [^m12p]", "Examples for [^d32l]")
    result = check_path(root)
    assert findings(result) == [("S113", "examples/m12p.md", 1)]
    assert "names clause `d32l`" in result.diagnostics[0].message


def test_duplicate_section_id(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    spec_file = root / "model_spec.md"
    spec_file.write_text(
        spec_file.read_text(encoding="utf-8") + "\n## Once more {#chain_of_command}\n\nText.\n",
        encoding="utf-8",
    )
    result = check_path(root)
    last = len(spec_file.read_text(encoding="utf-8").split("\n")) - 3
    assert findings(result) == [("S101", "model_spec.md", last)]
    (duplicate,) = result.diagnostics
    assert [r.span.line for r in duplicate.related] == [162]


def test_broken_title_link_suggests_the_near_id(
    release_0912: Path, copy_release: CopyRelease
) -> None:
    root = copy_release(release_0912)
    spec_file = root / "model_spec.md"
    edit(spec_file, "[?](#letter_and_spirit)", "[?](#leter_and_spirit)")
    result = check_path(root)
    assert findings(result) == [("S105", "model_spec.md", line_of(spec_file, "#leter_and"))]
    assert "did you mean `#letter_and_spirit`?" in result.diagnostics[0].message


def test_broken_blame_is_reported(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    edit(root / "model_spec.md", "BAD[#chain_of_command]: not helpful", "BAD[#no_such]: x")
    result = check_path(root)
    assert findings(result) == [("S105", "model_spec.md", 932)]
    assert result.diagnostics[0].message.startswith("blames `#no_such`")


def test_unknown_authority(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    edit(
        root / "model_spec.md",
        "{#letter_and_spirit authority=root}",
        "{#letter_and_spirit authority=admin}",
    )
    result = check_path(root)
    assert findings(result) == [("S106", "model_spec.md", 283)]
    heading = (root / "model_spec.md").read_text(encoding="utf-8").split("\n")[282]
    assert result.diagnostics[0].span.column == heading.index("authority=admin") + 1


def test_unlabelled_and_unknown_reply_labels(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    spec_file = root / "model_spec.md"
    lines = spec_file.read_text(encoding="utf-8").split("\n")
    assert lines[210] == "<assistant> <!-- GOOD -->" and lines[250] == "<assistant> <!-- GOOD -->"
    lines[210] = "<assistant>"
    lines[250] = "<assistant> <!-- GREAT -->"
    spec_file.write_text("\n".join(lines), encoding="utf-8")
    result = check_path(root)
    assert findings(result) == [("S111", "model_spec.md", 211), ("S112", "model_spec.md", 251)]
    assert "`GREAT`" in result.diagnostics[1].message


def test_example_title_without_block(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    spec_file = root / "model_spec.md"
    edit(
        spec_file,
        "## No other objectives",
        "**Example**: promised\n\nJust prose.\n\n## No other objectives",
    )
    result = check_path(root)
    assert findings(result) == [
        ("S116", "model_spec.md", line_of(spec_file, "**Example**: promised"))
    ]
    assert "`promised`" in result.diagnostics[0].message


def test_orphan_prompt_file(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    (root / "examples" / "zzzzzz.md").write_text(
        "Examples for [^zzzzzz] in Nowhere:\n\n"
        "**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n",
        encoding="utf-8",
    )
    result = check_path(root)
    assert findings(result) == [("S103", "examples/zzzzzz.md", 1)]


def test_clause_inside_commentary(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    spec_file = root / "model_spec.md"
    edit(spec_file, "We strongly advise developers", "Advice[^qq77]. We strongly advise developers")
    (root / "examples" / "qq77.md").write_text(
        (root / "examples" / "m12p.md").read_text(encoding="utf-8").replace("m12p", "qq77"),
        encoding="utf-8",
    )
    result = check_path(root)
    assert findings(result) == [("S115", "model_spec.md", line_of(spec_file, "[^qq77]"))]
    assert result.exit_code == 0


def test_empty_prompt_file(release_0912: Path, copy_release: CopyRelease) -> None:
    root = copy_release(release_0912)
    (root / "examples" / "m12p.md").write_text(
        "Examples for [^m12p] in Follow all applicable instructions:\n", encoding="utf-8"
    )
    result = check_path(root)
    assert findings(result) == [("S114", "examples/m12p.md", 1)]
    assert result.diagnostics[0].severity is Severity.WARNING
    assert result.exit_code == 0


@pytest.mark.parametrize("kind", ["backtick", "tilde"])
def test_a_tag_in_code_is_not_a_clause(
    release_0912: Path, copy_release: CopyRelease, kind: str
) -> None:
    root = copy_release(release_0912)
    snippet = "`[^nope]`" if kind == "backtick" else "\n\n~~~\n[^nope]\n~~~\n\n"
    edit(root / "model_spec.md", "Above all else,", f"Above all else {snippet},")
    result = check_path(root)
    assert findings(result) == []
    assert not any(re.search(r"nope", d.message) for d in result.diagnostics)
