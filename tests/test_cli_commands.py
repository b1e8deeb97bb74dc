"""`charter show`, `schema`, `rules`, `rule`, `--version` and `--help` through the real CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer

from charter import __version__
from charter.check import _structure
from charter.cli import app
from charter.diagnostics import Rule
from charter.spec import _rules, load_spec

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def schema(run_charter: CliRunner) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(_ok(run_charter("schema")))
    jsonschema.Draft202012Validator.check_schema(found)
    return found


@pytest.mark.parametrize("release", ["2025-02-12", "2025-09-12"])
def test_show_json_validates_against_the_schema(
    corpora: Path, run_charter: CliRunner, schema: dict[str, Any], release: str
) -> None:
    path = corpora / "model-spec" / release
    model = json.loads(_ok(run_charter("show", path, "--format", "json")))
    jsonschema.Draft202012Validator(schema).validate(model)
    spec, _ = load_spec(path)
    assert len(model["clauses"]) == len(spec.clauses)
    assert len(model["prompt_files"]) == len(spec.prompt_files)
    assert model["root"] == str(path.resolve())
    broken = dict(model, clauses=[{"id": 1}])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_show_stats_prints_one_json_object(release_0912: Path, run_charter: CliRunner) -> None:
    out = _ok(run_charter("show", release_0912, "--stats"))
    assert out.count("\n") == 1
    stats = json.loads(out)
    assert stats == {
        "sections_with_id": 77,
        "clauses": 114,
        "examples": 173,
        "replies": {"GOOD": 186, "BAD": 186, "OK": 7},
        "prompt_files": 114,
    }


def test_show_a_clause(release_0912: Path, run_charter: CliRunner) -> None:
    lines = _ok(run_charter("show", release_0912, "m12p")).split("\n")
    assert lines[0] == "clause m12p  model_spec.md:172:218"
    assert lines[1] == "authority: root"
    assert lines[2] == "section:   follow_all_applicable_instructions"
    assert lines[5].startswith("This includes all system, developer and user instructions")
    prompts = next(line for line in lines if "prompt(s) in examples/m12p.md" in line)
    listed = [line for line in lines if line.startswith("- ")]
    assert prompts == f"{len(listed)} prompt(s) in examples/m12p.md"
    same = _ok(run_charter("show", release_0912, "[^m12p]")).split("\n")
    assert same[0] == lines[0]


def test_show_a_section(release_0912: Path, run_charter: CliRunner) -> None:
    lines = _ok(run_charter("show", release_0912, "chain_of_command")).split("\n")
    assert lines[0] == "The chain of command  #chain_of_command  model_spec.md:162:1"
    assert lines[1] == "authority: developer (default)"
    assert lines[2] == "clauses:   8ep1"
    assert lines[4].startswith("Above all else, the assistant must adhere to this Model Spec")
    root_section = _ok(run_charter("show", release_0912, "#letter_and_spirit")).split("\n")
    assert root_section[1] == "authority: root"


def test_show_outline(release_0912: Path, run_charter: CliRunner) -> None:
    out = _ok(run_charter("show", release_0912))
    assert "#chain_of_command" in out
    assert re.search(r"\b114 clauses\b", out)
    prompts = (release_0912 / "examples" / "m12p.md").read_text(encoding="utf-8")
    count = len(re.findall(r"^\*\*Example\*\*", prompts, re.MULTILINE))
    row = (
        r"│ m12p\s+│ root\s+│ This includes.*\n(?:.*\n)*?"
        rf".*follow_all_applicable_instructions · {count} prompts"
    )
    assert re.search(row, out)


def _show_piped(*args: str | Path, columns: int) -> str:
    env = {key: value for key, value in os.environ.items() if key != "CHARTER_DEBUG"}
    env["COLUMNS"] = str(columns)
    done = subprocess.run(
        [sys.executable, "-m", "charter", "show", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    return _ok(done)


@pytest.mark.parametrize("columns", [80, 50])
def test_show_outline_fits_narrow_output_without_cutting_ids(
    release_0912: Path, columns: int
) -> None:
    out = _show_piped(release_0912, columns=columns)
    assert "…" not in out
    assert max(len(line) for line in out.split("\n")) <= columns
    words = " ".join(out.replace("│", " ").split())
    spec, _ = load_spec(release_0912)
    for clause in spec.clauses:
        assert re.search(rf"(?m)^[│ ]*{re.escape(clause.id)}\b", out), clause.id
        assert " ".join(clause.text.split()) in words, clause.id
    # The section states no authority: its clause is at the default level, developer.
    assert re.search(r"(?m)^[│ ]*8ep1[│ ]+developer\b", out)


def test_a_lead_in_keeps_its_list_and_an_item_its_lead_in(release_0912: Path) -> None:
    spec, _ = load_spec(release_0912)
    u3nx = spec.clause("u3nx")
    assert u3nx is not None
    lines = u3nx.text.split("\n")
    assert lines[0].endswith("may respond with any combination of the following:")
    assert lines[1:] == [
        "- asking for clarification or more details --- either immediately, or after gathering "
        "information and sketching candidate plans",
        "- articulating and/or confirming any assumptions",
        "- answering based on informed guesses or taking safe, conservative actions to minimize "
        "potential undesired and irreversible consequences",
        "- suggesting how the response could improve with more information",
    ]
    assert u3nx.modals == ["may"]
    item = spec.clause("934q")
    assert item is not None
    assert item.text == (
        "The following behaviors are encouraged if and only if the assistant is in an interactive "
        "setting: Placing code inside code blocks (surrounded by triple backticks) even if it's "
        "the sole content of the message"
    )
    assert item.focus.startswith("Placing code inside code blocks")
    shown = _show_piped(release_0912, "u3nx", columns=80)
    assert "- suggesting how the response could improve with more information" in shown


def _defined_rules() -> set[str]:
    return {
        value.code
        for module in (_rules, _structure)
        for value in vars(module).values()
        if isinstance(value, Rule)
    }


def test_rules_lists_every_code(run_charter: CliRunner) -> None:
    text = _ok(run_charter("rules"))
    listed = [line.split()[0] for line in text.strip().split("\n")]
    as_json = json.loads(_ok(run_charter("rules", "--format", "json")))
    assert listed == [entry["code"] for entry in as_json]
    assert len(listed) == len(set(listed))
    assert _defined_rules() <= set(listed)
    assert {"S001", "S002", "S003", "S004", "S101", "S102", "S104", "S116"} <= set(listed)
    s102 = next(line for line in text.split("\n") if line.startswith("S102"))
    assert re.fullmatch(r"S102\s+clause-without-prompts\s+error\s+A clause id has no .*", s102)


@pytest.mark.parametrize("name", ["S102", "s102", "clause-without-prompts"])
def test_rule_explains_one_rule(run_charter: CliRunner, name: str) -> None:
    out = _ok(run_charter("rule", name))
    assert out.startswith("S102 clause-without-prompts (error)\n\nA clause id has no prompt file")
    assert "Example:" in out and "Fix:" in out


def test_version(run_charter: CliRunner) -> None:
    assert _ok(run_charter("--version")) == f"charter {__version__}\n"


def test_help_lists_every_command(run_charter: CliRunner) -> None:
    out = _ok(run_charter("--help"))
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert {"check", "show", "schema", "rules", "rule"} <= set(commands)
    for name in commands:
        assert re.search(rf"│ {re.escape(name)}\s", out), name
    assert "Exit codes:" in out
