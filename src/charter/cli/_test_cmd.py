"""`charter test`, `charter runs`, `charter show-run`: options in, `charter.session` runs it."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.build import BuildError
from charter.cli._app import app, refuse_report_over_source
from charter.cli._errors import EXIT_ALL_FAILED, EXIT_INTERRUPTED, UsageError, one_line_errors
from charter.grade import CheckFormatError, JudgeSetupError
from charter.model import ProviderConfigError
from charter.report import RENDERERS, RunReport, print_terminal
from charter.run import PlanError, PriceTableError, StoreError
from charter.run._settings import SettingsError
from charter.train._settings import TrainError

if TYPE_CHECKING:
    from rich.console import Console

    from charter.session import RunEvent, TestResult, TestRun

EXIT_HELP = (
    "Exit codes: 0 the run finished and the gate (if any) passed; 1 the gate failed; "
    "2 unusable input (bad option, spec, prompt-file checks, locked or corrupt run database, "
    "unknown run id, provider set-up, a bad --changed-since revision, more than one --model); "
    "4 every sample failed (the errors are printed); 130 interrupted "
    "(Ctrl-C): the samples stored so far are kept and the command to resume is printed."
)
REPORT_FORMATS = ("terminal", *RENDERERS)
_one_line_errors = one_line_errors(
    StoreError,
    PlanError,
    SettingsError,
    ProviderConfigError,
    PriceTableError,
    CheckFormatError,
    JudgeSetupError,
    BuildError,
    TrainError,
)
"""This module's commands' expected failures, as one line and exit 2."""

Project = Annotated[Path, typer.Argument(help="The spec project folder.")]
Model = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help="Model under test, PROVIDER:MODEL (one per run)."),
]
Select = Annotated[
    list[str] | None,
    typer.Option("--select", "-s", help="Clause ids, section ids or tags (repeatable)."),
]
Grader = Annotated[
    list[str] | None, typer.Option(help="Judge model, PROVIDER:MODEL (repeatable: majority vote).")
]
SelfJudge = Annotated[
    bool | None, typer.Option("--allow-self-judge", help="Let the judge be the tested model.")
]
Authority = Annotated[
    list[str] | None, typer.Option(help="Only clauses at this authority (repeatable).")
]
Examples = Annotated[
    bool | None, typer.Option("--examples", help="Also run the spec's inline examples.")
]
Epochs = Annotated[int | None, typer.Option(help="Repeat every prompt N times.")]
Concurrency = Annotated[int | None, typer.Option(help="Calls in flight (default: the provider's).")]
Timeout = Annotated[float | None, typer.Option(help="Seconds per call attempt.")]
Retries = Annotated[int | None, typer.Option(help="Retries of a failed call (default 4).")]
Temperature = Annotated[float | None, typer.Option(help="Sampling temperature.")]
MaxTokens = Annotated[int | None, typer.Option(help="Most tokens per reply.")]
Seed = Annotated[int | None, typer.Option(help="Sampling seed.")]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Call the model even for a stored identical call.")
]
Resume = Annotated[
    str | None,
    typer.Option(
        help="Finish this interrupted run (its own settings apply); its failed samples and "
        "grades are tried again."
    ),
]
KeepErrors = Annotated[
    bool, typer.Option("--keep-errors", help="With --resume: keep failed samples as they are.")
]
ReportOpt = Annotated[str, typer.Option("--report", help=f"Report: {', '.join(REPORT_FORMATS)}.")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Report file.")]
Force = Annotated[bool, typer.Option("--force", help="Let -o replace a file of the spec project.")]
FailUnder = Annotated[
    float | None, typer.Option(help="Fail (exit 1) under this overall pass rate.")
]
ByAuthority = Annotated[
    list[str] | None, typer.Option(help="AUTHORITY=RATE, e.g. root=0.95 (repeatable).")
]
Baseline = Annotated[
    str | None, typer.Option(help="Fail when a clause drops below this run's 95% interval.")
]
MaxReview = Annotated[
    str | None,
    typer.Option(
        help="Fail (exit 1) when more replies than this still need review: a count (5) "
        "or a share of the replies (0.1 or 10%). Default: no limit."
    ),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Print the calls, tokens and cost; send nothing.")
]
Prices = Annotated[Path | None, typer.Option("--prices", help="Price table TOML for --dry-run.")]
Precedents = Annotated[
    bool, typer.Option("--precedents", help="Replay every precedent's conversation (regression).")
]
System = Annotated[
    str | None,
    typer.Option(
        "--system",
        help="System prompt for the model under test: compiled (the spec's, from "
        "[build.system-prompt]), none, or a FILE (default: compiled when the project "
        "builds one, else none).",
    ),
]
Split = Annotated[
    str | None,
    typer.Option(
        "--split",
        help="Only the prompts of this split: train, or eval (the eval split and eval-only "
        "prompts; see docs/training.md).",
    ),
]
ChangedSince = Annotated[
    str | None,
    typer.Option(
        "--changed-since",
        help="Re-run only clauses changed since this git revision; carry the rest forward "
        "from the last complete run of the same model and grader.",
    ),
]


@app.command(
    help=f"Run the spec's challenge prompts against a model, grade, report.\n\n{EXIT_HELP}"
)
@_one_line_errors
def test(
    path: Project = Path(),
    model: Model = None,
    grader: Grader = None,
    allow_self_judge: SelfJudge = None,
    select: Select = None,
    authority: Authority = None,
    examples: Examples = None,
    epochs: Epochs = None,
    concurrency: Concurrency = None,
    timeout: Timeout = None,
    max_retries: Retries = None,
    temperature: Temperature = None,
    max_tokens: MaxTokens = None,
    seed: Seed = None,
    no_cache: NoCache = False,
    resume: Resume = None,
    keep_errors: KeepErrors = False,
    report_format: ReportOpt = "terminal",
    output: Output = None,
    force: Force = False,
    fail_under: FailUnder = None,
    fail_under_authority: ByAuthority = None,
    baseline: Baseline = None,
    max_review: MaxReview = None,
    dry_run: DryRun = False,
    prices_file: Prices = None,
    precedents: Precedents = False,
    system: System = None,
    split: Split = None,
    changed_since: ChangedSince = None,
) -> None:
    from charter.session import TestOptions, TestRun

    if report_format not in REPORT_FORMATS:
        raise UsageError(f"--report must be one of {', '.join(REPORT_FORMATS)}")
    values = locals()
    given = {f.name: values[f.name] for f in fields(TestOptions) if f.name in values}
    given.update(model=_one_model(model), cache=False if no_cache else None)
    run = TestRun(path, TestOptions(**given))
    if output is not None:
        refuse_report_over_source(output, run.project.spec, force)
    if dry_run:
        typer.echo("\n".join(run.estimate(prices_file).lines()))
        return
    result = _run(run)
    if result.interrupted:
        typer.echo(result.resume_hint(), err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    if report_format == "terminal" or output is not None:
        print_terminal(result.report, _stdout())
        for line in (result.summary_line(), result.changed_line(), result.review_hint()):
            if line is not None:
                typer.echo(line)
    _write_report(result.report, report_format, output)
    _exit(result)


def _one_model(given: list[str] | None) -> str | None:
    """The single `--model`: a run tests one model, so a second one is refused, not dropped."""
    if given and len(given) > 1:
        raise UsageError(
            f"--model was given {len(given)} times ({', '.join(given)}); a run tests one model: "
            "run `charter test` once per model"
        )
    return given[0] if given else None


def _run(run: TestRun) -> TestResult:
    """Run it with a progress bar on a terminal's stderr; Ctrl-C cancels it cleanly."""
    from rich.console import Console

    console = Console(stderr=True)
    bar = _Bar(console) if console.is_terminal else None

    def show(event: RunEvent) -> None:
        from charter.session import Notice

        if isinstance(event, Notice):
            typer.echo(event.text, err=True)
        elif bar is not None:
            bar.show(event)

    try:
        return run.run(show, handle_signals=True)
    finally:
        if bar is not None:
            bar.bar.stop()


