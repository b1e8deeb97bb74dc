"""`RunReport`: a run read back from the store, summarised per clause. Every renderer reads this."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from charter.run import Challenge, RunRecord, RunStore, StoredSample, StoreError

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
    """Verdict counts; `n` is the graded ones (comply + violate) that a pass rate divides by.

    `trials` and `trials_passed` are what the 95% interval counts: one per graded reply, except
    that the epochs of a prompt whose replies are deterministic count once (see `RunReport`).
    """

    passed: int = 0
    failed: int = 0
    needs_review: int = 0
    not_applicable: int = 0
    errors: int = 0
    trials: int = 0
    trials_passed: int = 0

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
        return wilson_interval(self.trials_passed, self.trials)

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

    def add_trial(self, passed: bool) -> None:
        self.trials += 1
        self.trials_passed += passed

    def merge(self, other: Tally) -> None:
        for item in fields(Tally):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def as_json(self) -> dict[str, Any]:
        interval = self.interval
        return {
            "n": self.n,
            "passed": self.passed,
            "failed": self.failed,
            "pass_rate": self.pass_rate,
            "interval": list(interval) if interval is not None else None,
            "interval_n": self.trials,
            "needs_review": self.needs_review,
            "not_applicable": self.not_applicable,
            "errors": self.errors,
            "total": self.total,
        }


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
    trajectory: list[dict[str, Any]] | None = None
    """What the agent did (tool calls, files, commands), when it sent a trajectory."""

    @property
    def title(self) -> str:
        if self.challenge is not None and self.challenge.title:
            return self.challenge.title
        return f"prompt {self.sample.prompt_index}"

    def as_json(self) -> dict[str, Any]:
        sample = self.sample
        messages = self.challenge.messages if self.challenge is not None else ()
        return {
            "id": sample.id,
            "clause": sample.clause_id,
            "prompt": sample.prompt_index,
            "epoch": sample.epoch,
            "model": sample.model,
            "title": self.title,
            "conversation": [{"role": m.role, "content": m.content} for m in messages],
            "reply": sample.reply,
            "error": sample.error,
            "verdict": sample.verdict,
            "grader": sample.grader,
            "confidence": sample.confidence,
            "rationale": sample.rationale,
            "latency": sample.latency,
            "cached": sample.cached_from is not None,
            "carried_from_run": sample.carried_run,
            "expected": self.expected,
            "trajectory": self.trajectory,
        }

    @property
    def expected(self) -> str | None:
        """The verdict of the precedent this sample replays (`--precedents`), if it does."""
        return self.challenge.expected if self.challenge is not None else None


@dataclass(slots=True)
class RunReport:
    run: RunRecord
    clauses: list[ClauseResult]
    samples: list[SampleResult]
    total: Tally
    counted_once: int = 0
    """Prompts whose epochs the intervals count as one trial (deterministic replies)."""

    plan: list[Challenge] = field(default_factory=list)

    @classmethod
    def load(cls, store: RunStore, run_id: str) -> RunReport:
        run = store.run(run_id)
        plan = store.plan(run_id)
        by_key = {(c.clause_id, c.prompt_index): c for c in plan}
        trajectories = store.trajectories(run_id)
        samples = [
            SampleResult(
                sample,
                by_key.get((sample.clause_id, sample.prompt_index)),
                trajectories.get(sample.id),
            )
            for sample in store.samples(run_id)
        ]
        return cls.build(run, plan, samples)

    @classmethod
    def build(cls, run: RunRecord, plan: list[Challenge], samples: list[SampleResult]) -> RunReport:
        """The per-clause figures of `samples` (of the run's plan)."""
        clauses: dict[str, ClauseResult] = {}
        for planned in plan:
            clauses.setdefault(
                planned.clause_id, ClauseResult(planned.clause_id, planned.authority)
            )
        total = Tally()
        prompts: dict[tuple[str, str, int], list[StoredSample]] = {}
        for item in samples:
            sample = item.sample
            result = clauses.setdefault(sample.clause_id, ClauseResult(sample.clause_id, None))
            result.tally.add(sample.verdict)
            result.carried += sample.carried_from is not None
            total.add(sample.verdict)
            key = (sample.model, sample.clause_id, sample.prompt_index)
            prompts.setdefault(key, []).append(sample)
        counted_once = 0
        greedy = deterministic_settings(run.settings)
        for (_, clause_id, _), epochs in prompts.items():
            trials, once = _trials(epochs, greedy)
            counted_once += once
            for passed in trials:
                clauses[clause_id].tally.add_trial(passed)
                total.add_trial(passed)
        return cls(run, list(clauses.values()), samples, total, counted_once, plan)

    @property
    def models(self) -> tuple[str, ...]:
        """The models the run tests, as it recorded them (the first is `run.model`)."""
        return self.run.models or (self.run.model,)

    def per_model(self) -> dict[str, RunReport]:
        """Each model's own report: its samples alone, over the same plan."""
        return {
            model: RunReport.build(
                self.run, self.plan, [item for item in self.samples if item.sample.model == model]
            )
            for model in self.models
        }

    def replayed(self) -> list[SampleResult]:
        """The samples that replay a precedent (`charter test --precedents`)."""
        return [item for item in self.samples if item.expected is not None]

    def interval_note(self) -> str | None:
        """What the intervals count, when some prompts' epochs count once."""
        if not self.counted_once:
            return None
        prompts = "prompt" if self.counted_once == 1 else "prompts"
        why = (
            "the run is at temperature 0"
            if deterministic_settings(self.run.settings)
            else "their replies are identical in every epoch"
        )
        return (
            f"95% intervals count the epochs of {self.counted_once} {prompts} once: {why}, so "
            "repeating the call is not independent evidence"
        )

    @property
    def carried(self) -> int:
        """Samples of this run carried from an earlier one."""
        return sum(result.carried for result in self.clauses)

    def carried_runs(self) -> list[str]:
        """The runs the carried samples came from, in the order first seen."""
        runs = (item.sample.carried_run for item in self.samples)
        return list(dict.fromkeys(run for run in runs if run is not None))

    def only_clause(self, clause_id: str | None) -> RunReport:
        """The report of one clause's samples (None: the whole report); a clause the run does
        not have is a `StoreError`."""
        if clause_id is None:
            return self
        found = self.clause(clause_id)
        if found is None:
            raise StoreError(
                f"run {self.run.id} has no clause `{clause_id}` (`charter report {self.run.id}`"
                " lists them)"
            )
        samples = [item for item in self.samples if item.sample.clause_id == clause_id]
        total = Tally()
        total.merge(found.tally)
        return RunReport(self.run, [found], samples, total)

    def clause(self, clause_id: str) -> ClauseResult | None:
        for result in self.clauses:
            if result.id == clause_id:
                return result
        return None

    def by_authority(self) -> dict[str, Tally]:
        found: dict[str, Tally] = {}
        for result in self.clauses:
            found.setdefault(result.authority or "none", Tally()).merge(result.tally)
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
            "models": list(self.models),
            "grader": run.grader,
            "planned": run.planned,
            "samples": len(self.samples),
            "carried": self.carried,
            "carried_from_runs": self.carried_runs(),
            "settings": run.settings,
            "interval_note": self.interval_note(),
        }


def deterministic_settings(settings: dict[str, Any]) -> bool:
    """A run at temperature 0 sends the same call each epoch and expects the same reply."""
    temperature = settings.get("temperature")
    return isinstance(temperature, int | float) and temperature == 0


def _trials(epochs: list[StoredSample], greedy: bool) -> tuple[list[bool], bool]:
    """One trial per graded reply; one for the whole prompt when its replies are deterministic
    (temperature 0, or the same reply every epoch): its majority verdict, a tie failing. The
    flag says whether several epochs were counted as one."""
    graded = [sample for sample in epochs if sample.verdict in ("comply", "violate")]
    replies = {sample.reply for sample in epochs}
    if len(graded) > 1 and (greedy or len(replies) == 1):
        passed = sum(sample.verdict == "comply" for sample in graded)
        return [2 * passed > len(graded)], True
    return [sample.verdict == "comply" for sample in graded], False
