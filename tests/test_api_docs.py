"""Every ```python block of docs/api.md runs, in order and in one namespace, from a folder
holding a copy of the repository's examples/: the API's documentation cannot drift from it.

The model under test is the packaged `local:smollm2`; the blocks keep it to a few short replies.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
API_DOC = REPO / "docs" / "api.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Each python block's code and the line of the docs file it starts on."""
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in _BLOCK.finditer(text)]


def test_the_extraction_finds_each_block_and_its_line() -> None:
    text = "intro\n```python\nx = 1\n```\ntext\n```\nnot python\n```\n```python\ny = 2\n```\n"
    assert python_blocks(text) == [(3, "x = 1\n"), (10, "y = 2\n")]


def test_every_public_name_resolves_and_is_documented_or_listed() -> None:
    import charter

    missing = [name for name in charter.__all__ if not hasattr(charter, name)]
    assert not missing
    assert set(charter.__all__) == {"__version__", *charter._HOME_OF}


def test_api_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(API_DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 8, "docs/api.md lost its examples"
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "api_docs"}
    for line, code in blocks:
        compiled = compile(code, f"{API_DOC}:{line}", "exec")
        exec(compiled, namespace)
