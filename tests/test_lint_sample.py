"""The labelled sample stays honest: every sampled finding is still produced where it was
judged, and precision per rule and overall is recomputed from the labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.lint import lint_spec, project_lint_config
from charter.lint._calibration import default_set_precision, load_sample, precision_table
from charter.spec import load_project

REPO = Path(__file__).resolve().parents[1]
SAMPLE = load_sample(REPO / "tests" / "data" / "lint_sample.yaml")
TARGET_PRECISION = 0.80


def test_sample_is_large_and_covers_both_releases_and_the_sample_project() -> None:
    assert len(SAMPLE) >= 150
    sources = {entry.file.split("/")[1] for entry in SAMPLE}
    assert {"2025-02-12", "2025-09-12", "helpdesk"} <= sources
    assert all(entry.reason.strip() for entry in SAMPLE)


def test_overall_precision_meets_the_target() -> None:
    good, total = precision_table(SAMPLE)["ALL"]
    assert good / total >= TARGET_PRECISION, f"{good}/{total}"


def test_default_set_leaves_out_the_preview_rules() -> None:
    good, total = default_set_precision(SAMPLE)
    preview = [e for e in SAMPLE if e.rule in ("L008", "L012")]
    assert total == len(SAMPLE) - len(preview) > 0
    assert good / total >= precision_table(SAMPLE)["ALL"][0] / len(SAMPLE)


def test_precision_table_counts() -> None:
    table = precision_table(SAMPLE)
    assert sum(total for code, (_, total) in table.items() if code != "ALL") == len(SAMPLE)
    assert all(0 <= good <= total for good, total in table.values())


def _project_root(relative: str, corpora: Path) -> tuple[Path, str]:
    parts = relative.split("/")
    if parts[0] == "model-spec":
        return corpora / "model-spec" / parts[1], "/".join(parts[2:])
    return REPO / parts[0] / parts[1], "/".join(parts[2:])


def test_every_sampled_finding_is_still_produced(corpora: Path) -> None:
    produced: dict[Path, set[tuple[str, str, int, str]]] = {}
    missing = []
    for entry in SAMPLE:
        root, rel = _project_root(entry.file, corpora)
        if root not in produced:
            spec = load_project(root).spec
            report = lint_spec(spec, project_lint_config(spec.root))
            produced[root] = {
                (f.rule.code, f.span.file, f.span.line, " ".join(f.text.split()))
                for f in report.findings
            }
        if (entry.rule, rel, entry.line, entry.text) not in produced[root]:
            missing.append(f"{entry.file}:{entry.line} {entry.rule} {entry.text!r}")
    assert not missing, "no longer produced: " + "; ".join(missing[:5])


@pytest.mark.parametrize("release", ["2025-02-12", "2025-09-12"])
def test_unsampled_findings_are_few(corpora: Path, release: str) -> None:
    """New findings must be labelled too: the sample holds every finding of each release."""
    spec = load_project(corpora / "model-spec" / release).spec
    report = lint_spec(spec, project_lint_config(spec.root))
    sampled = {
        (e.rule, e.line, e.text) for e in SAMPLE if e.file.startswith(f"model-spec/{release}/")
    }
    unlabelled = [
        (f.rule.code, f.span.line, " ".join(f.text.split()))
        for f in report.findings
        if (f.rule.code, f.span.line, " ".join(f.text.split())) not in sampled
    ]
    assert unlabelled == []
