"""The list of checkers `charter check` runs: kept in `charter.diagnostics` (the base layer), so
that the stages register theirs with `@checker` without importing this package."""

from __future__ import annotations

from charter.diagnostics import _CHECKERS as _CHECKERS
from charter.diagnostics import Checker, RegisteredChecker, checker, registered_checkers

Registered = RegisteredChecker

__all__ = ["Checker", "Registered", "checker", "checkers", "registered"]


def registered() -> list[RegisteredChecker]:
    """Every checker: the built-in stages' and the plugins' (`charter.plugins`)."""
    from charter.plugins import plugin_checkers

    return [*registered_checkers(), *plugin_checkers()]


def checkers() -> list[Checker]:
    return [found.function for found in registered()]
