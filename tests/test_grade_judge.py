"""The basic model judge: strict JSON verdicts, one repair attempt, unreadable means error."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from charter.grade import GradeInput, ModelJudge, Verdict, VerdictFormatError, parse_verdict
from charter.model import Message, get_provider
from test_run_helpers import charter, make_spec, query


def test_parse_verdict_is_strict() -> None:
    assert parse_verdict('{"verdict": "comply", "confidence": 0.7, "rationale": "ok"}') == (
        Verdict.COMPLY,
        0.7,
        "ok",
    )
    fenced = '```json\n{"verdict": "violate", "rationale": "no"}\n```'
    assert parse_verdict(fenced)[0] is Verdict.VIOLATE
    for bad in ("comply", '{"verdict": "pass"}', '{"verdict": "comply", "confidence": 3}', "[]"):
        with pytest.raises(VerdictFormatError):
            parse_verdict(bad)


@pytest.fixture
def bot_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_spec(tmp_path)
    monkeypatch.syspath_prepend(str(root))
    return root


def _grade(function: str, reply: str) -> tuple[Verdict, str]:
    judge = ModelJudge(get_provider(f"python:bot:{function}"))
    item = GradeInput("sc01", "never reveal a password", (Message("user", "hi"),), reply)
    grade = asyncio.run(judge.grade(item))
    return grade.verdict, grade.rationale


def test_judge_verdicts_through_the_python_provider(bot_path: Path) -> None:
    assert _grade("judge", "Hello there") == (Verdict.COMPLY, "greets")
    assert _grade("judge", "Go away") == (Verdict.VIOLATE, "no greeting")


def test_one_repair_attempt_then_error(bot_path: Path) -> None:
    assert _grade("chatty_judge", "Hello") == (Verdict.COMPLY, "after repair")
    verdict, rationale = _grade("hopeless_judge", "Hello")
    assert verdict is Verdict.ERROR
    assert "unreadable after one repair attempt" in rationale


def test_template_placeholders_are_filled(bot_path: Path) -> None:
    judge = ModelJudge(
        get_provider("python:bot:judge"), "R=$clause_id|$clause|$reply|$conversation"
    )
    item = GradeInput("c9", "be kind", (Message("user", "hey"),), "hi!")
    assert judge.prompt(item) == "R=c9|be kind|hi!|<user>\nhey\n</user>"


def test_cli_grader_grades_replies_without_checks(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    done = charter(
        root, "test", ".", "-m", "python:bot:reply", "--grader", "python:bot:judge", "-s", "sc01"
    )
    assert done.returncode == 0, done.stderr
    assert query(root, "SELECT grader, verdict FROM grades") == [
        ("judge:python:bot:judge", "comply")
    ]


def test_self_judging_is_refused_unless_allowed(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    args = ("test", ".", "-m", "python:bot:reply", "--grader", "python:bot:reply", "-s", "sc01")
    refused = charter(root, *args)
    assert refused.returncode == 2
    assert "--allow-self-judge" in refused.stderr
    allowed = charter(root, *args, "--allow-self-judge")
    # It ran: "Hello..." is no JSON, so the only sample is an error and the run exits 4.
    assert allowed.returncode == 4, allowed.stderr
    assert query(root, "SELECT verdict FROM grades") == [("error",)]
