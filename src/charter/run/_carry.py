"""Carrying results forward: a new run takes an earlier run's samples for unchanged clauses.

`charter test --changed-since REV` re-runs only the clauses a spec diff touches. Every other
challenge keeps the earlier run's reply and grade, copied into the new run, but only when that run
has a successful sample for the very same prompt: same clause id, same prompt hash, same epoch and
the same sampling parameters. Anything else is left for the engine to run.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from charter.run._plan import Challenge
from charter.run._store import RunStore


def carry_sources(
    store: RunStore,
    base_run_id: str,
    challenges: list[Challenge],
    *,
    affected: Collection[str],
    epochs: int,
    parameters: dict[str, Any],
) -> list[tuple[int, int]]:
    """(base sample id, new prompt index) for every unaffected challenge and epoch that the base
    run answered with the same prompt and parameters."""
    candidates = store.carriable(base_run_id)
    sources: list[tuple[int, int]] = []
    for epoch in range(epochs):
        for challenge in challenges:
            if challenge.clause_id in affected:
                continue
            found = candidates.get((challenge.clause_id, challenge.prompt_hash, epoch))
            if found is not None and found.parameters == parameters:
                sources.append((found.id, challenge.prompt_index))
    return sources


def carry_forward(
    store: RunStore,
    run_id: str,
    base_run_id: str,
    challenges: list[Challenge],
    *,
    affected: Collection[str],
    epochs: int,
    parameters: dict[str, Any],
) -> int:
    """Copy the base run's samples for unaffected challenges into `run_id`; how many were."""
    sources = carry_sources(
        store,
        base_run_id,
        challenges,
        affected=affected,
        epochs=epochs,
        parameters=parameters,
    )
    return store.carry(run_id, sources)
