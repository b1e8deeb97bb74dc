"""Amendment proposals: format, checks with file:line, atomic apply in a real git repository."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import REPO_ROOT, CliRunner

from charter.spec import load_project, load_spec
from charter.version import (
    VersionError,
    apply_amendment,
    check_against_spec,
    content_hash,
    parse_amendment,
)

HELPDESK = REPO_ROOT / "examples" / "helpdesk"

PROPOSAL = """\
---
title: Raise the refund limit
author: Dana Ops <dana@acme.example>
date: 2025-10-01
base: {base}
---

## Why

Refunds up to 200 US dollars no longer need approval.

## ADDED

### [^refund-receipt] in #scope

The assistant should offer to email a receipt once a refund is approved.

**Example**: refund approved

~~~xml
<user>
Thanks for the refund. Can I get something for my records?
</user>
~~~

## MODIFIED

### [^refund-limit]

The assistant must not promise a refund or credit above 200 US dollars; it must open an \
escalation so that a person can approve it.

## REMOVED

- [^plain-words]

## RENAMED

- [^concise] -> [^brief-replies]
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=Test", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "helpdesk"
    # The sample's own pending proposal is left out: these tests write their own.
    shutil.copytree(HELPDESK, root, ignore=shutil.ignore_patterns("amendments"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "release 1.0.0")
    return root


def propose(root: Path, name: str, text: str) -> Path:
    path = root / "amendments" / f"{name}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def changed_lines(root: Path) -> list[str]:
    out = git(root, "diff", "-U0", "--", "spec")
    return [
        line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def test_apply_edits_only_the_intended_lines(repo: Path, run_charter: CliRunner) -> None:
    propose(repo, "refunds", PROPOSAL.format(base="1.0.0"))
    checked = run_charter("amend", "check", "refunds", cwd=repo)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    done = run_charter("amend", "apply", "refunds", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "version: 1.0.0 -> 2.0.0 (major)" in done.stdout
    assert changed_lines(repo) == [
        "-version: 1.0.0",
        "+version: 2.0.0",
        "-The assistant must not promise a refund or credit above 100 US dollars; it should open"
        " an escalation so that a person can approve it[^refund-limit].",
        "+The assistant must not promise a refund or credit above 200 US dollars; it must open"
        " an escalation so that a person can approve it[^refund-limit].",
        "+The assistant should offer to email a receipt once a refund is approved"
        "[^refund-receipt].",
        "+",
        "-By default the assistant should keep replies under 150 words; a customer who asks for"
        " more detail gets it[^concise].",
        "+By default the assistant should keep replies under 150 words; a customer who asks for"
        " more detail gets it[^brief-replies].",
        "-The assistant should avoid internal jargon and ticket codes, and explain any technical"
        " term it has to use[^plain-words].",
        "-",
    ]
    status = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    today = dt.date.today().isoformat()
    assert sorted(status) == sorted(
        [
            " M spec/helpdesk.md",
            " D cases/concise.md",
            " D cases/plain-words.md",
            "?? CHANGELOG.md",
            f"?? amendments/archive/{today}-refunds.md",
            "?? cases/brief-replies.md",
            "?? cases/refund-receipt.md",
        ]
    )
    renamed = (repo / "cases" / "brief-replies.md").read_text(encoding="utf-8")
    assert renamed == (HELPDESK / "cases" / "concise.md").read_text(encoding="utf-8").replace(
        "[^concise]", "[^brief-replies]"
    )
    receipt = (repo / "cases" / "refund-receipt.md").read_text(encoding="utf-8")
    assert receipt.startswith("Examples for [^refund-receipt] in Product scope:\n\n**Example**")
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith(f"# Changelog\n\n## 2.0.0 ({today})\n\nRaise the refund limit")
    assert "[^refund-limit] must not, should -> must not, must" in changelog
    assert "clause [^plain-words] removed" in changelog
    spec, findings = load_spec(repo)
    assert spec.version == "2.0.0"
    assert spec.clause("brief-replies") is not None and spec.clause("concise") is None
    assert spec.prompt_file("refund-receipt") is not None
    assert not [d for d in findings.items if d.severity.value in ("error", "fatal")]
    check = run_charter("check", ".", cwd=repo)
    assert check.returncode == 0, check.stdout


def test_check_reports_each_problem_with_file_and_line(repo: Path, run_charter: CliRunner) -> None:
    propose(
        repo,
        "bad",
        "---\ntitle: Bad\nauthor: A\ndate: 2025-10-01\nbase: 0.9.0\n---\n\n## Why\n\nTesting.\n\n"
        "## ADDED\n\n### [^scope] in #scope\n\nDuplicate id.\n\n"
        "### [^fresh] in #nowhere\n\nUnknown section.\n\n"
        "## MODIFIED\n\n### [^refund-limt]\n\nTypo in the id.\n\n"
        "## REMOVED\n\n- [^crisis]\n",
    )
    propose(
        repo,
        "other",
        "---\ntitle: Other\nauthor: B\ndate: 2025-10-02\nbase: 1.0.0\n---\n\n## Why\n\nAlso.\n\n"
        "## REMOVED\n\n- [^crisis]\n",
    )
    done = run_charter("amend", "check", "--all", cwd=repo)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    expected = [
        "amendments/bad.md:5: A105 error: the proposal was written against version 0.9.0",
        "amendments/bad.md:14: A102 error: ADDED [^scope] already exists",
        "amendments/bad.md:18: A103 error: unknown section #nowhere",
        "amendments/bad.md:24: A101 error: MODIFIED [^refund-limt]: no such clause",
        "amendments/bad.md:30: A104 error: [^crisis] is also changed by amendments/other.md:14",
        "amendments/other.md:14: A104 error: [^crisis] is also changed by amendments/bad.md:30",
    ]
    for prefix in expected:
        assert any(line.startswith(prefix) for line in lines), (prefix, lines)
    assert "did you mean refund-limit?" in done.stdout
    assert lines[-1] == "2 amendments checked, 6 problems"


def test_base_as_content_hash(repo: Path) -> None:
    spec = load_spec(repo)[0]
    path = propose(repo, "hash", PROPOSAL.format(base=content_hash(spec)))
    project = load_project(repo)
    assert check_against_spec(parse_amendment(path, repo), project.spec) == []
    spec_file = repo / "spec" / "helpdesk.md"
    spec_file.write_text(spec_file.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    problems = check_against_spec(parse_amendment(path, repo), load_project(repo).spec)
    assert [(p.code, p.line) for p in problems] == [("A105", 5)]


def test_malformed_proposal_is_reported_not_raised(repo: Path) -> None:
    path = propose(repo, "broken", "## ADDED\n\n### refund without tag\n\ntext\n\n## Later\n")
    amendment = parse_amendment(path, repo)
    messages = [(p.line, p.message) for p in amendment.problems]
    assert (1, "no front matter") in messages
    assert any(line == 3 and "malformed ADDED heading" in m for line, m in messages)
    assert any(line == 7 and "unknown section `## Later`" in m for line, m in messages)
    assert any("no `## Why` section" in m for _, m in messages)


def test_failed_apply_changes_nothing(repo: Path, run_charter: CliRunner) -> None:
    propose(repo, "refunds", PROPOSAL.format(base="1.0.0"))
    # A sentence holding a second clause's tag cannot be removed on its own.
    spec_file = repo / "spec" / "helpdesk.md"
    text = spec_file.read_text(encoding="utf-8")
    spec_file.write_text(
        text.replace(
            "it has to use[^plain-words].", "it has to use[^plain-words] and says so[^extra].", 1
        ),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "two tags in one sentence")
    before = snapshot(repo)
    done = run_charter("amend", "apply", "refunds", cwd=repo)
    assert done.returncode == 2
    assert "amendments/refunds.md:34: A106 error" in done.stderr
    assert "also holds ['extra']" in done.stderr
    assert snapshot(repo) == before


def test_apply_refuses_a_stale_proposal(repo: Path) -> None:
    path = propose(repo, "refunds", PROPOSAL.format(base="0.1.0"))
    before = snapshot(repo)
    with pytest.raises(VersionError, match="A105"):
        apply_amendment(parse_amendment(path, repo), load_project(repo))
    assert snapshot(repo) == before


def test_unknown_amendment_name(repo: Path, run_charter: CliRunner) -> None:
    propose(repo, "refunds", PROPOSAL.format(base="1.0.0"))
    done = run_charter("amend", "apply", "refund", cwd=repo)
    assert done.returncode == 2
    assert "no such amendment (pending: refunds)" in done.stderr


def test_the_sample_projects_pending_amendment_applies(
    tmp_path: Path, run_charter: CliRunner
) -> None:
    root = tmp_path / "helpdesk"
    shutil.copytree(HELPDESK, root)
    checked = run_charter("amend", "check", "--all", "--project", str(root))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    applied = run_charter("amend", "apply", "refund-receipts", "--project", str(root))
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "1.0.0 -> 1.1.0" in applied.stdout
    spec = (root / "spec" / "helpdesk.md").read_text(encoding="utf-8")
    assert "offer to email the customer a receipt for it[^refund-receipt]." in spec
    assert (root / "cases" / "refund-receipt.md").is_file()
    assert not (root / "amendments" / "refund-receipts.md").exists()
