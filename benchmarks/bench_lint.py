"""Lint calibration and cost: precision per rule from the labelled sample, findings per 1,000
words per Model Spec release, the lint overhead on parse+check, and proselint's time if present.

    python benchmarks/bench_lint.py [CORPORA]      (default: ../shared/corpora or $CHARTER_CORPORA)
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from charter._memo import forget_all
from charter.check import check_spec
from charter.check._engine import default_selection
from charter.lint import lint_spec, project_lint_config
from charter.lint._calibration import (
    default_set_precision,
    format_table,
    load_sample,
    precision_table,
)
from charter.spec import load_project

REPO = Path(__file__).resolve().parents[1]
RUNS = 10


def corpora() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    override = os.environ.get("CHARTER_CORPORA")
    return Path(override) if override else REPO.parent / "shared" / "corpora"


def median_seconds(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        forget_all()  # each run reads as a fresh process does, nothing kept from the last
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_and_check(path: Path, *, lint: bool) -> None:
    """Read and check the spec: the default rule set, or with the linter's rules selected too."""
    project = load_project(path)
    select = [*default_selection(), "L"] if lint else None
    check_spec(project.spec, project.findings, project.config, select=select)


def proselint_seconds(text: str) -> float | None:
    if importlib.util.find_spec("proselint") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as handle:
        handle.write(text)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "proselint", "check", handle.name],
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    Path(handle.name).unlink()
    return elapsed


def main() -> None:
    root = corpora()
    sample = load_sample(REPO / "tests" / "data" / "lint_sample.yaml")
    print("Precision from tests/data/lint_sample.yaml")
    print(format_table(precision_table(sample)))
    good, total = default_set_precision(sample)
    print(f"default set (--select L, preview rules left out): {good}/{total} = {good / total:.1%}")
    print()
    print("release     words(all)  words(linted)  findings  per 1k words(all)  per 1k linted")
    for release in ("2025-02-12", "2025-09-12"):
        path = root / "model-spec" / release
        project = load_project(path)
        report = lint_spec(project.spec, project_lint_config(project.spec.root))
        total = len((path / "model_spec.md").read_text(encoding="utf-8").split())
        count = len(report.findings)
        print(
            f"{release}  {total:>10}  {report.words:>13}  {count:>8}  "
            f"{1000 * count / total:>17.2f}  {1000 * count / report.words:>13.2f}"
        )
    target = root / "model-spec" / "2025-09-12"
    base = median_seconds(lambda: parse_and_check(target, lint=False))
    with_lint = median_seconds(lambda: parse_and_check(target, lint=True))
    print()
    print(
        f"P1 parse+check 2025-09-12, median of {RUNS}: without lint {base * 1000:.0f} ms, "
        f"with lint {with_lint * 1000:.0f} ms, ratio {with_lint / base:.2f}x (budget 2.00x)"
    )
    project = load_project(target)
    lint_only = median_seconds(lambda: lint_spec(project.spec))
    text = (target / "model_spec.md").read_text(encoding="utf-8")
    prose = proselint_seconds(text)
    if prose is None:
        print("proselint: not installed (pip install proselint), no comparison")
    else:
        print(
            f"proselint on model_spec.md: {prose * 1000:.0f} ms (one run, subprocess); "
            f"charter lint alone {lint_only * 1000:.0f} ms; proselint/charter "
            f"{prose / lint_only:.1f}x"
        )


if __name__ == "__main__":
    main()
