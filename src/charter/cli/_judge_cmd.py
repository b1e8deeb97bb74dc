"""`charter precedent add|import-examples` and `charter calibrate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter._exits import UsageError, one_line
from charter.cli._app import app, opt, project_root

# The stage modules (grade, precedent, run, spec) are imported inside the commands, so that
# start-up does not pay for them; typer only evaluates the parameter annotations.


precedent_app = typer.Typer(
    help="Decided cases: adjudicate stored samples, import the spec's inline examples.",
    no_args_is_help=True,
)
app.add_typer(precedent_app, name="precedent")
Project = Annotated[Path, typer.Argument(help="The spec project folder.")]


def _kinds() -> tuple[type[Exception], ...]:
    from charter.grade import JudgeSetupError
    from charter.model import ProviderConfigError
    from charter.run import StoreError
    from charter.session import AdjudicationError

    return (StoreError, JudgeSetupError, ProviderConfigError, AdjudicationError)


_one_line = one_line(_kinds)


@precedent_app.command("add")
@_one_line
def add(
    run_id: Annotated[str, typer.Argument(help="A run id from `charter runs`.")],
    sample_id: Annotated[int, typer.Argument(help="The sample's id (`charter show-run`).")],
    verdict: Annotated[str, typer.Option(help="comply, violate or not_applicable.")],
    why: Annotated[str, typer.Option("--why", help="The reason for the verdict.")],
    path: Annotated[Path, opt("add.path")] = Path(),
    by: Annotated[str | None, typer.Option("--by", help="Who decided (default: $USER).")] = None,
    replace: Annotated[bool, opt("add.replace")] = False,
) -> None:
    """Adjudicate a stored sample: its conversation, reply and your verdict become a precedent."""
    from charter.session import adjudicate

    root = project_root(path)
    done = adjudicate(root, run_id, sample_id, verdict, why, by=by, replace=replace)
    action = "replaced" if done.replaced else "written to"
    typer.echo(f"precedent {action} {done.path.relative_to(root)}")
    for other in done.also_deciding:
        typer.echo(f"note: {other.path} decides the same case too; delete one of them")


@precedent_app.command("import-examples")
@_one_line
def import_examples(path: Project = Path()) -> None:
    """Turn the spec's inline GOOD/BAD/OK replies into precedent files (skips ones on disk)."""
    from charter.session import import_examples as write_examples
    from charter.spec import load_project

    project = load_project(path)
    written, skipped = write_examples(project)
    folder = Path(project.spec.root) / "precedents"
    typer.echo(f"{written} precedents written to {folder}, {skipped} already there")


@app.command("calibrate")
@_one_line
def calibrate_cmd(
    path: Project = Path(),
    grader: Annotated[list[str] | None, opt("calibrate_cmd.grader")] = None,
    holdout: Annotated[bool, opt("calibrate_cmd.holdout")] = True,
    limit: Annotated[int | None, typer.Option(help="Judge only the first N precedents.")] = None,
    select: Annotated[list[str] | None, opt("calibrate_cmd.select")] = None,
    pairwise: Annotated[bool, opt("calibrate_cmd.pairwise")] = True,
    with_ok: Annotated[bool, opt("calibrate_cmd.with_ok")] = False,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    out: Annotated[Path | None, opt("calibrate_cmd.out")] = None,
) -> None:
    """Measure a judge against the precedents (and the spec's inline examples)."""
    from charter import grade
    from charter.spec import load_project

    if output_format not in ("table", "json"):
        raise UsageError("--format must be table or json")
    if not grader:
        raise UsageError("give the judge to calibrate: --grader PROVIDER:MODEL")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    project = load_project(path)
    found = grade.calibration_cases(project, with_ok=with_ok)
    cases = found.chosen(select or (), limit)
    if not cases:
        raise UsageError(f"{path}: no precedents to calibrate on (check --select)")
    folder = out if out is not None else Path(project.spec.root) / grade.CALIBRATION_DIR
    grade.calibrate_judges(
        project, grader, found, cases, folder, holdout=holdout, pairwise=pairwise,
        select=select or (), limit=limit, output_format=output_format,
    )  # fmt: skip
