"""Calibration: run a judge over decided precedents and measure how often it agrees.

Disagreements are flagged as possible ambiguities of their clauses and saved, with the figures,
to `.charter/calibration/<grader>.json`, which `charter test`, the clarifier and the HTML report
read. A calibration of part of the precedents (`--select`, `--limit`) is saved beside it, as
`<grader>@<selection>.json`, and never replaces the full one.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from charter._agreement import MIN_PRECEDENTS as MIN_PRECEDENTS
from charter._agreement import MISSING, Agreement, agreement
from charter._agreement import RELIABLE_KAPPA as RELIABLE_KAPPA
from charter._agreement import is_reliable as is_reliable
from charter.grade._context import ClauseContext, clause_context, definitions
from charter.grade._spec_judge import SpecJudge
from charter.grade._types import Grade, GradeInput
from charter.precedent import Precedent
from charter.spec import Spec

CALIBRATION_DIR = Path(".charter") / "calibration"

Progress = Callable[[int, int], None]


def spec_contexts(spec: Spec) -> Callable[[GradeInput], ClauseContext]:
    """A cached `GradeInput -> ClauseContext` over `spec`."""
    glossary = definitions(spec)
    cache: dict[tuple[tuple[str, ...], str | None], ClauseContext] = {}

    def context(item: GradeInput) -> ClauseContext:
        ids = item.clause_ids or ((item.clause_id,) if item.clause_id else ())
        key = (ids, item.section)
        if key not in cache:
            cache[key] = clause_context(spec, ids, item.section, glossary=glossary)
        return cache[key]

    return context


def grade_input(precedent: Precedent, *, holdout: bool) -> GradeInput:
    """The case a precedent records, as a judge sees it."""
    ids = precedent.clause_ids
    return GradeInput(
        clause_id=ids[0] if ids else (precedent.section or ""),
        clause_text="",
        conversation=precedent.conversation,
        reply=precedent.reply,
        clause_ids=ids,
        section=precedent.section,
        holdout=precedent.conversation_key if holdout else None,
    )


def grader_file_name(grader: str, selection: str | None = None) -> str:
    """`<grader>.json` for the full calibration, `<grader>@<selection>.json` for a part."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", grader).strip("_")
    return f"{stem}@{selection}.json" if selection else f"{stem}.json"


