"""`charter precedent add|import-examples` and `charter calibrate`."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from charter.cli._app import app, opt
from charter.cli._errors import UsageError

# The stage modules (grade, precedent, run, spec) are imported inside the commands, so that
# start-up does not pay for them; typer only evaluates the parameter annotations.

F = TypeVar("F", bound=Callable[..., Any])

precedent_app = typer.Typer(
    help="Decided cases: adjudicate stored samples, import the spec's inline examples.",
    no_args_is_help=True,
)
app.add_typer(precedent_app, name="precedent")
Project = Annotated[Path, typer.Argument(help="The spec project folder.")]


def _one_line(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from charter.grade import JudgeSetupError
        from charter.model import ProviderConfigError
        from charter.run import StoreError
        from charter.session import AdjudicationError

        try:
            return command(*args, **kwargs)
        except (StoreError, JudgeSetupError, ProviderConfigError, AdjudicationError) as error:
            raise UsageError(str(error)) from None

    return wrapper  # type: ignore[return-value]


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

    if not path.exists():
        raise UsageError(f"{path}: no such file or directory (give the spec project folder)")
    root = (path if path.is_dir() else path.parent).resolve()
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
    import json

    from rich.console import Console

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
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    every = max(1, len(cases) // 20)

    def progress(done: int, total: int) -> None:
        if done % every == 0 or done == total:
            sys.stderr.write(f"judged {done}/{total}\n")
            sys.stderr.flush()

    reports = []
    for name in grader:
        result, data = grade.measure_judge(
            project, name, found, cases, folder, holdout=holdout, pairwise=pairwise,
            select=select or (), limit=limit, progress=progress,
        )  # fmt: skip
        reports.append(data)
        if output_format == "table":
            grade.print_calibration(result, console)
            typer.echo(grade.figures_line(name, data, result.min_precedents))
            typer.echo(
                f"{len(cases)} precedents in {result.seconds:.0f} s; saved to {data['file']}"
            )
            if result.selection is not None:
                typer.echo(
                    "a calibration of the selection only: the full calibration of the judge "
                    "is kept in its own file"
                )
    if output_format == "json":
        sys.stdout.write(json.dumps(reports if len(reports) > 1 else reports[0], indent=2) + "\n")
