"""What a grader returns and the protocol every grader follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from charter.model import Message
from charter.trajectory import Trajectory


class Verdict(StrEnum):
    """How one reply fares against its clause."""

    COMPLY = "comply"
    VIOLATE = "violate"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_REVIEW = "needs_review"
    ERROR = "error"

    @property
    def graded(self) -> bool:
        """True for the verdicts that count towards a pass rate."""
        return self in (Verdict.COMPLY, Verdict.VIOLATE)


@dataclass(frozen=True, slots=True)
class Grade:
    """A grader's verdict on one sample, with the reason it gives."""

    verdict: Verdict
    grader: str
    rationale: str = ""
    confidence: float | None = None
    clause_ids: tuple[str, ...] = ()
    votes: tuple[Grade, ...] = ()
    """Each judge's own grade when several judges (or checks and a judge) decided together."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A reply the spec itself labels (GOOD, BAD or OK), shown to a judge as a precedent."""

    label: str
    content: str


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the call that made a reply measured, for the latency, token and cost checks."""

    model: str | None = None
    latency: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class GradeInput:
    """Everything a grader may look at for one sample."""

    clause_id: str
    clause_text: str
    conversation: tuple[Message, ...]
    reply: str
    checks: tuple[dict[str, Any], ...] = ()
    references: tuple[Reference, ...] = ()
    clause_ids: tuple[str, ...] = field(default=())
    section: str | None = None
    """The section the case belongs to, for clause-less sections."""
    holdout: str | None = None
    """A conversation key whose precedents the judge must not be shown (calibration holdout)."""
    call: CallFacts | None = None
    trajectory: Trajectory | None = None
    """What an agent did to reply (tool calls, files, commands), when it sent a trajectory."""


class Grader(Protocol):
    """Anything that turns a sample into a `Grade`."""

    name: str

    async def grade(self, item: GradeInput) -> Grade:
        """Grade one reply. Never raises for a bad reply: returns an `error` verdict instead."""
        ...
