"""OpenMP's idle threads sleep rather than spin once Charter loads a native model library,
unless the user chose a policy (see `charter._threads`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = """
import os
from charter.conflict._semantic import embed
embed(["one sentence"])
print(os.environ.get("OMP_WAIT_POLICY"))
"""


def _policy_after_embedding(given: str | None) -> str:
    pytest.importorskip("sentence_transformers", reason="needs the embeddings extra")
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    if given is not None:
        env["OMP_WAIT_POLICY"] = given
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()[-1]


def test_embedding_sets_the_passive_wait_policy() -> None:
    assert _policy_after_embedding(None) == "PASSIVE"


def test_a_policy_the_user_set_is_kept() -> None:
    assert _policy_after_embedding("ACTIVE") == "ACTIVE"
