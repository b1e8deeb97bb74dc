"""The built-in build targets, registered with the plugin manager like any plugin's."""

from __future__ import annotations

from charter.build._registry import Target, builtin_targets
from charter.plugins import hookimpl


@hookimpl
def charter_build_targets() -> list[Target]:
    return builtin_targets()
