"""`RunReport`: a run read back from the store, summarised per clause. Every renderer reads this."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from charter.run import Challenge, RunRecord, RunStore, StoredSample

Z_95 = 1.959963984540054


def wilson_interval(passed: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for `passed` successes in `n` trials (None when n is 0)."""
    if n <= 0:
        return None
    p = passed / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(slots=True)
class Tally:
    """Verdict counts; `n` is the graded ones (comply + violate) that a pass rate divides by."""

    passed: int = 0
    failed: int = 0
    needs_review: int = 0
    not_applicable: int = 0
    errors: int = 0

    @property
    def n(self) -> int:
        return self.passed + self.failed

    @property
    def total(self) -> int:
        return self.n + self.needs_review + self.not_applicable + self.errors

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.passed, self.n)

    def add(self, verdict: str | None) -> None:
        if verdict == "comply":
            self.passed += 1
        elif verdict == "violate":
            self.failed += 1
        elif verdict == "not_applicable":
            self.not_applicable += 1
        elif verdict == "error":
            self.errors += 1
        else:
            self.needs_review += 1


@dataclass(slots=True)
class ClauseResult:
    id: str
    authority: str | None
    tally: Tally = field(default_factory=Tally)
    carried: int = 0
    """Samples copied from an earlier run (`--changed-since`) rather than run again."""


@dataclass(slots=True)
class SampleResult:
    """One sample as reports show it."""

    sample: StoredSample
    challenge: Challenge | None

    @property
    def title(self) -> str:
        if self.challenge is not None and self.challenge.title:
            return self.challenge.title
        return f"prompt {self.sample.prompt_index}"


@dataclass(slots=True)
class RunReport:
    run: RunRecord
    clauses: list[ClauseResult]
    samples: list[SampleResult]
    total: Tally

    @classmethod
    def load(cls, store: RunStore, run_id: str) -> RunReport:
        run = store.run(run_id)
        plan = store.plan(run_id)
        by_key = {(c.clause_id, c.prompt_index): c for c in plan}
        clauses: dict[str, ClauseResult] = {}
        for planned in plan:
            clauses.setdefault(
                planned.clause_id, ClauseResult(planned.clause_id, planned.authority)
            )
        total = Tally()
        samples = []
        for sample in store.samples(run_id):
            challenge = by_key.get((sample.clause_id, sample.prompt_index))
            result = clauses.setdefault(sample.clause_id, ClauseResult(sample.clause_id, None))
            result.tally.add(sample.verdict)
            result.carried += sample.carried_from is not None
            total.add(sample.verdict)
            samples.append(SampleResult(sample, challenge))
        return cls(run, list(clauses.values()), samples, total)

    @property
    def carried(self) -> int:
        """Samples of this run carried from an earlier one."""
        return sum(result.carried for result in self.clauses)

    def carried_runs(self) -> list[str]:
        """The runs the carried samples came from, in the order first seen."""
        runs = (item.sample.carried_run for item in self.samples)
        return list(dict.fromkeys(run for run in runs if run is not None))

    def clause(self, clause_id: str) -> ClauseResult | None:
        for result in self.clauses:
            if result.id == clause_id:
                return result
        return None

    def by_authority(self) -> dict[str, Tally]:
        found: dict[str, Tally] = {}
        for result in self.clauses:
            tally = found.setdefault(result.authority or "none", Tally())
            for name in ("passed", "failed", "needs_review", "not_applicable", "errors"):
                setattr(tally, name, getattr(tally, name) + getattr(result.tally, name))
        return found

    def metadata(self) -> dict[str, Any]:
        run = self.run
        return {
            "run_id": run.id,
            "created": run.created,
            "finished": run.finished,
            "status": run.status,
            "project": run.project,
            "model": run.model,
            "grader": run.grader,
            "planned": run.planned,
            "samples": len(self.samples),
            "carried": self.carried,
            "carried_from_runs": self.carried_runs(),
            "settings": run.settings,
        }
