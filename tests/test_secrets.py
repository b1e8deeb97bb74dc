"""A server that echoes the API key in its 401 body must not get the key into the run store, the
terminal or any report: a marker key from the environment and one from charter.toml, against
the real fault server on localhost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from charter._secrets import REDACTED, redact, remember_secret
from conftest import write_tree
from servers._base import LoopbackServer

ENV_MARKER = "sk-envmarker-7f3a9c1e5b"
TOML_MARKER = "sk-tomlmarker-2d8e4f6a0c"
SPEC = "# Rules {#rules}\n\nThe assistant must be kind[^ab12].\n"
PROMPTS = "**Example**: hi\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"


def charter(root: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CHARTER_DEBUG"}
    env.update(OPENAI_API_KEY=ENV_MARKER, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "charter", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path, faults: LoopbackServer) -> Path:
    url = f"{faults.url}/v1"
    settings = (
        f'[models."openai:echo-key"]\nbase_url = "{url}"\n\n'
        f'[models."openai:ok"]\nbase_url = "{url}"\n'
    )
    files = {"spec.md": SPEC, "examples/ab12.md": PROMPTS, "charter.toml": settings}
    return write_tree(tmp_path / "project", files)


def stored_bytes(root: Path) -> bytes:
    """Every file of the run store (the database and any journal beside it)."""
    return b"".join(path.read_bytes() for path in (root / ".charter").rglob("*") if path.is_file())


def test_redact_hides_remembered_and_environment_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-marker-000111")
    remember_secret("sk-remembered-424242")
    text = 'Bearer sk-ant-marker-000111 and {"k": "sk-remembered-424242"} and short'
    assert redact(text) == f'Bearer {REDACTED} and {{"k": "{REDACTED}"}} and short'
    remember_secret("abc")  # too short to be a key: ordinary text stays as written
    assert redact("abc def") == "abc def"


def test_echoed_keys_never_reach_the_store_terminal_or_reports(
    project: Path, faults: LoopbackServer, tmp_path: Path
) -> None:
    outputs: list[str] = []
    reports: list[str] = []
    runs = [
        ("--model", "openai:echo-key"),  # the model under test gets a 401 echoing the env key
        ("--model", "openai:ok", "--grader", "openai:echo-key"),  # the judge does
    ]
    for number, flags in enumerate(runs):
        for report_format in ("terminal", "json", "html", "junit"):
            target = tmp_path / f"report-{number}.{report_format}"
            extra = () if report_format == "terminal" else ("--report", report_format, "-o", target)
            done = charter(project, "test", ".", *flags, "--max-retries", "0", *extra)
            assert done.returncode in (0, 1, 4), done.stderr
            outputs.append(done.stdout + done.stderr)
            if report_format != "terminal":
                reports.append(target.read_text(encoding="utf-8"))
    sent = [request["headers"].get("Authorization", "") for request in faults.requests]
    assert f"Bearer {ENV_MARKER}" in sent  # the key was really sent and echoed back
    listing = charter(project, "runs", ".")
    outputs.append(listing.stdout + listing.stderr)
    for line in listing.stdout.splitlines():
        run_id = next((cell for cell in line.split() if cell[:8].isdigit() and "-" in cell), None)
        if run_id is not None:
            shown = charter(project, "show-run", run_id, ".")
            assert shown.returncode == 0, shown.stderr
            outputs.append(shown.stdout + shown.stderr)
    everything = "\n".join(outputs + reports)
    assert ENV_MARKER not in everything
    assert ENV_MARKER.encode() not in stored_bytes(project)
    assert "Incorrect API key provided: Bearer " + REDACTED in everything


def test_key_from_charter_toml_is_redacted_too(tmp_path: Path, faults: LoopbackServer) -> None:
    settings = (
        f'[models."openai:echo-key"]\nbase_url = "{faults.url}/v1"\napi_key = "{TOML_MARKER}"\n'
    )
    files = {"spec.md": SPEC, "examples/ab12.md": PROMPTS, "charter.toml": settings}
    root = write_tree(tmp_path / "toml-key", files)
    done = charter(root, "test", ".", "--model", "openai:echo-key", "--max-retries", "0")
    assert done.returncode in (0, 1, 4), done.stderr
    sent = [request["headers"].get("Authorization") for request in faults.requests]
    assert f"Bearer {TOML_MARKER}" in sent
    run_id = done.stdout.split("run ", 2)[-1].split(":", 1)[0]
    shown = charter(root, "show-run", run_id, ".")
    assert shown.returncode == 0, shown.stderr
    assert TOML_MARKER not in done.stdout + done.stderr + shown.stdout + shown.stderr
    assert REDACTED in shown.stdout
    assert TOML_MARKER.encode() not in stored_bytes(root)
