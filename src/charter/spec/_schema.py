"""JSON form of the spec model, and its JSON schema (generated from the dataclasses)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import ConfigDict, TypeAdapter

from charter.spec import _model
from charter.spec._model import Spec

SCHEMA_ID = "https://github.com/charter-spec/charter/schema/spec.json"


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[Spec]:
    # Field docstrings become schema descriptions; pydantic reads this attribute on dataclasses.
    for name in dir(_model):
        value = getattr(_model, name)
        if isinstance(value, type) and hasattr(value, "__dataclass_fields__"):
            value.__pydantic_config__ = ConfigDict(use_attribute_docstrings=True)  # type: ignore[attr-defined]
    return TypeAdapter(Spec)


def model_dict(spec: Spec) -> dict[str, Any]:
    """The whole model as plain JSON-ready data."""
    data: dict[str, Any] = _adapter().dump_python(spec, mode="json")
    return data


def model_json(spec: Spec, *, indent: int | None = 2) -> str:
    """The whole model as a JSON document that validates against `model_schema()`."""
    return _adapter().dump_json(spec, indent=indent).decode()


def model_schema() -> dict[str, Any]:
    """The JSON schema of `model_json`."""
    schema = _adapter().json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    return schema
