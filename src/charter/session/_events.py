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


@dataclass(frozen=True, slots=True)
class SampleFinished:
    """The model's reply (or its failure, `error`) is stored; `cached`: taken from the cache."""

    clause_id: str
    prompt_index: int
    epoch: int
    error: str | None
    cached: bool


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


class EventProgress:
    """The engine's progress hooks, sent on to a listener as events."""

    def __init__(self, run_id: str, listener: Listener) -> None:
        self.run_id = run_id
        self.listener = listener

    def start(self, total: int, done: int) -> None:
        self.listener(Planned(self.run_id, total, done))

    def started(self, challenge: Challenge, epoch: int) -> None:
        self.listener(SampleStarted(challenge.clause_id, challenge.prompt_index, epoch))

    def stored(self, challenge: Challenge, epoch: int, error: str | None, cached: bool) -> None:
        self.listener(
            SampleFinished(challenge.clause_id, challenge.prompt_index, epoch, error, cached)
        )

    def advance(self, verdict: Verdict, cached: bool) -> None:
        self.listener(SampleGraded(verdict, cached))

    def stop(self) -> None:
        pass
