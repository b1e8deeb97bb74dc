"""Reader behaviours found by the property test and the bad-input cases, kept as regressions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from charter.check import check_path
from charter.spec import load_spec

MakeProject = Callable[..., Path]


def test_lone_carriage_returns_are_line_breaks(make_project: MakeProject) -> None:
    text = "intro\r## Rules {#rules authority=admin}\r\rBe kind[^ab12].\r"
    root = make_project({"spec.md": text.encode()})
    spec, findings = load_spec(root / "spec.md")
    assert [(d.code, d.span.line) for d in findings.items] == [("S106", 2)]
    clause = spec.clause("ab12")
    assert clause is not None and clause.span.line == 4
    shown = check_path(root)
    assert [(d.code, d.span.line) for d in shown.diagnostics] == [("S106", 2), ("S102", 4)]


def test_windows_line_ends_and_byte_order_mark(make_project: MakeProject) -> None:
    text = "\ufeff# Rules {#rules}\r\n\r\nBe kind[^ab12].\r\n"
    spec, findings = load_spec(make_project({"spec.md": text.encode()}))
    assert findings.items == []
    clause = spec.clause("ab12")
    assert clause is not None and (clause.span.line, clause.span.column) == (3, 8)


def test_clause_tags_below_the_nesting_limit_are_still_read(make_project: MakeProject) -> None:
    quote = "# Q {#q}\n\n" + ">" * 200 + " Keep this[^deep1].\n"
    items = "".join("  " * level + f"- item[^l{level}]\n" for level in range(60))
    spec, findings = load_spec(make_project({"spec.md": quote + "\n## L {#l}\n\n" + items}))
    assert [clause.id for clause in spec.clauses] == ["deep1", *(f"l{n}" for n in range(60))]
    deep = spec.clause("deep1")
    assert deep is not None and (deep.span.line, deep.span.column) == (3, 211)
    assert deep.text == "Keep this."
    assert [d.code for d in findings.items] == ["S004"]


def test_links_in_example_titles_and_reasons_are_cross_references(
    make_project: MakeProject,
) -> None:
    spec_text = (
        "# Rules {#rules}\n\n**Example**: see [?](#rulez)\n\n~~~xml\n<user>q</user>\n"
        "<comparison>\n<assistant> <!-- BAD: breaks [?](#rules) and [this](#nope) -->\n"
        "a\n</assistant>\n</comparison>\n~~~\n"
    )
    spec, _ = load_spec(make_project({"spec.md": spec_text}))
    assert [(r.target, r.kind, r.span.line) for r in spec.cross_refs] == [
        ("rulez", "title-link", 3),
        ("rules", "title-link", 8),
        ("nope", "link", 8),
    ]
    result = check_path(Path(spec.root))
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("S105", 3), ("S105", 8)]
    assert "did you mean `#rules`?" in result.diagnostics[0].message
