"""Reports (terminal, JSON, JUnit), the Wilson interval, the CI gate's exit codes, the dry run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from charter.report import wilson_interval
from test_run_helpers import PROMPT_COUNT, charter, make_spec, query


def test_wilson_interval_known_values() -> None:
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(5, 10) or (0.0, 0.0)
    assert low == pytest.approx(0.2366, abs=1e-4)
    assert high == pytest.approx(0.7634, abs=1e-4)
    low, high = wilson_interval(10, 10) or (0.0, 0.0)
    assert high == pytest.approx(1.0)
    assert low == pytest.approx(0.7225, abs=1e-4)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_spec(tmp_path)


def test_json_report_keys(project: Path) -> None:
    out = project / "report.json"
    done = charter(project, "test", ".", "-m", "python:bot:reply", "--report", "json", "-o", out)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    assert data["run"]["model"] == "python:bot:reply"
    assert data["run"]["status"] == "complete"
    clauses = {clause["id"]: clause for clause in data["clauses"]}
    assert set(clauses) == {"rf01", "sc01", "tn01"}
    rf01 = clauses["rf01"]
    expected = {"id", "authority", "n", "passed", "pass_rate", "interval", "needs_review", "errors"}
    assert expected <= set(rf01)
    assert (rf01["authority"], rf01["n"], rf01["passed"], rf01["pass_rate"]) == (
        "developer",
        2,
        1,
        0.5,
    )
    assert rf01["interval"][0] < 0.5 < rf01["interval"][1]
    assert clauses["sc01"]["pass_rate"] is None and clauses["sc01"]["needs_review"] == 1


def test_junit_report_parses(project: Path) -> None:
    out = project / "junit.xml"
    done = charter(project, "test", ".", "-m", "python:bot:reply", "--report", "junit", "-o", out)
    assert done.returncode == 0, done.stderr
    root = ET.parse(out).getroot()
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == PROMPT_COUNT
    assert len(root.findall(".//failure")) == 1
    assert len(root.findall(".//skipped")) == 1
    suite = root.find("./testsuite[@name='rf01']")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == "2"


@pytest.mark.parametrize(
    ("flags", "code", "message"),
    [
        (["--fail-under", "0.5"], 0, "gate passed: pass rate 66.7% over 3 graded"),
        (["--fail-under", "0.9"], 1, "overall pass rate 66.7% is under --fail-under 90.0%"),
        (["--fail-under-authority", "user=0.9"], 0, "gate passed"),
        (["--fail-under-authority", "developer=0.9"], 1, "authority developer: pass rate 50.0%"),
        (["--fail-under-authority", "root=0.9"], 1, "authority root: nothing graded"),
        (["--fail-under", "2"], 2, "--fail-under must be a pass rate between 0 and 1"),
        (["--fail-under-authority", "boss=0.9"], 2, "unknown authority `boss`"),
    ],
)
def test_gate_exit_codes(project: Path, flags: list[str], code: int, message: str) -> None:
    done = charter(project, "test", ".", "-m", "python:bot:reply", *flags)
    assert done.returncode == code, done.stderr
    assert message in done.stdout + done.stderr


def test_nothing_graded_fails_the_gate_without_a_pass_rate(project: Path) -> None:
    done = charter(
        project, "test", ".", "-m", "python:bot:reply", "-s", "sc01", "--fail-under", "0"
    )
    assert done.returncode == 1
    assert "nothing could be graded (1 need review, 0 errors)" in done.stdout
    assert "pass rate: n/a" in done.stdout


def test_baseline_regression_fails(project: Path) -> None:
    good = charter(project, "test", ".", "-m", "python:bot:reply", "-s", "tn01", "--epochs", "8")
    assert good.returncode == 0
    ((baseline,),) = query(project, "SELECT id FROM runs")
    (project / "bot2.py").write_text("def reply(messages, config):\n    return 'Go away.'\n")
    worse = charter(
        project, "test", ".", "-m", "python:bot2:reply", "-s", "tn01", "--baseline", str(baseline)
    )
    assert worse.returncode == 1
    assert f"clause tn01: pass rate 0.0% dropped below baseline {baseline}" in worse.stdout
    same = charter(
        project, "test", ".", "-m", "python:bot:reply", "-s", "tn01", "--baseline", str(baseline)
    )
    assert same.returncode == 0, same.stdout


def test_dry_run_prints_calls_tokens_and_cost_and_sends_nothing(project: Path) -> None:
    done = charter(project, "test", ".", "-m", "openai:gpt-4o", "--dry-run", "--epochs", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(1 for line in lines if " prompt " in line and " epoch " in line) == 2 * PROMPT_COUNT
    assert f"{2 * PROMPT_COUNT} calls to openai:gpt-4o" in done.stdout
    try:
        import tiktoken  # noqa: F401

        exact = True
    except ImportError:
        exact = False
    label = "tiktoken" if exact else "an estimate by character count"
    assert label in done.stdout
    assert "cost: at most $" in done.stdout
    assert not (project / ".charter" / "runs.db").exists()


def test_dry_run_price_overrides(project: Path) -> None:
    prices = project / "prices.toml"
    prices.write_text('["python:*"]\ninput = 1000000.0\noutput = 0.0\n')
    done = charter(project, "test", ".", "-m", "python:bot:reply", "--dry-run", "--prices", prices)
    assert done.returncode == 0, done.stderr
    assert "cost: at most $0.0000" not in done.stdout
    unknown = charter(project, "test", ".", "-m", "openai:someday", "--dry-run")
    assert "cost: unknown" in unknown.stdout
    prices.write_text('["x:y"]\ninput = "cheap"\n')
    bad = charter(project, "test", ".", "-m", "x:y", "--dry-run", "--prices", prices)
    assert bad.returncode == 2
    assert "input must be a price" in bad.stderr


def test_json_report_lists_every_sample(project: Path) -> None:
    out = project / "report.json"
    done = charter(project, "test", ".", "-m", "python:bot:reply", "--report", "json", "-o", out)
    assert done.returncode == 0, done.stderr
    samples = json.loads(out.read_text())["samples"]
    assert len(samples) == PROMPT_COUNT
    stored = dict(
        query(project, "SELECT s.id, g.verdict FROM samples s JOIN grades g ON g.sample_id = s.id")
    )
    assert {sample["id"]: sample["verdict"] for sample in samples} == stored
    refund = next(s for s in samples if (s["clause"], s["prompt"]) == ("rf01", 0))
    assert refund["epoch"] == 0 and refund["grader"] == "checks"
    assert refund["reply"] == "Refunds are possible within 30 days."
    assert refund["rationale"] == "contains `30 day`"
    assert refund["conversation"] == [{"role": "user", "content": "Can I get a refund?"}]


def test_show_run_gives_the_sample_id_precedent_add_takes(project: Path) -> None:
    assert charter(project, "test", ".", "-m", "python:bot:reply", "-s", "sc01").returncode == 0
    ((run_id, sample_id),) = query(project, "SELECT run_id, id FROM samples")
    shown = charter(project, "show-run", str(run_id), ".")
    assert shown.returncode == 0, shown.stderr
    header = next(
        line for line in shown.stdout.splitlines() if "clause" in line and "reply" in line
    )
    assert header.split("┃")[1].strip() == "id"
    row = next(
        line
        for line in shown.stdout.splitlines()
        if "What" not in line and "sc01" in line and "needs_review" in line
    )
    assert row.split("│")[1].strip() == str(sample_id)
    added = charter(
        project,
        "precedent",
        "add",
        str(run_id),
        row.split("│")[1].strip(),
        "--verdict",
        "comply",
        "--why",
        "no password given",
    )
    assert added.returncode == 0, added.stderr


VARYING_BOT = """\
import uuid


