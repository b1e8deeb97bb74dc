"""Whatever markdown-ish text a spec file holds, reading it yields a model and findings, never an
exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter.check import check_path
from charter.diagnostics import get_rule
from charter.spec import load_spec

_FRAGMENTS = [
    "# ",
    "## Title {#sec_a authority=root}",
    '### Sub {#sec_b authority=platform tags="x y"}',
    "## Bad {#sec_c authority=admin}",
    "## Broken {#id key=a,b}",
    "{#",
    "}",
    "[^ab12]",
    "[^zz-9]",
    "[?](#sec_a)",
    "[link](#nowhere)",
    "**Example**: a title",
    "~~~xml",
    "~~~",
    "```",
    "<user>",
    "</user>",
    "<assistant>",
    "</assistant>",
    '<assistant recipient="browser">',
    "<comparison>",
    "</comparison>",
    "<!-- GOOD -->",
    "<!-- BAD[#sec_a]: why -->",
    "<!-- GREAT -->",
    "[...]",
    '!!! meta "Commentary"',
    "    ",
    "> ",
    "- ",
    "1. ",
    "---",
    "key: [1",
    "name: x",
    "`",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "<!--",
    "-->",
    "\t",
    "e.g.",
    "MUST NOT",
    ". ",
    "é",
    "\u2028",
    "\r\n",
    "\ufeff",
    "\x0b",
]

_LINES = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), min_size=0, max_size=8
).map("".join)
_DOCUMENTS = st.lists(_LINES, min_size=0, max_size=40).map("\n".join)


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property") / "spec.md"


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=_DOCUMENTS)
def test_reading_never_raises(spec_file: Path, text: str) -> None:
    spec_file.write_text(text, encoding="utf-8", newline="")
    spec, findings = load_spec(spec_file)
    lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) + 1
    for finding in findings.items:
        assert get_rule(finding.code) is not None
        assert 1 <= finding.span.line <= lines, (finding, text)
        assert finding.span.column >= 1
    for clause in spec.clauses:
        assert clause.span.line <= lines
    assert spec.stats()["clauses"] == len({clause.id for clause in spec.clauses})
    result = check_path(spec_file)
    assert result.exit_code in (0, 1, 2)
    assert len(result.diagnostics) >= len(findings.items) - result.suppressed
