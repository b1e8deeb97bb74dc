"""Generated documentation stays in step with the code it is generated from."""

from __future__ import annotations

import json
from pathlib import Path

import charter.check  # registers every checker's rules, as `charter rules` does
import charter.cli  # noqa: F401
from charter.diagnostics import all_rules, rules_markdown
from charter.spec._schema import model_schema

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_rules_page_is_generated_from_the_code() -> None:
    page = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert page == rules_markdown(), "regenerate: charter rules --format markdown > docs/rules.md"


def test_every_rule_has_a_documented_example_and_fix() -> None:
    rules = all_rules()
    assert len(rules) >= 20
    for rule in rules:
        assert "Example" in rule.doc, rule.code
        assert "Fix" in rule.doc, rule.code
        assert rule.summary.endswith("."), rule.code


def test_schema_file_matches_the_model() -> None:
    stored = json.loads((DOCS / "spec.schema.json").read_text(encoding="utf-8"))
    assert stored == model_schema(), "regenerate: charter schema > docs/spec.schema.json"
