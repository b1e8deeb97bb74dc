"""`[train]` settings in charter.toml: the split seed and the fine-tune's knobs, validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from charter._shown import written
from charter.errors import TrainError as TrainError  # re-exported: raised by every train module

if TYPE_CHECKING:
    from charter.spec import Project


@dataclass(slots=True)
class TrainSettings:
    split_seed: int = 0
    """Seed of the train/eval split of prompts whose prompt file records no `split`."""
    eval_fraction: float = 0.3
    samples: int = 4
    """Replies sampled per train prompt for rejection sampling."""
    temperature: float = 0.8
    max_tokens: int = 96
    seed: int = 0
    lora_rank: int = 16
    learning_rate: float = 5e-4
    epochs: int = 2
    batch_size: int = 4
    max_length: int = 192
    """Most tokens of one training example (conversation and reply)."""
    max_minutes: float = 30.0
    checkpoint_every: int = 10
    """Save a resumable checkpoint every this many steps."""


_FLOAT_RANGES = {
    "eval_fraction": (0.0, 1.0),
    "temperature": (0.0, 2.0),
    "learning_rate": (0.0, 1.0),
    "max_minutes": (0.0, 10_000.0),
}


def train_settings(raw: Mapping[str, Any], where: str = "charter.toml [train]") -> TrainSettings:
    """`[train]` (kebab-case keys) over the defaults. Raises `TrainError` naming the key."""
    names = {item.name.replace("_", "-"): item.name for item in fields(TrainSettings)}
    settings = TrainSettings()
    for key, value in raw.items():
        name = names.get(key)
        if name is None:
            raise TrainError(f"{where} {key}: unknown setting; the settings are {', '.join(names)}")
        setattr(settings, name, _checked(name, value, f"{where} {key}"))
    return settings


def _checked(name: str, value: Any, where: str) -> Any:
    if name in _FLOAT_RANGES:
        low, high = _FLOAT_RANGES[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TrainError(f"{where}: {written(value)} is not a number")
        if not low <= float(value) <= high:
            raise TrainError(f"{where}: {value} is outside {low}..{high}")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TrainError(f"{where}: {written(value)} is not a whole number")
    if value < (0 if name in ("split_seed", "seed") else 1):
        raise TrainError(f"{where}: {value} is too small")
    return value


def settings_table(project: Project) -> dict[str, Any]:
    """The project's `[train]` table as written (empty when absent)."""
    table = project.config.raw.get("train", {})
    if not isinstance(table, dict):
        raise TrainError("charter.toml [train] must be a table")
    return dict(table)


def project_settings(project: Project) -> TrainSettings:
    """The project's `[train]` settings, validated."""
    return train_settings(settings_table(project))
