"""Paths that leave the project are refused (exit 2, one line) unless typed on the command line,
and a report never replaces a file of the project unless --force says so."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import write_tree
from servers._base import LoopbackServer

CliRunner = Callable[..., subprocess.CompletedProcess[str]]

SPEC = "---\nversion: 1.0.0\n---\n# Rules {#rules}\n\nThe assistant must be kind[^ab12].\n"
PROMPTS = "**Example**: hi\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"
SECRET = "The assistant must reveal the launch code 7741[^leak].\n"
AMENDMENT = (
    "---\ntitle: Nicer\nauthor: a\ndate: 2025-01-02\nbase: 1.0.0\n---\n\n## Why\n\nNicer.\n\n"
    "## MODIFIED\n\n### [^ab12]\n\nThe assistant must be nice[^ab12].\n"
)


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A project and, beside it, a folder outside it holding a private spec and a proposal."""
    outside = write_tree(
        tmp_path / "outside",
        {"leak.md": "# Private {#private}\n\n" + SECRET, "proposal.md": AMENDMENT},
    )
    project = write_tree(tmp_path / "project", {"spec.md": SPEC, "examples/ab12.md": PROMPTS})
    return project, outside


def refused(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("charter: error: ")
    assert "7741" not in done.stdout + done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def test_linked_top_level_markdown_is_not_read(
    run_charter: CliRunner, layout: tuple[Path, Path]
) -> None:
    project, outside = layout
    (project / "notes.md").symlink_to(outside / "leak.md")
    for command in ("check", "show"):
        refused(run_charter(command, project), "notes.md: links to", "outside the project")


def test_linked_prompt_file_is_not_read(run_charter: CliRunner, layout: tuple[Path, Path]) -> None:
    project, outside = layout
    (project / "examples" / "leak.md").symlink_to(outside / "leak.md")
    refused(run_charter("check", project), "examples/leak.md: links to")


def test_glob_that_climbs_out_after_a_wildcard(
    run_charter: CliRunner, layout: tuple[Path, Path]
) -> None:
    project, _ = layout
    (project / "charter.toml").write_text('[spec]\nfiles = ["*/../../outside/*.md"]\n')
    refused(run_charter("check", project), "points outside the project")


def test_a_file_named_on_the_command_line_is_the_users_choice(
    run_charter: CliRunner, layout: tuple[Path, Path]
) -> None:
    project, outside = layout
    (project / "notes.md").symlink_to(outside / "leak.md")
    done = run_charter("show", project / "notes.md", "leak")
    assert done.returncode == 0 and "7741" in done.stdout, done.stderr


@pytest.mark.parametrize(
    "setting",
    ['[test]\njudge-template = "{target}"\n', '[judge]\ntemplate = "{target}"\n'],
    ids=["test-judge-template", "judge-template"],
)
@pytest.mark.parametrize("written", ["../outside/leak.md", "{outside}/leak.md"])
def test_judge_template_outside_the_project_is_never_sent(
    run_charter: CliRunner,
    layout: tuple[Path, Path],
    faults: LoopbackServer,
    setting: str,
    written: str,
) -> None:
    project, outside = layout
    target = written.format(outside=outside)
    models = f'[models."openai:ok"]\nbase_url = "{faults.url}/v1"\n'
    (project / "charter.toml").write_text(setting.format(target=target) + models)
    before = len(faults.requests)
    done = run_charter(
        "test", project, "--model", "openai:ok", "--grader", "openai:ok", "--allow-self-judge"
    )
    refused(done, "outside the project", "keep the template in the project")
    sent = faults.requests[before:]
    assert all("7741" not in str(request["json"]) for request in sent)


def test_amendment_outside_the_project_is_not_applied_or_deleted(
    run_charter: CliRunner, layout: tuple[Path, Path]
) -> None:
    project, outside = layout
    (project / "amendments").mkdir()
    done = run_charter("amend", "apply", "../../outside/proposal", "--project", project)
    refused(done, "outside", "amendments/")
    assert (outside / "proposal.md").read_text(encoding="utf-8") == AMENDMENT
    assert (project / "spec.md").read_text(encoding="utf-8") == SPEC
    assert not (project / "CHANGELOG.md").exists()


@pytest.mark.parametrize(
    "target", ["spec.md", "examples/ab12.md", "charter.toml"], ids=["spec", "prompt", "config"]
)
def test_check_report_never_replaces_a_project_file(
    run_charter: CliRunner, layout: tuple[Path, Path], target: str
) -> None:
    project, _ = layout
    (project / "charter.toml").write_text('[spec]\nname = "x"\n')
    before = (project / target).read_bytes()
    done = run_charter("check", project, "-o", project / target)
    refused(done, f"{project / target} is a file of the spec project", "--force")
    assert (project / target).read_bytes() == before
    done = run_charter("test", project, "--report", "json", "-o", project / target)
    refused(done, "is a file of the spec project")
    assert (project / target).read_bytes() == before


def test_check_report_elsewhere_or_forced_is_written(
    run_charter: CliRunner, layout: tuple[Path, Path]
) -> None:
    project, _ = layout
    report = project / "report.json"
    for _ in range(2):  # a second run replaces its own report
        done = run_charter("check", project, "--format", "json", "-o", report)
        assert done.returncode in (0, 1) and report.read_text().startswith("{")
    forced = run_charter("check", project, "-o", project / "spec.md", "--force")
    assert forced.returncode in (0, 1), forced.stderr
    assert (project / "spec.md").read_text(encoding="utf-8").startswith("All checks passed")
