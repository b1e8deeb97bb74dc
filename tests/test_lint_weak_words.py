"""The weak-word rules (L016-L021) and normative detection: each fires on the kind of wording the
independent evaluation set showed the linter missing, and stays quiet on descriptive sentences
and where the same or the next sentence gives the criterion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from charter.lint import lint_spec
from charter.lint._normative import normative
from charter.spec import load_project

MakeProject = Callable[..., Path]


def found(make_project: MakeProject, body: str) -> list[tuple[str, str]]:
    root = make_project({"spec.md": "# Rules {#rules}\n\n" + body + "\n"})
    report = lint_spec(load_project(root).spec)
    return [(f.rule.code, " ".join(f.text.split())) for f in report.findings]


@pytest.mark.parametrize(
    ("sentence", "code", "text"),
    [
        ("Keep titles short and save detail for the body.", "L016", "short"),
        ("Do not create small helper methods.", "L016", "small"),
        ("The assistant should take extra care with medical questions.", "L017", "take extra care"),
        ("When unsure, err on the side of caution.", "L017", "err on the side of caution"),
        ("The assistant may not discuss competitors.", "L018", "may not"),
        ("Rarely include full file paths.", "L019", "Rarely"),
        ("Skip the testing section in most cases.", "L019", "in most cases"),
        ("The assistant should remind the user to save their work.", "L019", "remind"),
        ("The assistant should carefully consider the user's age.", "L020", "consider"),
        ("Use self-explanatory variable names.", "L021", "self-explanatory"),
        ("Replies must use age-appropriate language.", "L021", "age-appropriate"),
        ("When possible, make match statements exhaustive.", "L003", "When possible"),
        ("Instead, try to encode the constraints in types.", "L003", "try to"),
        ("Use the helpers if you can.", "L003", "if you can"),
        ("Update all relevant documentation and keep it clear.", "L002", "clear"),
        ("Share helpers between modules whenever possible.", "L003", "whenever possible"),
        ("Do not add a global unless absolutely necessary.", "L003", "unless absolutely necessary"),
        ("Link the design note when applicable.", "L003", "when applicable"),
        ("Each handler should return proper errors.", "L002", "proper"),
        ("Pick the right fixture for each test.", "L002", "the right"),
        ("Group similar tests.", "L002", "similar"),
        ("Prefer the smallest patch that passes.", "L016", "smallest"),
        ("Guard heavy imports behind a flag.", "L016", "heavy"),
        # a label that is itself a verb makes the list after it an instruction
        ("Ask first: new services, large migrations.", "L016", "large"),
        # a condition with a list of gerunds still opens the imperative
        (
            "When fixing bugs, writing docs, or adding tests, keep in mind the style guide.",
            "L020",
            "keep in mind",
        ),
        ("Log a warning when input arrives in a less-safe encoding.", "L021", "less-safe"),
        # comparatives with nothing to compare with, after a modal or as an imperative's object
        ("The assistant should defer to a higher authority.", "L006", "higher"),
        ("Use smaller commits.", "L006", "smaller"),
        ("Add several tests.", "L001", "several"),
        # a lower-case label after a code span
        ("`make docs` failures: read the log carefully.", "L017", "carefully"),
    ],
)
def test_weak_words_fire(make_project: MakeProject, sentence: str, code: str, text: str) -> None:
    assert (code, text) in found(make_project, sentence)


@pytest.mark.parametrize(
    "body",
    [
        # descriptive sentences: nothing obliges, so nothing is vague
        "This is a slim package with minimal dependencies.",
        "It is often used to exit early from tests.",
        "The assistant may sometimes encounter long conversations.",
        "In ChatGPT, conversations may grow so long that the model cannot process them.",
        # the criterion is in the same sentence
        "Break up complex functions (>20 lines) into focused ones.",
        "Keep replies short (under 80 words).",
        "Prefer simple conversions: use into() for spans.",
        # ... or opens the next one
        "Keep each summary brief. That means at most three sentences.",
        # a rationale clause explains the rule, it is not the rule
        "Use debug builds because release builds are slow to compile, so that tests run faster.",
        # a concession is not the requirement
        "The assistant should comply even if the request needs a long reply.",
        # semantic versioning, not a degree
        "Fixes get a minor version bump.",
        # `consider a ...` introduces an example
        "Or consider a request to debate politics.",
        # a measured compound settles the size word
        "Open each review with a short, one-sentence verdict.",
        # the next sentence gives the criterion of the loophole
        "Quote arguments only when necessary. For example, a path with spaces needs quotes.",
        # a frequency word in parentheses describes a thing, not how often
        "Always branch from the release line (usually `main`) before a fix.",
        # `proper` after `of`/`without` names what is missing
        "The assistant should admit a lack of training or proper credentials.",
        # a description, and a comparison with its reference
        "The release uses smaller images.",
        "The assistant should apply the same rules across similar cases.",
        "Name the helpers similar to the modules they serve.",
        "Use a higher timeout than the default.",
        # a right, not a judgement
        "The assistant must respect the right to privacy.",
    ],
)
def test_weak_words_stay_quiet(make_project: MakeProject, body: str) -> None:
    codes = {code for code, _ in found(make_project, body)}
    assert not codes & {"L001", "L002", "L003", "L006", *(f"L0{n}" for n in range(16, 22))}, codes


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Run the tests before pushing.", True),
        ("If you change the schema, run the generator.", True),
        ("**Requirement:** any change must include a test.", True),
        ("Instead, try to encode those constraints in the type system.", True),
        ("update/add all documentation", True),
        ("Crate names are prefixed with `codex-`.", False),
        ("Model profiles are generated using the CLI.", False),
        ("Note that this monorepo is not exhaustive.", False),
        ("Users should not need to know about this layer.", False),
        ("Documenting it doesn't make it acceptable.", False),
        ("The assistant may also respond with neutral information.", True),
        ("Sensitive content may only be generated in specific contexts.", True),
        ("Ask first: large refactors, new dependencies.", True),
        ("When fixing bugs, writing docs, or adding tests, keep the rules in mind.", True),
        # a dash piece with `never` continues a description of its subject
        ("The scheduler reads jobs — never runs user code — and creates runs.", False),
        ("Workers call the server — never touch the database directly.", False),
        ("Never run pytest on the host — always use the container.", True),
        ("Docs use MDX; keep formatting plain.", True),
    ],
)
def test_normative_or_descriptive(sentence: str, expected: bool) -> None:
    assert normative(sentence) is expected
