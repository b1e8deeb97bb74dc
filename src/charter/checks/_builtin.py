"""Imports every module of built-in check kinds, so that each registers its kinds."""

from charter.checks import (
    _call,
    _pii,
    _prose,
    _refusal,
    _similarity,
    _structure,
    _text,
    _trajectory,
)

__all__ = [
    "_call",
    "_pii",
    "_prose",
    "_refusal",
    "_similarity",
    "_structure",
    "_text",
    "_trajectory",
]
