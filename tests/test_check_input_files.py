"""Which files a check reads, and what it says about the ones it cannot use or leaves out."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
MakeProject = Callable[..., Path]

SPEC = "# Rules {#rules}\n\nThe assistant must be kind[^ab12].\n"
PROMPTS = "Examples for [^ab12] in Rules:\n\n**Example**: hi\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x1b[31mred\x9b\n"


def test_binary_spec_excerpt_is_escaped_and_counted(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"spec.md": BINARY})
    done = run_charter("check", root / "spec.md")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "S001 [fatal] file is binary" in done.stdout
    assert "\x1b" not in done.stdout and "\ufffd" not in done.stdout
    assert "\\x00\\x00\\x1b[31mred\\x9b" in done.stdout
    assert done.stdout.strip().endswith("Found 1 fatal in 1 files (S001 x1).")


def test_undecodable_prompt_file_is_counted(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"spec.md": SPEC, "cases/ab12.md": b"caf\xe9\n"})
    done = run_charter("check", root)
    assert done.returncode == 2
    assert "cases/ab12.md:1:4: S001 [fatal] byte 0xE9 is not valid UTF-8" in done.stdout
    assert " 1 | caf\\xe9" in done.stdout
    assert done.stdout.strip().endswith("in 2 files (S001 x1).")


def test_empty_spec_file_is_an_error(run_charter: CliRunner, make_project: MakeProject) -> None:
    root = make_project({"spec.md": " \n\n", "charter.toml": '[spec]\nfiles = ["spec.md"]\n'})
    for target in (root, root / "spec.md"):
        done = run_charter("check", target, "--format", "json")
        assert done.returncode == 1, done.stdout + done.stderr
        codes = [(d["code"], d["file"], d["line"]) for d in json.loads(done.stdout)["diagnostics"]]
        assert codes == [("S007", "spec.md", 1)]


def test_lower_case_security_md_is_a_spec_file(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"security.md": SPEC, "cases/ab12.md": PROMPTS})
    done = run_charter("show", root, "--stats")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["clauses"] == 1
    check = run_charter("check", root)
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip() == "All checks passed: 2 files, 1 clauses."


def test_skipped_repository_file_that_declares_clauses_is_named(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    quoted = "# About\n\nEach clause carries a tag, e.g. `[^abcd]`.\n"
    root = make_project(
        {
            "spec.md": SPEC,
            "cases/ab12.md": PROMPTS,
            "SECURITY.md": "# Security {#security}\n\nKeys must stay secret[^k3y].\n",
            "README.md": quoted,
        }
    )
    done = run_charter("check", root, "--format", "json")
    assert done.returncode == 0, done.stdout
    found = [(d["code"], d["file"], d["severity"]) for d in json.loads(done.stdout)["diagnostics"]]
    assert found == [("S008", "SECURITY.md", "note")]
    stats = json.loads(run_charter("show", root, "--stats").stdout)
    assert stats["clauses"] == 1
