"""Start-up stays cheap: the command line imports the heavy modules only where a command uses them.

Each case runs in a fresh interpreter and looks at `sys.modules`; no timing (see
benchmarks/bench_startup.py for the figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

#: Never needed to start, to print the version or to check a spec: imported by the commands and
#: functions that use them (junit reports, json_schema checks, model providers, embeddings...).
NEVER_AT_START = (
    "jsonschema",
    "xml.etree.ElementTree",
    "httpx2",
    "aiohttp",
    "anthropic",
    "llama_cpp",
    "torch",
    "numpy",
    "sentence_transformers",
    "tiktoken",
    "packaging",
    "charter.model._openai",
    "charter.model._anthropic",
    "charter.spec._schema",
    "charter.version",
    "charter.clarify",
    "charter.publish",
)

#: Also not needed by `import charter.cli` or `charter --version`, though reading a spec uses them.
NOT_BEFORE_A_COMMAND = (
    *NEVER_AT_START,
    "pydantic",
    "yaml",
    "markdown_it",
    "charter.check",
    "charter.lint",
    "charter.compose",
    "charter.conflict",
)

_LOADED = """
import json, sys
{body}
print(json.dumps(sorted(sys.modules)))
"""

_RUN_CLI = """
sys.argv = ["charter", *{args!r}]
from charter.cli import main
try:
    main()
except SystemExit:
    pass
"""


def _modules_after(body: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED.format(body=body)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("body", "absent"),
    [
        pytest.param("import charter.cli", NOT_BEFORE_A_COMMAND, id="import"),
        pytest.param(_RUN_CLI.format(args=["--version"]), NOT_BEFORE_A_COMMAND, id="version"),
        # typer renders help with rich's markdown (markdown-it): only the NEVER list applies.
        pytest.param(_RUN_CLI.format(args=["--help"]), NEVER_AT_START, id="help"),
        pytest.param(
            _RUN_CLI.format(args=["check", "examples/helpdesk"]), NEVER_AT_START, id="check"
        ),
    ],
)
def test_heavy_modules_stay_unloaded(body: str, absent: tuple[str, ...]) -> None:
    loaded = _modules_after(body)
    assert "charter.cli" in loaded
    assert sorted(loaded & set(absent)) == []


def test_check_still_registers_every_rule_family() -> None:
    """Deferring imports must not shrink the catalogue: `import charter.check` alone registers
    the structural, module, conflict, lint and precedent rules and their checkers."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, charter.check as c\n"
            "from charter.diagnostics import all_rules\n"
            "print(json.dumps([sorted({r.family for r in all_rules()}), len(c.checkers())]))",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    families, count = json.loads(done.stdout)
    assert {"S", "C", "L", "P"} <= set(families)
    assert count >= 5
