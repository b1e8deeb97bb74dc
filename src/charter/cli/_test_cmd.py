"""`charter test`, `charter runs`, `charter show-run`: spec -> check -> run -> grade -> report."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from charter.build import BuildError
from charter.build._system import system_prompt_for_test
from charter.cli import _changed
from charter.cli._app import app
from charter.cli._changed import ChangedSince
from charter.cli._errors import EXIT_INTERRUPTED, UsageError, one_line_errors
from charter.grade import (
    CALIBRATION_DIR,
    CheckFormatError,
    Grader,
    GradingPolicy,
    JudgeSetupError,
    ModelJudge,
    Panel,
    SpecJudge,
    Verdict,
    build_judge,
    figures_line,
    is_reliable,
    load_figures,
    load_template,
)
from charter.model import GenerateConfig, Provider, ProviderConfigError, get_provider
from charter.precedent import load_precedents
from charter.report import RENDERERS, Gate, RunReport, evaluate, print_terminal
from charter.run import (
    Backoff,
    Challenge,
    Engine,
    PlanError,
    PriceTableError,
    RunOptions,
    RunStore,
    Selection,
    StoreError,
    estimate,
    load_prices,
    parse_prices,
    plan,
    shipped_prices,
    store_path,
    with_system_prompt,
)
from charter.run._settings import SettingsError, TestSettings, resolve
from charter.spec import Project, ProjectConfig, load_project
from charter.train._settings import TrainError

EXIT_HELP = (
    "Exit codes: 0 the run finished and the gate (if any) passed; 1 the gate failed; "
    "2 unusable input (bad option, spec, prompt-file checks, locked or corrupt run database, "
    "unknown run id, provider set-up, a bad --changed-since revision); 130 interrupted "
    "(Ctrl-C): the samples stored so far are kept and the command to resume is printed."
)

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


class BarProgress:
    """A rich progress bar with rate and time remaining, on stderr."""

    def __init__(self, console: Console) -> None:
        self.bar = Progress(
            TextColumn("[bold]running"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[cached]} cached, {task.fields[errors]} errors"),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("run", total=0, rate="", cached=0, errors=0)
        self.cached = 0
        self.errors = 0

    def start(self, total: int, done: int) -> None:
        self.bar.update(self.task, total=total, completed=done)
        self.bar.start()

    def advance(self, verdict: Verdict, cached: bool) -> None:
        self.cached += cached
        self.errors += verdict is Verdict.ERROR
        speed = self.bar.tasks[0].speed
        rate = f"{speed:.1f}/s" if speed else ""
        self.bar.update(self.task, advance=1, rate=rate, cached=self.cached, errors=self.errors)

    def stop(self) -> None:
        self.bar.stop()


def _stdout() -> Console:
    """Standard output; wide enough for the tables when it is a file or a pipe."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=140)


