"""The list of checkers `charter check` runs; later stages add theirs with `@checker`."""

from __future__ import annotations

from collections.abc import Callable

from charter.diagnostics import Diagnostics
from charter.spec import Spec

Checker = Callable[[Spec, Diagnostics], None]

_CHECKERS: list[Checker] = []


def checker(function: Checker) -> Checker:
    """Register a function that inspects a spec and adds findings to the sink."""
    _CHECKERS.append(function)
    return function


def checkers() -> list[Checker]:
    return list(_CHECKERS)
