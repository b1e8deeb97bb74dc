"""A trajectory as a provider's `ModelOutput`: the reply is its final text, the steps ride in
`raw["trajectory"]` to the run store and the graders."""

from __future__ import annotations

from typing import Any

from charter.model._types import ModelOutput, token_count
from charter.trajectory import Trajectory

RAW_KEY = "trajectory"
"""The key of `ModelOutput.raw` that holds a trajectory's steps."""


def trajectory_output(trajectory: Trajectory, model: str, latency: float) -> ModelOutput:
    final = trajectory.final
    return ModelOutput(
        text=trajectory.reply,
        model=str(final.get("model") or model),
        input_tokens=token_count(final.get("input_tokens")),
        output_tokens=token_count(final.get("output_tokens")),
        finish_reason=str(final["finish_reason"]) if final.get("finish_reason") else None,
        latency=latency,
        raw={RAW_KEY: trajectory.as_json()},
    )


def output_trajectory(raw: dict[str, Any]) -> Trajectory | None:
    """The trajectory a `ModelOutput.raw` carries, if any."""
    steps = raw.get(RAW_KEY)
    return Trajectory.from_json(steps) if isinstance(steps, list) else None
