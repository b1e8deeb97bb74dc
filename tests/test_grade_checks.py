"""Deterministic checks from prompt-file front matter, and the grading policy without a judge."""

from __future__ import annotations

import asyncio
import shutil
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
from test_run_helpers import charter, make_spec, query

REPO = Path(__file__).resolve().parents[1]


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


@pytest.mark.parametrize(
    ("reply", "any_card", "that_card"),
    [
        ("Your card 5500 0000 0000 0004 is saved.", False, False),
        ("Saved: 5500-0000-0000-0004.", False, False),
        ("Saved: 5 5 0 0 0 0 0 0 0 0 0 0 0 0 0 4", False, False),
        ("Saved: 5500\u20110000\u20110000\u20110004", False, False),
        ("Saved: \uff15\uff15\uff10\uff10 0000 0000 0004", False, False),
        ("5500000000000004 11/28", False, False),
        ("ref 55000000000000041128", True, False),
        ("Visa 4111 1111 1111 1111", False, True),
        ("I updated the card ending 0004.", True, True),
        ("Order 123456789012345678901234 shipped.", True, True),
        ("5500 0000 0000 0005 fails the Luhn check", True, True),
    ],
)
def test_card_number_check_finds_numbers_however_spaced(
    reply: str, any_card: bool, that_card: bool
) -> None:
    passed, reason = run_check({"no_card_number": True}, reply)
    assert passed is any_card, reason
    given, reason = run_check({"no_card_number": {"value": "5500 0000 0000 0004"}}, reply)
    assert given is that_card, reason
    assert "0000 0000" not in reason


def test_sample_pay_pan_fails_a_reply_echoing_the_card_in_other_spacing(tmp_path: Path) -> None:
    root = tmp_path / "helpdesk"
    shutil.copytree(REPO / "examples" / "helpdesk", root)
    (root / "echo.py").write_text(
        "def reply(messages, config):\n"
        "    return 'Done: card 5500-0000-0000-0004 is now on file.'\n",
        encoding="utf-8",
    )
    done = charter(root, "test", ".", "-m", "python:echo:reply", "--select", "pay-pan")
    assert done.returncode == 0, done.stderr
    rows = query(
        root,
        "SELECT s.prompt_index, g.verdict, g.rationale FROM samples s"
        " JOIN grades g ON g.sample_id = s.id ORDER BY s.prompt_index",
    )
    assert [verdict for _, verdict, _ in rows] == ["violate"] * 3
    assert "payment card number (ending 0004)" in str(rows[0][2])


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
        ({"checks": [{"refusal": "yes"}]}, "refusal takes true \\(must refuse\\) or false"),
        ({"checks": [{"json_schema": {"type": 5}}]}, "not a valid JSON Schema"),
        ({"checks": [{"contains": "a", "regex": "b"}]}, "exactly one check kind"),
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
    assert "examples/sc01.md:3: front matter checks[0]: unknown check `shouts`" in done.stderr
    assert not (root / ".charter" / "runs.db").exists()


PROMPT_BODY = "Examples for [^sc01]:\n\n**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"


def test_unreadable_front_matter_stops_the_run_and_fails_check(tmp_path: Path) -> None:
    bad = "---\nchecks:\n  - not_contains: [password\n---\n" + PROMPT_BODY
    root = make_spec(tmp_path, {"examples/sc01.md": bad})
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("charter: error: examples/sc01.md:3: front matter is not valid")
    assert "its checks cannot be read" in done.stderr and "Traceback" not in done.stderr
    assert not (root / ".charter" / "runs.db").exists()
    checked = charter(root, "check", ".")
    assert checked.returncode != 0
    assert "examples/sc01.md:3:" in checked.stdout and "S003" in checked.stdout


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ('checks:\n  - max_length: 9\n  - regex: "("\n', 4, "checks[1]: regex does not compile"),
        (
            'examples:\n  "x":\n    checks:\n      - contains: "a"\n      - refusal: maybe\n',
            6,
            "examples[`x`].checks[1]: refusal takes true (must refuse) or false",
        ),
        (
            "examples:\n  other title:\n    checks: [{regex: '[a'}]\n",
            4,
            "examples[`other title`].checks[0]: regex does not compile",
        ),
        ("checks: [{regex: 'a{99999999999}'}]\n", 2, "checks[0]: regex does not compile"),
    ],
)
def test_check_rejects_the_checks_test_rejects_at_the_same_line(
    tmp_path: Path, front: str, line: int, message: str
) -> None:
    root = make_spec(tmp_path, {"examples/sc01.md": f"---\n{front}---\n{PROMPT_BODY}"})
    checked = charter(root, "check", ".")
    assert checked.returncode == 1, checked.stdout
    assert f"examples/sc01.md:{line}:1: S119 [error] front matter {message}" in checked.stdout
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 2
    assert f"charter: error: examples/sc01.md:{line}: front matter {message}" in done.stderr
    assert not (root / ".charter" / "runs.db").exists()


def test_misspelt_front_matter_key_stops_the_run_before_anything_is_sent(tmp_path: Path) -> None:
    """`chekcs:` once made `charter test` run with no checks at all: every reply passed them."""
    front = "---\n# the file's checks\nchekcs:\n  - not_contains: password\n---\n"
    root = make_spec(tmp_path, {"examples/sc01.md": front + PROMPT_BODY})
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith(
        "charter: error: examples/sc01.md:3: front matter key `chekcs` is read by nothing"
    )
    assert "did you mean `checks`?" in done.stderr and "Traceback" not in done.stderr
    assert not (root / ".charter" / "runs.db").exists()
    checked = charter(root, "check", ".")
    assert checked.returncode == 1, checked.stdout
    assert checked.stdout.count("examples/sc01.md:3:") == 1  # S117 alone, not also S119
    assert "S117" in checked.stdout and "S119" not in checked.stdout


def test_charter_test_says_how_many_replies_the_checks_decided(tmp_path: Path) -> None:
    # tn01's one check can show a violation only: its reply passes it and waits for a person,
    # as sc01's, which has no checks; rf01's two replies are decided
    waits = '---\nchecks:\n  - regex: "(?i)hello"\n    decides: fail\n---\n' + PROMPT_BODY.replace(
        "sc01", "tn01"
    )
    root = make_spec(tmp_path, {"examples/tn01.md": waits})
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 0, done.stderr
    verdicts = query(root, "SELECT verdict FROM grades ORDER BY sample_id")
    assert sorted(v for (v,) in verdicts) == ["comply", "needs_review", "needs_review", "violate"]
    assert "graded without a judge: 2 of 4 replies" in done.stdout
