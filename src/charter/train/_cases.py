"""Decided replies a spec project holds, from every source an export reads.

- the spec's inline examples (GOOD -> comply, BAD -> violate; OK replies are left out: acceptable,
  not a reply to imitate or to reject);
- precedents under `precedents/` (a person's or the spec's verdict);
- stored run samples graded `comply` or `violate` by the prompt file's checks, or by a judge whose
  calibration on file is reliable (kappa >= RELIABLE_KAPPA).

Each case says where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter.grade import CALIBRATION_DIR, is_reliable, load_figures
from charter.model import Message
from charter.precedent import OK_NOTE, Precedent, from_examples, load_precedents
from charter.run import RunStore, StoreError, conversation_hash, store_path
from charter.spec import Spec
from charter.train._settings import TrainError


@dataclass(frozen=True, slots=True)
class Case:
    """A reply to a conversation with a verdict, the clauses it is about, and its source."""

    conversation: tuple[Message, ...]
    reply: str
    verdict: str
    clause_ids: tuple[str, ...]
    rationale: str
    source: str
    """`spec FILE:LINE`, `precedent ID` or `run RUN_ID sample N (GRADER)`."""

    @property
    def conversation_key(self) -> str:
        return conversation_hash(self.conversation)


def spec_cases(spec: Spec) -> list[Case]:
    """GOOD and BAD replies of the spec's inline examples."""
    return [_from_precedent(case, case.decided_by) for case in from_examples(spec) if not case.note]


def precedent_cases(root: Path) -> list[Case]:
    """Decided precedents; a malformed precedent file stops the export (one line)."""
    cases, errors = load_precedents(root)
    if errors:
        raise TrainError(f"{errors[0]} (run `charter check` for every precedent problem)")
    return [
        _from_precedent(case, f"precedent {case.id}")
        for case in cases
        if case.verdict in ("comply", "violate") and case.note != OK_NOTE
    ]


def _from_precedent(case: Precedent, source: str) -> Case:
    return Case(
        case.conversation, case.reply, case.verdict, case.clause_ids, case.rationale, source
    )


def run_cases(root: Path, run_ids: list[str]) -> list[Case]:
    """Graded samples of the given runs. An unknown run id raises `TrainError`."""
    if not run_ids:
        return []
    db = store_path(root)
    if not db.is_file():
        raise TrainError(f"run {run_ids[0]}: no runs recorded in {db} (run `charter test` first)")
    found: list[Case] = []
    store = RunStore(db)
    try:
        for run_id in run_ids:
            try:
                challenges = {(c.clause_id, c.prompt_index): c for c in store.plan(run_id)}
                samples = store.samples(run_id)
            except StoreError as error:
                raise TrainError(str(error)) from None
            for sample in samples:
                challenge = challenges.get((sample.clause_id, sample.prompt_index))
                if challenge is None or sample.reply is None:
                    continue
                if sample.verdict not in ("comply", "violate"):
                    continue
                if not _trusted(root, sample.grader):
                    continue
                found.append(
                    Case(
                        challenge.messages,
                        sample.reply,
                        sample.verdict,
                        challenge.clause_ids or (challenge.clause_id,),
                        sample.rationale or "",
                        f"run {run_id} sample {sample.id} ({sample.grader})",
                    )
                )
    finally:
        store.close()
    return found


def _trusted(root: Path, grader: str | None) -> bool:
    """Checks are trusted; a judge only with reliable calibration figures on file."""
    if grader == "checks":
        return True
    if grader is None or not grader.startswith("judge:"):
        return False
    figures = load_figures(root / CALIBRATION_DIR, grader.removeprefix("judge:"))
    return figures is not None and is_reliable(figures.get("overall", {}).get("kappa"))
