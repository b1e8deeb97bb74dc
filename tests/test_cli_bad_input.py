"""Bad input through the real command line: one clear line, the right exit code, no traceback."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
MakeProject = Callable[..., Path]

SPEC = "# Rules {#rules}\n\nThe assistant must be kind[^ab12].\n"
PROMPTS = "Examples for [^ab12] in Rules:\n\n**Example**: hi\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stdout and "Traceback" not in done.stderr, done.stderr


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single `charter: error:` line a usage or load failure prints."""
    no_traceback(done)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().split("\n")
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("charter: error: ")
    return lines[0]


def json_findings(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    no_traceback(done)
    findings: list[dict[str, Any]] = json.loads(done.stdout)["diagnostics"]
    return findings


def test_missing_path(run_charter: CliRunner, tmp_path: Path) -> None:
    line = one_error_line(run_charter("check", tmp_path / "nowhere"))
    assert line.endswith("nowhere: no such file or directory (check the path)")


def test_folder_without_a_spec(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"notes.txt": "hello\n", "README.md": "# Readme\n"})
    line = one_error_line(run_charter("check", root))
    assert f"{root}: no spec found" in line


def test_latin1_byte_is_reported_at_its_line_and_column(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"spec.md": b"# T {#t}\n\nSome caf\xe9 text[^ab12].\n"})
    done = run_charter("check", root)
    no_traceback(done)
    assert done.returncode == 2
    head = done.stdout.split("\n")[0]
    assert re.fullmatch(r".*spec\.md:3:9: S001 \[fatal\] byte 0xE9 is not valid UTF-8", head), head
    github = run_charter("check", root, "--format", "github")
    assert github.returncode == 2
    assert github.stdout.count("\n") == 1
    assert ",line=3,col=9,title=S001 unreadable-file::" in github.stdout


def test_nul_bytes_make_a_binary_file(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"spec.md": b"# T {#t}\n\x00\x01\x02 rule[^ab12].\n"})
    findings = json_findings(run_charter("check", root, "--format", "json"))
    assert [(f["code"], f["line"]) for f in findings] == [("S001", 2)]
    assert "binary" in findings[0]["message"]
    late = make_project({"spec.md": SPEC + "x" * 20_000 + "\n\x00\n"})
    done = run_charter("check", late, "--format", "json")
    assert done.returncode == 2
    assert [(f["code"], f["line"]) for f in json_findings(done)] == [("S001", 5)]


def test_unclosed_example_block_is_reported_at_its_opening_line(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    spec = (
        SPEC + "\n**Example**: open\n\n~~~xml\n<user>\nhi\n</user>\n\n## Later {#later}\n\nMore.\n"
    )
    root = make_project({"spec.md": spec, "examples/ab12.md": PROMPTS})
    done = run_charter("check", root, "--format", "json")
    assert done.returncode == 1
    findings = json_findings(done)
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("S109", 7, 1)]
    assert "never closed" in findings[0]["message"]
    shown = json.loads(run_charter("show", root, "--format", "json").stdout)
    assert [turn["content"] for turn in shown["examples"][0]["turns"]] == ["hi"]


def test_malformed_front_matter_points_at_the_yaml_error(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    spec = "---\nname: x\nversion: [1.0\nowner: y\n---\n" + SPEC
    root = make_project({"spec.md": spec, "examples/ab12.md": PROMPTS})
    done = run_charter("check", root)
    no_traceback(done)
    assert done.returncode == 2
    head = done.stdout.split("\n")[0]
    assert re.fullmatch(r".*spec\.md:4:6: S003 \[fatal\] front matter is not valid YAML: .+", head)


def test_front_matter_that_is_not_a_mapping(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"spec.md": "---\n- a\n- b\n---\n" + SPEC, "examples/ab12.md": PROMPTS})
    done = run_charter("check", root, "--format", "json")
    assert done.returncode == 2
    assert [(f["code"], f["line"]) for f in json_findings(done)] == [("S003", 2)]


