"""`charter lsp` in a real editor: headless Neovim (Debian's) opens a spec, waits for the
server's diagnostics, prints them and a hover (tests/data/lsp/neovim_smoke.lua)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="needs the lsp extra (pygls)")

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "data" / "lsp" / "neovim_smoke.lua"
ADDED = "\n## More {#more authority=platform}\n\nReplies should be reasonably short[^short].\n"


def _nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nvim is missing under CI: .ci/run installs Debian's neovim")
        pytest.skip("nvim is not installed (apt-get install neovim); CI runs this test")
    return found


def test_neovim_shows_diagnostics_and_hover(tmp_path: Path) -> None:
    nvim = _nvim()
    root = tmp_path / "helpdesk"
    shutil.copytree(HERE.parent / "examples" / "helpdesk", root)
    spec = root / "spec" / "helpdesk.md"
    spec.write_text(spec.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    env = {
        **os.environ,
        "CHARTER_LSP_CMD": f"{sys.executable} -m charter lsp",
        "CHARTER_LSP_ROOT": str(root),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(SCRIPT), "spec/helpdesk.md"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    last = len(spec.read_text(encoding="utf-8").split("\n")) - 1
    assert (
        f"  helpdesk.md:{last - 2}:16 S107 `authority=platform` is the earlier name"
        in "\n".join(lines)
    ), done.stdout
    assert any(f"helpdesk.md:{last}:" in line and " S102 " in line for line in lines), done.stdout
    assert any(line.startswith("hover at 26:") for line in lines), done.stdout
    hover = "  **[^pay-pan]** The assistant must never repeat or ask for a full payment card number"
    assert any(line.startswith(hover) for line in lines), done.stdout
    assert "  authority: `root` · section: Safety floor (`#safety`)" in lines, done.stdout
