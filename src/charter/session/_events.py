"""What a test run tells as it goes: typed events, and the engine progress that sends them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from charter.grade import Verdict
from charter.run import Challenge, RunOutcome


@dataclass(frozen=True, slots=True)
class Notice:
    """A line worth showing before the run starts (a judge's calibration, a carried base run)."""

    text: str


@dataclass(frozen=True, slots=True)
class Planned:
    """The run is recorded: `total` samples planned, `done` of them stored already."""

    run_id: str
    total: int
    done: int


@dataclass(frozen=True, slots=True)
class SampleStarted:
    """A challenge prompt (one epoch of it) is being sent to the model under test."""

    clause_id: str
    prompt_index: int
    epoch: int
    model: str = ""
    """The model it is sent to (a run may test several)."""


@dataclass(frozen=True, slots=True)
class SampleFinished:
    """The model's reply (or its failure, `error`) is stored; `cached`: taken from the cache."""

    clause_id: str
    prompt_index: int
    epoch: int
    error: str | None
    cached: bool
    model: str = ""


@dataclass(frozen=True, slots=True)
class SampleGraded:
    """A stored reply has its verdict."""

    verdict: Verdict
    cached: bool


@dataclass(frozen=True, slots=True)
class Done:
    """The run ended: `outcome.status` is `complete` or `interrupted`."""

    outcome: RunOutcome


RunEvent = Notice | Planned | SampleStarted | SampleFinished | SampleGraded | Done
"""Every event a `TestRun` sends, in the order they happen."""

Listener = Callable[[RunEvent], None]


@dataclass(slots=True)
class _Planned:
    """The engines (one per model) that have yet to say what they plan, and their sums."""

    waiting: int
    total: int = 0
    done: int = 0


class EventProgress:
    """The engine's progress hooks, sent on to a listener as events."""

    def __init__(
        self, run_id: str, listener: Listener, model: str = "", planned: _Planned | None = None
    ) -> None:
        self.run_id = run_id
        self.listener = listener
        self.model = model
        self.planned = planned or _Planned(1)

    @classmethod
    def for_models(cls, run_id: str, listener: Listener, models: list[str]) -> list[EventProgress]:
        """One progress per model's engine; one `Planned` is sent, when every engine has said
        what it plans, with their sums."""
        planned = _Planned(len(models))
        return [cls(run_id, listener, model, planned) for model in models]

    def start(self, total: int, done: int) -> None:
        planned = self.planned
        planned.waiting -= 1
        planned.total += total
        planned.done += done
        if planned.waiting == 0:
            self.listener(Planned(self.run_id, planned.total, planned.done))

    def started(self, challenge: Challenge, epoch: int) -> None:
        self.listener(SampleStarted(challenge.clause_id, challenge.prompt_index, epoch, self.model))

    def stored(self, challenge: Challenge, epoch: int, error: str | None, cached: bool) -> None:
        self.listener(
            SampleFinished(
                challenge.clause_id, challenge.prompt_index, epoch, error, cached, self.model
            )
        )

    def advance(self, verdict: Verdict, cached: bool) -> None:
        self.listener(SampleGraded(verdict, cached))

    def stop(self) -> None:
        pass