def test_huge_file_is_refused_without_reading_it(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"spec.md": SPEC})
    with (root / "spec.md").open("r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: NUL bytes that a read would report as S001
    started = time.monotonic()
    done = run_charter("check", root, "--format", "json")
    elapsed = time.monotonic() - started
    assert done.returncode == 2
    findings = json_findings(done)
    assert [(f["code"], f["line"]) for f in findings] == [("S002", 1)]
    assert "50.0 MiB" in findings[0]["message"]
    assert elapsed < 10


def test_two_hundred_quote_levels(run_charter: CliRunner, make_project: MakeProject) -> None:
    spec = "# Q {#q}\n\n" + ">" * 200 + " deep text[^deep1].\n"
    root = make_project({"spec.md": spec})
    done = run_charter("check", root, "--format", "json")
    findings = json_findings(done)
    assert [(f["code"], f["line"]) for f in findings] == [("S004", 3), ("S102", 3)]
    assert "`deep1`" in findings[1]["message"]
    assert done.returncode == 1


def test_two_hundred_list_levels(run_charter: CliRunner, make_project: MakeProject) -> None:
    items = "".join("  " * level + f"- item {level}\n" for level in range(200))
    root = make_project({"spec.md": "# L {#l}\n\n" + items})
    done = run_charter("check", root, "--format", "json")
    findings = json_findings(done)
    assert [f["code"] for f in findings] == ["S004"]
    assert 3 < findings[0]["line"] < 30
    assert done.returncode == 0


def test_two_hundred_nested_tags_in_a_turn(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    tags = "".join(f"<t{n}>\n" for n in range(200)) + "".join(
        f"</t{n}>\n" for n in reversed(range(200))
    )
    same = "<user>\n" * 200 + "</user>\n" * 200
    spec = SPEC + f"\n**Example**: a\n\n~~~xml\n<user>\n{tags}</user>\n~~~\n"
    spec += f"\n**Example**: b\n\n~~~xml\n<user>\n{same}</user>\n~~~\n"
    root = make_project({"spec.md": spec, "examples/ab12.md": PROMPTS})
    done = run_charter("check", root, "--format", "json")
    assert json_findings(done) == []
    assert done.returncode == 0
    shown = run_charter("show", root, "--format", "json")
    no_traceback(shown)
    examples = json.loads(shown.stdout)["examples"]
    assert [len(e["turns"]) for e in examples] == [1, 1]
    assert examples[0]["turns"][0]["content"] == tags.strip()
    assert examples[1]["turns"][0]["content"].count("<user>") == 200


def test_invalid_toml_names_file_line_and_column(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"spec.md": SPEC, "charter.toml": '[spec]\nname = "x\n'})
    line = one_error_line(run_charter("check", root))
    assert re.search(r"charter\.toml:2:\d+: invalid TOML: ", line), line
    root = make_project({"spec.md": SPEC, "charter.toml": '[spec]\nfiles = ["spec.md"\n'})
    line = one_error_line(run_charter("check", root))
    assert re.search(r"charter\.toml:2:19: invalid TOML: Unclosed array", line), line


def test_toml_that_is_not_utf8(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"spec.md": SPEC, "charter.toml": b"# caf\xe9\n"})
    line = one_error_line(run_charter("check", root))
    assert "charter.toml:1:6: not UTF-8 text (byte 0xE9)" in line


def test_toml_check_options_of_the_wrong_type(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    for table, option in (
        ('select = "S1"', "select"),
        ("ignore = [1]", "ignore"),
        ('severity = { S102 = "fatal" }', "severity"),
        ("max-file-bytes = -1", "max-file-bytes"),
    ):
        root = make_project({"spec.md": SPEC, "charter.toml": f"[check]\n{table}\n"})
        line = one_error_line(run_charter("check", root))
        assert f"charter.toml: [check] {option} must " in line


def test_toml_path_outside_the_project(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"spec.md": SPEC, "charter.toml": '[spec]\nfiles = ["../elsewhere.md"]\n'})
    line = one_error_line(run_charter("check", root))
    assert "`../elsewhere.md` points outside the project" in line


def test_unknown_format(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"spec.md": SPEC, "examples/ab12.md": PROMPTS})
    line = one_error_line(run_charter("check", root, "--format", "xml"))
    assert "--format must be one of text, json, sarif, github, not `xml`" in line
    line = one_error_line(run_charter("show", root, "--format", "yaml"))
    assert "--format must be text or json" in line


def test_show_unknown_item(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"spec.md": SPEC, "examples/ab12.md": PROMPTS})
    line = one_error_line(run_charter("show", root, "nosuchid"))
    assert "`nosuchid` is neither a clause id nor a section id" in line


def test_unknown_option_and_rule(run_charter: CliRunner, make_project: MakeProject) -> None:
    done = run_charter("check", "--no-such-option")
    no_traceback(done)
    assert done.returncode == 2
    assert "No such option" in done.stderr
    line = one_error_line(run_charter("rule", "S999"))
    assert "no rule `S999`" in line


def test_output_into_a_missing_folder(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"spec.md": SPEC, "examples/ab12.md": PROMPTS})
    line = one_error_line(run_charter("check", root, "--output", root / "no" / "report.json"))
    assert "report.json" in line


def test_show_refuses_unusable_input(run_charter: CliRunner, make_project: MakeProject) -> None:
    latin = make_project({"spec.md": b"# T {#t}\n\nSome caf\xe9 text[^ab12].\n"})
    for args in (("--stats",), ("--format", "json"), ()):
        line = one_error_line(run_charter("show", latin, *args))
        assert line.endswith("spec.md:3:9: S001 byte 0xE9 is not valid UTF-8"), line
    bad_yaml = make_project({"spec.md": "---\nname: [x\n---\n" + SPEC})
    line = one_error_line(run_charter("show", bad_yaml, "--stats"))
    assert re.search(r"spec\.md:\d+:\d+: S003 front matter is not valid YAML", line), line
