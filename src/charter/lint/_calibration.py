"""Precision of the lint rules against a labelled sample (tests/data/lint_sample.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import charter.lint  # noqa: F401  (registers the L rules this module looks up)
from charter._yaml import load_yaml
from charter.diagnostics import get_rule


@dataclass(frozen=True, slots=True)
class Labelled:
    """One judged finding: rule code, file, line, flagged words, and whether it is a real issue."""

    rule: str
    file: str
    line: int
    text: str
    judgement: bool
    reason: str


def load_sample(path: Path) -> list[Labelled]:
    data = load_yaml(path.read_text(encoding="utf-8")).data or []
    return [
        Labelled(
            str(e["rule"]),
            str(e["file"]),
            int(e["line"]),
            str(e["text"]),
            bool(e["judgement"]),
            str(e["reason"]),
        )
        for e in data
    ]


def precision_table(sample: list[Labelled]) -> dict[str, tuple[int, int]]:
    """Rule code -> (true findings, all findings), plus `ALL` for the whole sample."""
    table: dict[str, tuple[int, int]] = {}
    for entry in sample:
        good, total = table.get(entry.rule, (0, 0))
        table[entry.rule] = (good + entry.judgement, total + 1)
    table["ALL"] = (sum(e.judgement for e in sample), len(sample))
    return dict(sorted(table.items()))


def default_set_precision(sample: list[Labelled]) -> tuple[int, int]:
    """(true findings, all findings) over the rules `--select L` runs, preview rules left out."""
    kept = [e for e in sample if not ((found := get_rule(e.rule)) and found.preview)]
    return sum(e.judgement for e in kept), len(kept)


def format_table(table: dict[str, tuple[int, int]]) -> str:
    lines = ["rule   true  all  precision"]
    for code, (good, total) in table.items():
        lines.append(f"{code:<6} {good:>4} {total:>4}  {good / total:>8.1%}")
    return "\n".join(lines)
