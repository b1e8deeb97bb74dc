"""`charter test`, `charter runs`, `charter show-run`: options in, `charter.session` runs it."""

from __future__ import annotations

import contextlib
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any

import typer

from charter._exits import UsageError, one_line_errors
from charter._gc import fewer_collections
from charter.cli._app import app, project_root
from charter.report import RENDERERS, RunReport, print_terminal
from charter.session._help import TEST_OPTIONS
from charter.session._terminal import run_on_terminal, show_result, stdout_console
from charter.session._test import SETUP_ERRORS

EXIT_HELP = (
    "Exit codes: 0 the run finished and the gate (if any) passed; 1 the gate failed; "
    "2 unusable input (bad option, spec, prompt-file checks, locked or corrupt run database, "
    "unknown run id, provider set-up, a bad --changed-since revision, a --model named twice); "
    "4 every sample failed (the errors are printed); 130 interrupted "
    "(Ctrl-C): the samples stored so far are kept and the command to resume is printed."
)
REPORT_FORMATS = ("terminal", *RENDERERS)
_one_line_errors = one_line_errors(*SETUP_ERRORS)
"""This module's commands' expected failures, as one line and exit 2."""

Project = Annotated[Path, typer.Argument(help="The spec project folder.")]
REPORT_HELP = f"Report: {', '.join(REPORT_FORMATS)}."


def _o(name: str, help: str | None = None) -> Any:
    """The typer option for `TestOptions` field `name` (or one of the command's own)."""
    flags, text = TEST_OPTIONS[name]
    return typer.Option(*flags, help=help or text)


@app.command(
    help=f"Run the spec's challenge prompts against a model, grade, report.\n\n{EXIT_HELP}"
)
@_one_line_errors
def test(
    path: Project = Path(),
    model: Annotated[list[str] | None, _o("model")] = None,
    grader: Annotated[list[str] | None, _o("grader")] = None,
    allow_self_judge: Annotated[bool | None, _o("allow_self_judge")] = None,
    select: Annotated[list[str] | None, _o("select")] = None,
    authority: Annotated[list[str] | None, _o("authority")] = None,
    examples: Annotated[bool | None, _o("examples")] = None,
    epochs: Annotated[int | None, _o("epochs")] = None,
    concurrency: Annotated[int | None, _o("concurrency")] = None,
    timeout: Annotated[float | None, _o("timeout")] = None,
    max_retries: Annotated[int | None, _o("max_retries")] = None,
    temperature: Annotated[float | None, _o("temperature")] = None,
    max_tokens: Annotated[int | None, _o("max_tokens")] = None,
    seed: Annotated[int | None, _o("seed")] = None,
    no_cache: Annotated[bool, _o("no_cache")] = False,
    resume: Annotated[str | None, _o("resume")] = None,
    keep_errors: Annotated[bool, _o("keep_errors")] = False,
    report_format: Annotated[str, _o("report_format", REPORT_HELP)] = "terminal",
    output: Annotated[Path | None, _o("output")] = None,
    force: Annotated[bool, _o("force")] = False,
    fail_under: Annotated[float | None, _o("fail_under")] = None,
    fail_under_authority: Annotated[list[str] | None, _o("fail_under_authority")] = None,
    baseline: Annotated[str | None, _o("baseline")] = None,
    max_review: Annotated[str | None, _o("max_review")] = None,
    dry_run: Annotated[bool, _o("dry_run")] = False,
    prices_file: Annotated[Path | None, _o("prices_file")] = None,
    precedents: Annotated[bool, _o("precedents")] = False,
    system: Annotated[str | None, _o("system")] = None,
    split: Annotated[str | None, _o("split")] = None,
    changed_since: Annotated[str | None, _o("changed_since")] = None,
    executor: Annotated[str | None, _o("executor")] = None,
    address: Annotated[str | None, _o("address")] = None,
    workers: Annotated[str | None, _o("workers")] = None,
) -> None:
    from charter.session import TestOptions, TestRun

    if report_format not in REPORT_FORMATS:
        raise UsageError(f"--report must be one of {', '.join(REPORT_FORMATS)}")
    values = locals()
    given = {f.name: values[f.name] for f in fields(TestOptions) if f.name in values}
    given.update(cache=False if no_cache else None)
    with fewer_collections():
        run = TestRun(path, TestOptions(**given))
        if dry_run:
            typer.echo("\n".join(run.estimate(prices_file).lines()))
            return
        code = show_result(run_on_terminal(run), report_format, output)
    raise typer.Exit(code)


@app.command()
@_one_line_errors
def runs(path: Project = Path()) -> None:
    """List the recorded runs: id, date, model, grader, samples, status, pass rate."""
    from charter.report import runs_table
    from charter.run import open_store, store_path

    root = project_root(path)
    if not store_path(root).is_file():
        typer.echo(f"no runs recorded in {store_path(root)}")
        return
    with contextlib.closing(open_store(root, must_exist=True)) as store:
        summaries = store.list_runs()
    stdout_console().print(runs_table(summaries))


@app.command("show-run")
@_one_line_errors
def show_run(
    run_id: Annotated[str, typer.Argument(help="A run id from `charter runs`.")],
    path: Project = Path(),
) -> None:
    """Print a run's per-clause table and its samples."""
    from charter.report import samples_table
    from charter.run import open_store

    with contextlib.closing(open_store(project_root(path), must_exist=True)) as store:
        report = RunReport.load(store, run_id)
    console = stdout_console()
    print_terminal(report, console)
    console.print(samples_table(report))
