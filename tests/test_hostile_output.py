"""Text from a model or a spec is printed as the characters it is: terminal escapes are shown,
rich markup is not interpreted, and XML reports stay well-formed."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from charter._display import markup_safe, printable, xml_safe
from conftest import write_tree
from servers._base import LoopbackServer
from servers.faults import HOSTILE_REPLY

CliRunner = Callable[..., subprocess.CompletedProcess[str]]

SPEC = (
    "# Rules [/INST] {#rules}\n\n"
    "The assistant must be kind [/bold] and never send [link=http://evil.example/]links[/link]"
    "[^ab12].\n"
)
PROMPTS = (
    "---\nchecks:\n  - max_length: 5\n---\n"
    "**Example**: hi [/bold]\n\n~~~xml\n<user>\nhi [/INST]\n</user>\n~~~\n"
)
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\x9b")


def assert_inert(text: str) -> None:
    """No raw control character reached the output."""
    found = [repr(char) for char in RAW_CONTROLS if char in text]
    assert not found, f"raw control characters in output: {found}"


@pytest.fixture
def hostile_project(tmp_path: Path, faults: LoopbackServer) -> Path:
    models = f'[models."openai:hostile"]\nbase_url = "{faults.url}/v1"\n'
    files = {"spec.md": SPEC, "examples/ab12.md": PROMPTS, "charter.toml": models}
    return write_tree(tmp_path / "project", files)


def test_printable_shows_every_control_character() -> None:
    shown = printable(HOSTILE_REPLY + "\u202eevil\u2066 \x9b")
    assert_inert(shown)
    assert "\u202e" not in shown and "\\u202e" in shown and "\\x9b" in shown
    assert shown.startswith("\\x1b]0;pwned-title\\x07\\x1b[2J")
    assert printable("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


def test_markup_safe_renders_literally() -> None:
    from rich.console import Console

    console = Console(width=400, record=True, color_system=None)
    console.print(markup_safe("[/bold] [link=http://x/]y[/link] \\[/INST] [b]"))
    assert console.export_text().strip() == "[/bold] [link=http://x/]y[/link] \\[/INST] [b]"


def test_xml_safe_makes_any_reply_storable_in_xml() -> None:
    element = ET.Element("failure", message=xml_safe(HOSTILE_REPLY))
    element.text = xml_safe(HOSTILE_REPLY + "\ufffe\ud800")
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert parsed.get("message") == printable(HOSTILE_REPLY)
    assert "\\x1b]0;pwned-title" in (parsed.text or "")


def test_show_prints_markup_in_spec_text_literally(
    run_charter: CliRunner, hostile_project: Path
) -> None:
    outline = run_charter("show", hostile_project)
    assert outline.returncode == 0, outline.stderr
    assert "Rules [/INST]" in outline.stdout and "[/bold]" in outline.stdout
    one = run_charter("show", hostile_project, "ab12")
    assert one.returncode == 0, one.stderr
    assert "[link=http://evil.example/]links[/link]" in one.stdout
    assert "hi [/bold]: hi [/INST]" in one.stdout
    section = run_charter("show", hostile_project, "rules")
    assert section.returncode == 0 and "Rules [/INST]" in section.stdout, section.stderr


def test_hostile_reply_is_shown_as_text_by_test_show_run_and_junit(
    run_charter: CliRunner, hostile_project: Path, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    done = run_charter(
        "test", hostile_project, "--model", "openai:hostile", "--report", "junit", "-o", report
    )
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout + done.stderr)
    run_id = done.stdout.split("run ", 2)[-1].split(":", 1)[0]
    shown = run_charter("show-run", run_id, hostile_project)
    assert shown.returncode == 0, shown.stderr
    assert_inert(shown.stdout)
    table = " ".join(shown.stdout.split())
    assert "\\x1b]0;pwned-title\\x07" in table and "[/bold]" in table
    failure = ET.parse(report).getroot().find(".//failure")
    assert failure is not None and failure.text == printable(HOSTILE_REPLY)


def test_error_lines_and_check_reports_show_controls(
    run_charter: CliRunner, tmp_path: Path
) -> None:
    root = write_tree(
        tmp_path / "p", {"spec.md": "# R {#r}\n\nThe assistant must be \x1b]0;x\x07 kind[^ab12].\n"}
    )
    for output_format in ("text", "github"):
        done = run_charter("check", root, "--select", "ALL", "--format", output_format)
        assert_inert(done.stdout + done.stderr)
    missing = run_charter("show", root, "no\x1b[2Jsuch")
    assert missing.returncode == 2 and "no\\x1b[2Jsuch" in missing.stderr
    assert_inert(missing.stderr)