def reply(messages, config):
    return f"Hello! Refunds within 30 days. ({uuid.uuid4()})"
"""


@pytest.mark.parametrize(
    ("model", "flags", "interval_n", "note"),
    [
        ("python:bot:reply", [], 3, "the run is at temperature 0"),
        ("python:bot:reply", ["--temperature", "0.7"], 3, "identical in every epoch"),
        ("python:varying:reply", ["--temperature", "0.7"], 9, None),
        ("python:varying:reply", [], 3, "the run is at temperature 0"),
    ],
)
def test_deterministic_epochs_count_each_prompt_once_in_the_interval(
    project: Path, model: str, flags: list[str], interval_n: int, note: str | None
) -> None:
    (project / "varying.py").write_text(VARYING_BOT, encoding="utf-8")
    out = project / "report.json"
    args = ("test", ".", "-m", model, "--epochs", "3", *flags, "--report", "json", "-o", out)
    done = charter(project, *args)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    totals = data["totals"]
    assert totals["n"] == 9 and totals["interval_n"] == interval_n
    passed = sum(c["passed"] for c in data["clauses"]) * interval_n // 9
    low, high = wilson_interval(passed, interval_n) or (0.0, 0.0)
    assert totals["interval"] == pytest.approx([low, high])
    if note is None:
        assert data["run"]["interval_note"] is None
        assert "count the epochs" not in done.stdout
    else:
        assert note in data["run"]["interval_note"]
        assert "95% intervals count the epochs of 3 prompts once" in done.stdout


@pytest.mark.parametrize(
    ("flags", "toml", "code", "message"),
    [
        (
            ["--max-review", "0"],
            "",
            1,
            "1 of 4 replies (25.0%) need review, more than --max-review 0",
        ),
        (["--max-review", "1"], "", 0, "gate passed"),
        (["--max-review", "10%"], "", 1, "more than --max-review 10.0% of replies"),
        (["--max-review", "0.3"], "", 0, "gate passed"),
        ([], "[test]\nmax-review = 0\n", 1, "need review, more than --max-review 0"),
        ([], "[test]\nmax-review = 0.5\n", 0, "gate passed"),
        (["--max-review", "many"], "", 2, "--max-review must be a number of replies"),
        ([], "[test]\nmax-review = -1\n", 2, "[test] max-review must be a number of replies"),
        ([], "[test]\nmax-review = 1.5\n", 2, "[test] max-review must be a number of replies"),
    ],
)
def test_max_review_fails_the_gate_when_too_many_replies_wait(
    tmp_path: Path, flags: list[str], toml: str, code: int, message: str
) -> None:
    root = make_spec(tmp_path, {"charter.toml": toml} if toml else None)
    done = charter(root, "test", ".", "-m", "python:bot:reply", *flags)
    assert done.returncode == code, done.stdout + done.stderr
    assert message in done.stdout + done.stderr
