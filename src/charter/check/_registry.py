"""The list of checkers `charter check` runs; later stages add theirs with `@checker`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import overload

from charter.diagnostics import Diagnostics
from charter.spec import Spec

Checker = Callable[[Spec, Diagnostics], None]


@dataclass(frozen=True, slots=True)
class Registered:
    """A checker and the rule-code prefixes it can report (empty: unknown, always run)."""

    function: Checker
    rules: tuple[str, ...] = ()


_CHECKERS: list[Registered] = []


@overload
def checker(function: Checker) -> Checker: ...
@overload
def checker(*, rules: tuple[str, ...]) -> Callable[[Checker], Checker]: ...
def checker(
    function: Checker | None = None, *, rules: tuple[str, ...] = ()
) -> Checker | Callable[[Checker], Checker]:
    """Register a function that inspects a spec and adds findings to the sink.

    `@checker(rules=("L",))` declares which rule codes it reports, so that `charter check` can
    skip it when none of them is selected (the linter costs as much as reading the spec).
    """

    def register(found: Checker) -> Checker:
        _CHECKERS.append(Registered(found, rules))
        return found

    return register(function) if function is not None else register


def checkers() -> list[Checker]:
    return [registered.function for registered in _CHECKERS]


def registered() -> list[Registered]:
    return list(_CHECKERS)
