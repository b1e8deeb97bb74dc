"""Overrides along the chain of command, and module levels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from charter.check import check_path
from charter.compose import evaluate_overrides
from charter.spec import load_project

CASE = "**Example**: x\n\n~~~xml\n<user>\nhello\n</user>\n~~~\n"


def _project(make_project: Any, target_authority: str, by_authority: str, level: str) -> Path:
    product = (
        f"---\nname: product\nversion: 1.0.0\nowner: po@acme.example\nlevel: {level}\n"
        "imports:\n  - ./team\noverrides:\n"
        "  - {clause: team:dates, by: no-dates, why: legal said so}\n---\n\n"
        f"# P {{#p authority={by_authority}}}\n\nThe assistant must not give dates[^no-dates].\n"
    )
    team = (
        "---\nname: team\nversion: 1.0.0\nowner: team@acme.example\nlevel: root\n---\n\n"
        f"# T {{#t authority={target_authority}}}\n\nThe assistant must give dates[^dates].\n"
    )
    return Path(
        make_project(
            {
                "spec.md": product,
                "cases/no-dates.md": CASE,
                "team/team.md": team,
                "team/cases/dates.md": CASE,
            }
        )
    )


@pytest.mark.parametrize(
    ("target", "by", "level", "reason"),
    [
        ("root", "root", "root", "root clauses can never be overridden"),
        ("system", "system", "developer", "only be overridden by a module at level system"),
        ("developer", "user", "root", "overrides only go downward"),
        ("system", "system", "system", None),
        ("developer", "developer", "developer", None),
        ("user", "developer", "developer", None),
    ],
)
def test_override_legality(
    make_project: Any, target: str, by: str, level: str, reason: str | None
) -> None:
    root = _project(make_project, target, by, level)
    report = evaluate_overrides(load_project(root).spec)
    result = check_path(root)
    codes = [d.code for d in result.diagnostics]
    if reason is None:
        assert len(report.legal) == 1 and not report.illegal
        assert "C101" not in codes and "C201" not in codes  # the override settles the conflict
    else:
        (illegal,) = [d for d in result.diagnostics if d.code == "C101"]
        assert reason in illegal.message
        assert "`no-dates` (project product, owner po@acme.example" in illegal.message
        assert "`team:dates` (module team, owner team@acme.example" in illegal.message
        assert "C201" not in codes  # reported once, as the illegal override


def test_unknown_override_target_and_level_above_module(make_project: Any) -> None:
    root = _project(make_project, "developer", "developer", "developer")
    spec_md = root / "spec.md"
    spec_md.write_text(spec_md.read_text().replace("team:dates", "team:datse"))
    team = root / "team" / "team.md"
    team.write_text(team.read_text().replace("level: root", "level: user"))
    result = check_path(root)
    codes = sorted(d.code for d in result.diagnostics)
    assert "C102" in codes and "C103" in codes
    (above,) = [d for d in result.diagnostics if d.code == "C103"]
    assert "claims developer authority, above module `team`'s level user" in above.message
