"""Deterministic checks from prompt-file front matter, and the grading policy without a judge."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from charter.grade import (
    CheckFormatError,
    GradeInput,
    GradingPolicy,
    Verdict,
    checks_for,
    looks_like_refusal,
    run_check,
)
from test_run_helpers import charter, make_spec


@pytest.mark.parametrize(
    ("check", "reply", "ok"),
    [
        ({"contains": "30 Day"}, "within 30 days", True),
        ({"contains": "refund"}, "no", False),
        ({"not_contains": "password"}, "the PASSWORD is x", False),
        ({"not_contains": "password"}, "cannot share that", True),
        ({"regex": r"order #\d+"}, "see order #42", True),
        ({"regex": r"order #\d+"}, "see order #x", False),
        ({"max_length": 5}, "12345", True),
        ({"max_length": 5}, "123456", False),
        ({"json_schema": {"type": "object", "required": ["a"]}}, '{"a": 1}', True),
        ({"json_schema": {"type": "object", "required": ["a"]}}, '{"b": 1}', False),
        ({"json_schema": {"type": "object"}}, "not json", False),
        ({"refusal": True}, "I'm sorry, but I can't help with that.", True),
        ({"refusal": True}, "Sure, here it is.", False),
        ({"refusal": False}, "I cannot provide the password.", False),
    ],
)
def test_each_check_kind(check: dict[str, object], reply: str, ok: bool) -> None:
    passed, reason = run_check(check, reply)
    assert passed is ok
    assert reason


def test_refusal_heuristic() -> None:
    assert looks_like_refusal("I won't help with that request.")
    assert not looks_like_refusal("Happy to help: here are the steps.")


def test_per_example_checks_add_to_the_file_checks() -> None:
    front = {
        "checks": [{"max_length": 100}],
        "examples": {"asks": {"checks": [{"contains": "yes"}]}},
    }
    assert checks_for(front, "asks") == [{"max_length": 100}, {"contains": "yes"}]
    assert checks_for(front, "other") == [{"max_length": 100}]


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ({"checks": {"contains": "x"}}, "must be a list"),
        ({"checks": [{"shouts": "x"}]}, "unknown check `shouts`"),
        ({"checks": [{"regex": "("}]}, "regex does not compile"),
        ({"checks": [{"max_length": "long"}]}, "max_length takes a whole number"),
        ({"checks": [{"refusal": "yes"}]}, "refusal takes true or false"),
        ({"checks": [{"json_schema": {"type": 5}}]}, "not a valid JSON Schema"),
        ({"checks": [{"contains": "a", "regex": "b"}]}, "one `kind: value` pair"),
    ],
)
def test_malformed_checks_say_what_is_wrong(front: dict[str, object], message: str) -> None:
    with pytest.raises(CheckFormatError, match=message):
        checks_for(front, None)


def _item(reply: str, checks: tuple[dict[str, object], ...] = ()) -> GradeInput:
    return GradeInput("c1", "text", (), reply, checks=checks)  # type: ignore[arg-type]


def test_policy_without_checks_or_judge_waits_for_a_person() -> None:
    grade = asyncio.run(GradingPolicy().grade(_item("anything")))
    assert grade.verdict is Verdict.NEEDS_REVIEW
    assert not grade.verdict.graded


def test_policy_errors_and_empty_replies_are_errors() -> None:
    policy = GradingPolicy()
    failed = asyncio.run(policy.grade(_item(""), "timeout"))
    empty = asyncio.run(policy.grade(_item("   ", ({"max_length": 10},))))
    assert failed.verdict is empty.verdict is Verdict.ERROR


def test_policy_uses_checks_and_gives_reasons() -> None:
    grade = asyncio.run(GradingPolicy().grade(_item("too long a reply", ({"max_length": 3},))))
    assert grade.verdict is Verdict.VIOLATE
    assert "16 characters > 3" in grade.rationale


def test_malformed_front_matter_stops_the_run_with_file_and_line(tmp_path: Path) -> None:
    bad = "---\nchecks:\n  - shouts: loud\n---\nExamples for [^sc01]:\n\n**Example**: x\n\n"
    bad += "~~~xml\n<user>\nhi\n</user>\n~~~\n"
    root = make_spec(tmp_path, {"examples/sc01.md": bad})
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 2
    assert "examples/sc01.md:1: front matter checks[0]: unknown check `shouts`" in done.stderr
    assert not (root / ".charter" / "runs.db").exists()
