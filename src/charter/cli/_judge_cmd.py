"""`charter precedent add|import-examples` and `charter calibrate`."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from charter._display import markup_safe, printable
from charter.cli._app import app
from charter.cli._errors import UsageError

# The stage modules (grade, precedent, run, spec) are imported inside the commands, so that
# start-up does not pay for them; typer only evaluates the parameter annotations.
if TYPE_CHECKING:
    from rich.console import Console

    from charter.grade import Calibration
    from charter.precedent import Precedent

F = TypeVar("F", bound=Callable[..., Any])

precedent_app = typer.Typer(
    help="Decided cases: adjudicate stored samples, import the spec's inline examples.",
    no_args_is_help=True,
)
app.add_typer(precedent_app, name="precedent")


def _one_line(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from charter.grade import JudgeSetupError
        from charter.model import ProviderConfigError
        from charter.run import StoreError

        try:
            return command(*args, **kwargs)
        except (StoreError, JudgeSetupError, ProviderConfigError) as error:
            raise UsageError(str(error)) from None

    return wrapper  # type: ignore[return-value]


def _root(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory (give the spec project folder)")
    return (path if path.is_dir() else path.parent).resolve()


@precedent_app.command("add")
@_one_line
def add(
    run_id: Annotated[str, typer.Argument(help="A run id from `charter runs`.")],
    sample_id: Annotated[int, typer.Argument(help="The sample's id (`charter show-run`).")],
    verdict: Annotated[str, typer.Option(help="comply, violate or not_applicable.")],
    why: Annotated[str, typer.Option("--why", help="The reason for the verdict.")],
    path: Annotated[
        Path, typer.Option("--project", "-p", "--path", help="The spec project folder.")
    ] = Path(),
    by: Annotated[str | None, typer.Option("--by", help="Who decided (default: $USER).")] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite the precedent that already decides the sample."),
    ] = False,
) -> None:
    """Adjudicate a stored sample: its conversation, reply and your verdict become a precedent."""
    import dataclasses
    from datetime import UTC, datetime

    from charter.precedent import (
        VERDICTS,
        Precedent,
        deciding,
        load_precedents,
        sample_source,
        slug,
        write_precedent,
    )
    from charter.run import RunStore, store_path

    if verdict not in VERDICTS:
        raise UsageError(f"--verdict `{verdict}`: give one of {', '.join(VERDICTS)}")
    if not why.strip():
        raise UsageError("--why is empty: say why the reply complies or violates")
    root = _root(path)
    db = store_path(root)
    if not db.is_file():
        raise UsageError(f"no runs recorded in {db} (run `charter test {root}` first)")
    store = RunStore(db, create=False)
    try:
        store.run(run_id)
        samples = {sample.id: sample for sample in store.samples(run_id)}
        plan = {(c.clause_id, c.prompt_index): c for c in store.plan(run_id)}
    finally:
        store.close()
    sample = samples.get(sample_id)
    if sample is None:
        known = ", ".join(str(key) for key in sorted(samples)[:10])
        raise UsageError(f"run {run_id} has no sample {sample_id} (its samples: {known}…)")
    if not (sample.reply or "").strip():
        raise UsageError(
            f"sample {sample_id} has no reply to decide on ({sample.error or 'empty'})"
        )
    challenge = plan[(sample.clause_id, sample.prompt_index)]
    import getpass

    precedent = Precedent(
        id=slug(f"{slug(sample.clause_id, 24)}-run-{run_id}-sample-{sample_id}", limit=80),
        verdict=verdict,
        reply=sample.reply or "",
        conversation=challenge.messages,
        clause_ids=challenge.clause_ids or (challenge.clause_id,),
        rationale=why.strip(),
        decided_by=by or getpass.getuser(),
        decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
        note=f"from run {run_id} sample {sample_id} (graded {sample.verdict or 'ungraded'})",
        source=sample_source(run_id, sample_id),
    )
    existing, _ = load_precedents(root)
    decided = deciding(existing, precedent)
    if decided and not replace:
        first = decided[0]
        raise UsageError(
            f"{first.path}: precedent `{first.id}` already decides this case (run {run_id} "
            f"sample {sample_id}, verdict {first.verdict}); pass --replace to overwrite it"
        )
    superseded = root / decided[0].path if decided and decided[0].path else None
    if superseded is not None:
        # keep the id others cite, and the checks written for the case
        precedent = dataclasses.replace(precedent, id=decided[0].id, checks=decided[0].checks)
    target = write_precedent(root, precedent, superseded)
    action = "replaced" if superseded is not None else "written to"
    typer.echo(f"precedent {action} {target.relative_to(root)}")
    for other in decided[1:]:
        typer.echo(f"note: {other.path} decides the same case too; delete one of them")


@precedent_app.command("import-examples")
@_one_line
def import_examples(
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
) -> None:
    """Turn the spec's inline GOOD/BAD/OK replies into precedent files (skips ones on disk)."""
    from charter.precedent import from_examples, load_precedents, write_precedent
    from charter.spec import load_project

    project = load_project(path)
    root = Path(project.spec.root)
    existing, _ = load_precedents(root)
    known = {precedent.case_key for precedent in existing}
    written = skipped = 0
    for precedent in from_examples(project.spec):
        if precedent.case_key in known:
            skipped += 1
            continue
        write_precedent(root, precedent)
        written += 1
    typer.echo(f"{written} precedents written to {root / 'precedents'}, {skipped} already there")


