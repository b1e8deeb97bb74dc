"""A person's verdict on a stored reply: the run's grade changes, and a precedent records it."""

from __future__ import annotations

import dataclasses
import getpass
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from charter.errors import UsageError
from charter.grade import Grade, Verdict
from charter.precedent import (
    VERDICTS,
    Precedent,
    deciding,
    load_precedents,
    sample_source,
    slug,
    write_precedent,
)
from charter.report import RunReport, Tally
from charter.review._queue import ReviewItem, review_item
from charter.run import RunStore

#: The grader name a person's verdict is stored under: `person:<who>`.
PERSON_GRADER = "person:{by}"


class ReviewError(UsageError, ValueError):
    """A verdict that cannot be applied: one line saying what is wrong and what to do."""


@dataclass(frozen=True, slots=True)
class Wording:
    """How the refusals name the command's options (`charter review` by default)."""

    verdict: str = "verdict"
    empty_reason: str = "the reason is empty"
    replace: str = "pass `--replace` to change the verdict"


PRECEDENT_ADD = Wording("--verdict", "--why is empty", "pass --replace to overwrite it")
"""The wording of `charter precedent add`."""


@dataclass(frozen=True, slots=True)
class Adjudication:
    """What a verdict did: the precedent file, and the clause's tally before and after."""

    item: ReviewItem
    verdict: str
    precedent: Path
    replaced: bool
    before: Tally
    after: Tally
    also_deciding: tuple[Precedent, ...] = ()
    """Other precedents deciding the same case (one of them should go)."""


def precedent_for(item: ReviewItem, verdict: str, reason: str, by: str) -> Precedent:
    """The precedent that records `verdict` on the item's reply."""
    run_id, sample = item.run_id, item.sample
    challenge = item.challenge
    return Precedent(
        id=slug(f"{slug(sample.clause_id, 24)}-run-{run_id}-sample-{sample.id}", limit=80),
        verdict=verdict,
        reply=sample.reply or "",
        conversation=challenge.messages,
        clause_ids=challenge.clause_ids or (challenge.clause_id,),
        rationale=reason,
        decided_by=by,
        decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
        note=f"from run {run_id} sample {sample.id} (graded {sample.verdict or 'ungraded'})",
        source=sample_source(run_id, sample.id),
    )


def _tally(store: RunStore, run_id: str, clause_id: str) -> Tally:
    result = RunReport.load(store, run_id).clause(clause_id)
    return result.tally if result is not None else Tally()


def _validated(
    store: RunStore, run_id: str, sample_id: int, verdict: str, reason: str, wording: Wording
) -> ReviewItem:
    if verdict not in VERDICTS:
        raise ReviewError(f"{wording.verdict} `{verdict}`: give one of {', '.join(VERDICTS)}")
    if not reason.strip():
        raise ReviewError(f"{wording.empty_reason}: say why the reply complies or violates")
    item = review_item(store, run_id, sample_id)
    if item is None:
        raise ReviewError(f"run {run_id} has no sample {sample_id} (`charter show-run {run_id}`)")
    if not (item.sample.reply or "").strip():
        raise ReviewError(
            f"sample {sample_id} has no reply to decide on ({item.sample.error or 'empty'})"
        )
    return item


def adjudicate(
    root: Path,
    store: RunStore,
    run_id: str,
    sample_id: int,
    verdict: str,
    reason: str,
    *,
    by: str | None = None,
    replace: bool = False,
    wording: Wording = Wording(),
) -> Adjudication:
    """Decide sample `sample_id` of run `run_id`: write the precedent under `root/precedents`
    and make the verdict the sample's grade in the store. A precedent that already decides the
    same case is refused unless `replace` (which keeps its id and checks). `wording` names the
    options in the refusals."""
    item = _validated(store, run_id, sample_id, verdict, reason, wording)
    who = by or getpass.getuser()
    precedent = precedent_for(item, verdict, reason.strip(), who)
    existing, _ = load_precedents(root)
    decided = deciding(existing, precedent)
    if decided and not replace:
        first = decided[0]
        raise ReviewError(
            f"{first.path}: precedent `{first.id}` already decides this case (run {run_id} "
            f"sample {sample_id}, verdict {first.verdict}); {wording.replace}"
        )
    superseded = root / decided[0].path if decided and decided[0].path else None
    if superseded is not None:
        precedent = dataclasses.replace(precedent, id=decided[0].id, checks=decided[0].checks)
    before = _tally(store, run_id, item.clause_id)
    target = write_precedent(root, precedent, superseded)
    grade = Grade(
        verdict=Verdict(verdict),
        grader=PERSON_GRADER.format(by=who),
        rationale=reason.strip(),
        confidence=1.0,
        clause_ids=precedent.clause_ids,
    )
    store.override_grade(sample_id, grade)
    after = _tally(store, run_id, item.clause_id)
    replaced = superseded is not None
    return Adjudication(item, verdict, target, replaced, before, after, tuple(decided[1:]))
