"""Calibration: agreement figures, a planted ambiguous clause flagged, holdout, CLI output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.grade import agreement, cohen_kappa
from judge_helpers import make_project
from test_run_helpers import charter, query


def test_kappa_and_rates_on_known_tables() -> None:
    perfect = [("comply", "comply"), ("violate", "violate")] * 3
    assert cohen_kappa(perfect) == pytest.approx(1.0)
    always_violate = [("comply", "violate"), ("violate", "violate")] * 5
    figures = agreement(always_violate)
    assert (figures.accuracy, figures.tpr, figures.tnr) == (0.5, 1.0, 0.0)
    assert figures.balanced_accuracy == pytest.approx(0.5)
    assert figures.kappa == pytest.approx(0.0)
    # 20 cases: 8 agree comply, 7 agree violate, 3 comply->violate, 2 violate->comply
    mixed = (
        [("comply", "comply")] * 8
        + [("violate", "violate")] * 7
        + [("comply", "violate")] * 3
        + [("violate", "comply")] * 2
    )
    # observed 0.75; chance = (11*10 + 9*10) / 400 = 0.5 -> kappa 0.5
    assert cohen_kappa(mixed) == pytest.approx(0.5)
    assert agreement(mixed).confusion == {
        "comply": {"comply": 8, "violate": 3},
        "violate": {"violate": 7, "comply": 2},
    }
    errors = agreement([("comply", "error"), ("violate", "violate")])
    assert errors.accuracy == 0.5 and errors.tnr == 0.0
    assert cohen_kappa([]) is None


def test_planted_ambiguity_is_flagged_for_one_reading_only(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    done = charter(
        root,
        "calibrate",
        ".",
        "--grader",
        "python:judges:literal",
        "--grader",
        "python:judges:lenient",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    literal, lenient = json.loads(done.stdout)
    assert literal["precedents"] == lenient["precedents"] == 4
    # the literal reading of "short" calls the three-sentence GOOD summary a violation
    assert [d["precedent"] for d in literal["disagreements"]] == [
        "brevity-summary-of-a-report-good"
    ]
    assert literal["flags"] == [
        {
            "clause_id": "amb1",
            "kind": "possible-ambiguity",
            "disagreements": 1,
            "of": 3,
            "precedents": ["brevity-summary-of-a-report-good"],
            "message": (
                "judge:python:judges:literal disagrees with 1 of 3 precedents of amb1: "
                "the clause may be read more than one way"
            ),
        }
    ]
    assert lenient["flags"] == [] and lenient["overall"]["kappa"] == pytest.approx(1.0)
    assert literal["per_clause"]["pv01"]["accuracy"] == 1.0
    saved = json.loads(
        (root / ".charter" / "calibration" / "python_judges_literal.json").read_text()
    )
    assert saved["flags"] == literal["flags"]


def test_holdout_hides_the_judged_case(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    done = charter(
        root,
        "calibrate",
        ".",
        "--grader",
        "python:judges:prompts",
        "--select",
        "brevity-summary-of-a-report-good",
        "--no-pairwise",
    )
    assert done.returncode == 0, done.stderr
    prompt = (root / "prompts.log").read_text(encoding="utf-8")
    assert "page by page" not in prompt and "Sales rose." in prompt  # judged reply only once
    assert prompt.count("Sales rose.") == 1
    (root / "prompts.log").unlink()
    leaked = charter(
        root,
        "calibrate",
        ".",
        "--grader",
        "python:judges:prompts",
        "--select",
        "brevity-summary-of-a-report-good",
        "--no-pairwise",
        "--no-holdout",
    )
    assert leaked.returncode == 0
    assert "page by page" in (root / "prompts.log").read_text(encoding="utf-8")


def test_table_pairwise_and_test_shows_figures(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"charter.toml": "[judge]\nmin-precedents = 4\n"})
    done = charter(root, "calibrate", ".", "--grader", "python:judges:pair")
    assert done.returncode == 0, done.stderr
    assert "calibration of judge:python:judges:pair (json)" in done.stdout
    assert "2 of 2 pairs judged consistently, 2 preferred GOOD in both orders" in done.stdout
    # the pair function is no verdict judge: every verdict is an error, kappa undefined/low
    assert "verdicts near chance, treat as needs review" in done.stdout
    assert "not saved as ambiguity flags" in done.stdout
    saved = json.loads((root / ".charter" / "calibration" / "python_judges_pair.json").read_text())
    assert saved["reliable"] is False
    assert saved["flags"] == [] and saved["flags_withheld"] == 2
    bad = charter(root, "calibrate", ".", "--grader", "python:judges:pair", "--format", "xml")
    assert bad.returncode == 2 and "--format must be table or json" in bad.stderr
    none = charter(root, "calibrate", ".")
    assert none.returncode == 2 and "--grader" in none.stderr


ODD_JUDGE = """\
import json


