"""`charter publish`: refuses with every reason, then publishes once they are settled."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import REPO_ROOT, CliRunner

MULTITEAM = REPO_ROOT / "examples" / "multiteam"


def test_multiteam_refuses_then_publishes_after_resolutions(
    tmp_path: Path, run_charter: CliRunner
) -> None:
    root = tmp_path / "multiteam"
    shutil.copytree(MULTITEAM, root, ignore=shutil.ignore_patterns("dist", "charter.lock"))
    refused = run_charter("publish", root)
    assert refused.returncode == 1
    out = refused.stdout
    assert "Not published: 5 reason(s)." in out
    assert "illegal override: support/support.md:7: C101" in out
    # brand:casual against formal (antonyms) is a confirmed conflict like the other two
    assert out.count("unresolved conflict:") == 3
    assert "C201 `brand:casual`" in out
    assert "no charter.lock" in out

    # The decisions, and the support team drops its illegal override of a root clause.
    config = root / "charter.toml"
    config.write_text(config.read_text() + (root / "resolutions.toml").read_text())
    support = root / "support" / "support.md"
    text = support.read_text()
    start, end = text.index("overrides:"), text.index("---\n\n#")
    text = text[:start] + text[end:]
    text = text.replace(
        "reads back the full card number the customer gave", "asks for the last four digits"
    )
    support.write_text(text)
    still = run_charter("publish", root)
    assert still.returncode == 1 and "no charter.lock" in still.stdout
    assert "conflict" not in still.stdout

    assert run_charter("lock", root).returncode == 0
    done = run_charter("publish", root, "--output", tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    bundle = json.loads((tmp_path / "out" / "acme-shop-assistant-2.0.0.json").read_text())
    assert bundle["version"] == "2.0.0" and bundle["content_hash"].startswith("sha256:")
    assert [m["alias"] for m in bundle["lock"]] == ["brand", "legal", "support"]
    assert len(bundle["resolutions"]) == 4
    assert bundle["spec"]["root"] == "."
    assert any(c["id"] == "legal:no-pan" for c in bundle["spec"]["clauses"])


def test_require_run_without_runs_refuses(tmp_path: Path, run_charter: CliRunner) -> None:
    root = tmp_path / "p"
    (root / "cases").mkdir(parents=True)
    (root / "spec.md").write_text("---\nversion: 1.0.0\n---\n# S {#s}\n\nBe kind[^k].\n")
    (root / "cases" / "k.md").write_text("**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n")
    (root / "charter.toml").write_text("[publish]\nrequire-run = true\nfail-under = 0.9\n")
    done = run_charter("publish", root)
    assert done.returncode == 1
    assert "require-run is set, but there is no run" in done.stdout
    (root / "charter.toml").write_text("[publish]\nfail-under = 2\n")
    bad = run_charter("publish", root)
    assert bad.returncode == 2 and "fail-under must be a pass rate" in bad.stderr


def test_a_published_version_is_never_overwritten(tmp_path: Path, run_charter: CliRunner) -> None:
    root = tmp_path / "p"
    (root / "cases").mkdir(parents=True)
    spec = root / "spec.md"
    spec.write_text("---\nname: p\nversion: 1.0.0\n---\n# S {#s}\n\nBe kind[^k].\n")
    (root / "cases" / "k.md").write_text("**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n")
    first = run_charter("publish", root)
    assert first.returncode == 0, first.stdout + first.stderr
    published = root / "dist" / "p-1.0.0.json"
    before = published.read_bytes()

    again = run_charter("publish", root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Already published" in again.stdout
    assert published.read_bytes() == before

    spec.write_text(spec.read_text().replace("Be kind", "Be very kind"))
    changed = run_charter("publish", root)
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert "already holds version 1.0.0 with different content" in changed.stdout
    assert "bump `version:`" in changed.stdout
    assert published.read_bytes() == before

    spec.write_text(spec.read_text().replace("version: 1.0.0", "version: 1.0.1"))
    bumped = run_charter("publish", root)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert (root / "dist" / "p-1.0.1.json").is_file()
    assert published.read_bytes() == before