def selection_key(select: Sequence[str], limit: int | None) -> str | None:
    """A file-name-safe key for `--select` and `--limit`; None for every precedent."""
    parts = sorted({re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") for name in select})
    key = "+".join(part for part in parts if part)
    if limit is not None:
        key = f"{key}+first{limit}" if key else f"first{limit}"
    if len(key) > 60:
        digest = hashlib.sha256(json.dumps([sorted(select), limit]).encode()).hexdigest()
        key = f"{key[:40]}-{digest[:12]}"
    return key or None


@dataclass(slots=True)
class Judged:
    precedent: Precedent
    grade: Grade

    @property
    def predicted(self) -> str:
        value = self.grade.verdict.value
        return value if self.grade.verdict.graded or value == "not_applicable" else MISSING


@dataclass(slots=True)
class PairResult:
    pair: str
    clause_ids: tuple[str, ...]
    good_first: str | None
    bad_first: str | None

    @property
    def consistent(self) -> bool:
        """The same reply preferred in both orders (A then B)."""
        return (self.good_first, self.bad_first) in (("A", "B"), ("B", "A"))

    @property
    def correct(self) -> bool:
        return (self.good_first, self.bad_first) == ("A", "B")


@dataclass(slots=True)
class Calibration:
    """One judge's figures over a set of precedents."""

    grader: str
    judged: list[Judged]
    pairs: list[PairResult] = field(default_factory=list)
    seconds: float = 0.0
    holdout: bool = True
    mode: str = ""
    select: tuple[str, ...] = ()
    """The `--select` names the precedents were chosen by (empty: all of them)."""
    limit: int | None = None
    min_precedents: int = MIN_PRECEDENTS

    @property
    def selection(self) -> str | None:
        return selection_key(self.select, self.limit)

    def overall(self) -> Agreement:
        return agreement([(j.precedent.verdict, j.predicted) for j in self.judged])

    def per_clause(self) -> dict[str, Agreement]:
        groups: dict[str, list[tuple[str, str]]] = {}
        for item in self.judged:
            keys = item.precedent.clause_ids or (f"#{item.precedent.section}",)
            for key in keys:
                groups.setdefault(key, []).append((item.precedent.verdict, item.predicted))
        return {key: agreement(pairs) for key, pairs in sorted(groups.items())}

    def disagreements(self) -> list[Judged]:
        return [item for item in self.judged if item.predicted != item.precedent.verdict]

    def flags(self) -> list[dict[str, Any]]:
        """One flag per clause the judge disagreed on: a possible ambiguity of that clause.

        The saved file keeps them only for a reliable judge (kappa >= `RELIABLE_KAPPA`): a judge
        at chance disagrees at random and says nothing about the clauses.
        """
        per_clause: dict[str, list[Judged]] = {}
        totals: dict[str, int] = {}
        for item in self.judged:
            for key in item.precedent.clause_ids or (f"#{item.precedent.section}",):
                totals[key] = totals.get(key, 0) + 1
                if item.predicted != item.precedent.verdict:
                    per_clause.setdefault(key, []).append(item)
        return [
            {
                "clause_id": key,
                "kind": "possible-ambiguity",
                "disagreements": len(items),
                "of": totals[key],
                "precedents": [item.precedent.id for item in items],
                "message": (
                    f"{self.grader} disagrees with {len(items)} of {totals[key]} precedents of "
                    f"{key}: the clause may be read more than one way"
                ),
            }
            for key, items in sorted(per_clause.items())
        ]

    def pair_figures(self) -> dict[str, Any]:
        n = len(self.pairs)
        return {
            "pairs": n,
            "consistent": sum(p.consistent for p in self.pairs),
            "consistency": sum(p.consistent for p in self.pairs) / n if n else None,
            "correct_both_orders": sum(p.correct for p in self.pairs),
            "inconsistent": [p.pair for p in self.pairs if not p.consistent],
        }

    def as_json(self) -> dict[str, Any]:
        overall = self.overall()
        return {
            "grader": self.grader,
            "mode": self.mode,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 1),
            "holdout": self.holdout,
            "selection": (
                None
                if self.selection is None
                else {"key": self.selection, "select": list(self.select), "limit": self.limit}
            ),
            "clauses": sorted(self.per_clause()),
            "precedents": overall.n,
            "min_precedents": self.min_precedents,
            "reliable": is_reliable(overall.kappa) and overall.n >= self.min_precedents,
            "overall": overall.as_json(),
            "per_clause": {key: value.as_json() for key, value in self.per_clause().items()},
            "pairwise": self.pair_figures(),
            "disagreements": [
                {
                    "precedent": item.precedent.id,
                    "clause_ids": list(item.precedent.clause_ids),
                    "section": item.precedent.section,
                    "expected": item.precedent.verdict,
                    "got": item.predicted,
                    "confidence": item.grade.confidence,
                    "rationale": item.grade.rationale,
                    "decided_by": item.precedent.decided_by,
                    "path": item.precedent.path,
                }
                for item in self.disagreements()
            ],
            "flags": self.flags() if is_reliable(overall.kappa) else [],
            "flags_withheld": 0 if is_reliable(overall.kappa) else len(self.flags()),
        }


async def calibrate(
    judge: SpecJudge,
    cases: Sequence[Precedent],
    *,
    holdout: bool = True,
    pairwise: bool = True,
    progress: Progress | None = None,
) -> Calibration:
    """Judge every case (never shown its own conversation's precedents under `holdout`)."""
    started = time.perf_counter()
    judged: list[Judged] = []
    for number, precedent in enumerate(cases, 1):
        grade = await judge.grade(grade_input(precedent, holdout=holdout))
        judged.append(Judged(precedent, grade))
        if progress is not None:
            progress(number, len(cases))
    result = Calibration(judge.name, judged, holdout=holdout, mode=judge.mode)
    if pairwise:
        result.pairs = [await _compare(judge, good, bad) for good, bad in pairs_of(cases)]
    result.seconds = time.perf_counter() - started
    return result


def pairs_of(cases: Sequence[Precedent]) -> list[tuple[Precedent, Precedent]]:
    """(comply, violate) precedents that answer the same conversation, one pair per key."""
    groups: dict[str, dict[str, Precedent]] = {}
    for case in cases:
        key = case.pair or case.conversation_key
        if case.verdict in ("comply", "violate") and not case.note:
            groups.setdefault(key, {}).setdefault(case.verdict, case)
    return [(g["comply"], g["violate"]) for g in groups.values() if len(g) == 2]


async def _compare(judge: SpecJudge, good: Precedent, bad: Precedent) -> PairResult:
    item = grade_input(good, holdout=True)
    first, _ = await judge.prefer(item, good.reply, bad.reply)
    second, _ = await judge.prefer(item, bad.reply, good.reply)
    return PairResult(good.pair or good.id, good.clause_ids, first, second)


def save(result: Calibration, folder: Path, spec_root: str) -> Path:
    """Write the figures; a partial calibration gets its own file beside the full one."""
    folder.mkdir(parents=True, exist_ok=True)
    data = result.as_json()
    data["spec"] = spec_root
    target = folder / grader_file_name(result.grader.removeprefix("judge:"), result.selection)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_figures(folder: Path, grader: str) -> dict[str, Any] | None:
    """The saved full calibration of `grader` (PROVIDER:MODEL), or None if none is readable."""
    return _read(folder / grader_file_name(grader))


def calibration_for(
    folder: Path, grader: str, clause_ids: set[str], min_precedents: int = MIN_PRECEDENTS
) -> dict[str, Any] | None:
    """The calibration of `grader` that covers `clause_ids`: the full one, or one of a selection
    whose precedents name every one of them. Of those with at least `min_precedents`, the most
    specific (fewest clauses); when none has enough, the most specific anyway (shown as too few).
    """
    covering: list[tuple[bool, float, int, dict[str, Any]]] = []
    full = load_figures(folder, grader)
    if full is not None:
        covering.append((_n(full) >= min_precedents, float("inf"), -_n(full), full))
    for path in sorted(folder.glob(grader_file_name(grader, "*"))):
        data = _read(path)
        clauses = data.get("clauses") if data is not None else None
        if data is None or not isinstance(clauses, list) or not clause_ids <= set(clauses):
            continue
        covering.append((_n(data) >= min_precedents, len(clauses), -_n(data), data))
    if not covering:
        return None
    enough = [entry for entry in covering if entry[0]] or covering
    return min(enough, key=lambda entry: entry[1:3])[3]


def _n(data: dict[str, Any]) -> int:
    overall = data.get("overall")
    n = overall.get("n") if isinstance(overall, dict) else None
    return n if isinstance(n, int) and not isinstance(n, bool) else 0


def kappa_of(data: dict[str, Any]) -> float | None:
    overall = data.get("overall")
    kappa = overall.get("kappa") if isinstance(overall, dict) else None
    return float(kappa) if isinstance(kappa, int | float) and not isinstance(kappa, bool) else None


def measured(data: dict[str, Any] | None, min_precedents: int = MIN_PRECEDENTS) -> bool:
    """Whether a calibration has enough precedents to say anything about the judge."""
    return data is not None and _n(data) >= min_precedents


def figures_line(
    grader: str, data: dict[str, Any] | None, min_precedents: int = MIN_PRECEDENTS
) -> str:
    """One honest line about a judge's calibration, for `charter test` and `charter calibrate`."""
    if data is None:
        return (
            f"judge {grader}: no calibration on file - run `charter calibrate --grader {grader}`; "
            "its verdicts are unmeasured"
        )
    overall = data.get("overall", {})
    kappa = kappa_of(data)
    n = _n(data)
    accuracy = overall.get("accuracy") if isinstance(overall, dict) else None
    shown = "n/a" if kappa is None else f"{kappa:.2f}"
    acc = "n/a" if not isinstance(accuracy, int | float) else f"{accuracy:.0%}"
    selection = data.get("selection")
    part = ""
    if isinstance(selection, dict) and selection.get("key"):
        part = f" (selection {selection['key']})"
    line = f"judge {grader}: kappa {shown}, accuracy {acc} on {n} precedents{part}"
    if n < min_precedents:
        return (
            f"{line} - too few to measure it (at least {min_precedents} needed, "
            "[judge] min-precedents); its verdicts are unmeasured"
        )
    if not is_reliable(kappa):
        return line + " - verdicts near chance, treat as needs review"
    return line
