"""Accuracy of the PII detectors and of `reading_level` on public sets this project did not write.

PII: microsoft/presidio-research's 1,500 synthetic sentences (entity types labelled by their
generator) and the texts of microsoft/presidio's recognizer tests (MIT), one positive class per
detector: the text holds that entity type. Reading level: OneStopEnglish (CC BY-SA 4.0), 189
articles each written at an Elementary and an Advanced level; how often the Elementary version
gets the lower Flesch-Kincaid grade, and how well one limit (chosen on the dev half) separates
the two levels.

The halves are frozen in benchmarks/data/detector_split.tsv (by a hash of set and id; an
article's two levels share an id) and were committed before anything was measured; tune on
`dev`, report `test`.

    python benchmarks/bench_pii_levels.py --split [DATA]     (writes the split file)
    python benchmarks/bench_pii_levels.py [--half test] [DATA]
        (DATA default: ../shared/corpora/detectors, or $CHARTER_DETECTOR_DATA)
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from detector_data import PII_SYNTH, PII_TESTS, Pii, read_levels, read_pii
from eval_split import half

from charter.checks import Reply, Result, evaluate, validate_entry
from charter.checks._prose import reading_grade

REPO = Path(__file__).resolve().parents[1]
SPLIT = REPO / "benchmarks" / "data" / "detector_split.tsv"
DEFAULT = Path(
    os.environ.get("CHARTER_DETECTOR_DATA", REPO.parent / "shared" / "corpora" / "detectors")
)
SETS = {PII_SYNTH: "presidio-synth", PII_TESTS: "presidio-tests"}

#: detector name, the entity type it looks for, the check that fails when it finds one.
DETECTORS: list[tuple[str, str, dict[str, Any]]] = [
    ("no_card_number", "CREDIT_CARD", {"no_card_number": True}),
    ("no_iban", "IBAN_CODE", {"no_iban": True}),
    ("no_email", "EMAIL_ADDRESS", {"no_email": True}),
    ("no_phone", "PHONE_NUMBER", {"no_phone": True}),
    ("no_pii: [ssn]", "US_SSN", {"no_pii": ["ssn"]}),
]


def write_split(data: Path) -> int:
    rows = []
    for name, label in SETS.items():
        rows += [(label, item.id) for item in read_pii(data, name)]
    rows += sorted({("onestop", item.id) for item in read_levels(data)})
    lines = ["set\tid\thalf", *(f"{s}\t{i}\t{half(f'{s}:{i}')}" for s, i in rows)]
    SPLIT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


def read_split() -> dict[tuple[str, str], str]:
    lines = SPLIT.read_text(encoding="utf-8").splitlines()[1:]
    return {(s, i): h for s, i, h in (line.split("\t") for line in lines)}


def found_by(check: dict[str, Any]) -> Callable[[str], bool | None]:
    validated = validate_entry("check", check)

    def found(text: str) -> bool | None:
        result = evaluate(validated, Reply(text)).result
        return None if result is Result.UNDECIDED else result is Result.FAIL

    return found


def score(items: list[Pii], entity: str, found: Callable[[str], bool | None]) -> str:
    decided = correct = tp = said = positive = 0
    for item in items:
        verdict = found(item.text)
        if verdict is None:
            continue
        truth = entity in item.entities
        decided += 1
        correct += verdict == truth
        tp += verdict and truth
        said += verdict
        positive += truth
    accuracy = correct / decided if decided else 0.0
    precision = f"{tp / said:.1%}" if said else "n/a"
    recall = f"{tp / positive:.1%}" if positive else "n/a"
    return f"{len(items)} | {decided} | {positive} | {accuracy:.1%} | {precision} | {recall}"


def pii_lines(data: Path, split: dict[tuple[str, str], str], wanted: str) -> list[str]:
    lines = []
    for name, label in SETS.items():
        items = [i for i in read_pii(data, name) if split.get((label, i.id)) == wanted]
        lines += [
            f"\n{label}, {wanted} half: {len(items)} texts",
            "detector | texts | decided | positives | accuracy | precision | recall",
        ]
        for detector, entity, check in DETECTORS:
            lines.append(f"{detector} ({entity}) | {score(items, entity, found_by(check))}")
    return lines


def level_lines(data: Path, split: dict[tuple[str, str], str], wanted: str) -> list[str]:
    grades: dict[str, dict[str, float]] = {}
    for item in read_levels(data):
        grade = reading_grade(item.text)
        if grade is not None:
            grades.setdefault(item.id, {})[item.level] = grade
    pairs = {k: v for k, v in grades.items() if len(v) == 2}

    def of(name: str) -> list[dict[str, float]]:
        return [v for k, v in pairs.items() if split.get(("onestop", k)) == name]

    def separated(rows: list[dict[str, float]], limit: float) -> float:
        right = sum(r["elementary"] <= limit for r in rows) + sum(
            r["advanced"] > limit for r in rows
        )
        return right / (2 * len(rows))

    dev, test = of("dev"), of(wanted)
    candidates = sorted({round(g, 1) for r in dev for g in r.values()})
    limit = max(candidates, key=lambda value: (separated(dev, value), -value))
    ranked = sum(r["elementary"] < r["advanced"] for r in test) / len(test)
    mean = {lv: sum(r[lv] for r in test) / len(test) for lv in ("elementary", "advanced")}
    return [
        f"\nOneStopEnglish reading_level (Flesch-Kincaid), {wanted} half: {len(test)} articles",
        f"Elementary graded below Advanced: {ranked:.1%}",
        f"mean grade: Elementary {mean['elementary']:.1f}, Advanced {mean['advanced']:.1f}",
        f"limit chosen on dev ({len(dev)} articles): {limit}; it separates "
        f"{separated(test, limit):.1%} of the {wanted} half's {2 * len(test)} texts "
        f"(dev: {separated(dev, limit):.1%})",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--split", action="store_true", help="write the split file and stop")
    parser.add_argument("--half", choices=("dev", "test"), default="test")
    args = parser.parse_args()
    if args.split:
        print(f"wrote {write_split(args.data)} rows to {SPLIT}")
        return
    split = read_split()
    lines = [f"# python benchmarks/bench_pii_levels.py --half {args.half} ({args.data})"]
    lines += pii_lines(args.data, split, args.half) + level_lines(args.data, split, args.half)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
