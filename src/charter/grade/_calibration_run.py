"""`charter calibrate` as a library call: the cases a judge is measured on, the measuring, the
saved figures, and the table they print as."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from charter._display import markup_safe, printable
from charter.grade._calibrate import Calibration, Progress, calibrate, is_reliable
from charter.grade._calibrate import save as save_calibration
from charter.grade._setup import JudgeSetupError, build_judge, min_precedents
from charter.precedent import OK_NOTE, VERDICTS, Precedent, from_examples, load_precedents
from charter.spec import Project

SHOWN_DISAGREEMENTS = 20


@dataclass(slots=True)
class CalibrationCases:
    """The precedents a judge is measured on."""

    every: list[Precedent]
    """The usable precedents on disk plus the inline examples not yet on disk."""
    imported: int
    """How many of them are inline examples read on the fly."""

    def chosen(self, select: Sequence[str] = (), limit: int | None = None) -> list[Precedent]:
        """The cases naming one of `select` (clause, section, precedent or pair ids), at most
        `limit` of them."""
        cases = self.every
        if select:
            wanted = set(select)
            cases = [
                p for p in cases if wanted & {*p.clause_ids, p.section or "", p.id, p.pair or ""}
            ]
        return cases[:limit] if limit is not None else cases


def calibration_cases(project: Project, *, with_ok: bool = False) -> CalibrationCases:
    """The precedents on disk (a broken file stops it) plus the inline examples not yet on
    disk; the spec's OK replies only `with_ok`."""
    root = Path(project.spec.root)
    on_disk, errors = load_precedents(root)
    if errors:
        raise JudgeSetupError(f"{errors[0]} (run `charter check` for every precedent problem)")
    usable = [p for p in on_disk if p.verdict in VERDICTS and p.reply.strip() and p.conversation]
    known = {p.case_key for p in usable}
    inline = [p for p in from_examples(project.spec) if p.case_key not in known]
    cases = usable + inline
    if not with_ok:
        cases = [p for p in cases if p.note != OK_NOTE]
    return CalibrationCases(cases, len(inline))


def measure_judge(
    project: Project,
    grader: str,
    found: CalibrationCases,
    cases: list[Precedent],
    folder: Path,
    *,
    holdout: bool = True,
    pairwise: bool = True,
    select: Sequence[str] = (),
    limit: int | None = None,
    progress: Progress | None = None,
) -> tuple[Calibration, dict[str, Any]]:
    """Judge `cases` with `grader`, save the figures in `folder`; the result and its JSON (with
    the file it was saved to)."""
    judge = build_judge(grader, project.spec, project.config, found.every)

    async def measure() -> Calibration:
        try:
            return await calibrate(
                judge, cases, holdout=holdout, pairwise=pairwise, progress=progress
            )
        finally:
            await judge.provider.aclose()

    started = time.perf_counter()
    result = asyncio.run(measure())
    result.seconds = time.perf_counter() - started
    result.select, result.limit = tuple(select), limit
    result.min_precedents = min_precedents(project.config)
    saved = save_calibration(result, folder, str(project.spec.root))
    data = result.as_json()
    data["file"] = str(saved)
    data["imported_on_the_fly"] = found.imported
    return result, data


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_calibration(result: Calibration, console: Console) -> None:
    """The figures overall and per clause, the pairwise figures, the disagreements."""
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
        rates = (figures.accuracy, figures.balanced_accuracy, figures.tpr, figures.tnr)
        table.add_row(
            markup_safe(key),
            str(figures.n),
            *(_rate(rate) for rate in rates),
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
    console.print(f"{len(disagreements)} disagreements with precedents:")
    if disagreements and not is_reliable(result.overall().kappa):
        console.print(
            "  (the judge is near chance: its disagreements are not saved as ambiguity flags)"
        )
    for item in disagreements[:SHOWN_DISAGREEMENTS]:
        ids = ",".join(item.precedent.clause_ids) or f"#{item.precedent.section}"
        console.print(
            printable(
                f"  {item.precedent.id} [{ids}]: precedent {item.precedent.verdict}, judge "
                f"{item.predicted} - possible ambiguity of {ids}"
            ),
            markup=False,
        )
    if len(disagreements) > SHOWN_DISAGREEMENTS:
        console.print(
            f"  … and {len(disagreements) - SHOWN_DISAGREEMENTS} more (see --format json)"
        )


def calibration_progress(total: int) -> Progress:
    """`judged N/TOTAL` on stderr, about twenty times in a calibration."""
    import sys

    every = max(1, total // 20)

    def progress(done: int, total: int) -> None:
        if done % every == 0 or done == total:
            sys.stderr.write(f"judged {done}/{total}\n")
            sys.stderr.flush()

    return progress


def calibration_lines(
    grader: str, result: Calibration, data: dict[str, Any], cases: int
) -> list[str]:
    """Under the table: the judge's figures line, the time and file, and whether this is a
    calibration of a selection only."""
    from charter.grade._calibrate import figures_line

    lines = [
        figures_line(grader, data, result.min_precedents),
        f"{cases} precedents in {result.seconds:.0f} s; saved to {data['file']}",
    ]
    if result.selection is not None:
        lines.append(
            "a calibration of the selection only: the full calibration of the judge is kept in "
            "its own file"
        )
    return lines


def calibrate_judges(
    project: Project,
    graders: Sequence[str],
    found: CalibrationCases,
    cases: list[Precedent],
    folder: Path,
    *,
    holdout: bool,
    pairwise: bool,
    select: Sequence[str],
    limit: int | None,
    output_format: str,
) -> None:
    """Measure each judge of `graders` on `cases`: its table and figures (`table`), or the
    figures of every judge as JSON on stdout (`json`)."""
    import json
    import sys

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    progress = calibration_progress(len(cases))
    reports = []
    for name in graders:
        result, data = measure_judge(
            project, name, found, cases, folder, holdout=holdout, pairwise=pairwise,
            select=select, limit=limit, progress=progress,
        )  # fmt: skip
        reports.append(data)
        if output_format == "table":
            print_calibration(result, console)
            print("\n".join(calibration_lines(name, result, data, len(cases))))
    if output_format == "json":
        sys.stdout.write(json.dumps(reports if len(reports) > 1 else reports[0], indent=2) + "\n")