def _project_root(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory (give the spec project folder)")
    return (path if path.is_dir() else path.parent).resolve()


@contextlib.contextmanager
def _open_store(root: Path, *, must_exist: bool) -> Iterator[RunStore]:
    db = store_path(root)
    if must_exist and not db.is_file():
        raise UsageError(f"no runs recorded in {db} (run `charter test {root}` first)")
    store = RunStore(db)
    try:
        yield store
    finally:
        store.close()


def _provider(spec: str, config: ProjectConfig) -> Provider:
    return get_provider(spec, **config.provider_options(spec))


def _judge(
    settings: TestSettings, project: Project, model: str, graders: list[str]
) -> Grader | None:
    """No judge; the basic template judge ([test] judge-template); else the spec-aware judge,
    one per `--grader`, voting as a panel when there are several."""
    config = project.config
    names = graders or ([settings.grader] if settings.grader else [])
    if not names:
        return None
    for name in names:
        if name == model and not settings.allow_self_judge:
            raise UsageError(
                f"--grader {name} is the model under test; a model grading itself is "
                "not evidence: pick another grader, or pass --allow-self-judge"
            )
    if settings.judge_template is not None:
        template_path = config.root / settings.judge_template
        if not template_path.is_file():
            raise UsageError(f"charter.toml [test] judge-template: no file {template_path}")
        return ModelJudge(_provider(names[0], config), load_template(template_path))
    cases, _ = load_precedents(Path(project.spec.root))
    judges = [build_judge(name, project.spec, config, cases) for name in names]
    return judges[0] if len(judges) == 1 else Panel(judges)


def _calibration_note(root: Path, graders: list[str]) -> str | None:
    """Print each judge's calibration figures; a note for the policy when every judge has
    figures on file and none of them is reliable."""
    notes = []
    for name in graders:
        figures = load_figures(root / CALIBRATION_DIR, name)
        typer.echo(figures_line(name, figures), err=True)
        if figures is None:
            continue  # unmeasured: the warning is printed, the verdicts stand
        if not is_reliable(figures.get("overall", {}).get("kappa")):
            notes.append(figures_line(name, figures).removeprefix("judge "))
    return "; ".join(notes) if len(notes) == len(graders) else None


def _precedent_challenges(root: Path) -> list[Challenge]:
    """Each precedent's conversation, replayed to the model under test (`--precedents`)."""
    cases, errors = load_precedents(root)
    if errors:
        raise UsageError(f"{errors[0]} (run `charter check` for every precedent problem)")
    return [
        Challenge(
            clause_id=case.clause_ids[0] if case.clause_ids else f"#{case.section}",
            prompt_index=index,
            messages=case.conversation,
            title=case.id,
            location=case.path or "",
            clause_ids=case.clause_ids,
        )
        for index, case in enumerate(cases)
        if case.conversation
    ]


def _generate_config(settings: TestSettings) -> GenerateConfig:
    return GenerateConfig(
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        seed=settings.seed,
        timeout=settings.timeout,
    )


def _prices(config: ProjectConfig, prices_file: Path | None) -> dict[str, Any]:
    prices = shipped_prices()
    table = config.raw.get("prices")
    if table is not None:
        if not isinstance(table, dict):
            raise UsageError("charter.toml [prices] must be a table of PROVIDER:MODEL entries")
        prices = _overlay(parse_prices(table, f"{config.config_file} [prices]"), prices)
    if prices_file is not None:
        prices = _overlay(load_prices(prices_file), prices)
    return prices


def _overlay(first: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    """`first`'s entries, then `rest`'s that `first` does not name (patterns match in order)."""
    return {**first, **{key: value for key, value in rest.items() if key not in first}}


def _print_dry_run(
    challenges: list[Challenge], settings: TestSettings, model: str, prices: dict[str, Any]
) -> None:
    budget = estimate(
        challenges,
        epochs=settings.epochs,
        model=model,
        max_tokens=settings.max_tokens,
        prices=prices,
    )
    for call in budget.calls:
        challenge = call.challenge
        typer.echo(
            f"{challenge.clause_id}  prompt {challenge.prompt_index}  epoch {call.epoch}  "
            f"~{call.input_tokens} in / <= {call.output_tokens} out  ({challenge.location})"
        )
    label = "counted with" if budget.exact else "an"
    typer.echo(
        f"{len(budget.calls)} calls to {model}: {budget.input_tokens} input tokens "
        f"({label} {budget.method}), at most {budget.output_tokens} output tokens"
    )
    if budget.cost is None:
        typer.echo(f"cost: unknown, {model} has no entry in the price table (add one to [prices])")
    else:
        typer.echo(f"cost: at most ${budget.cost:.4f} (price table; check current prices)")
    if settings.grader is not None:
        typer.echo(f"plus up to {len(budget.calls)} judge calls to {settings.grader}")


async def _run_engine(engine: Engine) -> Any:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    try:
        return await engine.run(stop)
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        await engine.provider.aclose()
        judge = engine.policy.judge
        judges = judge.judges if isinstance(judge, Panel) else [judge]
        for one in judges:
            if isinstance(one, ModelJudge | SpecJudge):
                await one.provider.aclose()


def _write_report(report: RunReport, report_format: str, output: Path | None) -> None:
    if report_format == "terminal":
        return
    text = RENDERERS[report_format](report)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{report_format} report written to {output}")


REPORT_FORMATS = ("terminal", *RENDERERS)


@app.command(
    help=f"Run the spec's challenge prompts against a model, grade, report.\n\n{EXIT_HELP}"
)
@_one_line_errors
def test(
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model under test, PROVIDER:MODEL.")
    ] = None,
    grader: Annotated[
        list[str] | None,
        typer.Option(help="Judge model, PROVIDER:MODEL (repeatable: majority vote)."),
    ] = None,
    allow_self_judge: Annotated[
        bool | None, typer.Option("--allow-self-judge", help="Let the judge be the tested model.")
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", "-s", help="Clause ids, section ids or tags (repeatable)."),
    ] = None,
    authority: Annotated[
        list[str] | None, typer.Option(help="Only clauses at this authority (repeatable).")
    ] = None,
    examples: Annotated[
        bool | None, typer.Option("--examples", help="Also run the spec's inline examples.")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Repeat every prompt N times.")] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Calls in flight (default: the provider's).")
    ] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds per call attempt.")] = None,
    max_retries: Annotated[
        int | None, typer.Option(help="Retries of a failed call (default 4).")
    ] = None,
    temperature: Annotated[float | None, typer.Option(help="Sampling temperature.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Most tokens per reply.")] = None,
    seed: Annotated[int | None, typer.Option(help="Sampling seed.")] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Call the model even for a stored identical call.")
    ] = False,
    resume: Annotated[
        str | None, typer.Option(help="Finish this interrupted run (its own settings apply).")
    ] = None,
    report_format: Annotated[
        str, typer.Option("--report", help=f"Report: {', '.join(REPORT_FORMATS)}.")
    ] = "terminal",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Report file.")] = None,
    fail_under: Annotated[
        float | None, typer.Option(help="Fail (exit 1) under this overall pass rate.")
    ] = None,
    fail_under_authority: Annotated[
        list[str] | None,
        typer.Option(help="AUTHORITY=RATE, e.g. root=0.95 (repeatable)."),
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Fail when a clause drops below this run's 95% interval.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the calls, tokens and cost; send nothing.")
    ] = False,
    prices_file: Annotated[
        Path | None, typer.Option("--prices", help="Price table TOML for --dry-run.")
    ] = None,
    precedents: Annotated[
        bool,
        typer.Option("--precedents", help="Replay every precedent's conversation (regression)."),
    ] = False,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Only the prompts of this split: train, or eval (the eval split and eval-only "
            "prompts; see docs/training.md).",
        ),
    ] = None,
    system: Annotated[
        str | None,
        typer.Option(
            "--system",
            help="System prompt for the model under test: compiled (the spec's, from "
            "[build.system-prompt]), none, or a FILE (default: compiled when the project "
            "builds one, else none).",
        ),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            help="Re-run only clauses changed since this git revision; carry the rest forward "
            "from the last complete run of the same model and grader.",
        ),
    ] = None,
) -> None:
    if report_format not in REPORT_FORMATS:
        raise UsageError(f"--report must be one of {', '.join(REPORT_FORMATS)}")
    _check_changed_since(changed_since, resume, precedents)
    project = load_project(path)
    config = project.config
    raw_test = config.raw.get("test", {})
    if not isinstance(raw_test, dict):
        raise UsageError("charter.toml [test] must be a table")
    flags = {
        "model": model,
        "grader": grader[0] if grader else None,
        "allow_self_judge": allow_self_judge,
        "select": select,
        "authority": authority,
        "examples": examples,
        "epochs": epochs,
        "concurrency": concurrency,
        "timeout": timeout,
        "max_retries": max_retries,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "seed": seed,
        "fail_under": fail_under,
        "fail_under_authority": fail_under_authority,
        "cache": False if no_cache else None,
        "system": system,
    }
    settings = resolve(raw_test, flags)
    root = Path(project.spec.root)
    if resume is not None:
        settings = _resumed_settings(root, resume, settings)
    if settings.model is None:
        raise UsageError("no model to test: give --model PROVIDER:MODEL or [test] model")
    if resume is None and precedents:
        challenges = _precedent_challenges(root)
        if not challenges:
            raise UsageError(f"{root / 'precedents'}: no precedents to replay")
    elif resume is None:
        selection = Selection(settings.select, settings.authority, settings.examples)
        challenges = plan(project.spec, selection)
        if split is not None:
            from charter.train._split import only_split

            challenges = only_split(project, challenges, split)
        if not challenges:
            raise UsageError(
                f"{path}: no challenge prompts for the selected clauses (add examples/<id>.md "
                "prompt files, or use --examples to run the spec's inline examples)"
            )
    else:
        with _open_store(root, must_exist=True) as store:
            challenges = store.plan(resume)
    system_prompt = None
    if resume is None:
        system_prompt = system_prompt_for_test(project, settings.system)
        settings.system = system_prompt.mode
        challenges = with_system_prompt(challenges, system_prompt.text)
    changed = None
    if changed_since is not None:
        changed = _changed.changed_since(root, project.spec, changed_since)
    if dry_run:
        _dry_run(challenges, settings, settings.model, _prices(config, prices_file), changed)
        return
    gate = Gate(settings.fail_under, settings.fail_under_authority)
    provider = _provider(settings.model, config)
    graders = list(grader or ([settings.grader] if settings.grader else []))
    judge = _judge(settings, project, provider.spec, graders)
    unreliable = _calibration_note(root, graders) if isinstance(judge, SpecJudge | Panel) else None
    console = Console(stderr=True)
    with _open_store(root, must_exist=resume is not None) as store:
        if baseline is not None:
            gate.baseline = RunReport.load(store, baseline)
        stored = _stored_settings(settings)
        if system_prompt is not None:
            stored["system_prompt"] = system_prompt.sha256
        if changed is not None:
            _changed.base_run(store, changed, provider.spec, judge.name if judge else None)
            for note in changed.notes:
                typer.echo(note, err=True)
            stored.update(_changed.stored_settings(changed))
        run_id = resume or store.create_run(
            project=str(root),
            model=provider.spec,
            grader=judge.name if judge else None,
            settings=stored,
            plan=challenges,
            epochs=settings.epochs,
        )
        options = RunOptions(
            config=_generate_config(settings),
            epochs=settings.epochs,
            concurrency=settings.concurrency,
            max_retries=settings.max_retries,
            backoff=Backoff(),
            use_cache=settings.cache,
        )
        progress = BarProgress(console) if console.is_terminal else None
        engine = Engine(
            store, run_id, provider, GradingPolicy(judge, unreliable), options, progress
        )
        if changed is not None:
            _changed.carry(
                store,
                run_id,
                changed,
                challenges,
                epochs=settings.epochs,
                parameters=engine.params,
            )
        outcome = asyncio.run(_run_engine(engine))
        report = RunReport.load(store, run_id)
    out = _stdout()
    if outcome.status == "interrupted":
        typer.echo(
            f"interrupted: run {run_id} has {outcome.stored} of {outcome.planned} samples "
            f"stored; resume with: charter test {root} --resume {run_id}",
            err=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED)
    if report_format == "terminal" or output is not None:
        print_terminal(report, out)
        typer.echo(
            f"run {run_id}: {outcome.new} new, {outcome.cached} cached, {outcome.errors} errors, "
            f"{outcome.retries} retries, {outcome.slowdowns} rate-limit slow-downs"
        )
        if changed is not None:
            typer.echo(_changed.summary_line(changed, report))
        waiting = report.total.needs_review
        if waiting:
            typer.echo(_review_hint(waiting, run_id, root, has_judge=judge is not None))
    _write_report(report, report_format, output)
    verdict = evaluate(report, gate)
    for line in verdict.lines:
        typer.echo(line)
    raise typer.Exit(0 if verdict.passed else 1)


