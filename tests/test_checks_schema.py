"""The check values' schema validator (`charter.checks._schema`) agrees with jsonschema on every
built-in kind's schema, for good values and bad ones."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from charter.checks import all_kinds
from charter.checks._schema import _simple, is_valid

VALUES: list[Any] = [
    None, True, False, 0, 1, -3, 2.5, 1.0, "", "text", "^a+$", [], ["a"], ["a", "b"], [1, 2],
    {}, {"max": 10}, {"min": 1, "max": 3}, {"max": -1}, {"value": "x"}, {"name": "read_file"},
    {"name": "t", "arguments": {"path": "^src/"}}, {"path": "a/**", "actions": ["read"]},
    {"command": "pytest"}, {"allow": ["example.com"]}, {"unknown": 1}, {"threshold": 0.8},
    {"text": "hello", "threshold": 0.5}, {"lang": "en"}, {"max_grade": 8}, [{"x": 1}],
]  # fmt: skip


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda kind: kind.name)
def test_the_validator_agrees_with_jsonschema(kind: Any) -> None:
    assert _simple(kind.schema), f"{kind.name}: its schema uses a keyword the validator lacks"
    reference = jsonschema.Draft202012Validator(dict(kind.schema))
    for value in VALUES:
        assert is_valid(kind.schema, value) == reference.is_valid(value), (kind.name, value)


def test_a_schema_with_other_keywords_goes_to_jsonschema() -> None:
    schema = {"type": "string", "pattern": "^a"}
    assert not _simple(schema)
    assert is_valid(schema, "abc")
    assert not is_valid(schema, "xbc")
