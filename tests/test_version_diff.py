"""Semantic diff, semver classification, changelog and git revisions (charter.version)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import REPO_ROOT, CliRunner

from charter.spec import load_spec
from charter.version import Bump, Kind, Version, affected_clauses, changelog_entry, diff_specs
from charter.version._modality import compare, modality

HELPDESK = REPO_ROOT / "examples" / "helpdesk"
SPEC = Path("spec") / "helpdesk.md"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=Test", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def helpdesk(tmp_path: Path) -> Path:
    target = tmp_path / "helpdesk"
    shutil.copytree(HELPDESK, target)
    return target


@pytest.fixture
def repo(helpdesk: Path) -> Path:
    git(helpdesk, "init", "-q")
    git(helpdesk, "add", ".")
    git(helpdesk, "commit", "-qm", "first release")
    git(helpdesk, "tag", "v1.0.0")
    return helpdesk


def edit(root: Path, old: str, new: str) -> None:
    path = root / SPEC
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def kinds(root_a: Path, root_b: Path) -> dict[str, set[str]]:
    diff = diff_specs(load_spec(root_a)[0], load_spec(root_b)[0])
    found: dict[str, set[str]] = {}
    for change in diff.changes:
        found.setdefault(change.kind.value, set()).add(change.id)
    return found


def test_semver_parse_bump_and_step() -> None:
    version = Version.parse("v1.4.2")
    assert str(version.bumped(Bump.MAJOR)) == "2.0.0"
    assert str(version.bumped(Bump.MINOR)) == "1.5.0"
    assert str(version.bumped(Bump.PATCH)) == "1.4.3"
    assert version.bump_to(Version.parse("1.5.0")) is Bump.MINOR
    assert version.bump_to(Version.parse("1.4.2")) is None
    assert Version.parse("1.0.0-rc.1").bump_to(Version.parse("1.0.0")) is Bump.PATCH
    with pytest.raises(ValueError, match="not a semantic version"):
        Version.parse("1.0")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (["should"], ["must"], "strengthened"),
        (["must"], ["should"], "weakened"),
        (["never"], ["may"], "weakened"),
        (["must"], ["must not"], "reversed"),
        (["must not", "should"], ["must not", "must"], "strengthened"),
        (["must"], ["always"], None),
    ],
)
def test_modality_comparison(old: list[str], new: list[str], expected: str | None) -> None:
    assert compare(modality(old), modality(new)) == expected


def test_identical_specs_have_no_changes(helpdesk: Path) -> None:
    spec = load_spec(helpdesk)[0]
    diff = diff_specs(spec, load_spec(helpdesk)[0])
    assert diff.changes == []
    assert diff.bump is Bump.NONE


def test_rewording_with_same_modals_is_patch(helpdesk: Path, tmp_path: Path) -> None:
    shutil.copytree(helpdesk, tmp_path / "new")
    edit(tmp_path / "new", "explain any technical term", "explain every technical term")
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(tmp_path / "new")[0])
    assert [c.kind for c in diff.changes] == [Kind.CLAUSE_REWORDED]
    assert diff.bump is Bump.PATCH
    assert "[-any-] {+every+}" in (diff.changes[0].word_diff or "")
    assert affected_clauses(diff) == {"plain-words"}


def test_should_to_must_is_minor_and_must_to_should_is_major(
    helpdesk: Path, tmp_path: Path
) -> None:
    shutil.copytree(helpdesk, tmp_path / "new")
    edit(
        tmp_path / "new", "The assistant should avoid internal", "The assistant must avoid internal"
    )
    edit(tmp_path / "new", "the assistant must say plainly", "the assistant should say plainly")
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(tmp_path / "new")[0])
    modal = {c.id: c.bump for c in diff.changes if c.kind is Kind.CLAUSE_MODALITY}
    assert modal == {"plain-words": Bump.MINOR, "ai-disclosure": Bump.MAJOR}
    assert diff.bump is Bump.MAJOR


def test_added_removed_renamed_moved_and_authority(helpdesk: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(helpdesk, new)
    edit(new, "[^next-step]", "[^next-action]")
    (new / "cases" / "next-step.md").rename(new / "cases" / "next-action.md")
    edit(new, " it has to use[^plain-words].", " it has to use.")
    edit(new, "## Style {#style authority=guideline}", "## Voice {#style authority=user}")
    edit(
        new,
        "these rules for every channel; a product team's configuration cannot change them.",
        "these rules for every channel.\n\nThe assistant should greet returning customers by"
        " name[^greet].",
    )
    found = kinds(helpdesk, new)
    assert found["clause-id-changed"] == {"next-action"}
    assert found["clause-untagged"] == {"plain-words"}  # its sentence stays, as prose
    assert "clause-removed" not in found
    assert found["clause-added"] == {"greet"}
    assert found["section-renamed"] == {"style"}
    assert found["section-authority"] == {"style"}
    assert {"no-blame", "next-action"} <= found["clause-authority"]
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(new)[0])
    authority = [c for c in diff.changes if c.kind is Kind.SECTION_AUTHORITY]
    assert authority[0].bump is Bump.MINOR  # guideline -> user raises it
    assert diff.bump is Bump.MAJOR  # a clause is no longer tested
    assert affected_clauses(diff) >= {"greet", "next-action", "no-blame"}
    assert "plain-words" not in affected_clauses(diff)


def test_prompt_file_example_changes_are_patch(helpdesk: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(helpdesk, new)
    case = new / "cases" / "crisis.md"
    case.write_text(
        case.read_text(encoding="utf-8").replace("cancel my subscription", "close my account")
        + "\n**Example**: a third one\n\n~~~xml\n<user>\nnothing matters\n</user>\n~~~\n",
        encoding="utf-8",
    )
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(new)[0])
    assert [(c.kind, c.id) for c in diff.changes] == [(Kind.PROMPT_EDITED, "crisis")]
    assert "examples added: `a third one`" in diff.changes[0].message
    assert "examples edited: `indirect statement`" in diff.changes[0].message
    assert diff.bump is Bump.PATCH
    assert affected_clauses(diff) == {"crisis"}


def test_changelog_puts_headlines_first(helpdesk: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(helpdesk, new)
    edit(
        new,
        "## Style {#style authority=guideline}",
        "## Style {#style authority=guideline}\n\n"
        "## Refund etiquette {#etiquette authority=developer}\n\nThe assistant should thank"
        " the customer for their patience[^thanks].",
    )
    edit(new, "The assistant should avoid internal", "The assistant must avoid internal")
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(new)[0])
    entry = changelog_entry(diff, "1.1.0")
    assert entry.startswith("## 1.1.0\n")
    notable = entry.index("Notable changes:")
    assert entry.index('Adds sections: "Refund etiquette"') > notable
    assert entry.index("[^plain-words] should -> must") > notable
    assert entry.index("### Added") > entry.index("[^plain-words] should -> must")
    assert "- clause [^thanks] added" in entry


def test_diff_between_git_revisions(repo: Path, run_charter: CliRunner) -> None:
    edit(repo, "above 100 US dollars", "above 150 US dollars")
    git(repo, "commit", "-qam", "raise refund limit")
    done = run_charter("diff", "v1.0.0", "HEAD", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert '"clause-reworded": 1' in done.stdout
    assert '"bump": "patch"' in done.stdout
    text = run_charter("diff", "v1.0.0", "HEAD", ".", cwd=repo)
    assert "[-100-] {+150+}" in text.stdout
    assert "## Product scope {#scope}" in text.stdout
    working = run_charter("diff", "v1.0.0", "spec/helpdesk.md", cwd=repo)
    assert working.returncode == 0, working.stderr


@pytest.mark.parametrize(
    ("args", "where", "message"),
    [
        (("diff", "v9.9.9", "HEAD"), "repo", "`v9.9.9`: unknown revision"),
        (("diff", "v1.0.0", "HEAD", "nowhere"), "repo", "nowhere: not present at revision v1.0.0"),
        (("diff", "HEAD", "HEAD"), "plain", "not inside a git repository"),
        (("diff", "v1.0.1", "HEAD", "cases/acct-takeover.md"), "moved", "not present at revision"),
    ],
)
def test_bad_revisions_give_one_line_and_exit_2(
    repo: Path,
    tmp_path: Path,
    run_charter: CliRunner,
    args: tuple[str, ...],
    where: str,
    message: str,
) -> None:
    if where == "moved":
        git(repo, "mv", "cases/acct-takeover.md", "cases/takeover.md")
        git(repo, "commit", "-qm", "move")
        git(repo, "tag", "v1.0.1")
    plain = tmp_path / "plain"
    plain.mkdir()
    done = run_charter(*args, cwd=plain if where == "plain" else repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_version_check_fails_until_bumped_and_bump_edits_one_line(
    repo: Path, run_charter: CliRunner
) -> None:
    edit(repo, "The assistant should avoid internal", "The assistant must avoid internal")
    git(repo, "commit", "-qam", "stricter jargon rule")
    failed = run_charter("version", "--check", cwd=repo)
    assert failed.returncode == 1
    assert "need minor (1.1.0)" in failed.stderr
    before = (repo / SPEC).read_bytes()
    bumped = run_charter("version", "--bump", cwd=repo)
    assert bumped.returncode == 0, bumped.stderr
    assert "1.0.0 -> 1.1.0" in bumped.stdout
    after = (repo / SPEC).read_bytes()
    assert after == before.replace(b"version: 1.0.0\n", b"version: 1.1.0\n", 1)
    changed = git(repo, "diff", "-U0").splitlines()
    assert [line for line in changed if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-version: 1.0.0",
        "+version: 1.1.0",
    ]
    passed = run_charter("version", "--check", cwd=repo)
    assert passed.returncode == 0, passed.stderr
    assert "ok: 1.0.0 -> 1.1.0 (minor)" in passed.stdout
    forced = run_charter("version", "--bump", "--level", "major", cwd=repo)
    assert "1.1.0 -> 2.0.0" in forced.stdout


def test_version_check_without_a_tag_says_what_to_do(
    helpdesk: Path, run_charter: CliRunner
) -> None:
    git(helpdesk, "init", "-q")
    git(helpdesk, "add", ".")
    git(helpdesk, "commit", "-qm", "untagged")
    done = run_charter("version", "--check", cwd=helpdesk)
    assert done.returncode == 2
    assert "no git tag reachable from HEAD" in done.stderr
    assert "--since" in done.stderr


def test_prose_edit_reruns_the_sections_clauses(helpdesk: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(helpdesk, changed)
    edit(
        changed,
        "These guidelines shape the assistant's voice.",
        "These guidelines shape the assistant's voice in every channel, spoken ones included.",
    )
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(changed)[0])
    prose = [c for c in diff.changes if c.kind is Kind.SECTION_TEXT]
    assert [(c.id, c.bump) for c in prose] == [("style", Bump.PATCH)]
    assert "1 sentence reworded" in prose[0].message
    assert affected_clauses(diff) == {"no-blame", "plain-words", "next-step"}


def test_should_to_shouldnt_with_a_typographic_apostrophe_is_a_negation(
    helpdesk: Path, tmp_path: Path
) -> None:
    shutil.copytree(helpdesk, tmp_path / "new")
    edit(
        tmp_path / "new",
        "The assistant should avoid internal jargon",
        "The assistant shouldn’t use internal jargon",
    )
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(tmp_path / "new")[0])
    modal = [c for c in diff.changes if c.kind is Kind.CLAUSE_MODALITY]
    assert [(c.id, c.old, c.new, c.bump) for c in modal] == [
        ("plain-words", "should", "should not", Bump.MAJOR)
    ]
    assert "reversed: should -> should not" in modal[0].message


def test_tagging_an_existing_sentence_is_one_change(helpdesk: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(helpdesk, new)
    edit(new, " it has to use[^plain-words].", " it has to use.")
    diff = diff_specs(load_spec(new)[0], load_spec(helpdesk)[0])
    assert [(c.kind, c.id, c.bump) for c in diff.changes] == [
        (Kind.CLAUSE_TAGGED, "plain-words", Bump.PATCH)
    ]
    assert diff.changes[0].message == "clause [^plain-words] tags an existing sentence"


def test_prose_changes_carry_their_text_and_keep_underscores(
    helpdesk: Path, tmp_path: Path, run_charter: CliRunner
) -> None:
    new = tmp_path / "new"
    shutil.copytree(helpdesk, new)
    edit(
        new,
        "these rules for every channel; a product team's configuration cannot change them.",
        "these rules for every channel; see [the rules](#ignore_untrusted_data) first.",
    )
    diff = diff_specs(load_spec(helpdesk)[0], load_spec(new)[0])
    (prose,) = [c for c in diff.changes if c.kind is Kind.SECTION_TEXT]
    assert prose.message == "untagged prose changed: 1 sentence reworded"
    assert prose.old is not None and prose.old.endswith(
        "a product team's configuration cannot change them."
    )
    assert prose.new is not None and prose.new.endswith(
        "see [the rules](#ignore_untrusted_data) first."
    )
    assert "{+see [the rules](#ignore_untrusted_data) first.+}" in (prose.word_diff or "")
    done = run_charter("diff", helpdesk, new, "--format", "json")
    assert done.returncode == 0, done.stderr
    (shown,) = [c for c in json.loads(done.stdout)["changes"] if c["kind"] == "section-text"]
    assert (shown["old"], shown["new"]) == (prose.old, prose.new)


def test_date_versions_are_reported_checked_and_bumped(repo: Path, run_charter: CliRunner) -> None:
    edit(repo, "version: 1.0.0", "version: 2025-09-12")
    git(repo, "commit", "-qam", "date versions")
    git(repo, "tag", "2025-09-12")
    same = run_charter("version", "--check", cwd=repo)
    assert same.returncode == 0, same.stderr
    assert "ok: no changes since 2025-09-12" in same.stdout
    edit(repo, "The assistant should avoid internal", "The assistant must avoid internal")
    git(repo, "commit", "-qam", "stricter jargon rule")
    shown = run_charter("version", "--since", "2025-09-12", cwd=repo)
    assert shown.returncode == 0, shown.stderr
    assert "version: 2025-09-12" in shown.stdout and "Implied bump: minor" in shown.stdout
    failed = run_charter("version", "--check", cwd=repo)
    assert failed.returncode == 1
    assert "the date version is still 2025-09-12" in failed.stderr
    assert run_charter("version", "--bump", "--level", "major", cwd=repo).returncode == 2
    early = run_charter("version", "--bump", "--date", "2025-01-01", cwd=repo)
    assert early.returncode == 2 and "not later than" in early.stderr
    bumped = run_charter("version", "--bump", "--date", "2025-10-01", cwd=repo)
    assert bumped.returncode == 0, bumped.stderr
    assert "2025-09-12 -> 2025-10-01" in bumped.stdout
    assert "version: 2025-10-01\n" in (repo / SPEC).read_text(encoding="utf-8")
    passed = run_charter("version", "--check", cwd=repo)
    assert passed.returncode == 0, passed.stderr
    assert "ok: 2025-09-12 -> 2025-10-01 covers the minor changes" in passed.stdout
    today = run_charter("version", "--bump", cwd=repo)
    assert today.returncode == 0, today.stderr
    assert f"-> {dt.date.today().isoformat()}" in today.stdout
