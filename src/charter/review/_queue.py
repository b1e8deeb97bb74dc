"""The replies of a run that wait for a person: ungraded or graded `needs_review`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter.run import Challenge, RunStore, StoredSample, StoreError, store_path

#: Verdicts that leave a reply to a person.
WAITING = (None, "needs_review")


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One stored reply with the challenge (clause and conversation) it answers."""

    run_id: str
    sample: StoredSample
    challenge: Challenge

    @property
    def clause_id(self) -> str:
        return self.sample.clause_id

    @property
    def title(self) -> str:
        return self.challenge.title or f"prompt {self.sample.prompt_index}"


def needs_review(sample: StoredSample) -> bool:
    """A reply (not a failed call) that no check or judge decided."""
    return sample.verdict in WAITING and bool((sample.reply or "").strip())


def _items(store: RunStore, run_id: str) -> list[ReviewItem]:
    plan = {(c.clause_id, c.prompt_index): c for c in store.plan(run_id)}
    return [
        ReviewItem(run_id, sample, plan[(sample.clause_id, sample.prompt_index)])
        for sample in store.samples(run_id)
        if (sample.clause_id, sample.prompt_index) in plan
    ]


def review_queue(store: RunStore, run_id: str) -> list[ReviewItem]:
    """The run's replies that need review, in plan order."""
    return [item for item in _items(store, run_id) if needs_review(item.sample)]


def review_item(store: RunStore, run_id: str, sample_id: int) -> ReviewItem | None:
    """Any sample of the run (decided or not) with its challenge; None when the run has none
    with that id."""
    return next((item for item in _items(store, run_id) if item.sample.id == sample_id), None)


def project_store(path: Path) -> tuple[Path, RunStore]:
    """The project folder of `path` (a folder or a spec file) and its run store, which must
    exist. Raises `StoreError` when there is none to read."""
    if not path.exists():
        raise StoreError(f"{path}: no such file or directory (give the spec project folder)")
    root = (path if path.is_dir() else path.parent).resolve()
    db = store_path(root)
    if not db.is_file():
        raise StoreError(f"no runs recorded in {db} (run `charter test {root}` first)")
    return root, RunStore(db, create=False)
