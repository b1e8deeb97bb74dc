"""`RunReport`: a run read back from the store, summarised per clause. Every renderer reads this."""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, overload

from charter.run import (
    Challenge,
    RunRecord,
    RunStore,
    StoredSample,
    StoreError,
    carried_runs,
    read_samples,
)

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

    def add(self, verdict: str | None, count: int = 1) -> None:
        if verdict == "comply":
            self.passed += count
        elif verdict == "violate":
            self.failed += count
        elif verdict == "not_applicable":
            self.not_applicable += count
        elif verdict == "error":
            self.errors += count
        else:
            self.needs_review += count

    def add_trials(self, trials: int, passed: int) -> None:
        self.trials += trials
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


class StoredSamples(Sequence[SampleResult]):
    """A stored run's samples (of one model, of one clause, when given) as reports read them:
    each pass reads them from the store a page at a time, so none is held once used. Indexing
    and slicing read forward to the items asked for."""

    def __init__(
        self,
        path: Path,
        run_id: str,
        count: int,
        *,
        model: str | None = None,
        clause: str | None = None,
        replayed: bool = False,
    ) -> None:
        self.replayed = replayed
        self.path = path
        self.run_id = run_id
        self.size = count
        self.model = model
        self.clause = clause

    def narrowed(
        self, count: int, *, model: str | None = None, clause: str | None = None
    ) -> StoredSamples:
        """The same run's samples of `model` and `clause` (each: as now, when None)."""
        return StoredSamples(
            self.path,
            self.run_id,
            count,
            model=model or self.model,
            clause=clause or self.clause,
        )

    def __iter__(self) -> Iterator[SampleResult]:
        for sample, challenge, steps in read_samples(
            self.path, self.run_id, model=self.model, clause=self.clause, replayed=self.replayed
        ):
            yield SampleResult(sample, challenge, steps)

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> SampleResult: ...

    @overload
    def __getitem__(self, index: slice) -> list[SampleResult]: ...

    def __getitem__(self, index: int | slice) -> SampleResult | list[SampleResult]:
        if isinstance(index, slice):
            return list(itertools.islice(self, *index.indices(self.size)))
        position = index + self.size if index < 0 else index
        found = next(itertools.islice(self, position, None), None) if position >= 0 else None
        if found is None:
            raise IndexError(index)
        return found


