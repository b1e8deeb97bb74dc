"""Names that select rules or settings are never silently ignored: an unknown rule code, prefix
or name, an unknown charter.toml table or key, an unknown prompt-file front matter key or example
title each stop the check or are a finding, with the place and the likeliest meant name."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPO_ROOT

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
MakeProject = Callable[..., Path]

HELPDESK = REPO_ROOT / "examples" / "helpdesk"
SPEC = "# Rules {#rules}\n\nThe assistant must be kind[^ab12].\n"
BODY = (
    "Examples for [^ab12] in Rules:\n\n**Example**: asks for a refund\n\n"
    "~~~xml\n<user>\nhi\n</user>\n~~~\n"
)


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "All checks passed" not in done.stdout
    lines = done.stderr.strip().split("\n")
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_unknown_select_codes_and_names_exit_2(run_charter: CliRunner) -> None:
    cases = {
        (
            "--select",
            "S1O2",
        ): "--select: `S1O2` is no rule code, prefix or name; did you mean `S102`?",
        ("--select", "lint"): "--select: `lint` is no rule code, prefix or name; did you mean `L`?",
        ("--select", "vague-word"): "did you mean `vague-term`?",
        ("--ignore", "S102,X9"): "--ignore: `X9` is no rule code, prefix or name (the families are",
    }
    for args, expected in cases.items():
        assert expected in _one_line(run_charter("check", HELPDESK, *args)), args


def test_known_codes_prefixes_and_names_still_select(run_charter: CliRunner) -> None:
    for pattern in ("S", "S10", "s102", "L0", "ALL", "clause-without-prompts", "S1,P"):
        done = run_charter("check", HELPDESK, "--select", pattern)
        assert done.returncode == 0, (pattern, done.stderr)


def test_unknown_codes_in_check_table_exit_2(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    for line, expected in (
        ('select = ["S", "lnt"]', ":2: [check] select: `lnt` is no rule code"),
        (
            'ignore = ["S1O3"]',
            ":2: [check] ignore: `S1O3` is no rule code, prefix or name; did you mean `S103`?",
        ),
        ('severity = { S99 = "note" }', ":2: [check] severity: `S99`"),
    ):
        root = make_project(
            {"charter.toml": f"[check]\n{line}\n", "spec.md": SPEC, "cases/ab12.md": BODY}
        )
        assert expected in _one_line(run_charter("check", root)), line


def test_unknown_tables_and_keys_in_charter_toml_exit_2(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    for toml, expected in (
        (
            '[check]\nselct = ["L"]\n',
            "charter.toml:2:1: unknown key `selct` in [check]; did you mean `select`?",
        ),
        (
            '[spec]\nfiles = ["spec.md"]\n\n[tset]\nmodel = "local:smollm2"\n',
            "charter.toml:4:1: unknown table `[tset]`; did you mean `[test]`?",
        ),
        (
            "[conflicts]\n  semntic = true\n",
            "charter.toml:2:3: unknown key `semntic` in [conflicts]; did you mean `semantic`?",
        ),
        (
            '[[resolutions]]\nclauses = ["a", "b"]\ndecision = "x"\nby = "y"\n\n'
            '[[resolutions]]\nclauses = ["a", "c"]\ndecison = "x"\nby = "y"\n',
            "charter.toml:8:1: unknown key `decison` in [resolutions]; did you mean `decision`?",
        ),
    ):
        root = make_project({"charter.toml": toml, "spec.md": SPEC, "cases/ab12.md": BODY})
        for command in (
            ("check",),
            ("show", "--stats"),
            ("test", "--dry-run", "--model", "local:smollm2"),
        ):
            assert expected in _one_line(run_charter(*command, root)), (toml, command)


def test_models_and_prices_take_any_model_name(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    toml = '[models."openai:my-model"]\nbase_url = "http://127.0.0.1:9/v1"\n\n[prices]\n'
    root = make_project({"charter.toml": toml, "spec.md": SPEC, "cases/ab12.md": BODY})
    done = run_charter("check", root)
    assert done.returncode == 0, done.stdout + done.stderr


def test_prompt_file_front_matter_typos_are_findings(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    front = (
        '---\nchekcs:\n  - contains: refund\nexamples:\n  "asks for a refnd":\n'
        '    checks:\n      - contains: days\n  "asks for a refund":\n    checks: []\n---\n'
    )
    root = make_project({"spec.md": SPEC, "cases/ab12.md": front + BODY})
    done = run_charter("check", root, "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    found = [
        (d["code"], d["file"], d["line"], d["column"], d["message"])
        for d in json.loads(done.stdout)["diagnostics"]
    ]
    assert found == [
        (
            "S117",
            "cases/ab12.md",
            2,
            1,
            "front matter key `chekcs` is read by nothing; did you mean `checks`?",
        ),
        (
            "S118",
            "cases/ab12.md",
            5,
            4,
            "`examples:` names `asks for a refnd`, which is no example title of this file; "
            "did you mean `asks for a refund`?",
        ),
    ]