def _cases(path: Path, with_ok: bool) -> tuple[Any, list[Precedent], int]:
    """The project, the precedents on disk plus the inline examples not yet on disk."""
    from charter.precedent import OK_NOTE, VERDICTS, from_examples, load_precedents
    from charter.spec import load_project

    project = load_project(path)
    root = Path(project.spec.root)
    on_disk, errors = load_precedents(root)
    if errors:
        raise UsageError(f"{errors[0]} (run `charter check` for every precedent problem)")
    usable = [p for p in on_disk if p.verdict in VERDICTS and p.reply.strip() and p.conversation]
    known = {p.case_key for p in usable}
    inline = [p for p in from_examples(project.spec) if p.case_key not in known]
    cases = usable + inline
    if not with_ok:
        cases = [p for p in cases if p.note != OK_NOTE]
    return project, cases, len(inline)


def _select(cases: list[Precedent], select: list[str] | None, limit: int | None) -> list[Precedent]:
    if select:
        wanted = set(select)
        cases = [p for p in cases if wanted & {*p.clause_ids, p.section or "", p.id, p.pair or ""}]
    return cases[:limit] if limit is not None else cases


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _print_table(result: Calibration, console: Console) -> None:
    from rich.table import Table

    from charter.grade import is_reliable

    title = markup_safe(f"calibration of {result.grader} ({result.mode})")
    table = Table(title=title, title_justify="left")
    for header in ("clause", "n", "acc", "bal.acc", "TPR", "TNR", "kappa", "confusion"):
        table.add_column(header, overflow="fold")
    rows = [("overall", result.overall()), *result.per_clause().items()]
    for key, figures in rows:
        confusion = "  ".join(
            f"{expected}->" + ",".join(f"{got}:{n}" for got, n in sorted(row.items()))
            for expected, row in sorted(figures.confusion.items())
        )
        table.add_row(
            markup_safe(key),
            str(figures.n),
            _rate(figures.accuracy),
            _rate(figures.balanced_accuracy),
            _rate(figures.tpr),
            _rate(figures.tnr),
            _rate(figures.kappa),
            confusion,
        )
    console.print(table)
    pairs = result.pair_figures()
    if pairs["pairs"]:
        console.print(
            f"pairwise (GOOD vs BAD, both orders): {pairs['consistent']} of {pairs['pairs']} "
            f"pairs judged consistently, {pairs['correct_both_orders']} preferred GOOD in both "
            f"orders; {len(pairs['inconsistent'])} order-swap inconsistencies"
        )
    disagreements = result.disagreements()
    reliable = is_reliable(result.overall().kappa)
    console.print(f"{len(disagreements)} disagreements with precedents:")
    if disagreements and not reliable:
        console.print(
            "  (the judge is near chance: its disagreements are not saved as ambiguity flags)"
        )
    for item in disagreements[:20]:
        ids = ",".join(item.precedent.clause_ids) or f"#{item.precedent.section}"
        console.print(
            printable(
                f"  {item.precedent.id} [{ids}]: precedent {item.precedent.verdict}, judge "
                f"{item.predicted} - possible ambiguity of {ids}"
            ),
            markup=False,
        )
    if len(disagreements) > 20:
        console.print(f"  … and {len(disagreements) - 20} more (see --format json)")