def _review_hint(waiting: int, run_id: str, root: Path, *, has_judge: bool) -> str:
    """What to do about replies that no check or reliable judge could grade."""
    replies = "reply needs" if waiting == 1 else "replies need"
    how = [
        f"read them with `charter show-run {run_id} {root}`",
        f"decide each with `charter precedent add {run_id} SAMPLE_ID --project {root} "
        '--verdict comply|violate --why "..."`',
    ]
    if not has_judge:
        how.append("or grade them with a judge: --grader PROVIDER:MODEL")
    return f"{waiting} {replies} review: " + "; ".join(how) + "."


def _check_changed_since(revision: str | None, resume: str | None, precedents: bool) -> None:
    """`--changed-since` plans a new run of the spec's prompts: not a resume, not precedents."""
    if revision is None:
        return
    if resume is not None:
        raise UsageError(
            "--changed-since cannot be used with --resume (a resumed run keeps its own plan); "
            "drop one of them"
        )
    if precedents:
        raise UsageError(
            "--changed-since cannot be used with --precedents (precedents are not spec "
            "clauses a diff can select); drop one of them"
        )


def _dry_run(
    challenges: list[Challenge],
    settings: TestSettings,
    model: str,
    prices: dict[str, Any],
    changed: ChangedSince | None,
) -> None:
    """Print the calls; with `--changed-since`, only those of the changed clauses."""
    if changed is not None:
        challenges = _changed.only_affected(challenges, changed)
        typer.echo(
            f"changed since {changed.revision}: {len(challenges)} challenges of changed clauses; "
            "the others are carried from the last complete run when it has them, else run too"
        )
    _print_dry_run(challenges, settings, model, prices)


