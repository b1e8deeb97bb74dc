"""Lint rules on small specs: each rule fires where it should and not where it should not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from charter.lint import LintConfig, lint_spec
from charter.spec import SpecLoadError, load_project

MakeProject = Callable[..., Path]


def findings(root: Path, config: LintConfig | None = None) -> list[tuple[str, int, str]]:
    project = load_project(root)
    report = lint_spec(project.spec, config)
    return [(f.rule.code, f.span.line, " ".join(f.text.split())) for f in report.findings]


def codes(make_project: MakeProject, body: str, **files: str) -> list[str]:
    root = make_project({"spec.md": "# Rules {#rules}\n\n" + body + "\n", **files})
    return [code for code, _, _ in findings(root)]


@pytest.mark.parametrize(
    ("sentence", "code", "text"),
    [
        ("The assistant should offer several alternatives.", "L001", "several"),
        ("The assistant should respond with appropriate caution.", "L002", "appropriate"),
        ("The assistant should cite sources where feasible.", "L003", "where feasible"),
        ("The assistant must refuse weapons, drugs, etc. in every case.", "L004", "etc."),
        ("The assistant may ask for the name and/or email.", "L005", "and/or"),
        ("The assistant should give shorter answers on mobile.", "L006", "shorter"),
        ("The assistant should not be unhelpful.", "L009", "not be unhelpful"),
        ("The refund limit is TBD dollars.", "L010", "TBD"),
        ("The assistant MUST refuse.", "L013", "MUST"),
    ],
)
def test_phrase_rules_fire(make_project: MakeProject, sentence: str, code: str, text: str) -> None:
    root = make_project({"spec.md": f"# Rules {{#rules}}\n\n{sentence}\n"})
    assert (code, 3, text) in findings(root)


@pytest.mark.parametrize(
    "sentence",
    [
        "Some users write long messages.",  # descriptive: no obligation
        'The assistant must not use the word "appropriate" in titles.',  # a quoted mention
        "The assistant should use `reasonable` defaults.",  # inside code
        "The assistant should judge as a reasonable person would.",  # a legal standard
        "The assistant should be polite and appropriate enough that a coworker could read it.",
        "The assistant must never attempt to steer the user.",  # negated softener
        "It is acceptable to explain that a theory lacks evidence.",  # a permission
        "The assistant should pick the shorter answer than the default.",  # has a reference
    ],
)
def test_context_exceptions_stay_quiet(make_project: MakeProject, sentence: str) -> None:
    assert codes(make_project, sentence) == []


def test_examples_commentary_code_and_headings_are_not_linted(make_project: MakeProject) -> None:
    body = (
        "## Appropriate things etc. {#h}\n\n"
        '!!! meta "Commentary"\n    The assistant should be appropriate where feasible.\n\n'
        "```\nThe assistant should do several TODO things and/or others.\n```\n\n"
        "**Example**: several appropriate examples\n\n"
        "~~~xml\n<user>\nShould it be appropriate, etc.? TODO\n</user>\n~~~\n"
    )
    assert codes(make_project, body) == []


def test_clarifications_log_is_not_linted(make_project: MakeProject) -> None:
    body = "## Clarifications {#clarifications}\n\n- the assistant should do several things\n"
    assert codes(make_project, body) == []


def test_and_or_fix_is_offered_only_where_or_means_the_same(make_project: MakeProject) -> None:
    root = make_project(
        {
            "spec.md": "# R {#r}\n\nThe assistant must not share names and/or emails.\n\n"
            "The assistant should collect names and/or emails.\n"
        }
    )
    report = lint_spec(load_project(root).spec)
    fixes = {f.span.line: f.fix for f in report.findings if f.rule.code == "L005"}
    assert fixes[3] is not None and fixes[3].replacement == "or"
    assert fixes[5] is None


def test_etc_fix_only_after_an_example_marker(make_project: MakeProject) -> None:
    root = make_project(
        {
            "spec.md": "# R {#r}\n\nRefuse content such as gore, spam, etc.\n\n"
            "Refuse gore, spam, etc.\n"
        }
    )
    report = lint_spec(load_project(root).spec)
    fixes = {f.span.line: f.fix for f in report.findings if f.rule.code == "L004"}
    assert fixes[3] is not None and fixes[3].replacement == "."
    assert fixes[5] is None


def test_placeholders_have_no_fix(make_project: MakeProject) -> None:
    root = make_project({"spec.md": "# R {#r}\n\nThe limit is TBD and ??? for now.\n"})
    report = lint_spec(load_project(root).spec)
    assert [f.text for f in report.findings if f.rule.code == "L010"] == ["TBD", "???"]
    assert all(f.fix is None for f in report.findings)


CLAUSES = {
    "cases/ab12.md": (
        "Examples for [^ab12]:\n\n**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"
    ),
    "cases/cd34.md": "Examples for [^cd34]:\n",
}


def test_clause_rules(make_project: MakeProject) -> None:
    spec = (
        "# R {#r}\n\n"
        "The assistant must verify identity and must not reveal the balance[^ab12].\n\n"
        "This must not be shared with the user[^cd34].\n\n"
        "Privacy is one of our core values[^ab12x].\n"
    )
    root = make_project({"spec.md": spec, **CLAUSES, "cases/ab12x.md": CLAUSES["cases/ab12.md"]})
    found = findings(root)
    assert ("L011", 3, "must not") in found
    assert ("L007", 5, "This") in found
    assert ("L014", 5, "[^cd34]") in found
    assert [f for f in found if f[0] == "L015"] == [
        ("L015", 7, "Privacy is one of our core values")
    ]
    assert not [f for f in found if f[0] == "L014" and f[1] == 3]


def test_pronoun_rule_skips_expletive_it_and_determiners(make_project: MakeProject) -> None:
    spec = (
        "# R {#r}\n\nIt is important to answer in the user's language[^ab12].\n\n"
        "This rule must hold in every channel[^cd34].\n"
    )
    root = make_project({"spec.md": spec, **CLAUSES})
    assert [f for f in findings(root) if f[0] == "L007"] == []


def test_undefined_terms(make_project: MakeProject) -> None:
    spec = (
        "# Definitions {#definitions}\n\n**Applicable instruction**: one that applies.\n\n"
        "# R {#r}\n\nThe assistant must follow each *applicable instruction* and every "
        "**safe completion**.\n\nA safe completion is short. A *hidden goal* is banned.\n\n"
        "The assistant should always **not** do this.\n"
    )
    found = findings(make_project({"spec.md": spec}))
    assert [(c, t) for c, _, t in found if c == "L012"] == [("L012", "safe completion")]


def test_modal_style_rfc2119(make_project: MakeProject) -> None:
    root = make_project(
        {
            "spec.md": "# R {#r}\n\nThe assistant must refuse. The assistant MUST log it.\n",
            "charter.toml": '[lint]\nmodal-style = "rfc2119"\n',
        }
    )
    from charter.lint import project_lint_config

    config = project_lint_config(root)
    assert [(c, t) for c, _, t in findings(root, config) if c == "L013"] == [("L013", "must")]
    default = [(c, t) for c, _, t in findings(root) if c == "L013"]
    assert default == [("L013", "MUST")]


def test_allow_list(make_project: MakeProject) -> None:
    root = make_project({"spec.md": "# R {#r}\n\nThe assistant should be reasonably brief.\n"})
    assert findings(root, LintConfig(allow=frozenset({"reasonably", "brief"}))) == []
    assert [c for c, _, _ in findings(root, LintConfig(allow=frozenset({"brief"})))] == ["L002"]
    assert [c for c, _, _ in findings(root)] == ["L002", "L016"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[lint]\nmodal-style = "shouty"\n', 'modal-style must be "model-spec" or "rfc2119"'),
        ("[lint]\nallow = 3\n", "allow must be a list of strings"),
        ("[lint]\ncolour = 1\n", "unknown key `colour`"),
    ],
)
def test_bad_lint_config_is_one_line(make_project: MakeProject, toml: str, message: str) -> None:
    root = make_project({"spec.md": "# R {#r}\n\nText.\n", "charter.toml": toml})
    from charter.lint import project_lint_config

    with pytest.raises(SpecLoadError, match=r"charter\.toml") as caught:
        project_lint_config(root)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_windows_line_ends_keep_columns(make_project: MakeProject) -> None:
    root = make_project({"spec.md": b"# R {#r}\r\n\r\nThe assistant may ask and/or wait.\r\n"})
    assert findings(root) == [("L005", 3, "and/or")]


def test_contractions_with_typographic_apostrophes_are_modal_not_untestable(
    make_project: MakeProject,
) -> None:
    body = (
        "Its optimism doesn’t mean a cheerful spin on bad news[^opt].\n\n"
        "Its tone shouldn’t be cheerful about bad news[^tone].\n\n"
        "Privacy is one of our core values[^pv1].\n"
    )
    assert codes(make_project, body).count("L015") == 1
