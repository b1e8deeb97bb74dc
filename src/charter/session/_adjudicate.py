"""A person's verdict on a stored sample, written as a precedent (`charter precedent add`); and
the spec's inline examples written as precedents (`charter precedent import-examples`)."""

from __future__ import annotations

import contextlib
import dataclasses
import getpass
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from charter.errors import UsageError
from charter.precedent import (
    VERDICTS,
    Precedent,
    deciding,
    from_examples,
    load_precedents,
    sample_source,
    slug,
    write_precedent,
)
from charter.run import open_store
from charter.spec import Project


class AdjudicationError(UsageError, ValueError):
    """The verdict cannot be recorded: a bad verdict or reason, no such sample, or a case a
    precedent decides already (the message says what to do)."""


@dataclass(slots=True)
class Adjudicated:
    """The precedent written, and the other precedents deciding the same case."""

    path: Path
    replaced: bool
    also_deciding: list[Precedent] = field(default_factory=list)


def adjudicate(
    root: Path,
    run_id: str,
    sample_id: int,
    verdict: str,
    why: str,
    *,
    by: str | None = None,
    replace: bool = False,
) -> Adjudicated:
    """Write the sample's conversation, reply and `verdict` (because `why`) as a precedent of
    the project at `root`; `replace` overwrites the precedent that already decides it."""
    if verdict not in VERDICTS:
        raise AdjudicationError(f"--verdict `{verdict}`: give one of {', '.join(VERDICTS)}")
    if not why.strip():
        raise AdjudicationError("--why is empty: say why the reply complies or violates")
    with contextlib.closing(open_store(root, must_exist=True)) as store:
        store.run(run_id)
        samples = {sample.id: sample for sample in store.samples(run_id)}
        plan = {(c.clause_id, c.prompt_index): c for c in store.plan(run_id)}
    sample = samples.get(sample_id)
    if sample is None:
        known = ", ".join(str(key) for key in sorted(samples)[:10])
        raise AdjudicationError(f"run {run_id} has no sample {sample_id} (its samples: {known}…)")
    if not (sample.reply or "").strip():
        raise AdjudicationError(
            f"sample {sample_id} has no reply to decide on ({sample.error or 'empty'})"
        )
    challenge = plan[(sample.clause_id, sample.prompt_index)]
    precedent = Precedent(
        id=slug(f"{slug(sample.clause_id, 24)}-run-{run_id}-sample-{sample_id}", limit=80),
        verdict=verdict,
        reply=sample.reply or "",
        conversation=challenge.messages,
        clause_ids=challenge.clause_ids or (challenge.clause_id,),
        rationale=why.strip(),
        decided_by=by or getpass.getuser(),
        decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
        note=f"from run {run_id} sample {sample_id} (graded {sample.verdict or 'ungraded'})",
        source=sample_source(run_id, sample_id),
    )
    existing, _ = load_precedents(root)
    decided = deciding(existing, precedent)
    if decided and not replace:
        first = decided[0]
        raise AdjudicationError(
            f"{first.path}: precedent `{first.id}` already decides this case (run {run_id} "
            f"sample {sample_id}, verdict {first.verdict}); pass --replace to overwrite it"
        )
    superseded = root / decided[0].path if decided and decided[0].path else None
    if superseded is not None:
        # keep the id others cite, and the checks written for the case
        precedent = dataclasses.replace(precedent, id=decided[0].id, checks=decided[0].checks)
    target = write_precedent(root, precedent, superseded)
    return Adjudicated(target, superseded is not None, decided[1:])


def import_examples(project: Project) -> tuple[int, int]:
    """Write the spec's inline GOOD/BAD/OK replies as precedents, skipping the cases already on
    disk: (written, skipped)."""
    root = Path(project.spec.root)
    existing, _ = load_precedents(root)
    known = {precedent.case_key for precedent in existing}
    written = skipped = 0
    for precedent in from_examples(project.spec):
        if precedent.case_key in known:
            skipped += 1
            continue
        write_precedent(root, precedent)
        written += 1
    return written, skipped
