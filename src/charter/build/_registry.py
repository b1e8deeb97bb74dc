"""Build targets by name: the built-in ones register with `@target`, plugins add theirs through
the `charter_build_targets` hook (a plugin's target replaces a built-in one of the same name)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.build._errors import BuildError

if TYPE_CHECKING:
    from charter.spec import Project, Spec

OPTION_KINDS = ("count", "positive", "bool", "names", "text", "choice")


@dataclass(frozen=True, slots=True)
class Option:
    """A setting a target takes, as `key = value` under `[build.NAME]` (kebab-case)."""

    name: str
    kind: str
    """`count` (whole number >= 0), `positive` (>= 1), `bool`, `names` (list of strings),
    `text` (a string) or `choice` (one of `choices`)."""
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Artifact:
    """What a target produced: one file's bytes, or a folder of files (relative path -> bytes)."""

    files: dict[str, bytes]
    """For a single-file target, one entry whose key is the empty string."""
    note: str = ""
    """A short line for the terminal, e.g. `812 tokens`."""
    warnings: tuple[str, ...] = ()
    """Things the user should know (sections dropped to fit a budget)."""

    @classmethod
    def single(cls, content: str, note: str = "", warnings: tuple[str, ...] = ()) -> Artifact:
        return cls({"": content.encode("utf-8")}, note, warnings)


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What a target builds from: the loaded project and the target's settings."""

    project: Project
    options: Mapping[str, Any] = field(default_factory=dict)
    """The target's settings: `[build.NAME]` overlaid with command-line flags, validated."""

    @property
    def spec(self) -> Spec:
        return self.project.spec

    @property
    def root(self) -> Path:
        return Path(self.project.spec.root)


@dataclass(frozen=True, slots=True)
class Target:
    """A kind of build output."""

    name: str
    summary: str
    build: Callable[[BuildContext], Artifact]
    default_output: str
    """Where the output goes, relative to the project, when `[build.NAME] output` is not set."""
    directory: bool = False
    """True when the output is a folder of files rather than one file."""
    options: tuple[Option, ...] = ()

    def option(self, name: str) -> Option | None:
        for option in self.options:
            if option.name == name:
                return option
        return None


_BUILTIN: dict[str, Target] = {}


def target(
    name: str,
    *,
    summary: str,
    default_output: str,
    directory: bool = False,
    options: tuple[Option, ...] = (),
) -> Callable[[Callable[[BuildContext], Artifact]], Callable[[BuildContext], Artifact]]:
    """Register the decorated function as the built-in target `name`."""

    def register(build: Callable[[BuildContext], Artifact]) -> Callable[[BuildContext], Artifact]:
        _BUILTIN[name] = Target(name, summary, build, default_output, directory, options)
        return build

    return register


def builtin_targets() -> list[Target]:
    """The targets Charter ships, once their modules are imported."""
    from charter.build import _agents, _docs, _json, _prompt_target, _template  # noqa: F401

    return list(_BUILTIN.values())


def targets() -> dict[str, Target]:
    """Every target by name: built-ins, then plugins' (which replace a built-in of their name)."""
    from charter.plugins import plugin_manager

    found: dict[str, Target] = {}
    results = plugin_manager().hook.charter_build_targets()
    # pluggy calls the last registered first: built-ins come last, so apply the list reversed
    for batch in reversed(results):
        for item in batch:
            found[item.name] = item
    return found


def get_target(name: str) -> Target:
    """The target `name`; a `BuildError` listing the known ones when there is none."""
    known = targets()
    if name not in known:
        names = ", ".join(sorted(known))
        raise BuildError(f"no build target {name!r}; the targets are {names}")
    return known[name]
