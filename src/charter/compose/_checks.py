"""Checkers for modules: the lock file, module levels and overrides (C0xx, C1xx)."""

from __future__ import annotations

from pathlib import Path

from charter._source import Span
from charter.compose import _rules as rules
from charter.compose._lock import LOCK_NAME, lock_problems
from charter.compose._overrides import describe, evaluate_overrides, level_of
from charter.diagnostics import Diagnostics, Related, checker
from charter.spec import Authority, Module, Spec


def _owner_root(spec: Spec, path: Path) -> str:
    """Root of the module a file belongs to: the deepest module folder that holds it."""
    roots = [m.root for m in spec.modules if path.is_relative_to(m.root)]
    return max(roots, key=len) if roots else ""


def _module_span(spec: Spec, module: Module, needle: str = "") -> Span:
    """The first line of the module's spec files that mentions `needle` (or line 1)."""
    root = Path(spec.root)
    own = [
        f.path for f in spec.files if _owner_root(spec, (root / f.path).resolve()) == module.root
    ]
    for rel in own:
        try:
            lines = (root / rel).read_text(encoding="utf-8").split("\n")
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            if needle and needle in line:
                return Span(rel, number, line.index(needle) + 1)
    return Span(own[0] if own else LOCK_NAME, 1, 1)


@checker
def check_lock(spec: Spec, sink: Diagnostics) -> None:
    missing, stale = lock_problems(spec)
    where = Span(LOCK_NAME, 1, 1)
    if missing:
        sink.add(
            rules.LOCK_MISSING,
            f"the spec imports {len(spec.modules) - 1} module(s) and has no {LOCK_NAME}",
            _module_span(spec, spec.modules[0], "imports"),
            hint="run `charter lock` and commit charter.lock",
        )
    for reason in stale:
        sink.add(
            rules.LOCK_STALE,
            f"{LOCK_NAME} is stale: {reason}",
            where,
            hint="review the change, then run `charter lock`",
        )


@checker
def check_levels(spec: Spec, sink: Diagnostics) -> None:
    for module in spec.modules:
        level = level_of(module)
        if level is None:
            sink.add(
                rules.AUTHORITY_ABOVE_LEVEL,
                f"module `{module.alias or spec.name}` states level `{module.level}`, which is "
                "not an authority level",
                _module_span(spec, module, "level"),
                hint=f"use one of {', '.join(a.value for a in Authority)}",
            )
            continue
        for clause in spec.clauses:
            if (clause.module or "") != module.alias or clause.authority is None:
                continue
            if clause.authority.outranks(level):
                sink.add(
                    rules.AUTHORITY_ABOVE_LEVEL,
                    f"clause `{clause.id}` claims {clause.authority.value} authority, above "
                    f"module `{module.alias}`'s level {level.value} (owner "
                    f"{module.owner or 'not stated'})",
                    clause.span,
                    hint=f"lower the section's authority to {level.value} or below",
                )


@checker
def check_overrides(spec: Spec, sink: Diagnostics) -> None:
    if not spec.modules:
        return
    report = evaluate_overrides(spec)
    for module, problem in report.malformed:
        sink.add(
            rules.BAD_OVERRIDE,
            f"override in module `{module.alias or spec.name}` cannot be used: {problem}",
            _module_span(spec, module, "overrides"),
            hint='write `- {clause: module:id, by: local-id, why: "..."}`',
        )
    for module, missing in report.unknown:
        sink.add(
            rules.OVERRIDE_TARGET_UNKNOWN,
            f"override in module `{module.alias or spec.name}` names `{missing}`, which is no "
            "clause of the composed spec",
            _module_span(spec, module, missing),
            hint="correct the id; `charter show` lists the clauses",
        )
    for override, reason in report.illegal:
        sink.add(
            rules.ILLEGAL_OVERRIDE,
            f"{describe(spec, override.by)} may not override {describe(spec, override.target)}:"
            f" {reason}",
            _module_span(spec, override.module, override.target.id.split(":")[-1]),
            hint="remove the override and comply, or ask the clause's owner to change it",
            related=(
                Related(override.target.span, f"`{override.target.id}` is here"),
                Related(override.by.span, f"`{override.by.id}` is here"),
            ),
        )
