"""The PII detectors on public sets this project did not write (presidio-research's synthetic
sentences, presidio's recognizer tests): the dev half of benchmarks/data/detector_split.tsv only,
the half the detectors were tuned on, so these are floors against regressions, not the reported
figures (benchmarks/results/detectors-public.txt has the test half's).

The sets are fetched public data, not committed: they are read from $CHARTER_DETECTOR_DATA or
../shared/corpora/detectors, and the tests skip, saying so, when they are not there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from charter.checks import Reply, Result, evaluate, validate_entry

REPO = Path(__file__).resolve().parents[1]
DATA = Path(
    os.environ.get("CHARTER_DETECTOR_DATA", REPO.parent / "shared" / "corpora" / "detectors")
)
SPLIT = REPO / "benchmarks" / "data" / "detector_split.tsv"


def _dev(name: str, label: str) -> list[dict[str, object]]:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"{path} is missing (fetched public data; see benchmarks/detector_data.py)")
    halves = {}
    for line in SPLIT.read_text(encoding="utf-8").splitlines()[1:]:
        kept, key, which = line.split("\t")
        halves[(kept, key)] = which
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [row for row in rows if halves.get((label, str(row["id"]))) == "dev"]


@pytest.mark.parametrize(
    ("name", "label", "check", "entity", "precision", "recall"),
    [
        (
            "presidio-synth.jsonl",
            "presidio-synth",
            {"no_card_number": True},
            "CREDIT_CARD",
            1.0,
            0.9,
        ),
        ("presidio-synth.jsonl", "presidio-synth", {"no_iban": True}, "IBAN_CODE", 1.0, 1.0),
        ("presidio-synth.jsonl", "presidio-synth", {"no_email": True}, "EMAIL_ADDRESS", 1.0, 1.0),
        ("presidio-tests.jsonl", "presidio-tests", {"no_iban": True}, "IBAN_CODE", 1.0, 1.0),
        (
            "presidio-tests.jsonl",
            "presidio-tests",
            {"no_card_number": True},
            "CREDIT_CARD",
            0.9,
            1.0,
        ),
    ],
)
def test_detector_on_the_dev_half(
    name: str, label: str, check: dict[str, object], entity: str, precision: float, recall: float
) -> None:
    rows = _dev(name, label)
    validated = validate_entry("check", check)
    found = said = positive = 0
    for row in rows:
        result = evaluate(validated, Reply(str(row["text"]))).result
        assert result is not Result.UNDECIDED
        says, holds = result is Result.FAIL, entity in row["entities"]  # type: ignore[operator]
        found += says and holds
        said += says
        positive += holds
    assert positive > 0 and said > 0
    assert found / said >= precision and found / positive >= recall, (found, said, positive)
