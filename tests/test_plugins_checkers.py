"""Rules and checkers added by a plugin through the pluggy hooks: run by `charter check`,
selectable, and listed in the catalogue, like the built-in stages' own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from charter import diagnostics
from charter.check import check_path
from charter.diagnostics import (
    Diagnostics,
    RegisteredChecker,
    Rule,
    Severity,
    all_rules,
)
from charter.plugins import hookimpl, plugin_manager
from charter.spec import Spec

SHOUTING = Rule(
    "X951", "shouting-heading", Severity.WARNING, "A heading in capitals.", "Example: x. Fix: y."
)


def check_shouting(spec: Spec, sink: Diagnostics) -> None:
    for section in spec.sections:
        if section.title.isupper():
            sink.add(SHOUTING, f"`{section.title}` is all capitals", section.span)


class ShoutingPlugin:
    @hookimpl
    def charter_rules(self) -> list[Rule]:
        return [SHOUTING]

    @hookimpl
    def charter_checkers(self) -> list[RegisteredChecker]:
        return [RegisteredChecker(check_shouting, rules=("X9",))]


@pytest.fixture
def plugin() -> Iterator[None]:
    manager = plugin_manager()
    manager.register(ShoutingPlugin(), name="test.shouting")
    try:
        yield
    finally:
        manager.unregister(name="test.shouting")
        diagnostics._RULES.pop(SHOUTING.code, None)


def test_a_plugins_checker_runs_and_its_rule_is_selectable(tmp_path: Path, plugin: None) -> None:
    (tmp_path / "spec.md").write_text("# POLICIES {#p}\n\nThe assistant must wave.\n")
    result = check_path(tmp_path, select=["X951"])
    assert [(d.code, d.span.file, d.span.line) for d in result.diagnostics] == [
        ("X951", "spec.md", 1)
    ]
    assert SHOUTING in all_rules()
    assert all(d.code != "X951" for d in check_path(tmp_path, select=["S"]).diagnostics)


def test_without_the_plugin_there_is_no_such_finding(tmp_path: Path) -> None:
    (tmp_path / "spec.md").write_text("# POLICIES {#p}\n\nThe assistant must wave.\n")
    assert all(d.code != "X951" for d in check_path(tmp_path).diagnostics)
    assert SHOUTING.code not in {found.code for found in all_rules()}
