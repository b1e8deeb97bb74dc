"""The fuzzer's slowest shapes (benchmarks/fuzz_readers.py), kept as regressions: each once took
over 20 s in reading, checking, linting or the text report on an input under 100 KB, because a
step ran once per clause over a whole shared sentence. The guard is generous (5 s for what
now takes well under one); the figures themselves are printed by the fuzzer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from charter.check import check_spec, render
from charter.spec import load_project
from conftest import write_tree

GUARD_SECONDS = 5.0


def tags_in_one_sentence() -> str:
    tags = "".join(f"[^c{i}]" for i in range(4000))
    return f"# R {{#r}}\n\nThe assistant must be kind and should help{tags}.\n"


def tagged_sentences_in_one_paragraph() -> str:
    return "# R {#r}\n\n" + " ".join(f"It should be nice[^s{i}]." for i in range(3500)) + "\n"


def vague_words_on_one_line() -> str:
    return "# R {#r}\n\n" + "Be appropriate and reasonable as needed, " * 2300 + "\n"


def long_sentence_shared_by_clauses() -> str:
    words = " ".join(f"the assistant must help with item {i} and" for i in range(1800))
    tagged = words.replace(" and", " and[^k0]", 1)
    for index in range(1, 400):
        tagged = tagged.replace(f"item {index * 4} and", f"item {index * 4} and[^k{index}]")
    return f"# R {{#r}}\n\n{tagged} never stop.\n"


SHAPES: dict[str, Callable[[], str]] = {
    "tags-in-one-sentence": tags_in_one_sentence,
    "tagged-sentences": tagged_sentences_in_one_paragraph,
    "vague-line": vague_words_on_one_line,
    "shared-long-sentence": long_sentence_shared_by_clauses,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_worst_shapes_read_check_lint_and_render_in_linear_time(tmp_path: Path, shape: str) -> None:
    text = SHAPES[shape]()
    assert len(text.encode()) < 100_000
    root = write_tree(tmp_path / shape, {"spec.md": text})
    started = time.perf_counter()
    project = load_project(root)
    result = check_spec(project.spec, project.findings, project.config, select=["ALL"])
    reports = [render(result, output_format) for output_format in ("text", "json", "github")]
    seconds = time.perf_counter() - started
    assert result.diagnostics and all(reports)
    assert seconds < GUARD_SECONDS, f"{shape}: {seconds:.1f} s for {len(text):,} characters"
