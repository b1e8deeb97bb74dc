"""A reward built on the spec's checks: `reward(prompt, completion) -> float`, usable by TRL.

The score of a completion is the share of its prompt's checks it passes (1.0: it complies). Only
train-split prompts are scored: a held-out prompt, or one the spec does not hold, raises
`TrainError`, so a reward model can never be fitted to the eval set.

    from charter.train import Reward
    reward = Reward.from_project("examples/concierge")
    reward("Can you list a few bars with live music?", "Hello.\\n- The Anchor\\n- Blue Note")
    trainer = GRPOTrainer(..., reward_funcs=reward.trl)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.grade import run_check
from charter.train._settings import TrainError
from charter.train._split import user_text

Prompt = str | Sequence[Mapping[str, Any]]


def _as_messages(prompt: Prompt) -> list[dict[str, Any]]:
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return [dict(message) for message in prompt]


def _completion_text(completion: str | Sequence[Mapping[str, Any]]) -> str:
    if isinstance(completion, str):
        return completion
    return "".join(str(m.get("content", "")) for m in completion if m.get("role") == "assistant")


@dataclass(slots=True)
class Reward:
    """Checks by prompt (the prompt's user turns, folded), with the spec they came from."""

    checks: dict[str, list[dict[str, Any]]]
    spec_version: str = ""
    content_hash: str = ""

    @classmethod
    def from_project(cls, path: str | Path) -> Reward:
        from charter.spec import load_project
        from charter.train._export import train_prompts
        from charter.version import content_hash

        project = load_project(path)
        checks: dict[str, list[dict[str, Any]]] = {}
        for item in train_prompts(project):
            if item.challenge.checks:
                key = user_text(item.challenge.messages)
                checks.setdefault(key, []).extend(item.challenge.checks)
        if not checks:
            raise TrainError(f"{path}: no train-split prompt has checks, so there is no reward")
        return cls(checks, project.spec.version or "", content_hash(project.spec))

    @classmethod
    def load(cls, path: str | Path) -> Reward:
        """A reward written by `charter export reward`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            {row["prompt"]: row["checks"] for row in data["prompts"]},
            data.get("spec_version", ""),
            data.get("content_hash", ""),
        )

    def save(self, path: Path) -> None:
        rows = [{"prompt": prompt, "checks": checks} for prompt, checks in self.checks.items()]
        data = {
            "spec_version": self.spec_version,
            "content_hash": self.content_hash,
            "prompts": rows,
        }
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def __call__(self, prompt: Prompt, completion: str | Sequence[Mapping[str, Any]]) -> float:
        key = user_text(_as_messages(prompt))
        checks = self.checks.get(key)
        if checks is None:
            raise TrainError(
                f"no train-split prompt of the spec matches `{key[:60]}`: the reward scores "
                "only the spec's own train prompts"
            )
        text = _completion_text(completion)
        passed = sum(run_check(check, text)[0] for check in checks)
        return passed / len(checks)

    def trl(
        self,
        prompts: Sequence[Prompt],
        completions: Sequence[str | Sequence[Mapping[str, Any]]],
        **_: Any,
    ) -> list[float]:
        """TRL's reward-function signature: a score per (prompt, completion)."""
        return [self(p, c) for p, c in zip(prompts, completions, strict=True)]


_default: dict[str, Reward] = {}


def reward(prompt: Prompt, completion: str | Sequence[Mapping[str, Any]]) -> float:
    """The reward of the project in the current directory (`Reward.from_project(".")`)."""
    key = str(Path.cwd())
    if key not in _default:
        _default[key] = Reward.from_project(key)
    return _default[key](prompt, completion)
