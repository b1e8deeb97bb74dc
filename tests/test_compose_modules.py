"""Modules: namespaced imports, versions, cycles, escapes, installed spec packages, the lock."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import CliRunner

from charter.check import check_path
from charter.compose import LOCK_NAME, write_lock
from charter.spec import load_project

CASE = "**Example**: x\n\n~~~xml\n<user>\nhello\n</user>\n~~~\n"


def _module(name: str, version: str, body: str, *, extra: str = "") -> str:
    return (
        f"---\nname: {name}\nversion: {version}\nowner: {name}@acme.example\n{extra}---\n\n{body}"
    )


def _project(make_project: Any, imports: str, modules: dict[str, str], **more: str) -> Path:
    files = {
        "spec.md": _module(
            "product",
            "1.0.0",
            "# P {#p authority=developer}\n\nBe kind[^kind].\n",
            extra=f"imports:\n{imports}",
        ),
        "cases/kind.md": CASE,
        **modules,
        **more,
    }
    return Path(make_project(files))


LEGAL = {
    "legal/legal.md": _module(
        "legal",
        "1.3.0",
        "# Legal {#legal authority=system}\n\nThe assistant must log refunds[^log].\n",
        extra="level: system\n",
    ),
    "legal/cases/log.md": CASE,
}


def test_imported_ids_are_namespaced_and_point_at_module_files(make_project: Any) -> None:
    root = _project(make_project, "  - {path: ./legal, as: law, version: '>=1.2,<2'}\n", LEGAL)
    spec = load_project(root).spec
    clause = spec.clause("law:log")
    assert clause is not None and clause.module == "law"
    assert clause.span.file == "legal/legal.md"
    assert spec.section("law:legal") is not None
    assert [m.alias for m in spec.modules] == ["", "law"]
    assert spec.modules[1].owner == "legal@acme.example"
    result = check_path(root)
    assert [d.code for d in result.diagnostics] == ["C001"]  # only the missing lock


def test_version_constraint_is_checked(make_project: Any) -> None:
    root = _project(make_project, "  - {path: ./legal, version: '>=2'}\n", LEGAL)
    (found,) = [d for d in check_path(root).diagnostics if d.code == "C007"]
    assert ">=2" in found.message and "1.3.0" in found.message
    assert found.span.file == "spec.md" and found.span.line == 6


def test_cycle_is_reported_with_its_path(make_project: Any) -> None:
    modules = {
        "a/a.md": _module(
            "a",
            "1.0.0",
            "# A {#a}\n\nThe assistant must be brief[^ab].\n",
            extra="imports:\n  - ../b\n",
        ),
        "a/cases/ab.md": CASE,
        "b/b.md": _module(
            "b",
            "1.0.0",
            "# B {#b}\n\nThe assistant must be clear[^bc].\n",
            extra="imports:\n  - ../a\n",
        ),
        "b/cases/bc.md": CASE,
    }
    root = _project(make_project, "  - ./a\n", modules)
    (cycle,) = [d for d in check_path(root).diagnostics if d.code == "C003"]
    assert "`a` (path:a) -> `b` (path:b) -> `a` (path:a)" in cycle.message
    assert cycle.span.file == "b/b.md"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("../../etc/passwd", "outside the project"),
        ("/etc", "absolute path"),
        ("./missing", "no folder"),
        ("nosuchspec>=1", "no installed package offers a `charter.specs` entry point"),
        ("{path: ./legal, version: 'about two'}", "is not a version constraint"),
    ],
)
def test_bad_imports_are_one_line_exit_2(
    make_project: Any, run_charter: CliRunner, entry: str, expected: str
) -> None:
    root = _project(make_project, f"  - {entry}\n", LEGAL)
    done = run_charter("check", root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert expected in done.stdout
    assert "spec.md:6:" in done.stdout and "Traceback" not in done.stdout + done.stderr


def test_symlink_out_of_the_project_is_refused(make_project: Any, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "cases").mkdir(parents=True)
    (outside / "x.md").write_text(_module("x", "1.0.0", "# X {#x}\n\nBe calm[^calm].\n"))
    root = _project(make_project, "  - ./linked\n", {})
    (root / "linked").symlink_to(outside)
    (found,) = [d for d in check_path(root).diagnostics if d.code == "C005"]
    assert "outside the project" in found.message


def test_lock_is_written_and_goes_stale_when_a_module_changes(
    make_project: Any, run_charter: CliRunner
) -> None:
    root = _project(make_project, "  - {path: ./legal, as: legal}\n", LEGAL)
    done = run_charter("lock", root)
    assert done.returncode == 0, done.stderr
    text = (root / LOCK_NAME).read_text()
    assert 'alias = "legal"' in text and 'version = "1.3.0"' in text and "sha256:" in text
    assert check_path(root).diagnostics == []
    legal = root / "legal" / "legal.md"
    legal.write_text(legal.read_text().replace("log refunds", "log every refund"))
    (stale,) = check_path(root).diagnostics
    assert stale.code == "C002" and "module `legal`: content changed" in stale.message


def test_lock_without_imports_is_a_usage_error(make_project: Any, run_charter: CliRunner) -> None:
    root = make_project({"spec.md": "# S {#s}\n\nBe kind[^k].\n", "cases/k.md": CASE})
    done = run_charter("lock", root)
    assert done.returncode == 2 and "imports no modules" in done.stderr


def _install_spec_package(site: Path, version: str) -> None:
    """A real installed distribution: a package with a spec folder and a .dist-info whose
    entry_points.txt offers `honesty` in the `charter.specs` group."""
    package = site / "honesty_spec" / "spec"
    (package / "cases").mkdir(parents=True)
    (site / "honesty_spec" / "__init__.py").write_text("")
    (package / "honesty.md").write_text(
        _module(
            "honesty",
            version,
            "# Honesty {#honesty authority=developer}\n\n"
            "The assistant must not state falsehoods[^sy73].\n",
        )
    )
    (package / "cases" / "sy73.md").write_text(CASE)
    info = site / f"honesty_spec-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: honesty-spec\nVersion: {version}\n"
    )
    (info / "entry_points.txt").write_text("[charter.specs]\nhonesty = honesty_spec:spec\n")
    (info / "RECORD").write_text("")


@pytest.mark.parametrize(("version", "ok"), [("1.4.0", True), ("2.0.0", False)])
def test_spec_from_an_installed_package_via_entry_point(
    make_project: Any, tmp_path: Path, version: str, ok: bool
) -> None:
    site = tmp_path / "site"
    _install_spec_package(site, version)
    root = _project(make_project, "  - honesty>=1.2,<2\n", {})
    code = textwrap.dedent(
        f"""
        import sys; sys.path.insert(0, {str(site)!r})
        from charter.check import check_path
        from charter.compose import write_lock
        result = check_path({str(root)!r})
        print(sorted(d.code for d in result.diagnostics))
        print(result.spec.clause("honesty:sy73").span.file.endswith("honesty.md"))
        print([m.source for m in result.spec.modules])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    codes, in_package, sources = done.stdout.strip().splitlines()
    assert in_package == "True"
    assert f"package:honesty-spec=={version}" in sources
    assert codes == ("['C001']" if ok else "['C001', 'C007']")