def _stored_settings(settings: TestSettings) -> dict[str, Any]:
    keys = ("epochs", "temperature", "max_tokens", "seed", "timeout", "max_retries", "cache")
    data: dict[str, Any] = {key: getattr(settings, key) for key in keys}
    data.update(
        concurrency=settings.concurrency,
        select=settings.select,
        authority=settings.authority,
        examples=settings.examples,
        grader=settings.grader,
        allow_self_judge=settings.allow_self_judge,
        judge_template=settings.judge_template,
        system=settings.system,
    )
    return data


def _resumed_settings(root: Path, run_id: str, given: TestSettings) -> TestSettings:
    """The interrupted run's own model and sampling settings; gate and report flags still apply."""
    with _open_store(root, must_exist=True) as store:
        run = store.run(run_id)
    stored = run.settings
    return TestSettings(
        model=run.model,
        grader=stored.get("grader"),
        epochs=int(stored.get("epochs", 1)),
        concurrency=given.concurrency or stored.get("concurrency"),
        timeout=float(stored.get("timeout", given.timeout)),
        max_retries=int(stored.get("max_retries", given.max_retries)),
        temperature=stored.get("temperature"),
        max_tokens=stored.get("max_tokens"),
        seed=stored.get("seed"),
        fail_under=given.fail_under,
        fail_under_authority=given.fail_under_authority,
        judge_template=stored.get("judge_template"),
        select=list(stored.get("select", [])),
        authority=list(stored.get("authority", [])),
        examples=bool(stored.get("examples", False)),
        allow_self_judge=bool(stored.get("allow_self_judge", False)),
        cache=bool(stored.get("cache", True)),
        system=stored.get("system"),
    )


