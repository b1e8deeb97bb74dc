"""The `corpora` fixture skips without the corpora, and fails instead when they are required."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
ONE_TEST = "tests/test_spec_corpora.py::test_scan_finds_the_published_counts_of_2025_09_12"


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    environment.update(env, CHARTER_CORPORA=str(tmp_path / "no-corpora"))
    return subprocess.run(
        [sys.executable, "-m", "pytest", ONE_TEST, "-q", "-rs", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("required", "outcome"), [("", "1 skipped"), ("1", "1 error")])
def test_missing_corpora(tmp_path: Path, required: str, outcome: str) -> None:
    done = _pytest(tmp_path, CHARTER_REQUIRE_CORPORA=required)
    assert outcome in done.stdout, done.stdout
    assert done.returncode == (1 if required else 0)
    assert f"Model Spec corpora not found: {tmp_path / 'no-corpora' / 'model-spec'}" in done.stdout
    assert "set CHARTER_CORPORA=/path/to/corpora" in done.stdout


def test_corpora_marker_is_applied(corpora: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            ONE_TEST,
            "-q",
            "-m",
            "not corpora",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )
    assert "1 deselected" in done.stdout, done.stdout
