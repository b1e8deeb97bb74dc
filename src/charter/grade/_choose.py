"""Which judge grades a run: none, the template judge, one spec-aware judge or a panel; and what
the calibrations on disk say about them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charter._paths import outside, outside_message
from charter.grade._calibrate import (
    CALIBRATION_DIR,
    calibration_for,
    figures_line,
    is_reliable,
    kappa_of,
    measured,
)
from charter.grade._judge import ModelJudge, load_template
from charter.grade._panel import Panel
from charter.grade._setup import JudgeSetupError, build_judge, min_precedents, provider_for
from charter.grade._spec_judge import SpecJudge
from charter.grade._types import Grader
from charter.precedent import load_precedents
from charter.spec import Project


def choose_judge(
    project: Project,
    graders: Sequence[str],
    model: str | Sequence[str],
    *,
    allow_self_judge: bool = False,
    judge_template: str | None = None,
) -> Grader | None:
    """No judge (no `graders`); the basic template judge (`judge_template`, charter.toml
    `[test] judge-template`); else the spec-aware judge, one per grader, voting as a panel when
    there are several. A grader that is a model under test (`model`: one or several) is refused
    unless allowed."""
    config = project.config
    if not graders:
        return None
    tested = {model} if isinstance(model, str) else set(model)
    for name in graders:
        if name in tested and not allow_self_judge:
            raise JudgeSetupError(
                f"--grader {name} is the model under test; a model grading itself is "
                "not evidence: pick another grader, or pass --allow-self-judge"
            )
    if judge_template is not None:
        template_path = config.root / judge_template
        escaped = outside(config.root, template_path)
        if escaped is not None:
            raise JudgeSetupError(
                f"charter.toml [test] judge-template: "
                f"{outside_message(config.root, judge_template, escaped)}; "
                "keep the template in the project"
            )
        if not template_path.is_file():
            raise JudgeSetupError(f"charter.toml [test] judge-template: no file {template_path}")
        return ModelJudge(provider_for(graders[0], config), load_template(template_path))
    cases, _ = load_precedents(Path(project.spec.root))
    judges = [build_judge(name, project.spec, config, cases) for name in graders]
    return judges[0] if len(judges) == 1 else Panel(judges)


@dataclass(slots=True)
class JudgeFigures:
    """What the calibrations on disk say about a run's judges."""

    lines: list[str] = field(default_factory=list)
    """One line per judge: its agreement with the precedents on the run's clauses, or that it
    is not measured."""
    unreliable: str | None = None
    """Set when every judge is measured and none is reliable: the grading policy then sends
    the judge's verdicts to review."""


def judge_figures(
    project: Project, graders: Sequence[str], clause_ids: Iterable[str]
) -> JudgeFigures:
    """Each judge's figures from the calibration that covers `clause_ids`."""
    folder = Path(project.spec.root) / CALIBRATION_DIR
    fewest = min_precedents(project.config)
    wanted = set(clause_ids)
    found = JudgeFigures()
    notes = []
    for name in graders:
        figures = calibration_for(folder, name, wanted, fewest)
        found.lines.append(figures_line(name, figures, fewest))
        if not measured(figures, fewest):
            continue  # unmeasured: the warning is shown, the verdicts stand
        if figures is not None and not is_reliable(kappa_of(figures)):
            notes.append(figures_line(name, figures, fewest).removeprefix("judge "))
    found.unreliable = "; ".join(notes) if len(notes) == len(graders) else None
    return found


async def close_grader(grader: Grader | None) -> None:
    """Close the providers of a grader's model judges (a panel's members each have one)."""
    members = grader.judges if isinstance(grader, Panel) else [grader]
    for member in members:
        if isinstance(member, ModelJudge | SpecJudge):
            await member.provider.aclose()
