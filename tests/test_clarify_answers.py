"""`charter clarify`: questions from lint findings, answers applied as minimal edits plus a log."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from charter.clarify import build_questions
from charter.spec import load_project

REPO = Path(__file__).resolve().parents[1]
CliRunner = Callable[..., subprocess.CompletedProcess[str]]

# Ambiguous versions of three helpdesk clauses, introduced for the test.
EDITS = {
    "The assistant should end each answer with the next step the customer can take, or a "
    "question that moves the case forward[^next-step].": "The assistant should end each answer "
    "with the next step and/or a question that moves the case forward[^next-step].",
    "The assistant should avoid internal jargon and ticket codes, and explain any technical term "
    "it has to use[^plain-words].": "The assistant should avoid internal jargon and explain "
    "technical terms with appropriate detail[^plain-words].",
    "The assistant should reply in the language the customer writes in, unless the customer asks "
    "for another language[^match-language].": "The assistant should reply in the customer's "
    "language where possible[^match-language].",
}
ANSWERS = """\
- id: next-step.L005.and-or
  answer: both
- clause: plain-words
  rule: L002
  answer: 2
- clause: match-language
  rule: L003
  answer: "always: remove the escape clause"
"""


@pytest.fixture
def helpdesk(tmp_path: Path) -> Path:
    root = tmp_path / "helpdesk"
    shutil.copytree(REPO / "examples" / "helpdesk", root)
    spec = root / "spec" / "helpdesk.md"
    text = spec.read_text(encoding="utf-8")
    for old, new in EDITS.items():
        assert old in text
        text = text.replace(old, new)
    spec.write_text(text, encoding="utf-8")
    return root


def test_questions_are_ranked_and_offer_options(helpdesk: Path) -> None:
    questions = build_questions(load_project(helpdesk).spec)
    by_id = {q.id: q for q in questions}
    assert [o.label for o in by_id["next-step.L005.and-or"].options] == [
        "either one",
        "both",
        "at least one",
    ]
    scores = [q.score for q in questions]
    assert scores == sorted(scores, reverse=True)
    # a root-level clause with prompts outranks a guideline-level one of the same rule
    assert by_id["pay-pan.L011.may"].score > by_id["no-blame.L011.should"].score


def test_answers_touch_only_the_clarified_sentences_and_the_log(
    helpdesk: Path, run_charter: CliRunner
) -> None:
    spec = helpdesk / "spec" / "helpdesk.md"
    before = spec.read_text(encoding="utf-8").splitlines()
    answers = helpdesk / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    done = run_charter("clarify", helpdesk, "--answers", answers, "--date", "2025-10-01")
    assert done.returncode == 0, done.stderr
    after = spec.read_text(encoding="utf-8").splitlines()
    diff = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    removed = [line[1:] for line in diff if line.startswith("-")]
    added = [line[1:] for line in diff if line.startswith("+")]
    assert sorted(removed) == sorted(EDITS.values())
    changed = added[:3]
    assert sorted(changed) == sorted(
        [
            "The assistant should end each answer with the next step and a question that moves "
            "the case forward[^next-step].",
            "The assistant should avoid internal jargon and explain technical terms with "
            "appropriate (that is, allowed by the developer's instructions) detail[^plain-words].",
            "The assistant should reply in the customer's language[^match-language].",
        ]
    )
    log = added[3:]
    assert log[:2] == ["", "## Clarifications {#clarifications}"]
    entries = [line for line in log if line.startswith("- 2025-10-01 `")]
    assert len(entries) == 3
    assert any("`next-step.L005.and-or`" in e and "`both`" in e for e in entries)
    # the edited spec still loads, and the log adds no clause and answers its questions
    project = load_project(helpdesk)
    assert len(project.spec.clauses) == 15
    again = {q.id for q in build_questions(project.spec)}
    assert "next-step.L005.and-or" not in again


def test_answered_questions_are_not_asked_again(helpdesk: Path, run_charter: CliRunner) -> None:
    answers = helpdesk / "answers.yaml"
    answers.write_text("- id: pay-pan.L011.may\n  answer: 1\n", encoding="utf-8")
    assert run_charter("clarify", helpdesk, "--answers", answers).returncode == 0
    listed = run_charter("clarify", helpdesk, "--dry-run")
    assert listed.returncode == 0
    assert "pay-pan.L011.may" not in listed.stdout
    assert "next-step.L005.and-or" in listed.stdout


def test_dry_run_changes_nothing_and_max_limits(helpdesk: Path, run_charter: CliRunner) -> None:
    spec = helpdesk / "spec" / "helpdesk.md"
    before = spec.read_bytes()
    done = run_charter("clarify", helpdesk, "--dry-run", "--max", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n1. ") + done.stdout.startswith("1. ") == 1
    assert "2 of " in done.stdout and "\n3. " not in done.stdout
    assert spec.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- id: nope\n  answer: both\n", "answers.yaml:1: no open question `nope`"),
        ("- id: [unclosed\n", "answers.yaml:2: not valid YAML"),
        ("- answer: both\n", "answers.yaml:1: give `id`, or both `clause` and `rule`"),
        ("just text\n", "answers.yaml:1: answers must be a YAML list"),
    ],
)
def test_bad_answers_file_is_one_line_exit_2(
    helpdesk: Path, run_charter: CliRunner, content: str, message: str
) -> None:
    answers = helpdesk / "answers.yaml"
    answers.write_text(content, encoding="utf-8")
    done = run_charter("clarify", helpdesk, "--answers", answers)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("answer", "rewritten"),
    [
        ("at least one", "radiological[^li9q], or nuclear (CBRN) weapons in any combination."),
        ("both", "radiological[^li9q], and nuclear (CBRN) weapons."),
        ("either one", "radiological[^li9q], or nuclear (CBRN) weapons (only one of them)."),
    ],
)
def test_and_or_answers_keep_the_model_spec_sentence_grammatical(
    release_0912: Path,
    copy_release: Callable[[Path], Path],
    run_charter: CliRunner,
    answer: str,
    rewritten: str,
) -> None:
    root = copy_release(release_0912)
    spec = root / "model_spec.md"
    before = spec.read_text(encoding="utf-8")
    head = "deploying chemical[^91oh], biological[^bz0o], "
    assert head + "radiological[^li9q], and/or nuclear (CBRN) weapons." in before
    answers = root / "answers.yaml"
    answers.write_text(f"- id: li9q.L005.and-or\n  answer: {answer}\n", encoding="utf-8")
    done = run_charter("clarify", root, "--answers", answers, "--date", "2025-10-01")
    assert done.returncode == 0, done.stdout + done.stderr
    after = spec.read_text(encoding="utf-8")
    assert head + rewritten in after
    assert "(or both) (CBRN)" not in after
    clauses = {clause.id for clause in load_project(root).spec.clauses}
    assert {"91oh", "bz0o", "li9q"} <= clauses


def test_and_or_between_two_items_qualifies_after_the_second(
    helpdesk: Path, run_charter: CliRunner
) -> None:
    spec = helpdesk / "spec" / "helpdesk.md"
    answers = helpdesk / "answers.yaml"
    answers.write_text("- id: next-step.L005.and-or\n  answer: at least one\n", encoding="utf-8")
    done = run_charter("clarify", helpdesk, "--answers", answers, "--date", "2025-10-01")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "with the next step or a question that moves the case forward[^next-step] (or both)."
        in spec.read_text(encoding="utf-8")
    )