@app.command("calibrate")
@_one_line
def calibrate_cmd(
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    grader: Annotated[
        list[str] | None, typer.Option("--grader", "-g", help="Judge PROVIDER:MODEL (repeatable).")
    ] = None,
    holdout: Annotated[
        bool,
        typer.Option(
            "--holdout/--no-holdout",
            help="Never show the judge the precedents about the case it is judging.",
        ),
    ] = True,
    limit: Annotated[int | None, typer.Option(help="Judge only the first N precedents.")] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", "-s", help="Clause ids, section ids or precedent ids."),
    ] = None,
    pairwise: Annotated[
        bool, typer.Option("--pairwise/--no-pairwise", help="Also judge GOOD vs BAD pairs.")
    ] = True,
    with_ok: Annotated[
        bool, typer.Option("--with-ok", help="Include the spec's OK replies (as comply).")
    ] = False,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for <grader>.json (default PROJECT/.charter/calibration)."
        ),
    ] = None,
) -> None:
    """Measure a judge against the precedents (and the spec's inline examples)."""
    import asyncio
    import json
    import time

    from rich.console import Console

    from charter.grade import (
        CALIBRATION_DIR,
        build_judge,
        figures_line,
        min_precedents,
        save_calibration,
    )

    if output_format not in ("table", "json"):
        raise UsageError("--format must be table or json")
    if not grader:
        raise UsageError("give the judge to calibrate: --grader PROVIDER:MODEL")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")
    project, every_case, imported = _cases(path, with_ok)
    cases = _select(every_case, select, limit)
    if not cases:
        raise UsageError(f"{path}: no precedents to calibrate on (check --select)")
    root = Path(project.spec.root)
    folder = out if out is not None else root / CALIBRATION_DIR
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    reports = []
    every = max(1, len(cases) // 20)

    def progress(done: int, total: int) -> None:
        if done % every == 0 or done == total:
            sys.stderr.write(f"judged {done}/{total}\n")
            sys.stderr.flush()

    fewest = min_precedents(project.config)
    for name in grader:
        judge = build_judge(name, project.spec, project.config, every_case)
        started = time.perf_counter()
        result = asyncio.run(_calibrate(judge, cases, holdout, pairwise, progress))
        result.seconds = time.perf_counter() - started
        result.select, result.limit = tuple(select or ()), limit
        result.min_precedents = fewest
        saved = save_calibration(result, folder, str(root))
        data = result.as_json()
        data["file"] = str(saved)
        data["imported_on_the_fly"] = imported
        reports.append(data)
        if output_format == "table":
            _print_table(result, console)
            typer.echo(figures_line(name, data, fewest))
            typer.echo(f"{len(cases)} precedents in {result.seconds:.0f} s; saved to {saved}")
            if result.selection is not None:
                typer.echo(
                    "a calibration of the selection only: the full calibration of the judge "
                    "is kept in its own file"
                )
    if output_format == "json":
        sys.stdout.write(json.dumps(reports if len(reports) > 1 else reports[0], indent=2) + "\n")


async def _calibrate(
    judge: Any, cases: list[Precedent], holdout: bool, pairwise: bool, progress: Any
) -> Calibration:
    from charter.grade import calibrate

    try:
        return await calibrate(judge, cases, holdout=holdout, pairwise=pairwise, progress=progress)
    finally:
        await judge.provider.aclose()
