"""Validate amendment proposals against the current spec and against each other."""

from __future__ import annotations

from difflib import get_close_matches

from charter.spec import Spec
from charter.version._amend_format import Amendment, Op, Problem
from charter.version._frontmatter import content_hash


def _suggest(name: str, choices: list[str]) -> str | None:
    close = get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else None


def check_against_spec(amendment: Amendment, spec: Spec) -> list[Problem]:
    """Problems of one proposal on its own: format, base, unknown or clashing ids and sections."""
    problems = list(amendment.problems)
    rel = amendment.rel
    problems += _check_base(amendment, spec)
    ids = [clause.id for clause in spec.clauses]
    keys = [section.key for section in spec.sections]
    seen: dict[str, int] = {}
    for delta in amendment.deltas:
        for clause_id in delta.touched:
            if clause_id in seen:
                problems.append(
                    Problem(
                        "A104",
                        f"[^{clause_id}] is changed twice in this amendment "
                        f"(also line {seen[clause_id]})",
                        rel,
                        delta.line,
                        "merge the two changes into one",
                    )
                )
            seen.setdefault(clause_id, delta.line)
        if delta.op is Op.ADDED:
            if delta.clause in ids:
                problems.append(
                    Problem(
                        "A102",
                        f"ADDED [^{delta.clause}] already exists in the spec",
                        rel,
                        delta.line,
                        "pick a new id, or use MODIFIED",
                    )
                )
            if delta.section is not None and spec.section(delta.section) is None:
                problems.append(
                    Problem(
                        "A103",
                        f"unknown section #{delta.section}",
                        rel,
                        delta.line,
                        _suggest(delta.section, keys) or "`charter show` lists the section ids",
                    )
                )
            continue
        if delta.clause not in ids:
            problems.append(
                Problem(
                    "A101",
                    f"{delta.op} [^{delta.clause}]: no such clause in the spec",
                    rel,
                    delta.line,
                    _suggest(delta.clause, ids) or "`charter show` lists the clause ids",
                )
            )
        if delta.new_id is not None and delta.new_id in ids:
            problems.append(
                Problem(
                    "A102",
                    f"RENAMED to [^{delta.new_id}], which already exists in the spec",
                    rel,
                    delta.line,
                    "pick an unused id",
                )
            )
    return problems


def _check_base(amendment: Amendment, spec: Spec) -> list[Problem]:
    base = amendment.meta.get("base", "").strip()
    if not base:
        return []
    line = amendment.meta_lines.get("base", 1)
    if base.startswith("sha256:"):
        current = content_hash(spec)
        if len(base) < len("sha256:") + 8 or not current.startswith(base):
            return [
                Problem(
                    "A105",
                    f"the spec changed since this proposal was written (base {base}, "
                    f"now {current})",
                    amendment.rel,
                    line,
                    "re-read the affected clauses, update the deltas, then set base to the "
                    "current hash",
                )
            ]
        return []
    if base != (spec.version or ""):
        return [
            Problem(
                "A105",
                f"the proposal was written against version {base}, the spec is now at "
                f"{spec.version or 'no version'}",
                amendment.rel,
                line,
                f"re-read the affected clauses, update the deltas, then set base: {spec.version}",
            )
        ]
    return []


def check_conflicts(amendments: list[Amendment]) -> list[Problem]:
    """A104 for every clause that two different proposals change."""
    problems: list[Problem] = []
    first: dict[str, tuple[Amendment, int]] = {}
    for amendment in amendments:
        for delta in amendment.deltas:
            for clause_id in delta.touched:
                earlier = first.get(clause_id)
                if earlier is None:
                    first[clause_id] = (amendment, delta.line)
                    continue
                other, other_line = earlier
                if other is amendment:
                    continue
                for place, there, there_line in (
                    (amendment, other, other_line),
                    (other, amendment, delta.line),
                ):
                    line = delta.line if place is amendment else other_line
                    problems.append(
                        Problem(
                            "A104",
                            f"[^{clause_id}] is also changed by {there.rel}:{there_line}",
                            place.rel,
                            line,
                            "apply one proposal, then rebase the other on the new spec",
                        )
                    )
    return problems
