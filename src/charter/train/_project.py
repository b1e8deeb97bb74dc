"""`charter train` as a library call: a spec project's settings, train prompts and output folder,
then the fine-tune (the `train` extra)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.spec import Project
from charter.train._export import train_prompts
from charter.train._prompt import system_prompt
from charter.train._settings import TrainError, settings_table, train_settings
from charter.train._split import SplitPrompt

if TYPE_CHECKING:  # the train extra (torch) is imported when a fine-tune starts
    from charter.train._tune import Progress, TrainResult


def first_per_clause(prompts: Sequence[SplitPrompt], limit: int) -> list[SplitPrompt]:
    """The first `limit` prompts of each clause, in order."""
    seen: dict[str, int] = {}
    chosen = []
    for item in prompts:
        clause = item.challenge.clause_id
        if seen.get(clause, 0) < limit:
            chosen.append(item)
            seen[clause] = seen.get(clause, 0) + 1
    return chosen


def train_project(
    project: Project,
    output: Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    max_steps: int | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    """Fine-tune on `project`: `overrides` (kebab-case `[train]` keys) over
    charter.toml `[train]`; `limit` train prompts a clause; into `output` (default:
    PROJECT/.charter/train), resuming from its checkpoint. Returns the `TrainResult`."""
    from charter.train._tune import require_extra, train
    from charter.version import content_hash

    require_extra()
    table = settings_table(project)
    table.update({key: value for key, value in (overrides or {}).items() if value is not None})
    settings = train_settings(table, "charter train (flags over charter.toml [train])")
    if max_steps is not None and max_steps < 1:
        raise TrainError("--max-steps must be at least 1")
    prompts = train_prompts(project)
    if limit is not None:
        prompts = first_per_clause(prompts, limit)
    if not prompts:
        raise TrainError(
            f"{project.spec.root}: no train-split challenge prompts to sample (add prompt files)"
        )
    spec = project.spec
    info = {"name": spec.name, "version": spec.version, "content_hash": content_hash(spec)}
    return train(
        prompts,
        system_prompt(project),
        settings,
        train_folder(project.spec.root, output),
        spec_info=info,
        progress=progress,
        max_steps=max_steps,
    )


def train_folder(root: str | Path, output: Path | None = None) -> Path:
    """Where `charter train` writes: `output`, or PROJECT/.charter/train."""
    return output or Path(root) / ".charter" / "train"
