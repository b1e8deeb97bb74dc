"""Overrides along the chain of command: which module may replace which clause, and how."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charter._shown import written as written_value
from charter.compose._namespace import SEPARATOR, qualified
from charter.spec import Authority, Clause, Module, Spec

#: Authority of a clause whose section states none.
DEFAULT_AUTHORITY = Authority.DEVELOPER


def effective_authority(clause: Clause) -> Authority:
    return clause.authority or DEFAULT_AUTHORITY


def level_of(module: Module) -> Authority | None:
    """The module's level as an authority, or None when `level:` names no authority."""
    try:
        return Authority(module.level)
    except ValueError:
        return None


def module_of(spec: Spec, clause: Clause) -> Module | None:
    """The module a clause comes from (the project for its own clauses)."""
    alias = clause.module or ""
    for module in spec.modules:
        if module.alias == alias:
            return module
    return None


def describe(spec: Spec, clause: Clause) -> str:
    """`legal:refund-limit` (module legal, owner legal@acme, developer)."""
    module = module_of(spec, clause)
    if module is None or not module.alias:
        where = f"project {spec.name or ''}".rstrip()
        owner = spec.owner
    else:
        where = f"module {module.alias}"
        owner = module.owner
    return (
        f"`{clause.id}` ({where}, owner {owner or 'not stated'}, "
        f"{effective_authority(clause).value})"
    )


@dataclass(frozen=True, slots=True)
class Override:
    """One `overrides:` entry, resolved: `by` replaces `target`."""

    module: Module
    target: Clause
    by: Clause
    why: str


@dataclass(slots=True)
class OverrideReport:
    """Legal and illegal overrides, and entries that could not be resolved."""

    legal: list[Override] = field(default_factory=list)
    illegal: list[tuple[Override, str]] = field(default_factory=list)
    malformed: list[tuple[Module, str]] = field(default_factory=list)
    unknown: list[tuple[Module, str]] = field(default_factory=list)

    def pairs(self) -> set[frozenset[str]]:
        """Every (target, by) pair named by an override, legal or not."""
        found = [*self.legal, *(o for o, _ in self.illegal)]
        return {frozenset((o.target.id, o.by.id)) for o in found}


def _resolve_target(module: Module, written: str) -> str:
    """A target as the module wrote it (`legal:x`, through its own aliases) as a composed id."""
    head, sep, rest = written.partition(SEPARATOR)
    if sep and head in module.imports:
        return qualified(module.imports[head], rest)
    return written


def why_illegal(override: Override) -> str | None:
    """The rule of the chain of command the override breaks, or None when it is allowed."""
    target = effective_authority(override.target)
    by = effective_authority(override.by)
    if target is Authority.ROOT:
        return "root clauses can never be overridden"
    level = level_of(override.module) or Authority.GUIDELINE
    if target is Authority.SYSTEM and level.rank > Authority.SYSTEM.rank:
        return (
            f"system clauses can only be overridden by a module at level system, and this "
            f"module is at level {level.value}"
        )
    if target.outranks(by):
        return (
            f"overrides only go downward: `{override.by.id}` ({by.value}) would rise above "
            f"`{override.target.id}` ({target.value})"
        )
    return None


def _entry_fields(entry: dict[str, Any]) -> tuple[str, str, str] | None:
    values = [entry.get(key) for key in ("clause", "by", "why")]
    if not all(isinstance(value, str) and value.strip() for value in values):
        return None
    clause, by, why = (str(value).strip() for value in values)
    return clause, by, why


def evaluate_overrides(spec: Spec) -> OverrideReport:
    """Resolve every module's `overrides:` and sort them into legal and illegal."""
    report = OverrideReport()
    clauses = {clause.id: clause for clause in reversed(spec.clauses)}
    for module in spec.modules:
        for entry in module.overrides:
            fields = _entry_fields(entry)
            if fields is None:
                report.malformed.append((module, written_value(entry.get("invalid", entry))))
                continue
            written, by_written, why = fields
            target = clauses.get(_resolve_target(module, written))
            by = clauses.get(qualified(module.alias, by_written))
            if target is None or by is None:
                missing = written if target is None else by_written
                report.unknown.append((module, missing))
                continue
            if (target.module or "") == module.alias:
                report.malformed.append((module, f"{written} is the module's own clause"))
                continue
            override = Override(module, target, by, why)
            reason = why_illegal(override)
            if reason is None:
                report.legal.append(override)
            else:
                report.illegal.append((override, reason))
    return report
