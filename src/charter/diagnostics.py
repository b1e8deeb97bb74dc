"""Findings with stable codes, shared by the readers and every checker.

Each kind of finding is a `Rule`: a code (`S102`), a kebab-case name, a default severity and a doc
paragraph with an example and the fix. Rules register themselves where their logic lives; the
catalogue (`charter rules`, docs/rules.md) is generated from this registry.

Checkers (`@checker`) and fixers (`@fixer("S104")`) register here too, so that a stage (compose,
conflicts, lint, precedents...) adds its rules, checks and fixes without importing `charter.check`.
This module is the base layer: it imports nothing of Charter at run time.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from charter.lint import Edit
    from charter.spec import Spec

#: The formats `charter check` writes findings in (`charter.check.render`). Defined here, not in
#: `charter.check`, so that the command line can name them without importing every checker.
FORMATS = ("text", "json", "sarif", "github")


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source file: 1-based line and column, relative path from the project root."""

    file: str
    line: int
    column: int = 1
    end_line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Severity(StrEnum):
    """How bad a finding is. `fatal` means the input could not be used at all."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"
    FATAL = "fatal"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of finding: stable code, name, default severity and documentation."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    fixable: bool = False
    preview: bool = False
    """Selected only by its own code or name, never by a family prefix or `ALL`: rules whose
    measured precision is too low to run by default."""

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


_RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    doc: str,
    *,
    fixable: bool = False,
    preview: bool = False,
) -> Rule:
    """Define and register a rule. Codes and names must be unique."""
    return register_rule(
        Rule(code, name, severity, summary, textwrap.dedent(doc).strip(), fixable, preview)
    )


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code. Import `charter.check` first for the full set."""
    return sorted(_RULES.values(), key=lambda r: (r.family, int(r.code[len(r.family) :] or 0)))


def get_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    by_code = _RULES.get(key.upper())
    if by_code is not None:
        return by_code
    for found in _RULES.values():
        if key.upper() == found.code or key.lower() == found.name:
            return found
    return None


@dataclass(frozen=True, slots=True)
class Related:
    """A second place a finding points at (the other duplicate, the other clause...)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding at one place."""

    code: str
    message: str
    span: Span
    severity: Severity
    hint: str | None = None
    """What to do about it."""
    related: tuple[Related, ...] = ()
    length: int = 1
    """How many characters from `span.column` the finding covers (for the caret line)."""

    @property
    def rule(self) -> Rule:
        found = _RULES.get(self.code)
        if found is None:  # pragma: no cover - every emitter uses a registered rule
            raise KeyError(self.code)
        return found


@dataclass(slots=True)
class Diagnostics:
    """A collector that readers and checkers append findings to."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self,
        found: Rule,
        message: str,
        span: Span,
        *,
        hint: str | None = None,
        related: tuple[Related, ...] = (),
        length: int = 1,
        severity: Severity | None = None,
    ) -> Diagnostic:
        diagnostic = Diagnostic(
            found.code, message, span, severity or found.severity, hint, related, max(1, length)
        )
        self.items.append(diagnostic)
        return diagnostic

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    def __len__(self) -> int:
        return len(self.items)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column, diagnostic.code)


def rules_markdown() -> str:
    """The rule catalogue as a markdown page (docs/rules.md is this output)."""
    lines = [
        "# Rules",
        "",
        "Every finding Charter reports has a stable code. This page is generated from the code",
        "(`charter rules --format markdown`); `charter rule CODE` prints one entry.",
        "",
        "| code | name | default severity | what it finds |",
        "| --- | --- | --- | --- |",
    ]
    found = all_rules()
    for entry in found:
        anchor = f"{entry.code.lower()}-{entry.name}"
        row = f"| [{entry.code}](#{anchor}) | {entry.name} | {entry.severity.value} |"
        lines.append(f"{row} {entry.summary} |")
    for entry in found:
        fix = " Mechanical fix available." if entry.fixable else ""
        if entry.preview:
            fix += " Preview: runs only when selected by its code or name."
        lines += [
            "",
            f"## {entry.code} {entry.name}",
            "",
            f"Default severity: **{entry.severity.value}**.{fix}",
            "",
            entry.doc,
        ]
    return "\n".join(lines) + "\n"


Checker = Callable[["Spec", Diagnostics], None]
"""A function that inspects a spec and adds findings to the sink."""


@dataclass(frozen=True, slots=True)
class RegisteredChecker:
    """A checker and the rule-code prefixes it can report (empty: unknown, always run)."""

    function: Checker
    rules: tuple[str, ...] = ()


_CHECKERS: list[RegisteredChecker] = []


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
        _CHECKERS.append(RegisteredChecker(found, rules))
        return found

    return register(function) if function is not None else register


def registered_checkers() -> list[RegisteredChecker]:
    """The checkers registered so far, in the order they were (`charter.check` loads them all)."""
    return list(_CHECKERS)


@dataclass(frozen=True, slots=True)
class Rename:
    """Move the file `source` to `target` (both relative to the spec's root)."""

    source: str
    target: str


Fixer = Callable[["Spec", list[Diagnostic]], "list[Edit | Rename]"]
"""A function that returns the edits and renames fixing the given findings."""

_FIXERS: dict[str, Fixer] = {}


def fixer(*codes: str) -> Callable[[Fixer], Fixer]:
    """Register a function that returns the edits and renames fixing the given findings (all of
    them have one of `codes`)."""

    def register(function: Fixer) -> Fixer:
        for code in codes:
            _FIXERS[code] = function
        return function

    return register


def fixer_for(code: str) -> Fixer | None:
    return _FIXERS.get(code)


def fixable_codes() -> set[str]:
    return set(_FIXERS)


def register_rule(found: Rule) -> Rule:
    """Add a rule defined elsewhere (a plugin's) to the catalogue. Codes and names are unique."""
    if found.code in _RULES and _RULES[found.code].name != found.name:
        raise ValueError(f"rule code {found.code} is already {_RULES[found.code].name}")
    _RULES[found.code] = found
    return found
