"""A person's verdict on a stored sample, written as a precedent (`charter precedent add`); and
the spec's inline examples written as precedents (`charter precedent import-examples`)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from charter.errors import UsageError
from charter.precedent import (
    Precedent,
    from_examples,
    load_precedents,
    write_precedent,
)
from charter.review import PRECEDENT_ADD, ReviewError
from charter.review import adjudicate as decide
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
    the project at `root`, and make the verdict the sample's grade in the run (as `charter
    review` does: `charter.review.adjudicate`); `replace` overwrites the precedent that already
    decides it."""
    with contextlib.closing(open_store(root, must_exist=True)) as store:
        store.run(run_id)
        try:
            done = decide(
                root, store, run_id, sample_id, verdict, why,
                by=by, replace=replace, wording=PRECEDENT_ADD,
            )  # fmt: skip
        except ReviewError as error:
            raise AdjudicationError(str(error)) from None
    return Adjudicated(done.precedent, done.replaced, list(done.also_deciding))


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
