"""`charter build --target system-prompt`: order by authority, ids, examples, the token budget,
overrides, module and audience selection, the line map, determinism and the bad-input cases."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliRunner

from charter.build import PromptOptions, compile_system_prompt
from charter.run import token_counter
from charter.spec import load_project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SPEC = """\
---
name: shop
version: 2.1.0
---

# Shop assistant {#shop}

This spec is for the shop's assistant. Readers: the support team.

## Tone {#tone authority=guideline}

Replies should sound warm[^warm].

## Refunds {#refunds authority=developer}

The assistant must not promise refunds above 50 dollars[^refund-cap]. See [?](#safety).

!!! meta "Why"
    Finance asked for a cap after a bad quarter[^cap-note].

**Example**: a large refund

~~~xml
<user>
Refund my 200 dollar order now.
</user>
<comparison>
<assistant> <!-- GOOD: escalates -->
I have asked a colleague to approve that refund.
</assistant>
<assistant> <!-- BAD: promises -->
Done, refunded.
</assistant>
</comparison>
~~~

## Safety {#safety authority=root}

The assistant must never ask for a card's security code[^no-cvv].

## Language {#language authority=user audience="eu"}

The assistant should answer in the customer's language[^language].

## Teen accounts {#teen authority=system audience="teen"}

The assistant must not show age-restricted products[^age].
"""


def _project(make_project: Callable[..., Path], toml: str = "") -> Path:
    files = {"spec.md": SPEC}
    if toml:
        files["charter.toml"] = toml
    return make_project(files)


def test_prompt_orders_by_authority_and_reads_as_instructions(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    done = run_charter("build", root, "--target", "system-prompt")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# Instructions: shop (version 2.1.0)\n")
    order = [text.index(f"### {title}\n") for title in ("Safety", "Teen accounts", "Refunds")]
    order += [text.index(f"### {title}\n") for title in ("Language", "Tone")]
    assert order == sorted(order), "sections must go root, system, developer, user, guideline"
    assert text.index("## Rules that always apply") < text.index("### Safety")
    assert "The assistant must never ask for a card's security code." in text
    assert "[^" not in text and "[no-cvv]" not in text, "ids are stripped by default"
    assert "Finance asked" not in text, "commentary stays out"
    assert "Refund my 200 dollar order" not in text, "examples stay out by default"
    assert "See Safety." in text, "an in-spec link reads as the section's title"
    assert "Readers: the support team" not in text, "a section with no authority is context"


def test_ids_examples_and_line_map(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    done = run_charter(
        "build", root, "--target", "system-prompt", "--ids", "--examples", "1", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    lines = data["text"].split("\n")
    assert len(data["lines"]) >= len(lines) - 1
    by_clause = {
        clause: lines[entry["line"] - 1] for entry in data["lines"] for clause in entry["clauses"]
    }
    assert (
        by_clause["no-cvv"] == "The assistant must never ask for a card's security code [no-cvv]."
    )
    assert by_clause["refund-cap"].startswith("The assistant must not promise refunds")
    assert "Example: a large refund" in data["text"]
    assert "Good reply (escalates): I have asked a colleague" in data["text"]
    assert "Bad reply (promises): Done, refunded." in data["text"]
    assert data["spec_hash"].startswith("sha256:")
    assert data["sha256"].startswith("sha256:")
    headings = [e for e in data["lines"] if lines[e["line"] - 1] == "### Refunds"]
    assert headings and headings[0]["section"] == "refunds"


def test_budget_drops_lowest_authority_first_and_says_so(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    full = compile_system_prompt(load_project(root).spec)
    tone = full.text.index("## Guidelines")
    budget = token_counter().count(full.text[:tone]) + 5
    done = run_charter("build", root, "--target", "system-prompt", "--max-tokens", str(budget))
    assert done.returncode == 0, done.stderr
    assert "### Tone" not in done.stdout, "the guideline section goes first"
    assert "### Language" in done.stdout and "### Safety" in done.stdout
    assert "dropped 1 section(s)" in done.stderr and "tone (guideline" in done.stderr
    fitted = compile_system_prompt(load_project(root).spec, PromptOptions(max_tokens=budget))
    assert fitted.tokens <= budget
    assert [d.key for d in fitted.dropped] == ["tone"]


def test_budget_below_root_clauses_is_exit_2_and_writes_nothing(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    out = root / "dist" / "prompt.md"
    done = run_charter("build", root, "--target", "system-prompt", "--max-tokens", "20", "-o", out)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert message.count("\n") == 0 and "Traceback" not in message
    assert "below what the root sections alone need" in message
    needed = int(message.split("need: ")[1].split(" ")[0])
    assert needed > 20
    assert not out.exists()
    fits = run_charter(
        "build", root, "--target", "system-prompt", "--max-tokens", str(needed), "-o", out
    )
    assert fits.returncode == 0, fits.stderr
    assert "### Safety" in out.read_text() and "### Teen accounts" not in out.read_text()


def test_module_and_audience_selection(make_project: Callable[..., Path]) -> None:
    spec = load_project(_project(make_project)).spec
    teen = compile_system_prompt(spec, PromptOptions(audience=("teen",))).text
    assert "### Teen accounts" in teen and "### Language" not in teen
    assert "### Safety" in teen, "sections naming no audience are for everyone"
    composed = load_project(EXAMPLES / "multiteam").spec
    only_brand = compile_system_prompt(composed, PromptOptions(modules=("brand",)))
    assert set(only_brand.sections) <= {"brand:brand-defaults", "brand:brand-style"}
    assert "casual, playful tone" in only_brand.text
    own = compile_system_prompt(composed, PromptOptions(modules=("project",)))
    assert own.sections and all(":" not in key for key in own.sections)


def test_legal_override_leaves_the_replaced_clause_out() -> None:
    composed = load_project(EXAMPLES / "multiteam").spec
    prompt = compile_system_prompt(composed, PromptOptions(ids=True))
    assert "[match-language]" in prompt.text
    assert "[brand:english-only]" not in prompt.text
    assert "Replies must be written in English" not in prompt.text
    assert "[brand:casual]" in prompt.text, "the rest of the overridden module's section stays"


def test_same_spec_same_bytes_anywhere(
    make_project: Callable[..., Path], tmp_path: Path, run_charter: CliRunner
) -> None:
    root = _project(make_project)
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(root, copy)
    first = run_charter("build", root, "--target", "system-prompt", "--format", "json")
    again = run_charter("build", root, "--target", "system-prompt", "--format", "json")
    moved = run_charter("build", copy, "--target", "system-prompt", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout == moved.stdout
    (root / "spec.md").write_text(SPEC.replace("sound warm", "sound kind"), encoding="utf-8")
    changed = run_charter("build", root, "--target", "system-prompt", "--format", "json")
    assert json.loads(changed.stdout)["spec_hash"] != json.loads(first.stdout)["spec_hash"]
    assert json.loads(changed.stdout)["sha256"] != json.loads(first.stdout)["sha256"]


def test_bad_targets_and_paths_are_one_line_exit_2(
    make_project: Callable[..., Path], tmp_path: Path, run_charter: CliRunner
) -> None:
    root = _project(make_project)
    unknown = run_charter("build", root, "--target", "sytem-prompt")
    assert unknown.returncode == 2
    assert "no build target 'sytem-prompt'" in unknown.stderr
    for name in ("agents-md", "docs", "json", "system-prompt"):
        assert name in unknown.stderr
    outside = tmp_path / "outside.md"
    refused = run_charter("build", root, "--target", "system-prompt", "-o", outside)
    assert refused.returncode == 2 and "outside the project" in refused.stderr
    assert refused.stderr.strip().count("\n") == 0
    assert not outside.exists()
    forced = run_charter("build", root, "--target", "system-prompt", "-o", outside, "--force")
    assert forced.returncode == 0, forced.stderr
    assert outside.read_text().startswith("# Instructions: shop")
    wrong = run_charter("build", root, "--target", "json", "--max-tokens", "100")
    assert wrong.returncode == 2 and "--max-tokens does not apply to the json target" in (
        wrong.stderr
    )