class _Bar:
    """A rich progress bar with rate and time remaining."""

    def __init__(self, console: Console) -> None:
        from rich import progress as rp

        self.bar = rp.Progress(
            rp.TextColumn("[bold]running"),
            rp.BarColumn(),
            rp.MofNCompleteColumn(),
            rp.TaskProgressColumn(),
            rp.TextColumn("{task.fields[rate]}"),
            rp.TimeRemainingColumn(),
            rp.TextColumn("{task.fields[cached]} cached, {task.fields[errors]} errors"),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("run", total=0, rate="", cached=0, errors=0)
        self.cached = self.errors = 0

    def show(self, event: RunEvent) -> None:
        from charter.grade import Verdict
        from charter.session import Done, Planned, SampleGraded

        if isinstance(event, Planned):
            self.bar.update(self.task, total=event.total, completed=event.done)
            self.bar.start()
        elif isinstance(event, SampleGraded):
            self.cached += event.cached
            self.errors += event.verdict is Verdict.ERROR
            speed = self.bar.tasks[0].speed
            rate = f"{speed:.1f}/s" if speed else ""
            self.bar.update(self.task, advance=1, rate=rate, cached=self.cached, errors=self.errors)
        elif isinstance(event, Done):
            self.bar.stop()


def _exit(result: TestResult) -> None:
    """The failures on stderr, then the gate's lines; exit 4, 1 or 0."""
    for line in result.failures.lines:
        typer.echo(line, err=True)
    if result.failures.all_failed:
        typer.echo(
            f"run {result.run_id}: every sample failed, nothing was graded "
            f"(exit {EXIT_ALL_FAILED})",
            err=True,
        )
        raise typer.Exit(EXIT_ALL_FAILED)
    for line in result.gate.lines:
        typer.echo(line)
    raise typer.Exit(0 if result.gate.passed else 1)


def _stdout() -> Console:
    """Standard output; wide enough for the tables when it is a file or a pipe."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=140)


def _write_report(report: RunReport, report_format: str, output: Path | None) -> None:
    if report_format == "terminal":
        return
    text = RENDERERS[report_format](report)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{report_format} report written to {output}")


def _project_root(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory (give the spec project folder)")
    return (path if path.is_dir() else path.parent).resolve()


@app.command()
@_one_line_errors
def runs(path: Project = Path()) -> None:
    """List the recorded runs: id, date, model, grader, samples, status, pass rate."""
    from charter.report import runs_table
    from charter.run import open_store, store_path

    root = _project_root(path)
    if not store_path(root).is_file():
        typer.echo(f"no runs recorded in {store_path(root)}")
        return
    with contextlib.closing(open_store(root, must_exist=True)) as store:
        summaries = store.list_runs()
    _stdout().print(runs_table(summaries))


@app.command("show-run")
@_one_line_errors
def show_run(
    run_id: Annotated[str, typer.Argument(help="A run id from `charter runs`.")],
    path: Project = Path(),
) -> None:
    """Print a run's per-clause table and its samples."""
    from charter.report import samples_table
    from charter.run import open_store

    with contextlib.closing(open_store(_project_root(path), must_exist=True)) as store:
        report = RunReport.load(store, run_id)
    console = _stdout()
    print_terminal(report, console)
    console.print(samples_table(report))