def test_write_lock_round_trip(make_project: Any) -> None:
    root = _project(make_project, "  - ./legal\n", LEGAL)
    path = write_lock(load_project(root).spec)
    assert path.name == LOCK_NAME
    assert check_path(root).diagnostics == []


def test_one_module_under_two_aliases_is_reported(make_project: Any) -> None:
    safety = {
        "safety/safety.md": _module(
            "safety", "1.0.0", "# S {#s}\n\nThe assistant must refuse weapons[^arms].\n"
        ),
        "safety/cases/arms.md": CASE,
        "legal/legal.md": _module(
            "legal",
            "1.3.0",
            "# Legal {#legal}\n\nThe assistant must log refunds[^log].\n",
            extra="imports:\n  - {path: ../safety, as: sec}\n",
        ),
        "legal/cases/log.md": CASE,
    }
    root = _project(make_project, "  - {path: ./safety, as: safety}\n  - ./legal\n", safety)
    spec = load_project(root).spec
    assert [m.alias for m in spec.modules] == ["", "safety", "legal"]
    assert spec.clause("safety:arms") is not None
    assert spec.modules[2].imports == {"sec": "safety"}
    (found,) = [d for d in check_path(root).diagnostics if d.code == "C009"]
    assert found.message == (
        "import `../safety` (as sec): this module (path:safety) is already imported as `safety`, "
        "so its clauses are `safety:...`, not `sec:...`"
    )
    assert (found.span.file, found.span.line) == ("legal/legal.md", 6)


def test_import_messages_show_entries_as_written(make_project: Any) -> None:
    root = _project(make_project, "  - {path: ./legal, as: law, version: '>=2'}\n", LEGAL)
    (found,) = [d for d in check_path(root).diagnostics if d.code == "C007"]
    assert found.message == (
        "import `./legal` (as law) needs >=2, but module `law` (path:legal) has version 1.3.0"
    )
    root = _project(make_project, "  - {path: ./legal, as: [law]}\n", LEGAL, name="listed")
    (bad,) = [d for d in check_path(root).diagnostics if d.code == "C006"]
    assert bad.message == (
        'import `./legal` (as ["law"]): alias `["law"]` must be a word (letters, digits, - or _)'
    )
