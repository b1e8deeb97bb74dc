"""The package import graph (tools/import_graph.py): no cycle of module-level imports, the base
layers import nothing of Charter, and the script fails on a cycle it is shown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools.import_graph import analyse

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "import_graph.py"
SRC = ROOT / "src" / "charter"

#: Cycles that only an import inside a function closes. Each is a known debt; a new one fails.
#: grade <-> precedent: a precedent's `checks:` are read with the prompt files' check parser.
KNOWN_DEFERRED_CYCLES: list[list[str]] = []


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, check=False
    )


def test_the_packages_have_no_cycle_of_module_level_imports() -> None:
    done = _run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cycles of module-level imports: 0" in done.stdout
    assert "  check -> " in done.stdout  # the graph itself is printed


def test_only_the_known_deferred_cycles_remain() -> None:
    assert analyse(SRC).deferred_cycles == KNOWN_DEFERRED_CYCLES


def test_the_base_layers_import_nothing_of_charter() -> None:
    graph = analyse(SRC).graph
    assert graph["diagnostics"] == set()
    assert graph["errors"] == set()
    assert graph["text"] == set()
    assert graph["plugins"] <= {"diagnostics"}
    assert "check" not in {
        dependency
        for package in ("compose", "conflict", "grade", "lint", "precedent")
        for dependency in graph[package]
    }


def test_no_package_but_the_command_line_imports_spec_or_check_private_modules() -> None:
    private = analyse(SRC).private
    outside_cli = {
        (item.importer, item.target)
        for item in private
        if not item.importer.startswith("charter.cli")
    }
    assert not any(
        target.startswith(("charter.spec._", "charter.check._")) and not target.endswith("_schema")
        for _, target in outside_cli
    )
    assert outside_cli <= {
        (
            "charter.build._json",
            "charter.spec._schema",
        ),  # pydantic, imported when a bundle is built
        ("charter.clarify._options", "charter.lint._rules"),
        ("charter.train._tune", "charter.model._hf"),
        ("charter.train._tune", "charter.model._local"),
    }


def _package(root: Path, name: str, source: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text(source, encoding="utf-8")


def test_a_cycle_fails_and_names_the_imports(tmp_path: Path) -> None:
    src = tmp_path / "charter"
    _package(src, "alpha", "from charter.beta import b\n")
    _package(src, "beta", "from charter.alpha._inner import a\n")
    (src / "alpha" / "_inner.py").write_text("a = 1\n", encoding="utf-8")
    _package(src, "gamma", "def late() -> None:\n    from charter.delta import d\n")
    _package(src, "delta", "from charter.gamma import g\n")
    done = _run(src)
    assert done.returncode == 1
    assert "cycles of module-level imports: 1\n  cycle: alpha <-> beta" in done.stdout
    assert "charter.beta:1 imports charter.alpha._inner (module)" in done.stdout
    assert "cycles closed by a function-level import: 1\n  cycle: delta <-> gamma" in done.stdout
    assert "charter.gamma:2 imports charter.delta (function)" in done.stdout
    assert "imports of another package's private module: 1" in done.stdout


def test_strict_fails_on_a_deferred_cycle(tmp_path: Path) -> None:
    src = tmp_path / "charter"
    _package(src, "gamma", "def late() -> None:\n    from charter.delta import d\n")
    _package(
        src,
        "delta",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from charter.epsilon import e\nfrom charter.gamma import g\n",
    )
    _package(src, "epsilon", "from charter.delta import d\n")
    assert _run(src).returncode == 0
    done = _run("--strict", src)
    assert done.returncode == 1
    assert "cycle: delta <-> gamma" in done.stdout
    assert (
        "epsilon"
        not in done.stdout.split("cycles of module-level imports")[1].split("imports of")[0]
    )