@dataclass(slots=True)
class RunReport:
    run: RunRecord
    clauses: list[ClauseResult]
    samples: Sequence[SampleResult]
    """The samples in run order: read from the store as they are used (`StoredSamples`) for a
    report `load`ed from a store, or a list."""
    total: Tally
    counted_once: int = 0
    """Prompts whose epochs the intervals count as one trial (deterministic replies)."""

    @classmethod
    def load(
        cls, store: RunStore, run_id: str, *, model: str | None = None, clause: str | None = None
    ) -> RunReport:
        """The run's report (of `model`, of `clause`, when given), its figures counted in SQL;
        its samples are read from the store when used (see `StoredSamples`)."""
        run = store.run(run_id)
        clauses = {
            clause_id: ClauseResult(clause_id, authority)
            for clause_id, authority in store.plan_clauses(run_id)
            if clause is None or clause_id == clause
        }
        total = Tally()
        for clause_id, verdict, count, carried in store.verdict_counts(run_id, model, clause):
            result = clauses.setdefault(clause_id, ClauseResult(clause_id, None))
            result.tally.add(verdict, count)
            result.carried += carried
            total.add(verdict, count)
        counted_once = 0
        greedy = deterministic_settings(run.settings)
        for clause_id, graded, comply, replies in store.prompt_counts(run_id, model, clause):
            trials, passed, once = trial_counts(graded, comply, replies, greedy)
            counted_once += once
            clauses[clause_id].tally.add_trials(trials, passed)
            total.add_trials(trials, passed)
        samples = StoredSamples(store.path, run_id, total.total, model=model, clause=clause)
        return cls(run, list(clauses.values()), samples, total, counted_once)

    @classmethod
    def build(
        cls, run: RunRecord, clauses: list[tuple[str, str | None]], samples: list[SampleResult]
    ) -> RunReport:
        """The per-clause figures of `samples` held in memory (`clauses`: the plan's clause ids
        and authorities, in order)."""
        results = {
            clause_id: ClauseResult(clause_id, authority) for clause_id, authority in clauses
        }
        total = Tally()
        prompts: dict[tuple[str, str, int], list[StoredSample]] = {}
        for item in samples:
            sample = item.sample
            result = results.setdefault(sample.clause_id, ClauseResult(sample.clause_id, None))
            result.tally.add(sample.verdict)
            result.carried += sample.carried_from is not None
            total.add(sample.verdict)
            prompts.setdefault((sample.model, sample.clause_id, sample.prompt_index), []).append(
                sample
            )
        counted_once = 0
        greedy = deterministic_settings(run.settings)
        for (_, clause_id, _), epochs in prompts.items():
            graded = [sample for sample in epochs if sample.verdict in ("comply", "violate")]
            comply = sum(sample.verdict == "comply" for sample in graded)
            replies = len({sample.reply for sample in epochs})
            trials, passed, once = trial_counts(len(graded), comply, replies, greedy)
            counted_once += once
            results[clause_id].tally.add_trials(trials, passed)
            total.add_trials(trials, passed)
        return cls(run, list(results.values()), samples, total, counted_once)

    @property
    def models(self) -> tuple[str, ...]:
        """The models the run tests, as it recorded them (the first is `run.model`)."""
        return self.run.models or (self.run.model,)

    def per_model(self) -> dict[str, RunReport]:
        """Each model's own report: its samples alone, over the same plan (counted in SQL when
        the report reads its samples from a store)."""
        clauses = [(result.id, result.authority) for result in self.clauses]
        samples = self.samples
        if not isinstance(samples, StoredSamples):
            return {
                model: RunReport.build(
                    self.run, clauses, [item for item in samples if item.sample.model == model]
                )
                for model in self.models
            }
        with contextlib.closing(RunStore(samples.path, create=False)) as store:
            found = {
                model: RunReport.load(store, self.run.id, model=model, clause=samples.clause)
                for model in self.models
            }
        for report in found.values():  # the clauses of the whole run, in its order
            have = {result.id: result for result in report.clauses}
            report.clauses = [have.get(cid) or ClauseResult(cid, auth) for cid, auth in clauses]
        return found

    def replayed(self) -> list[SampleResult]:
        """The samples that replay a precedent (`charter test --precedents`)."""
        samples = self.samples
        if isinstance(samples, StoredSamples):
            found = StoredSamples(
                samples.path,
                samples.run_id,
                0,
                model=samples.model,
                clause=samples.clause,
                replayed=True,
            )
            return list(found)
        return [item for item in samples if item.expected is not None]

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
        samples = self.samples
        if isinstance(samples, StoredSamples):
            return carried_runs(
                samples.path, samples.run_id, model=samples.model, clause=samples.clause
            )
        runs = (item.sample.carried_run for item in samples)
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
        samples: Sequence[SampleResult]
        if isinstance(self.samples, StoredSamples):
            samples = self.samples.narrowed(found.tally.total, clause=clause_id)
        else:
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


def trial_counts(graded: int, comply: int, replies: int, greedy: bool) -> tuple[int, int, bool]:
    """The trials a prompt's epochs count for in the 95% interval, the passed ones, and whether
    its epochs counted as one: one trial per graded reply (`graded`, of which `comply` passed),
    or one for the whole prompt when its replies are deterministic (temperature 0, or
    `replies` is 1: the same reply every epoch), its majority verdict, a tie failing."""
    if graded > 1 and (greedy or replies == 1):
        return 1, int(2 * comply > graded), True
    return graded, comply, False
