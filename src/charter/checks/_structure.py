"""Structure checks: JSON, XML and markdown in the reply."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from charter.checks._registry import Outcome, Reply, category, check_kind

category("Structure")

_BOOL = {"type": "boolean"}
_FENCE = re.compile(r"```(?:json)?\s*\n(.*?)```", re.DOTALL)


def _schema_ok(value: Any) -> None:
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(dict(value))
    except jsonschema.SchemaError as error:
        raise ValueError(f"not a valid JSON Schema: {error.message}") from None


def _schema_problem(schema: Mapping[str, Any], data: Any) -> str | None:
    import jsonschema

    problem = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(dict(schema)).iter_errors(data)
    )
    return None if problem is None else problem.message


@check_kind("K020", "is_json", _BOOL, "true (the reply is JSON) or false (it is not)")
def is_json(value: bool, reply: Reply) -> Outcome:
    """The whole reply parses as JSON (or, with false, does not).

    Example: `- is_json: true`.

    Limits: a JSON value inside prose or a code fence is not the whole reply: see `contains_json`.
    """
    try:
        json.loads(reply.text)
    except json.JSONDecodeError as error:
        return Outcome.of(not value, f"not JSON ({error.msg} at character {error.pos})")
    return Outcome.of(value, "is JSON")


@check_kind("K021", "json_schema", {"type": "object"}, "a JSON Schema object", prepare=_schema_ok)
def json_schema(value: Mapping[str, Any], reply: Reply) -> Outcome:
    """The whole reply parses as JSON and matches the JSON Schema (draft 2020-12).

    Example: `- json_schema: {type: object, required: [answer]}`.

    Limits: formats (`format: email`) are not asserted, as the draft leaves them optional.
    """
    try:
        data = json.loads(reply.text)
    except json.JSONDecodeError as error:
        return Outcome.of(False, f"not JSON ({error.msg} at character {error.pos})")
    problem = _schema_problem(value, data)
    if problem is None:
        return Outcome.of(True, "JSON matches the schema")
    return Outcome.of(False, f"JSON does not match the schema: {problem}")


def json_values(text: str) -> Iterator[Any]:
    """Every JSON object or array in `text`: in code fences, then from each `{` or `[`."""
    for fenced in _FENCE.finditer(text):
        with contextlib.suppress(json.JSONDecodeError):
            yield json.loads(fenced.group(1))
    decoder = json.JSONDecoder()
    for start, char in enumerate(text):
        if char in "{[":
            try:
                yield decoder.raw_decode(text, start)[0]
            except json.JSONDecodeError:
                continue


@check_kind(
    "K022",
    "contains_json",
    {"oneOf": [{"type": "boolean", "const": True}, {"type": "object"}]},
    "true or a JSON Schema object",
    prepare=lambda value: None if value is True else _schema_ok(value),
)
def contains_json(value: bool | Mapping[str, Any], reply: Reply) -> Outcome:
    """The reply holds a JSON object or array (in prose or a code fence), matching the schema if
    one is given.

    Example: `- contains_json: {type: object, required: [order_id]}`.

    Limits: the first value that matches wins; scalars ("42") are not looked for.
    """
    seen = False
    for data in json_values(reply.text):
        seen = True
        if value is True or _schema_problem(value, data) is None:  # type: ignore[arg-type]
            return Outcome.of(True, "holds JSON" + ("" if value is True else " matching"))
    if not seen:
        return Outcome.of(False, "holds no JSON object or array")
    return Outcome.of(False, "holds JSON, none matching the schema")


@check_kind("K023", "is_xml", _BOOL, "true or false")
def is_xml(value: bool, reply: Reply) -> Outcome:
    """The whole reply is one well-formed XML document (or, with false, is not).

    Example: `- is_xml: true`.

    Limits: well-formedness only; no DTD or schema. Entities are not expanded (no network, no
    entity bombs: the parser refuses DOCTYPE declarations).
    """
    import xml.etree.ElementTree as ElementTree

    text = reply.text.strip()
    if "<!DOCTYPE" in text.upper():
        return Outcome.of(not value, "has a DOCTYPE declaration (not parsed)")
    try:
        ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        return Outcome.of(not value, f"not well-formed XML ({error})")
    return Outcome.of(value, "is well-formed XML")


_MARKDOWN = {
    "heading": re.compile(r"(?m)^\s{0,3}#{1,6}\s+\S"),
    "table": re.compile(r"(?m)^\s*\|.*\|\s*$\n^\s*\|?\s*:?-{3,}"),
    "list": re.compile(r"(?m)^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S"),
    "bold": re.compile(r"\*\*\S[^*\n]*\*\*|__\S[^_\n]*__"),
    "code": re.compile(r"(?m)^\s*```|`[^`\n]+`"),
    "link": re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),
}
_MARKDOWN_VALUE = {
    "type": "object",
    "properties": {
        "absent": {"type": "array", "items": {"enum": sorted(_MARKDOWN)}},
        "present": {"type": "array", "items": {"enum": sorted(_MARKDOWN)}},
    },
    "minProperties": 1,
    "additionalProperties": False,
}


def markdown_found(text: str) -> list[str]:
    """The markdown constructs `text` uses: heading, table, list, bold, code, link."""
    return [name for name, pattern in _MARKDOWN.items() if pattern.search(text)]


@check_kind(
    "K024",
    "markdown",
    _MARKDOWN_VALUE,
    f"{{absent: [...], present: [...]}} naming {', '.join(sorted(_MARKDOWN))}",
)
def markdown(value: Mapping[str, list[str]], reply: Reply) -> Outcome:
    """The markdown constructs listed under `absent` are not used, those under `present` are.

    Example: `- markdown: {absent: [heading, table]}` for "plain text, no tables or headings".

    Limits: read line by line, as a renderer would see them; a table needs its `|---|` row. A
    line that starts "1. " counts as a list even in prose.
    """
    found = set(markdown_found(reply.text))
    used = sorted(found & set(value.get("absent", [])))
    lacking = sorted(set(value.get("present", [])) - found)
    if used or lacking:
        parts = ([f"uses {', '.join(used)}"] if used else []) + (
            [f"has no {', '.join(lacking)}"] if lacking else []
        )
        return Outcome.of(False, "; ".join(parts))
    return Outcome.of(True, f"markdown as asked ({', '.join(sorted(found)) or 'none used'})")


_COUNT_RANGE = {
    "type": "object",
    "properties": {"min": {"type": "integer", "minimum": 0}, "max": {"type": "integer"}},
    "minProperties": 1,
    "additionalProperties": False,
}


def _count_in(value: Mapping[str, int], count: int, unit: str) -> Outcome:
    low, high = value.get("min", 0), value.get("max")
    ok = count >= low and (high is None or count <= high)
    return Outcome.of(ok, f"{count} {unit}")


@check_kind("K025", "list_items", _COUNT_RANGE, "{min: N, max: N}")
def list_items(value: Mapping[str, int], reply: Reply) -> Outcome:
    """The number of markdown list items (`- `, `* `, `1. `) is within the bounds.

    Example: `- list_items: {min: 3}` for "give three options"; `{max: 0}` for no list at all.

    Limits: items written inline ("first, ...; second, ...") are not counted.
    """
    count = len(_MARKDOWN["list"].findall(reply.text))
    return _count_in(value, count, "list items")


@check_kind("K026", "headings", _COUNT_RANGE, "{min: N, max: N}")
def headings(value: Mapping[str, int], reply: Reply) -> Outcome:
    """The number of markdown headings (`# ...` lines) is within the bounds.

    Example: `- headings: {max: 0}`.

    Limits: setext headings (a line underlined with ===) are not counted.
    """
    count = len(_MARKDOWN["heading"].findall(reply.text))
    return _count_in(value, count, "headings")
