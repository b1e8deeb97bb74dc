"""Precision and recall of the linter on the independent lint sets (tests/data/eval/lint,
tests/data/eval/lint2, tests/data/eval/lint3).

    python benchmarks/eval_lint.py [--set lint|lint2|lint3] [--half dev|test] [--label NAME]
                                   [--show]

`lint` writes the half's paragraphs to a temporary spec; `lint2` and `lint3` (split by sentence)
write the whole document, so every sentence keeps its neighbours, and score the half's rows
only. A sentence is flagged when a lint rule about ambiguity fires in it. `--show` lists the
mistakes (dev half only: the test half is never read for tuning). `--label` saves the figures to
benchmarks/results/eval-<set>-<half>-<label>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from charter.lint import LINT_RULES, lint_spec, project_lint_config
from charter.spec import load_project

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "tests" / "data" / "eval"
RESULTS = REPO / "benchmarks" / "results"
#: Rules that are not about ambiguous wording: the case of modal words, empty prompt files.
NOT_AMBIGUITY = {"L013", "L014"}
SCORED = {rule.code for rule in LINT_RULES if not rule.preview} - NOT_AMBIGUITY


@dataclass(frozen=True, slots=True)
class Row:
    para: str
    normative: bool
    ambiguous: bool
    categories: str
    text: str


def rows(name: str, half: str) -> list[Row]:
    """The rows of `<name>/<half>.tsv`; lint2 and lint3 have a `reason` column before the text."""
    lines = (EVAL / name / f"{half}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    found = []
    for line in lines:
        fields = line.split("\t")
        para, kind, ambiguous, categories, text = fields[0], *fields[1:4], fields[-1]
        found.append(Row(para, kind == "N", ambiguous == "1", categories, text))
    return found


def scored(name: str, half: str) -> tuple[list[Row], list[set[str]]]:
    """The half's rows and the codes found in each. lint2 and lint3 are linted as a whole
    document and the half's rows are picked out of it (their halves are split by sentence, not by
    paragraph)."""
    if name == "lint":
        items = rows(name, half)
        return items, flagged(items)
    document = rows(name, "sentences")
    codes = flagged(document)
    wanted = {(item.para, item.text) for item in rows(name, half)}
    kept = [
        (item, c)
        for item, c in zip(document, codes, strict=True)
        if (item.para, item.text) in wanted
    ]
    return [item for item, _ in kept], [c for _, c in kept]


def flagged(items: list[Row]) -> list[set[str]]:
    """The scored rule codes that fire in each sentence."""
    spans: list[tuple[int, int]] = []
    parts = ["# Evaluation {#evaluation}\n\n"]
    offset = len(parts[0])
    previous = None
    # Whether the previous row ends with a full stop: the next row after one that does not (a
    # list item in the source) starts a new paragraph, or the two would be read as one sentence.
    ended = True
    for item in items:
        if previous is not None:
            joiner = " " if item.para == previous and ended else "\n\n"
            parts.append(joiner)
            offset += len(joiner)
        spans.append((offset, offset + len(item.text)))
        parts.append(item.text)
        offset += len(item.text)
        previous = item.para
        ended = item.text.rstrip("*_` ").endswith((".", "!", "?", ":"))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "spec.md").write_text("".join(parts) + "\n", encoding="utf-8")
        report = lint_spec(load_project(root).spec, project_lint_config(root))
    codes: list[set[str]] = [set() for _ in items]
    for finding in report.findings:
        if finding.rule.code not in SCORED:
            continue
        for index, (start, end) in enumerate(spans):
            if start <= finding.offset < end:
                codes[index].add(finding.rule.code)
    return codes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", dest="name", choices=("lint", "lint2", "lint3"), default="lint")
    parser.add_argument("--half", choices=("dev", "test"), default="test")
    parser.add_argument("--label")
    parser.add_argument("--show", action="store_true")
    options = parser.parse_args()
    items, codes = scored(options.name, options.half)
    tp = sum(bool(c) and i.ambiguous for i, c in zip(items, codes, strict=True))
    fp = sum(bool(c) and not i.ambiguous for i, c in zip(items, codes, strict=True))
    fn = sum(not c and i.ambiguous for i, c in zip(items, codes, strict=True))
    descriptive_fp = sum(bool(c) and not i.normative for i, c in zip(items, codes, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    figures = {
        "set": options.name,
        "half": options.half,
        "sentences": len(items),
        "ambiguous": sum(i.ambiguous for i in items),
        "flagged": tp + fp,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "fp_descriptive": descriptive_fp,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
    }
    print(json.dumps(figures))
    if options.show and options.half == "dev":
        for item, found in zip(items, codes, strict=True):
            if bool(found) != item.ambiguous:
                kind = "FP" if found else "FN"
                print(f"{kind} {sorted(found)} [{item.categories}] {item.text}")
    if options.label:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"eval-{options.name}-{options.half}-{options.label}.json"
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
