"""The lines `charter modules` and `charter lock` print: each module of a composed spec, its
overrides, and the lock entries."""

from __future__ import annotations

from charter.compose._lock import lock_entries
from charter.compose._overrides import evaluate_overrides
from charter.spec import Spec


def module_lines(spec: Spec) -> list[str]:
    """One line per module (alias, name, version, level, owner, clauses, source), then one per
    override, the illegal ones flagged."""
    if not spec.modules:
        return ["The spec imports no modules."]
    found = []
    for module in spec.modules:
        count = sum(1 for c in spec.clauses if (c.module or "") == module.alias)
        found.append(
            f"{module.alias or '(project)':<12} {module.name or '-':<24} {module.version or '-':<8}"
            f" level {module.level:<10} owner {module.owner or '-':<24} {count:>3} clauses"
            f"  {module.source}"
        )
    report = evaluate_overrides(spec)
    for override in report.legal:
        found.append(f"override: {override.by.id} replaces {override.target.id} ({override.why})")
    for override, reason in report.illegal:
        found.append(f"ILLEGAL override: {override.by.id} -> {override.target.id}: {reason}")
    return found


def lock_lines(spec: Spec) -> list[str]:
    """One line per lock entry: alias, version, level, source and the start of the hash."""
    return [
        f"{entry['alias']:<12} {entry['version'] or '-':<10} {entry['level']:<10} "
        f"{entry['source']:<28} {entry['hash'][:19]}"
        for entry in lock_entries(spec)
    ]
