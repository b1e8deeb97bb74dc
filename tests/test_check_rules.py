"""Rules on small projects written for the purpose: one finding each, at the right place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from charter.check import check_path
from charter.spec import load_spec

MakeProject = Callable[..., Path]
PROMPTS = "Examples for [^{id}] in R:\n\n**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"


def test_clause_id_used_twice(make_project: MakeProject) -> None:
    spec = "# R {#r}\n\nBe kind[^ab12].\n\nBe brief[^ab12].\n"
    root = make_project({"spec.md": spec, "examples/ab12.md": PROMPTS.format(id="ab12")})
    result = check_path(root)
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [("S101", 5, 9)]
    assert result.diagnostics[0].message == "clause id `ab12` already tags another statement"
    assert [r.span.line for r in result.diagnostics[0].related] == [3]


def test_heading_attributes_that_do_not_parse(make_project: MakeProject) -> None:
    root = make_project({"spec.md": "# R {#r}\n\n## Minors {#minors tags=a,b}\n\nText.\n"})
    result = check_path(root)
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [("S108", 3, 11)]


def test_prompt_files_in_cases_folder(make_project: MakeProject) -> None:
    root = make_project(
        {"spec.md": "# R {#r}\n\nBe kind[^ab12].\n", "cases/ab12.md": PROMPTS.format(id="ab12")}
    )
    result = check_path(root)
    assert result.diagnostics == []
    assert [p.path for p in result.spec.prompt_files] == ["cases/ab12.md"]


def test_unreadable_prompt_file_is_fatal_and_named(make_project: MakeProject) -> None:
    root = make_project(
        {
            "spec.md": "# R {#r}\n\nBe kind[^ab12].\n",
            "examples/ab12.md": b"Examples for [^ab12]\n\ncaf\xe9\n",
        }
    )
    result = check_path(root)
    assert [(d.code, d.span.file, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("S001", "examples/ab12.md", 3, 4)
    ]
    assert result.exit_code == 2


def test_spec_files_listed_in_charter_toml(make_project: MakeProject) -> None:
    root = make_project(
        {
            "charter.toml": '[spec]\nfiles = ["spec/*.md"]\nprompts = ["tests"]\nname = "bot"\n',
            "spec/a.md": "# A {#a}\n\nBe kind[^ab12].\n",
            "spec/b.md": "# B {#b}\n\nSee [?](#a). Be brief[^cd34].\n",
            "notes.md": "# Not part of the spec {#n}\n\nIgnored[^zz99].\n",
            "tests/ab12.md": PROMPTS.format(id="ab12"),
        }
    )
    result = check_path(root)
    assert result.spec.name == "bot"
    assert [f.path for f in result.spec.files] == ["spec/a.md", "spec/b.md"]
    assert [(d.code, d.span.file, d.span.line) for d in result.diagnostics] == [
        ("S102", "spec/b.md", 3)
    ]


def test_an_unselected_checker_does_not_run(tmp_path: Path) -> None:
    """A checker runs only when one of its rules is selected: the linter, which costs as much as
    reading the spec, is skipped by a plain `charter check`."""
    from charter.check._registry import checker, registered
    from charter.diagnostics import Severity, rule

    calls: list[str] = []
    probe = rule("Z901", "probe-finding", Severity.WARNING, "A probe.", "Example: x. Fix: y.")

    @checker(rules=("Z9",))
    def probing(spec: object, sink: object) -> None:
        calls.append("ran")

    try:
        (tmp_path / "spec.md").write_text("# A {#a}\n\nThe assistant must wave.\n")
        check_path(tmp_path, select=["S"])
        assert calls == []
        check_path(tmp_path, ignore=["Z9"])
        assert calls == []
        check_path(tmp_path, select=["Z9"], ignore=["probe-finding"])
        assert calls == []
        check_path(tmp_path, select=["Z901"])
        assert calls == ["ran"]
        check_path(tmp_path)  # every family but the opt-in L runs by default
        assert calls == ["ran", "ran"]
    finally:
        from charter.check import _registry

        _registry._CHECKERS[:] = [r for r in registered() if r.function is not probing]
        from charter import diagnostics

        diagnostics._RULES.pop(probe.code, None)


def test_github_heading_anchors_are_link_targets(make_project: MakeProject) -> None:
    spec = (
        "# Policies & Rules\n\n## FAQ\n\nOne.\n\n## FAQ\n\nTwo.\n\n## Tone {#tone}\n\n"
        "See [the rules](#policies--rules), [the second FAQ](#faq-1), [tone](#tone) and "
        "[the first FAQ](#faq).\n\nSee [?](#policies--rules) and [nothing](#faq-2)[^see].\n"
    )
    root = make_project({"spec.md": spec, "examples/see.md": PROMPTS.format(id="see")})
    result = check_path(root)
    broken = [(d.code, d.span.line, d.message) for d in result.diagnostics if d.code == "S105"]
    assert broken == [
        ("S105", 15, "links to `#faq-2`, which is not a section id; did you mean `#faq-1`?")
    ]
    clause = load_spec(root)[0].clause("see")
    assert clause is not None
    assert clause.text == "See Policies & Rules and nothing."