def odd(messages, config):
    # right about the report summary's GOOD and BAD replies, wrong about every other one
    prompt = messages[0].content
    reply = prompt[prompt.rfind("<reply>") :]
    right = "Sales rose" in reply or "page by page" in reply
    verdict = "comply" if ("Sales rose" in reply or "address" in reply) else "violate"
    return json.dumps({"verdict": verdict, "confidence": 0.9, "rationale": str(right)})
"""

REPORT_PAIR = ("brevity-summary-of-a-report-good", "brevity-summary-of-a-report-bad")


def test_a_partial_calibration_never_replaces_the_full_one_nor_is_trusted(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path, {"judges2.py": ODD_JUDGE})
    folder = root / ".charter" / "calibration"
    full = charter(root, "calibrate", ".", "--grader", "python:judges2:odd", "--no-pairwise")
    assert full.returncode == 0, full.stderr
    assert "kappa 0.00, accuracy 50% on 4 precedents - too few to measure it" in full.stdout
    before = (folder / "python_judges2_odd.json").read_text(encoding="utf-8")
    select = [arg for name in REPORT_PAIR for arg in ("--select", name)]
    part = charter(root, "calibrate", ".", "-g", "python:judges2:odd", "--no-pairwise", *select)
    assert part.returncode == 0, part.stderr
    assert "kappa 1.00, accuracy 100% on 2 precedents (selection " in part.stdout
    assert "too few to measure it (at least 20 needed" in part.stdout
    assert (folder / "python_judges2_odd.json").read_text(encoding="utf-8") == before
    (saved,) = folder.glob("python_judges2_odd@*.json")
    figures = json.loads(saved.read_text(encoding="utf-8"))
    assert figures["selection"]["select"] == list(REPORT_PAIR)
    assert figures["clauses"] == ["amb1"] and figures["reliable"] is False
    # with min-precedents 3 the full calibration (4) counts and the partial one (2) does not:
    # `charter test` uses the full one, and the judge at kappa 0 decides nothing
    (root / "charter.toml").write_text("[judge]\nmin-precedents = 3\n", encoding="utf-8")
    run = charter(
        root,
        "test",
        ".",
        "--examples",
        "-m",
        "python:judges:prose",
        "--grader",
        "python:judges2:odd",
    )
    assert run.returncode == 0, run.stderr
    assert "kappa 0.00, accuracy 50% on 4 precedents - verdicts near chance" in run.stderr
    verdicts = {row[0] for row in query(root, "SELECT verdict FROM grades")}
    assert verdicts == {"needs_review"}
    (root / "charter.toml").write_text("[judge]\nmin-precedents = 0\n", encoding="utf-8")
    bad = charter(root, "calibrate", ".", "-g", "python:judges2:odd", "--no-pairwise")
    assert (
        bad.returncode == 2 and "[judge] min-precedents must be a whole number >= 1" in bad.stderr
    )
