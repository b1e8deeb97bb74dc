"""Plugin hooks (pluggy): how third parties add readers, providers and build targets to Charter.

A plugin is a module or object with functions marked `@hookimpl`, registered through the
`charter` entry-point group in its package metadata::

    [project.entry-points.charter]
    agents = "charter_agents.plugin"

Built-in implementations are registered the same way, so they have no special path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from charter.build._registry import Target
    from charter.checks._registry import CheckKind
    from charter.model._types import Provider
    from charter.spec._readers import Reader

hookspec = pluggy.HookspecMarker("charter")
hookimpl = pluggy.HookimplMarker("charter")


class CharterHooks:
    """The hooks a plugin may implement."""

    @hookspec
    def charter_readers(self) -> list[Reader]:  # type: ignore[empty-body]
        """Return readers for spec file formats. Readers of plugins are tried before built-ins."""

    @hookspec
    def charter_providers(self) -> list[type[Provider]]:  # type: ignore[empty-body]
        """Return `Provider` subclasses; each `name` is usable as `NAME:MODEL`.

        A plugin's provider replaces a built-in one of the same name.
        """

    @hookspec
    def charter_build_targets(self) -> list[Target]:  # type: ignore[empty-body]
        """Return `charter.build.Target`s for `charter build --target NAME`.

        A plugin's target replaces a built-in one of the same name.
        """

    @hookspec
    def charter_check_kinds(self) -> list[CheckKind]:  # type: ignore[empty-body]
        """Return `charter.checks.CheckKind`s usable in prompt files' `checks:` lists.

        Each needs a code of its own (built-ins use K000-K999) and a docstring on its runner.
        """


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with built-ins and installed plugins registered."""
    from charter.agents import _reader as agent_readers
    from charter.build import _builtin as builtin_targets
    from charter.model import _builtin as builtin_providers
    from charter.spec import _readers

    manager = pluggy.PluginManager("charter")
    manager.add_hookspecs(CharterHooks)
    manager.register(_readers, name="charter.builtin.readers")
    # Registered after the markdown reader so that it is asked first (pluggy calls the latest
    # registered first): it claims AGENTS.md, CLAUDE.md... before `.md` files in general.
    manager.register(agent_readers, name="charter.builtin.agent-readers")
    manager.register(builtin_providers, name="charter.builtin.providers")
    manager.register(builtin_targets, name="charter.builtin.targets")
    manager.load_setuptools_entrypoints("charter")
    return manager
