"""`charter check --fix` applies every fix a rule claims: a rule is marked fixable exactly when a
fixer is registered for it, and the structural fixers (S104, S107) edit the files as promised."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import charter.check  # noqa: F401  (registers every rule and fixer)
from charter.check._fixes import fixable_codes
from charter.diagnostics import all_rules

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
MakeProject = Callable[..., Path]

PROMPTS = "Examples for [^{id}] in Rules:\n\n**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"


def test_every_fixable_rule_has_a_fixer_and_no_other() -> None:
    claimed = {rule.code for rule in all_rules() if rule.fixable}
    assert claimed, "no rule claims a fix"
    assert claimed == fixable_codes(), (
        f"fixable without a fixer: {sorted(claimed - fixable_codes())}; "
        f"a fixer for a rule not marked fixable: {sorted(fixable_codes() - claimed)}"
    )


def test_fix_rewrites_legacy_authority(run_charter: CliRunner, make_project: MakeProject) -> None:
    spec = (
        "# Rules {#rules authority=platform}\n\nBe kind[^kind].\r\n\r\n"
        '## More {#more authority="platform" tags=x}\n\nBe brief[^brief].\n'
    )
    root = make_project(
        {
            "spec.md": spec,
            "cases/kind.md": PROMPTS.format(id="kind"),
            "cases/brief.md": PROMPTS.format(id="brief"),
        }
    )
    done = run_charter("check", root, "--fix")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == "Fixed 2 findings."
    assert (root / "spec.md").read_bytes().decode() == spec.replace("platform", "root")
    assert done.stdout.strip() == "All checks passed: 3 files, 2 clauses."


def test_fix_rewrites_a_misspelt_tag_to_its_prompt_file(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    spec = "# Rules {#rules}\n\nRefunds stop at 50 euros[^refund-limt].\n"
    root = make_project(
        {"spec.md": spec, "cases/refund-limit.md": PROMPTS.format(id="refund-limit")}
    )
    assert "S104" in run_charter("check", root).stdout
    done = run_charter("check", root, "--fix")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == "Fixed 1 finding."
    assert (root / "spec.md").read_text() == spec.replace("refund-limt", "refund-limit")
    assert (root / "cases" / "refund-limit.md").is_file()


def test_fix_renames_a_prompt_file_whose_heading_names_the_tag(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    spec = "# Rules {#rules}\n\nRefunds stop at 50 euros[^refund-limit].\n"
    prompts = PROMPTS.format(id="refund-limit")
    root = make_project({"spec.md": spec, "cases/refund-limt.md": prompts})
    done = run_charter("check", root, "--fix")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == "Fixed 1 finding."
    assert (root / "spec.md").read_text() == spec
    assert not (root / "cases" / "refund-limt.md").exists()
    assert (root / "cases" / "refund-limit.md").read_text() == prompts


def test_fix_clears_every_legacy_authority_of_a_release(
    run_charter: CliRunner, copy_release: Callable[[Path], Path], release_0212: Path
) -> None:
    root = copy_release(release_0212)
    before = run_charter("check", root, "--select", "S107", "--format", "json")
    assert before.stdout.count('"S107"') == 20
    done = run_charter("check", root, "--select", "S107", "--fix")
    assert done.stderr.strip() == "Fixed 20 findings.", done.stderr
    assert done.stdout.strip().startswith("All checks passed"), done.stdout
    assert "authority=platform" not in (root / "model_spec.md").read_text(encoding="utf-8")
