"""Plugin hooks (pluggy): how third parties add readers, providers, build targets, rules and
checkers to Charter.

A plugin is a module or object with functions marked `@hookimpl`, registered through the
`charter` entry-point group in its package metadata::

    [project.entry-points.charter]
    agents = "charter_agents.plugin"

Built-in implementations are registered the same way, so they have no special path: each kind
names its built-in modules (`BUILTIN_PLUGINS`), imported by name when that kind is first asked
for. This module imports nothing of Charter at run time, so any package may use it.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    from charter.build import Target
    from charter.checks import CheckKind
    from charter.diagnostics import Diagnostics, RegisteredChecker, Rule
    from charter.model import Provider
    from charter.spec import Project, ProjectConfig, Reader, Spec

hookspec = pluggy.HookspecMarker("charter")
hookimpl = pluggy.HookimplMarker("charter")

BUILTIN_PLUGINS: dict[str, tuple[str, ...]] = {
    # pluggy asks the latest registered first: the agent instruction files' reader claims
    # AGENTS.md, CLAUDE.md... before the markdown reader takes `.md` files in general.
    "readers": ("charter.spec._readers", "charter.agents._reader"),
    "providers": ("charter.model._builtin",),
    "build_targets": ("charter.build._builtin",),
    "composers": ("charter.compose._compose",),
    "instruction_files": ("charter.agents._plugin",),
    # the stages' checkers and rules, in the order `charter check` runs them
    "checkers": (
        "charter.check._front_matter",
        "charter.check._structure",
        "charter.check._config",
        "charter.compose._checks",
        "charter.conflict._checks",
        "charter.grade._rules",
        "charter.lint",
        "charter.precedent._rules",
        "charter.agents._checks",
    ),
}
"""Each extension kind's built-in modules. A module registers its rules and `@checker`s when it
is imported, and its `@hookimpl`s when the plugin manager registers it."""

_LOADED_AT_START = ("readers", "providers", "build_targets")


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

    @hookspec
    def charter_rules(self) -> list[Rule]:  # type: ignore[empty-body]
        """Return the `charter.diagnostics.Rule`s a plugin's checkers report (codes are unique).

        They join the catalogue (`charter rules`) and `--select` / `--ignore`.
        """

    @hookspec
    def charter_checkers(self) -> list[RegisteredChecker]:  # type: ignore[empty-body]
        """Return `charter.diagnostics.RegisteredChecker`s: functions `(spec, sink)` adding
        findings, each with the rule-code prefixes it reports. `charter check` runs them after
        the built-in ones."""

    @hookspec(firstresult=True)
    def charter_compose(self, spec: Spec, config: ProjectConfig, sink: Diagnostics) -> bool | None:
        """Add the modules `spec` imports to it, with findings in `sink`; return True when done
        (the first plugin that does wins; the built-in composer, `charter.compose`, is last)."""

    @hookspec(firstresult=True)
    def charter_instruction_file(self, path: Path) -> bool | None:
        """True when `path` is an agent instruction file (AGENTS.md, a Cursor rule...) that
        `charter_instruction_project` reads instead of the spec readers."""

    @hookspec(firstresult=True)
    def charter_instruction_project(self, target: Path, folder: bool) -> Project | None:
        """The project of a repository's instruction files (`folder`: the whole folder, when it
        holds no Charter spec; else the one file `target`), or None when there are none."""


def _register_builtins(manager: pluggy.PluginManager, kind: str) -> None:
    for name in BUILTIN_PLUGINS[kind]:
        plugin_name = f"charter.builtin.{name}"
        if manager.get_plugin(plugin_name) is None:
            manager.register(importlib.import_module(name), name=plugin_name)


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with built-ins and installed plugins registered.

    The built-in checkers are registered when they are first asked for (`load_checkers`), so
    that reading a spec does not import every stage."""
    manager = pluggy.PluginManager("charter")
    manager.add_hookspecs(CharterHooks)
    for kind in _LOADED_AT_START:
        _register_builtins(manager, kind)
    manager.load_setuptools_entrypoints("charter")
    return manager


@lru_cache(maxsize=1)
def load_checkers() -> pluggy.PluginManager:
    """The plugin manager with the built-in checkers and rules loaded, and the rules of the
    plugins installed added to the catalogue."""
    manager = plugin_manager()
    _register_builtins(manager, "checkers")
    _register_plugin_rules(manager)
    return manager


def _register_plugin_rules(manager: pluggy.PluginManager) -> None:
    from charter.diagnostics import register_rule

    for batch in manager.hook.charter_rules():
        for found in batch:
            register_rule(found)


def plugin_checkers() -> list[RegisteredChecker]:
    """The checkers plugins add (the built-in ones register themselves with `@checker`), with
    their rules in the catalogue."""
    manager = load_checkers()
    _register_plugin_rules(manager)  # a plugin registered after the first check, too
    return [found for batch in manager.hook.charter_checkers() for found in batch]


def compose_imports(spec: Spec, config: ProjectConfig, sink: Diagnostics) -> None:
    """Compose the modules `spec` imports, through the first `charter_compose` that does (a
    spec loaded with `compose=True` that imports modules); the built-in composer is registered
    on first use, so reading a spec without imports does not load it."""
    manager = plugin_manager()
    _register_builtins(manager, "composers")
    manager.hook.charter_compose(spec=spec, config=config, sink=sink)


def _instruction_hooks() -> pluggy.PluginManager:
    manager = plugin_manager()
    _register_builtins(manager, "instruction_files")
    return manager


def is_instruction_file(path: Path) -> bool:
    """Whether a plugin (the built-in `charter.agents`) reads `path` as an instruction file."""
    return bool(_instruction_hooks().hook.charter_instruction_file(path=path))


def instruction_project(target: Path, *, folder: bool) -> Project | None:
    """The project of the instruction files at `target` (see `charter_instruction_project`)."""
    found: Project | None = _instruction_hooks().hook.charter_instruction_project(
        target=target, folder=folder
    )
    return found
