"""A test run from start to end: settings, plan, judges, store, engine, report and gate.

`TestRun(path, TestOptions(...))` loads the project and plans the run (nothing is sent yet);
`estimate()` prices it; `run(listener)` or `events()` runs it, with `cancel()` to stop it
cleanly (the samples stored so far are kept, and `TestOptions(resume=run_id)` finishes it).
A run may test several models: each gets every challenge, and the report compares them.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from charter.grade import (
    ChecksGrader,
    GradingPolicy,
    Panel,
    SpecJudge,
    Verdict,
    choose_judge,
    close_grader,
    provider_for,
)
from charter.grade import judge_figures as figures_of
from charter.model import GenerateConfig
from charter.report import Gate, GateResult, RunReport, evaluate
from charter.run import (
    Backoff,
    BatchExecutor,
    Budget,
    Challenge,
    ChangedSince,
    Engine,
    Executor,
    Failures,
    ProcessExecutor,
    RayExecutor,
    RunOptions,
    RunOutcome,
    RunStore,
    Selection,
    SettingsError,
    TestSettings,
    base_run,
    batches_of,
    carry,
    changed_settings,
    changed_since,
    estimate,
    failures,
    only_affected,
    open_store,
    plan,
    project_prices,
    require_batch_api,
    resolve,
    resumed_settings,
    stored_settings,
    with_system_prompt,
    worker_count,
)
from charter.run import changed_summary as changed_line
from charter.session._events import Done, EventProgress, Listener, Notice, RunEvent
from charter.spec import Project, ProjectConfig, load_project

CHECKS_GRADER = ChecksGrader.name
DECIDED_VERDICTS = frozenset((Verdict.COMPLY.value, Verdict.VIOLATE.value))

if TYPE_CHECKING:
    from charter.config import RunTable


def _setup_errors() -> tuple[type[Exception], ...]:
    from charter.build import BuildError
    from charter.grade import CheckFormatError, JudgeSetupError
    from charter.model import ProviderConfigError
    from charter.run import ExecutorUnavailable, PlanError, PriceTableError, StoreError
    from charter.train import TrainError

    return (
        StoreError,
        PlanError,
        SettingsError,
        ProviderConfigError,
        PriceTableError,
        CheckFormatError,
        JudgeSetupError,
        BuildError,
        TrainError,
        ExecutorUnavailable,
    )


SETUP_ERRORS = _setup_errors()
"""What a `TestRun` raises for unusable input (a setting, the plan, the store, a provider's or
a judge's set-up, a price table, a prompt file's checks, the system prompt): one line each."""


@dataclass(slots=True)
class TestOptions:
    """What to test and how; None leaves a setting to charter.toml `[test]`, then the default
    (the fields match `charter test`'s options)."""

    __test__: ClassVar[bool] = False

    model: str | list[str] | None = None
    """The model under test, PROVIDER:MODEL, or several: one run tests each of them."""
    grader: list[str] | None = None
    """Judge models; several vote as a panel."""
    allow_self_judge: bool | None = None
    select: list[str] | None = None
    """Clause ids, section ids or tags."""
    authority: list[str] | None = None
    examples: bool | None = None
    epochs: int | None = None
    concurrency: int | None = None
    timeout: float | None = None
    max_retries: int | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    cache: bool | None = None
    system: str | None = None
    """`compiled`, `none` or a prompt file."""
    fail_under: float | None = None
    fail_under_authority: list[str] | None = None
    """AUTHORITY=RATE entries."""
    max_review: str | None = None
    """A count (`5`) or a share (`0.1`, `10%`)."""
    resume: str | None = None
    """Finish this interrupted run with its own settings."""
    keep_errors: bool = False
    """With `resume`: keep the failed samples as they are instead of trying them again."""
    baseline: str | None = None
    precedents: bool = False
    """Replay every precedent's conversation instead of the prompt files."""
    split: str | None = None
    """Only the `train` or `eval` prompts."""
    changed_since: str | None = None
    """Re-run only the clauses changed since this git revision; carry the rest forward."""
    executor: str | None = None
    """`local` (the default) or `ray`: where the model calls run (docs/scale.md)."""
    address: str | None = None
    """With `executor="ray"`: the cluster to join; None starts one in this process."""
    workers: str | int | None = None
    """Local worker processes for the model calls (a number, or `auto`: one per core); None
    or 1: this process alone."""
    output: Path | None = None
    """Where the report will be written: refused before anything runs if it is a file of the
    spec project (a spec, prompt or settings file), unless `force`."""
    force: bool = False

    def flags(self) -> dict[str, Any]:
        """The settings `resolve` merges over `[test]` (None: not given)."""
        return {name: getattr(self, name) for name in _SETTINGS}


_SETTINGS = tuple(
    n for n in TestSettings.__dataclass_fields__ if n in TestOptions.__dataclass_fields__
)
"""The options that are `[test]` settings too; the others say what to run (resume, baseline...)."""


@dataclass(slots=True)
class DryRun:
    """What a run would send, and what it would cost at most, model by model."""

    budgets: dict[str, Budget]
    """Each model's calls and cost, the first model first."""
    graders: list[str]
    changed: ChangedSince | None = None

    @property
    def model(self) -> str:
        return next(iter(self.budgets))

    @property
    def budget(self) -> Budget:
        """The first model's budget."""
        return self.budgets[self.model]

    def lines(self) -> list[str]:
        """The calls one per line, then the totals of each model, then of all."""
        shown = []
        if self.changed is not None:
            shown.append(
                f"changed since {self.changed.revision}: {len(self.budget.calls)} challenges of "
                "changed clauses; the others are carried from the last complete run when it "
                "has them, else run too"
            )
        for call in self.budget.calls:
            item = call.challenge
            shown.append(
                f"{item.clause_id}  prompt {item.prompt_index}  epoch {call.epoch}  "
                f"~{call.input_tokens} in / <= {call.output_tokens} out  ({item.location})"
            )
        for model, budget in self.budgets.items():
            shown.extend(_budget_lines(model, budget))
        calls = sum(len(budget.calls) for budget in self.budgets.values())
        if len(self.budgets) > 1:
            costs = [budget.cost for budget in self.budgets.values()]
            known = [cost for cost in costs if cost is not None]
            total = f"at most ${sum(known):.4f}" if len(known) == len(costs) else "unknown"
            shown.append(f"{calls} calls to {len(self.budgets)} models in all; cost: {total}")
        shown.extend(f"plus up to {calls} judge calls to {g}" for g in self.graders)
        return shown


def _budget_lines(model: str, budget: Budget) -> list[str]:
    """One model's calls, tokens and cost."""
    label = "counted with" if budget.exact else "an"
    shown = [
        f"{len(budget.calls)} calls to {model}: {budget.input_tokens} input tokens "
        f"({label} {budget.method}), at most {budget.output_tokens} output tokens"
    ]
    if budget.cost is None:
        shown.append(
            f"cost: unknown, {model} has no entry in the price table (add one to [prices])"
        )
    else:
        shown.append(f"cost: at most ${budget.cost:.4f} (price table; check current prices)")
    if budget.batch and budget.discount is not None:
        shown.append(
            f"batch endpoint: {budget.discount:.0%} of the ordinary price (the price table's "
            "`batch`), counted in the cost above"
        )
    elif budget.batch and budget.cost is not None:
        shown.append(
            f"batch endpoint: the price table has no `batch` share for {model}; the "
            "cost above is the ordinary price"
        )
    return shown


@dataclass(slots=True)
class TestResult:
    """A finished (or interrupted) run: its outcome, its report and the gate's verdict."""

    __test__: ClassVar[bool] = False

    root: Path
    outcome: RunOutcome
    report: RunReport
    gate: GateResult
    failures: Failures
    has_judge: bool
    changed: ChangedSince | None = None
    outcomes: dict[str, RunOutcome] | None = None
    """Each model's own outcome, for a run of several models."""

    @property
    def run_id(self) -> str:
        return self.outcome.run_id

    @property
    def interrupted(self) -> bool:
        return self.outcome.status == "interrupted"

    @property
    def passed(self) -> bool:
        """The run finished, something was graded, and the gate (if any) passed."""
        return not self.interrupted and not self.failures.all_failed and self.gate.passed

    def summary_line(self) -> str:
        """New, cached, and the errors and retries of this invocation by role; for several
        models, then a line for each (`model_lines`)."""
        outcome = self.outcome

        def by_role(counts: dict[str, int]) -> str:
            return ", ".join(f"{counts[role]} {role}" for role in counts)

        line = (
            f"run {outcome.run_id}: {outcome.new} new, {outcome.cached} cached, "
            f"{outcome.errors} errors ({by_role(outcome.errors_by_role)}), "
            f"{outcome.retries} retries ({by_role(outcome.retries_by_role)}), "
            f"{outcome.slowdowns} rate-limit slow-downs"
        )
        if outcome.retried_errors:
            line += f"; {outcome.retried_errors} earlier failures tried again"
        return "\n".join([line, *self.model_lines()])

    def model_lines(self) -> list[str]:
        """With several models: one line for each, its samples and its pass rate."""
        if not self.outcomes or len(self.outcomes) < 2:
            return []
        reports = self.report.per_model()
        shown = []
        for model, outcome in self.outcomes.items():
            total = reports[model].total
            rate = "n/a" if total.pass_rate is None else f"{total.pass_rate:.1%}"
            shown.append(
                f"  {model}: {outcome.new} new, {outcome.cached} cached, {outcome.errors} "
                f"errors; pass rate {rate} ({total.passed}/{total.n} graded, "
                f"{total.needs_review} need review)"
            )
        return shown

    def changed_line(self) -> str | None:
        """With `changed_since`: the clauses re-run and the samples carried forward."""
        if self.changed is None:
            return None
        samples = [item.sample for item in self.report.samples]
        return changed_line(self.changed, samples, self.report.carried)

    def judge_free_line(self) -> str | None:
        """How many replies the checks alone decided (comply or violate, no judge asked)."""
        replies = decided = 0
        for item in self.report.samples:  # streamed from the store: counted, not kept
            sample = item.sample
            if sample.reply is None:
                continue
            replies += 1
            decided += sample.grader == CHECKS_GRADER and sample.verdict in DECIDED_VERDICTS
        if not replies:
            return None
        return f"graded without a judge: {decided} of {replies} replies"

    def review_hint(self) -> str | None:
        """What to do about replies that no check or reliable judge could grade."""
        waiting = self.report.total.needs_review
        if not waiting:
            return None
        replies = "reply needs" if waiting == 1 else "replies need"
        how = [
            f"read them with `charter show-run {self.run_id} {self.root}`",
            f"decide each with `charter precedent add {self.run_id} SAMPLE_ID --project "
            f'{self.root} --verdict comply|violate --why "..."`',
        ]
        if not self.has_judge:
            how.append("or grade them with a judge: --grader PROVIDER:MODEL")
        return f"{waiting} {replies} review: " + "; ".join(how) + "."

    def resume_hint(self) -> str:
        return (
            f"interrupted: run {self.run_id} has {self.outcome.stored} of "
            f"{self.outcome.planned} samples stored; resume with: charter test {self.root} "
            f"--resume {self.run_id}"
        )


class TestRun:
    """One `charter test`: planned on construction, run by `run()` or `events()`."""

    __test__: ClassVar[bool] = False

    def __init__(self, path: Path | str, options: TestOptions | None = None) -> None:
        self.options = options = options or TestOptions()
        _check_combination(options)
        self.project: Project = load_project(Path(path))
        self.executor = executor_for(
            options.executor, options.address, self.project.config, options.workers
        )
        self.root = Path(self.project.spec.root)
        if options.output is not None and not options.force:
            from charter._paths import report_target_problem

            refused = report_target_problem(options.output, self.project.spec)
            if refused is not None:
                raise SettingsError(refused)
        raw_test = self.project.config.raw.get("test", {})
        if not isinstance(raw_test, dict):
            raise SettingsError("charter.toml [test] must be a table")
        settings = resolve(raw_test, options.flags())
        if options.resume is not None:
            with contextlib.closing(open_store(self.root, must_exist=True)) as store:
                record = store.run(options.resume)
                self.executor = _resumed_executor(
                    store, options, self.executor, self.project.config
                )
            settings = resumed_settings(record.models, record.settings, settings)
        if not settings.model:
            raise SettingsError("no model to test: give --model PROVIDER:MODEL or [test] model")
        self.settings: TestSettings = settings
        self.models: list[str] = list(settings.model)
        self.model: str = self.models[0]
        if isinstance(self.executor, BatchExecutor):
            for model in self.models:
                require_batch_api(model)
        if options.changed_since is not None and len(self.models) > 1:
            raise SettingsError(
                "--changed-since carries one model's earlier samples forward; with several "
                "--model, run it once per model"
            )
        self.system_prompt_sha: str | None = None
        self.challenges: list[Challenge] = self._challenges(Path(path))
        self.changed: ChangedSince | None = None
        if options.changed_since is not None:
            self.changed = changed_since(self.root, self.project.spec, options.changed_since)
        self.result: TestResult | None = None
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cancelled = False

    def _challenges(self, path: Path) -> list[Challenge]:
        options, settings = self.options, self.settings
        if options.resume is not None:
            with contextlib.closing(open_store(self.root, must_exist=True)) as store:
                return store.plan(options.resume)
        if options.precedents:
            from charter.run import replay_challenges

            challenges = replay_challenges(self.project.spec)
        else:
            selection = Selection(settings.select, settings.authority, settings.examples)
            challenges = plan(self.project.spec, selection)
            if options.split is not None:
                from charter.train import only_split

                challenges = only_split(self.project, challenges, options.split)
            if not challenges:
                from charter.run import PlanError

                raise PlanError(
                    f"{path}: no challenge prompts for the selected clauses (add "
                    "examples/<id>.md prompt files, or use --examples to run the spec's inline "
                    "examples)"
                )
        from charter.build import system_prompt_for_test

        system_prompt = system_prompt_for_test(self.project, settings.system)
        settings.system = system_prompt.mode
        self.system_prompt_sha = system_prompt.sha256
        return with_system_prompt(challenges, system_prompt.text)

    def estimate(self, prices_file: Path | None = None) -> DryRun:
        """The calls the run would make (with `changed_since`, only the changed clauses'), their
        tokens and their cost at most; nothing is sent."""
        challenges = self.challenges
        if self.changed is not None:
            challenges = only_affected(challenges, self.changed)
        prices = project_prices(self.project.config, prices_file)
        budgets = {
            model: estimate(
                challenges,
                epochs=self.settings.epochs,
                model=model,
                max_tokens=self.settings.max_tokens,
                prices=prices,
                batch=isinstance(self.executor, BatchExecutor),
            )
            for model in self.models
        }
        return DryRun(budgets, list(self.settings.grader), self.changed)

    def cancel(self) -> None:
        """Stop the run cleanly from any thread: the calls in flight are dropped, the samples
        stored so far are kept, and the run is left `interrupted` (resume it by its id)."""
        self._cancelled = True
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            loop.call_soon_threadsafe(stop.set)

    def run(self, listener: Listener | None = None, *, handle_signals: bool = False) -> TestResult:
        """Run every pending sample, grade it, and report; `listener` gets each event as it
        happens. `handle_signals`: Ctrl-C and SIGTERM cancel the run (main thread only)."""
        tell: Listener = listener or (lambda event: None)
        settings, options, config = self.settings, self.options, self.project.config
        gate = Gate(
            settings.fail_under, settings.fail_under_authority, max_review=settings.max_review
        )
        providers = [provider_for(model, config) for model in self.models]
        specs = distinct_specs(self.models, [provider.spec for provider in providers])
        provider = providers[0]
        judge = choose_judge(
            self.project,
            settings.grader,
            specs,
            allow_self_judge=settings.allow_self_judge,
            judge_template=settings.judge_template,
        )
        unreliable = None
        if isinstance(judge, SpecJudge | Panel):
            ids = {cid for c in self.challenges for cid in (c.clause_ids or (c.clause_id,))}
            figures = figures_of(self.project, list(settings.grader), ids)
            for line in figures.lines:
                tell(Notice(line))
            unreliable = figures.unreliable
        grader_name = judge.name if judge else None
        with contextlib.closing(
            open_store(self.root, must_exist=options.resume is not None)
        ) as store:
            if options.baseline is not None:
                gate.baseline = RunReport.load(store, options.baseline)
            stored = stored_settings(settings)
            if self.system_prompt_sha is not None:
                stored["system_prompt"] = self.system_prompt_sha
            if self.changed is not None:
                base_run(store, self.changed, provider.spec, grader_name)
                for note in self.changed.notes:
                    tell(Notice(note))
                stored.update(changed_settings(self.changed))
            run_id = options.resume or store.create_run(
                project=str(self.root),
                model=provider.spec,
                grader=grader_name,
                settings=stored,
                plan=self.challenges,
                epochs=settings.epochs,
                models=specs,
            )
            progress = EventProgress.for_models(run_id, tell, specs)
            engines = [
                Engine(
                    store,
                    run_id,
                    each,
                    GradingPolicy(judge, unreliable),
                    self._run_options(first=index == 0),
                    progress[index],
                    self.executor,
                )
                for index, each in enumerate(providers)
            ]
            if self.changed is not None:
                carry(
                    store,
                    run_id,
                    self.changed,
                    self.challenges,
                    epochs=settings.epochs,
                    parameters=engines[0].params,
                )
            outcomes = asyncio.run(self._drive(engines, handle_signals))
            outcome = combined(run_id, list(outcomes.values()))
            if len(engines) > 1:
                store.set_status(run_id, outcome.status)
            report = RunReport.load(store, run_id)
        found = failures(item.sample for item in report.samples)
        self.result = TestResult(
            self.root,
            outcome,
            report,
            evaluate(report, gate),
            found,
            judge is not None,
            self.changed,
            outcomes,
        )
        tell(Done(outcome))
        return self.result

    def events(self) -> Iterator[RunEvent]:
        """Run in a worker thread and yield its events as they happen, ending with `Done`;
        `result` is then set. A failure of the run is raised here."""
        found: queue.Queue[RunEvent | BaseException | None] = queue.Queue()

        def work() -> None:
            try:
                self.run(found.put)
            except BaseException as error:  # handed to the consumer, raised there
                found.put(error)
            finally:
                found.put(None)

        worker = threading.Thread(target=work, name="charter-test-run", daemon=True)
        worker.start()
        try:
            while (item := found.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            if worker.is_alive():
                self.cancel()
            worker.join()

    def _run_options(self, *, first: bool = True) -> RunOptions:
        """How each model's engine runs; only the first forgets the run's failed samples (for
        every model) before the engines start, so none forgets another's new ones."""
        settings = self.settings
        return RunOptions(
            config=GenerateConfig(
                temperature=settings.temperature,
                max_tokens=settings.max_tokens,
                seed=settings.seed,
                timeout=settings.timeout,
            ),
            epochs=settings.epochs,
            concurrency=settings.concurrency,
            max_retries=settings.max_retries,
            backoff=Backoff(),
            use_cache=settings.cache,
            retry_errors=first and self.options.resume is not None and not self.options.keep_errors,
        )

    async def _drive(self, engines: list[Engine], handle_signals: bool) -> dict[str, RunOutcome]:
        """Run every model's engine at once (each with its own limiter) until all are done or
        the run is stopped; each model's outcome by its name."""
        self._stop = stop = asyncio.Event()
        self._loop = loop = asyncio.get_running_loop()
        if self._cancelled:
            stop.set()
        handled = []
        for signum in (signal.SIGINT, signal.SIGTERM) if handle_signals else ():
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
                handled.append(signum)
        try:
            found = await asyncio.gather(*(engine.run(stop) for engine in engines))
            return {
                engine.provider.spec: outcome
                for engine, outcome in zip(engines, found, strict=True)
            }
        finally:
            self._loop = None
            for signum in handled:
                loop.remove_signal_handler(signum)
            for engine in engines:
                await engine.provider.aclose()
            await close_grader(engines[0].policy.judge)


def distinct_specs(given: Sequence[str], specs: Sequence[str]) -> list[str]:
    """The providers' names for the models `given`, refused when two name the same model."""
    for index, spec in enumerate(specs):
        if spec in specs[:index]:
            raise SettingsError(
                f"--model `{given[specs.index(spec)]}` and `{given[index]}` are the same model "
                f"({spec}); a run tests each model once: drop one"
            )
    return list(specs)


def combined(run_id: str, outcomes: list[RunOutcome]) -> RunOutcome:
    """The outcome of a run of several models: their sums, interrupted if any model was (the
    one model's own outcome for a run of one)."""
    if len(outcomes) == 1:
        return outcomes[0]
    total = RunOutcome(run_id, "complete", 0, 0)
    for outcome in outcomes:
        if outcome.status != "complete":
            total.status = outcome.status
        for name in ("planned", "stored", "new", "cached", "errors", "retries", "slowdowns"):
            setattr(total, name, getattr(total, name) + getattr(outcome, name))
        for role, count in outcome.errors_by_role.items():
            total.errors_by_role[role] = total.errors_by_role.get(role, 0) + count
        for role, count in outcome.retries_by_role.items():
            total.retries_by_role[role] = total.retries_by_role.get(role, 0) + count
        total.retried_errors += outcome.retried_errors
        total.peak_in_flight = max(total.peak_in_flight, outcome.peak_in_flight)
    return total


EXECUTORS = ("local", "ray", "batch")


def executor_for(
    name: str | None,
    address: str | None,
    config: ProjectConfig | None = None,
    workers: str | int | None = None,
) -> Executor | None:
    """The executor `--executor NAME [--address A] [--workers N]` (else charter.toml `[run]
    executor`) asks for (None: the local one in this process), checked before anything is
    sent: an unknown name, an address without Ray, workers with another executor than the
    local one, Ray not installed, a `[run]` value of the wrong type."""
    table = run_table(config)
    name = name or table.executor
    count = worker_count(workers)
    if workers is not None and name not in (None, "local"):
        raise SettingsError(
            f"--workers sets the local executor's processes: drop it, or --executor {name}"
        )
    if name is None or name == "local" or name == "batch":
        if address is not None:
            raise SettingsError("--address names a Ray cluster: give --executor ray with it")
        if count > 1:
            return ProcessExecutor(workers=count)
        if name == "batch":
            return BatchExecutor(
                poll_seconds=table.poll_seconds,
                max_poll_seconds=table.max_poll_seconds,
                cancel_on_interrupt=table.cancel_on_interrupt,
            )
        return None
    if name == "ray":
        from charter.run import probe, require_ray

        require_ray()
        if address is not None:
            probe(address)
        return RayExecutor(address=address)
    raise SettingsError(f"--executor must be one of {', '.join(EXECUTORS)}, not `{name}`")


def _resumed_executor(
    store: RunStore, options: TestOptions, executor: Executor | None, config: ProjectConfig
) -> Executor | None:
    """A run with a batch still open resumes on the batch executor, which re-attaches to it:
    named none, it is chosen; another one named is refused (it would pay for the batch again)."""
    assert options.resume is not None
    still_open = [batch for batch, status in batches_of(store, options.resume) if status == "open"]
    if not still_open or isinstance(executor, BatchExecutor):
        return executor
    if options.executor is None:
        return executor_for("batch", None, config)
    raise SettingsError(
        f"run {options.resume} has batch {still_open[0]} still open at the provider; resume "
        "it with --executor batch (or without --executor), which collects it instead of "
        "sending its requests again"
    )


def run_table(config: ProjectConfig | None) -> RunTable:
    """charter.toml `[run]`, its values checked (a wrong type is one error at its line)."""
    from charter.config import RunTable, config_problems

    raw = config.raw.get("run", {}) if config is not None else {}
    if not isinstance(raw, dict):
        raise SettingsError("charter.toml [run] must be a table")
    where = config.config_file if config is not None else None
    text = where.read_text(encoding="utf-8") if where is not None else ""
    problems = config_problems({"run": raw}, text, where.name if where else "charter.toml")
    if problems:
        first = problems[0]
        raise SettingsError(f"{first.file}:{first.line}: {first.message} ({first.hint})")
    return RunTable.model_validate(raw)


def _check_combination(options: TestOptions) -> None:
    """`changed_since` plans a new run of the spec's prompts: not a resume, not precedents."""
    if options.changed_since is None:
        return
    if options.resume is not None:
        raise SettingsError(
            "--changed-since cannot be used with --resume (a resumed run keeps its own plan); "
            "drop one of them"
        )
    if options.precedents:
        raise SettingsError(
            "--changed-since cannot be used with --precedents (precedents are not spec "
            "clauses a diff can select); drop one of them"
        )
