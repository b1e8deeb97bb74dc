"""Lint in `charter check`: selection, configuration, suppression, formats and `--fix`."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

import charter.lint  # noqa: F401  (registers the lint checker)
from charter.check import check_path

MakeProject = Callable[..., Path]
CliRunner = Callable[..., subprocess.CompletedProcess[str]]

SPEC = (
    "# Rules {#rules}\n\n"
    "The assistant must not share names and/or emails.\n\n"
    "The assistant should refuse topics such as gore, spam, etc.\n\n"
    "The assistant should cite sources where feasible.\n\n"
    "The limit is TBD.\n"
)


def test_lint_is_opt_in_and_does_not_fail_the_gate(make_project: MakeProject) -> None:
    root = make_project({"spec.md": SPEC})
    assert check_path(root).diagnostics == []
    for chosen in (["L"], ["ALL"]):
        result = check_path(root, select=chosen)
        assert sorted(d.code for d in result.diagnostics) == ["L003", "L004", "L005", "L010"]
        assert result.exit_code == 0
    configured = make_project({"spec.md": SPEC, "charter.toml": '[check]\nselect = ["S", "L"]\n'})
    assert len(check_path(configured).diagnostics) == 4


def test_select_ignore_and_config(make_project: MakeProject) -> None:
    root = make_project({"spec.md": SPEC})
    assert [d.code for d in check_path(root, select=["L005"]).diagnostics] == ["L005"]
    ignored = check_path(root, select=["L"], ignore=["L004"]).diagnostics
    assert "L004" not in {d.code for d in ignored} and len(ignored) == 3
    assert check_path(root, select=["S"]).diagnostics == []
    raised = make_project(
        {
            "spec.md": SPEC,
            "charter.toml": '[check]\nselect = ["L"]\nseverity = { L010 = "error" }\n',
        }
    )
    result = check_path(raised)
    assert result.exit_code == 1
    assert [d.severity.value for d in result.diagnostics if d.code == "L010"] == ["error"]


def test_inline_suppression(make_project: MakeProject) -> None:
    spec = SPEC.replace("The limit is TBD.", "<!-- charter: ignore L010 -->\nThe limit is TBD.")
    result = check_path(make_project({"spec.md": spec}), select=["L"])
    assert "L010" not in {d.code for d in result.diagnostics}
    assert result.suppressed == 1


@pytest.mark.parametrize("output_format", ["json", "sarif", "github", "text"])
def test_formats_carry_lint_codes(
    make_project: MakeProject, run_charter: CliRunner, output_format: str
) -> None:
    root = make_project({"spec.md": SPEC})
    done = run_charter("check", root, "--format", output_format, "--select", "L")
    assert done.returncode == 0, done.stderr
    assert "L005" in done.stdout
    if output_format == "sarif":
        rules = json.loads(done.stdout)["runs"][0]["tool"]["driver"]["rules"]
        assert any(rule["id"] == "L005" for rule in rules)


def test_fix_is_byte_exact(make_project: MakeProject, run_charter: CliRunner) -> None:
    spec = SPEC.replace("\n", "\r\n") + "  trailing  \r\n"
    root = make_project({"spec.md": spec.encode("utf-8")})
    before = (root / "spec.md").read_bytes()
    done = run_charter("check", root, "--fix", "--select", "L")
    assert done.returncode == 0, done.stderr
    assert "Fixed 2 findings." in done.stderr
    after = (root / "spec.md").read_bytes()
    expected = before.replace(b"names and/or emails", b"names or emails").replace(
        b"gore, spam, etc.", b"gore, spam."
    )
    assert after == expected
    assert "L005" not in done.stdout and "L010" in done.stdout


def test_fix_respects_ignore_and_suppression(
    make_project: MakeProject, run_charter: CliRunner
) -> None:
    root = make_project({"spec.md": SPEC})
    before = (root / "spec.md").read_bytes()
    done = run_charter("check", root, "--fix", "--select", "L", "--ignore", "L004,L005")
    assert done.returncode == 0, done.stderr
    assert (root / "spec.md").read_bytes() == before


def test_bad_lint_config_exits_2_in_one_line(
    make_project: MakeProject, run_charter: CliRunner
) -> None:
    root = make_project({"spec.md": SPEC, "charter.toml": '[lint]\nmodal-style = "loud"\n'})
    done = run_charter("check", root)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "modal-style" in done.stderr
    assert "Traceback" not in done.stderr
