"""The catalogue of check kinds: each registered by name with a code, its docs and its value schema.

```python
@check_kind("K003", "icontains", {"type": "string"}, "a string")
def icontains(value: str, reply: Reply) -> Outcome:
    '''The reply contains the text, ignoring case. ...'''
```

The first paragraph of the docstring says what the check decides; the rest gives an example and
its limits. `charter checks` lists the catalogue and docs/checks.md is generated from it.
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from charter.errors import SpecError

if TYPE_CHECKING:
    from charter.trajectory import Trajectory


class Result(StrEnum):
    """What one check says about a reply."""

    PASS = "pass"
    FAIL = "fail"
    UNDECIDED = "undecided"
    """The check cannot tell: the reply goes to the judge or a person, never a guess."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A check's result and the reason, in a few words."""

    result: Result
    reason: str

    @staticmethod
    def of(passed: bool, reason: str) -> Outcome:
        return Outcome(Result.PASS if passed else Result.FAIL, reason)

    @staticmethod
    def undecided(reason: str) -> Outcome:
        return Outcome(Result.UNDECIDED, reason)


@dataclass(frozen=True, slots=True)
class Reply:
    """What a check may look at: the reply, the conversation's user turns and the call's figures."""

    text: str
    user_text: str = ""
    """The last user turn (the language and over-refusal checks compare with it)."""
    latency: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    model: str | None = None
    trajectory: Trajectory | None = None
    """What an agent did to reply, when it sent a trajectory (the trajectory checks read it)."""


class CheckFormatError(SpecError, ValueError):
    """A check in front matter is malformed; the message says which and how to fix it.

    `keys` is where, in the front matter: `("checks", 2)`, `("examples", "asks", "checks", 0)`.
    """

    def __init__(self, message: str, keys: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.keys = keys


Runner = Callable[[Any, Reply], Outcome]
Preparer = Callable[[Any], None]


@dataclass(frozen=True, slots=True)
class Extra:
    """An optional install a check kind needs: the extra's name and the modules it brings."""

    name: str
    modules: tuple[str, ...]

    def missing(self) -> list[str]:
        return [module for module in self.modules if not _importable(module)]


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken install, or a module set to None
        return False


@dataclass(frozen=True, slots=True)
class CheckKind:
    """One kind of check: `name: value` in a prompt file's `checks:` list."""

    code: str
    name: str
    schema: Mapping[str, Any]
    """JSON Schema of the value."""
    usage: str
    """The value in words, for messages: "a whole number of characters"."""
    run: Runner
    category: str
    extra: Extra | None = None
    prepare: Preparer | None = None
    """Further validation of a value the schema accepts (a regex compiles...): raises ValueError."""
    aliases: tuple[str, ...] = field(default=())

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.run.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")


_KINDS: dict[str, CheckKind] = {}
_CATEGORY = ["text"]


def category(name: str) -> None:
    """The category the kinds registered next belong to (a heading of docs/checks.md)."""
    _CATEGORY[0] = name


def check_kind(
    code: str,
    name: str,
    schema: Mapping[str, Any],
    usage: str,
    *,
    extra: Extra | None = None,
    prepare: Preparer | None = None,
) -> Callable[[Runner], Runner]:
    """Register the decorated function as the runner of check kind `name`."""

    def register(run: Runner) -> Runner:
        kind = CheckKind(code, name, schema, usage, run, _CATEGORY[0], extra, prepare)
        register_kind(kind)
        return run

    return register


def register_kind(kind: CheckKind) -> None:
    """Add a kind to the catalogue (plugins do so through the `charter_check_kinds` hook)."""
    for other in _KINDS.values():
        if other.code == kind.code and other.name != kind.name:
            raise ValueError(f"check code {kind.code} is taken by `{other.name}`")
    if not inspect.cleandoc(kind.run.__doc__ or ""):
        raise ValueError(f"check kind `{kind.name}` has no docstring")
    _KINDS[kind.name] = kind


def all_kinds() -> list[CheckKind]:
    """Every check kind, built-ins and plugins', in code order."""
    _load()
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


def find_kind(name: str) -> CheckKind | None:
    _load()
    return _KINDS.get(name)


def unknown_kind_message(name: str) -> str:
    """`unknown check `contians`; did you mean `contains`? The kinds are ...`."""
    _load()
    names = sorted(_KINDS)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"unknown check `{name}`{hint} The kinds are {', '.join(names)} (`charter checks`)"


_PLUGINS_SEEN: list[int] = [-1]
_FROM_PLUGINS: set[str] = set()


def _load() -> None:
    """Import the built-in kinds once, and the plugins' whenever the registered plugins change."""
    from charter.plugins import plugin_manager

    if _PLUGINS_SEEN[0] < 0:
        from charter.checks import _builtin  # noqa: F401  (registers the built-in kinds)
    manager = plugin_manager()
    registered = len(manager.get_plugins())
    if registered == _PLUGINS_SEEN[0]:
        return
    _PLUGINS_SEEN[0] = registered
    for name in _FROM_PLUGINS:  # a plugin unregistered takes its kinds along
        _KINDS.pop(name, None)
    _FROM_PLUGINS.clear()
    for kinds in manager.hook.charter_check_kinds():
        for kind in kinds:
            register_kind(kind)
            _FROM_PLUGINS.add(kind.name)
