"""Validation of check values against their kinds' JSON Schemas, without loading jsonschema.

`charter check` validates every prompt file's checks, and start-up matters: jsonschema costs
about 60 ms to import. The kinds' schemas use a small part of JSON Schema (types, enums,
bounds, items, properties, oneOf/anyOf), which this module decides itself; a schema with any
other keyword (a plugin's) goes to jsonschema. `tests/test_checks_schema.py` holds the two to
the same answers on every built-in kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KNOWN = frozenset(
    {
        "type",
        "enum",
        "const",
        "minProperties",
        "maxProperties",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "items",
        "minItems",
        "maxItems",
        "properties",
        "required",
        "additionalProperties",
        "oneOf",
        "anyOf",
        "description",
        "title",
        "default",
        "examples",
    }
)

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
}


def is_valid(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether `value` satisfies `schema` (JSON Schema draft 2020-12 semantics)."""
    if not _simple(schema):
        import jsonschema

        return bool(jsonschema.Draft202012Validator(dict(schema)).is_valid(value))
    return _valid(schema, value)


def _simple(schema: Any) -> bool:
    """Whether every keyword of `schema`, nested schemas included, is one this module decides."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, Mapping) or not set(schema) <= KNOWN:
        return False
    nested: list[Any] = [*schema.get("oneOf", []), *schema.get("anyOf", [])]
    nested.extend(dict(schema.get("properties", {})).values())
    for key in ("items", "additionalProperties"):
        if key in schema:
            nested.append(schema[key])
    return all(_simple(part) for part in nested)


def _of_type(name: str, value: Any) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(name, ()))


def _valid(schema: Any, value: Any) -> bool:
    if isinstance(schema, bool):
        return schema
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_of_type(name, value) for name in names):
            return False
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        return False
    if "const" in schema and not _same(value, schema["const"]):
        return False
    return (
        _number_ok(schema, value)
        and _string_ok(schema, value)
        and _array_ok(schema, value)
        and _object_ok(schema, value)
        and _choices_ok(schema, value)
    )


def _same(value: Any, option: Any) -> bool:
    """JSON equality: 1 and True differ, 1 and 1.0 do not."""
    if isinstance(value, bool) or isinstance(option, bool):
        return type(value) is type(option) and value == option
    return bool(value == option)


def _number_ok(schema: Mapping[str, Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    return (
        (low is None or value >= low)
        and (high is None or value <= high)
        and (above is None or value > above)
        and (below is None or value < below)
    )


def _string_ok(schema: Mapping[str, Any], value: Any) -> bool:
    if not isinstance(value, str):
        return True
    return len(value) >= schema.get("minLength", 0) and (
        "maxLength" not in schema or len(value) <= schema["maxLength"]
    )


def _array_ok(schema: Mapping[str, Any], value: Any) -> bool:
    if not isinstance(value, list):
        return True
    if len(value) < schema.get("minItems", 0):
        return False
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return False
    return "items" not in schema or all(_valid(schema["items"], item) for item in value)


def _object_ok(schema: Mapping[str, Any], value: Any) -> bool:
    if not isinstance(value, dict):
        return True
    if any(key not in value for key in schema.get("required", [])):
        return False
    if len(value) < schema.get("minProperties", 0):
        return False
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        return False
    properties = dict(schema.get("properties", {}))
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            if not _valid(properties[key], item):
                return False
        elif not _valid(extra, item):
            return False
    return True


def _choices_ok(schema: Mapping[str, Any], value: Any) -> bool:
    if "oneOf" in schema and sum(_valid(part, value) for part in schema["oneOf"]) != 1:
        return False
    return "anyOf" not in schema or any(_valid(part, value) for part in schema["anyOf"])
