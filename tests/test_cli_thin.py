"""The command line stays a thin layer over the library: short command functions, a small folder.

The logic of a command (what to run, how to decide) lives in the stage packages, where the
studio, the language server and users' own code reach it through `charter`'s public API.
"""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "src" / "charter" / "cli"
MOST_LINES_A_FUNCTION = 60
MOST_LINES_IN_CLI = 1200


def _functions(path: Path) -> list[tuple[str, int]]:
    """Every function of a module (nested ones too): its name and its length in lines, from
    `def` to its last line (decorators not counted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            found.append(
                (f"{path.name}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1)
            )
    return found


def test_no_function_of_the_cli_is_over_60_lines() -> None:
    files = sorted(CLI.glob("*.py"))
    assert files, f"no modules in {CLI}"
    lengths = [item for path in files for item in _functions(path)]
    too_long = [
        f"{name} ({lines} lines)" for name, lines in lengths if lines > MOST_LINES_A_FUNCTION
    ]
    assert not too_long, "move the logic into a library package: " + ", ".join(too_long)


def test_the_cli_folder_is_under_1200_lines() -> None:
    total = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in CLI.glob("*.py"))
    assert total <= MOST_LINES_IN_CLI, f"src/charter/cli/ has {total} lines"


def test_the_length_counts_the_signature_and_the_body(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text("@decorated\ndef short(\n    a: int,\n) -> int:\n    return a\n")
    assert _functions(module) == [("sample.py:2 short", 4)]
