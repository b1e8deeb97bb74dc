"""Agents tested on what they do: trajectories (messages, tool calls, files, commands) and the
checks that grade them.

from charter.trajectory import Trajectory
trajectory = Trajectory.from_jsonl(open("run.jsonl").read())
"""

from charter.trajectory._checks import (
    TRAJECTORY_CHECK_KINDS,
    run_trajectory_check,
    trajectory_check_problem,
)
from charter.trajectory._model import (
    STEP_TYPES,
    Step,
    Trajectory,
    TrajectoryError,
    looks_like_trajectory,
)

__all__ = [
    "STEP_TYPES",
    "TRAJECTORY_CHECK_KINDS",
    "Step",
    "Trajectory",
    "TrajectoryError",
    "looks_like_trajectory",
    "run_trajectory_check",
    "trajectory_check_problem",
]
