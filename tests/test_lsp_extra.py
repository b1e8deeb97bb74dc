"""`charter lsp` without the `lsp` extra: one line naming the extra, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

HIDE_PYGLS = (
    "import sys; sys.modules['pygls'] = None; sys.argv = ['charter', 'lsp'];"
    " from charter.cli import main; main()"
)


def test_lsp_without_the_extra_names_it_and_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HIDE_PYGLS], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "lsp extra (pygls missing)" in lines[0]
    assert "pip install 'charter-spec[lsp]'" in lines[0]
