"""`charter test --changed-since REV`: re-run what a spec diff touches, carry the rest forward."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.run._carry import carry_forward
from charter.run._plan import Challenge, PlanError
from charter.run._store import RunStore, StoredSample
from charter.spec import Spec

#: Most clause ids the summary line names before it says how many more there are.
SHOWN_IDS = 12


@dataclass(slots=True)
class ChangedSince:
    """What `--changed-since` found and did."""

    revision: str
    affected: set[str]
    """Challenge clause ids to run again: clauses, and `#section` groups of inline examples."""
    base_run: str | None = None
    carried: int = 0
    notes: list[str] = field(default_factory=list)


def changed_since(root: Path, spec: Spec, revision: str) -> ChangedSince:
    """The challenge clause ids that changed between `revision` and the working tree."""
    from charter.version import (
        VersionError,
        affected_clauses,
        affected_sections,
        diff_specs,
        load_spec_at,
        repository_root,
    )

    try:
        repository_root(root)
    except VersionError:
        raise PlanError(
            f"--changed-since: {root} is not inside a git repository (commit the project to "
            "git, or run `charter test` without --changed-since)"
        ) from None
    try:
        old = load_spec_at(root, revision)
    except VersionError as error:
        raise PlanError(f"--changed-since: {error}") from None
    diff = diff_specs(old, spec)
    sections = {f"#{key}" for key in affected_sections(diff)}
    return ChangedSince(revision, affected_clauses(diff) | sections)


def only_affected(challenges: list[Challenge], changed: ChangedSince) -> list[Challenge]:
    """The challenges that always run again (for `--dry-run`)."""
    return [challenge for challenge in challenges if challenge.clause_id in changed.affected]


def base_run(store: RunStore, changed: ChangedSince, model: str, grader: str | None) -> None:
    """Pick the latest complete run of the same model and grader to carry results from; when
    there is none, note that everything runs."""
    base = store.latest_complete_run(model, grader)
    if base is not None:
        changed.base_run = base.id
        return
    graded = f" graded by {grader}" if grader else " without a judge"
    changed.notes.append(
        f"changed since {changed.revision}: no complete run of {model}{graded} in {store.path} "
        "to carry results from; running every challenge"
    )


def carry(
    store: RunStore,
    run_id: str,
    changed: ChangedSince,
    challenges: list[Challenge],
    *,
    epochs: int,
    parameters: dict[str, Any],
) -> None:
    """Copy the base run's samples for every unaffected challenge into the new run."""
    if changed.base_run is None:
        return
    changed.carried = carry_forward(
        store,
        run_id,
        changed.base_run,
        challenges,
        affected=changed.affected,
        epochs=epochs,
        parameters=parameters,
    )


def stored_settings(changed: ChangedSince) -> dict[str, Any]:
    """What the run records about where its carried samples came from."""
    return {"changed_since": changed.revision, "carried_from_run": changed.base_run}


def summary_line(changed: ChangedSince, samples: Sequence[StoredSample], carried: int) -> str:
    """`changed since REV: N clauses re-run (ids), M samples carried from run R`."""
    rerun = list(dict.fromkeys(s.clause_id for s in samples if s.carried_from is None))
    shown = ", ".join(rerun[:SHOWN_IDS])
    if len(rerun) > SHOWN_IDS:
        shown += f", and {len(rerun) - SHOWN_IDS} more"
    ids = f" ({shown})" if rerun else ""
    noun = "clause" if len(rerun) == 1 else "clauses"
    source = f"run {changed.base_run}" if changed.base_run else "no earlier run"
    return (
        f"changed since {changed.revision}: {len(rerun)} {noun} re-run{ids}, "
        f"{carried} samples carried from {source}"
    )
