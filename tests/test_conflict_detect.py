"""Conflict detection: the modality test, the multiteam example, MiniLM candidates, lazy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import REPO_ROOT, CliRunner

from charter.check import check_path
from charter.conflict import opposite_modality, statements

MULTITEAM = REPO_ROOT / "examples" / "multiteam"
CASE = "**Example**: x\n\n~~~xml\n<user>\nhello\n</user>\n~~~\n"

#: What the example plants: (code, lower clause, higher clause).
PLANTED = {
    ("C201", "support:give-dates", "legal:no-date-promise"),  # opposite modality, lower vs higher
    ("C201", "support:emoji-greeting", "no-emoji"),  # same-level contradiction
    ("C101", "support:card-check", "legal:no-pan"),  # illegal override of a root clause
    ("C203", "brand:upbeat", "no-exclaim"),  # guideline implicitly overridden
    ("C201", "brand:casual", "formal"),  # same-level antonyms: formal vs casual
}
#: Near-misses that must not be reported, and the legal override of a user default.
QUIET = [
    {"support:tracking-dm", "legal:tracking-public"},
    {"support:no-shipping-refund", "legal:damaged-refund"},
    {"support:no-password", "legal:password-root"},
    {"support:avoid-jargon", "brand:no-jargon"},
    {"match-language", "brand:english-only"},
]


def _mentioned(message: str, ids: set[str]) -> bool:
    return all(f"`{clause}`" in message for clause in ids)


@pytest.fixture(scope="session")
def minilm() -> object:
    """The real all-MiniLM-L6-v2 model (loaded once per session, offline)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    pytest.importorskip("sentence_transformers", reason="needs the embeddings extra")
    from charter.conflict._semantic import _model

    return _model()


@pytest.fixture(scope="module")
def multiteam() -> Any:
    return check_path(MULTITEAM)


def test_every_planted_conflict_is_reported(multiteam: Any) -> None:
    found = {(d.code, d.message) for d in multiteam.diagnostics if d.code.startswith("C")}
    for code, low, high in PLANTED:
        assert any(c == code and _mentioned(m, {low, high}) for c, m in found), (code, low, high)
    conflicts = [d for d in multiteam.diagnostics if d.code in ("C101", "C201", "C202", "C203")]
    tp = sum(
        1
        for code, low, high in PLANTED
        if any(d.code == code and _mentioned(d.message, {low, high}) for d in conflicts)
    )
    precision, recall = tp / len(conflicts), tp / len(PLANTED)
    print(f"multiteam: reported={len(conflicts)} planted={len(PLANTED)} P={precision} R={recall}")
    assert precision == 1.0 and recall == 1.0
    assert multiteam.exit_code == 1


def test_near_misses_and_legal_overrides_stay_quiet(multiteam: Any) -> None:
    for pair in QUIET:
        assert not any(_mentioned(d.message, pair) for d in multiteam.diagnostics), pair


def test_findings_name_modules_owners_authorities_and_a_proposal(multiteam: Any) -> None:
    (dates,) = [d for d in multiteam.diagnostics if "support:give-dates" in d.message]
    assert "module support, owner support@acme.example, developer" in dates.message
    assert "module legal, owner legal@acme.example, system" in dates.message
    assert dates.hint is not None and "precedence by authority" in dates.hint
    assert (
        dates.span.file == "support/support.md" and dates.related[0].span.file == "legal/legal.md"
    )
    (emoji,) = [d for d in multiteam.diagnostics if "support:emoji-greeting" in d.message]
    assert emoji.hint is not None and "same authority" in emoji.hint


def test_modality_test_on_statements() -> None:
    texts = [
        "The assistant must not promise a delivery date to a customer.",
        "The assistant must promise a delivery date when the customer asks.",
        "The assistant must share the tracking link in direct messages.",
        "The assistant must not share the tracking link in public channels.",
        "The assistant must never ask for a password.",
        "The assistant must not request a password.",
    ]
    items = [s for index, text in enumerate(texts) for s in statements(text, index)]
    pairs = {(m.first.clause, m.second.clause) for m in opposite_modality(items)}
    assert pairs == {(0, 1)}


def test_semantic_candidates_with_minilm_and_lsh(minilm: Any) -> None:
    from charter.conflict._semantic import candidate_pairs, embed

    texts = [
        "Replies must be written in a formal tone.",
        "Replies must be written in a casual, playful tone.",
        "Refunds above 200 dollars need a human agent.",
        "The assistant must not share the order tracking link in public channels.",
    ]
    vectors = embed(texts)
    assert vectors.shape == (4, 384)
    exact = candidate_pairs(vectors, 0.7)
    assert (0, 1) in {(a, b) for a, b, _ in exact}
    assert all(score >= 0.7 for _, _, score in exact)
    # The LSH path, forced on a small input, finds the same close pair.
    hashed = candidate_pairs(vectors, 0.7, exact_limit=0)
    assert (0, 1) in {(a, b) for a, b, _ in hashed}


def test_check_without_semantic_search_does_not_import_torch(tmp_path: Path) -> None:
    code = (
        "import sys; from charter.cli import app; from charter.cli._errors import run_safely;"
        f"run_safely(app, args=['check', {str(REPO_ROOT / 'examples' / 'helpdesk')!r}]);"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "False False", done.stdout + done.stderr


def test_bad_conflicts_table_is_one_line_exit_2(make_project: Any, run_charter: CliRunner) -> None:
    root = make_project(
        {
            "charter.toml": '[conflicts]\nthreshold = "high"\n',
            "spec.md": "# Spec {#s}\n\nThe assistant must be kind[^k1].\n",
            "cases/k1.md": "**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n",
        }
    )
    done = run_charter("check", root)
    assert done.returncode == 2
    assert "[conflicts] threshold must be a number between 0 and 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_tags_on_one_sentence_are_not_paired(make_project: Any, minilm: Any) -> None:
    from charter.conflict import conflict_report
    from charter.spec import load_project

    root = make_project(
        {
            "spec.md": "# Tone {#tone}\n\nReplies use a formal tone[^formal] and a warm voice "
            "for the customer[^warm].\n\n"
            "Replies must be written in a casual, playful tone[^casual].\n",
            "charter.toml": "[conflicts]\nsemantic = true\nthreshold = 0.6\n",
            **{f"cases/{cid}.md": CASE for cid in ("formal", "warm", "casual")},
        }
    )
    report = conflict_report(load_project(root).spec)
    pairs = {conflict.ids for conflict in report.conflicts}
    assert frozenset(("formal", "warm")) not in pairs
    assert frozenset(("formal", "casual")) in pairs
    assert all("similarity 1.00" not in conflict.evidence for conflict in report.conflicts)
