"""Spec into weights: training data from a spec project, a reward on its checks, a LoRA fine-tune.

    from charter.train import build_export, write_export, Reward
    export = build_export(load_project("examples/concierge"), "sft")
    write_export(export, Path("out/sft"), "hf")

The train/eval split of the challenge prompts (`split_prompts`) is recorded per prompt or drawn
from `[train] split-seed`; held-out prompts never reach an export, a reward or a training step.
`charter train` (the `train` extra: torch, transformers, peft) lives in `charter.train._tune`.
"""

from charter.train._cases import Case
from charter.train._export import (
    FORMATS,
    KINDS,
    DpoRow,
    Export,
    SftRow,
    build_export,
    citation_problem,
    dataset_card,
    require_rows,
    train_prompts,
    write_export,
)
from charter.train._project import first_per_clause, train_folder, train_project
from charter.train._prompt import system_prompt
from charter.train._reward import Reward, reward
from charter.train._settings import TrainError, TrainSettings, project_settings, train_settings
from charter.train._split import (
    HELD_OUT,
    SPLITS,
    LeakGuard,
    SplitPrompt,
    only_split,
    split_prompts,
)

__all__ = [
    "FORMATS",
    "HELD_OUT",
    "KINDS",
    "SPLITS",
    "Case",
    "DpoRow",
    "Export",
    "LeakGuard",
    "Reward",
    "SftRow",
    "SplitPrompt",
    "TrainError",
    "TrainSettings",
    "build_export",
    "citation_problem",
    "dataset_card",
    "first_per_clause",
    "only_split",
    "project_settings",
    "require_rows",
    "reward",
    "split_prompts",
    "system_prompt",
    "train_folder",
    "train_project",
    "train_prompts",
    "train_settings",
    "write_export",
]