@app.command()
@_one_line_errors
def runs(
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
) -> None:
    """List the recorded runs: id, date, model, grader, samples, status, pass rate."""
    root = _project_root(path)
    if not store_path(root).is_file():
        typer.echo(f"no runs recorded in {store_path(root)}")
        return
    with _open_store(root, must_exist=True) as store:
        summaries = store.list_runs()
    table = Table()
    for header in ("run", "date", "model", "grader", "samples", "status", "pass rate"):
        table.add_column(header)
    for summary in summaries:
        run = summary.run
        rate = summary.pass_rate
        table.add_row(
            run.id,
            run.created.replace("T", " ")[:19],
            run.model,
            run.grader or "-",
            f"{summary.samples}/{run.planned}",
            run.status,
            "n/a" if rate is None else f"{rate:.1%}",
        )
    _stdout().print(table)


@app.command("show-run")
@_one_line_errors
def show_run(
    run_id: Annotated[str, typer.Argument(help="A run id from `charter runs`.")],
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
) -> None:
    """Print a run's per-clause table and its samples."""
    root = _project_root(path)
    with _open_store(root, must_exist=True) as store:
        report = RunReport.load(store, run_id)
    console = _stdout()
    print_terminal(report, console)
    console.print(_samples_table(report))


def _samples_table(report: RunReport) -> Table:
    """Every sample of the run; a `carried` column names the run a carried sample came from."""
    table = Table(title="samples", title_justify="left", show_lines=False)
    carried = report.carried > 0
    headers = ["clause", "prompt", "epoch", "verdict", "grader", "reason", "reply"]
    for header in headers:
        table.add_column(header, overflow="fold")
    if carried:
        table.add_column("carried from run", no_wrap=True)
    for item in report.samples:
        sample = item.sample
        reply = (sample.reply or "").replace("\n", " ")
        origin = sample.carried_run or "-"
        table.add_row(
            sample.clause_id,
            str(sample.prompt_index),
            str(sample.epoch),
            sample.verdict or "ungraded",
            sample.grader or "-",
            (sample.rationale or sample.error or "")[:120],
            reply[:160] + ("…" if len(reply) > 160 else ""),
            *([origin] if carried else []),
        )
    return table
