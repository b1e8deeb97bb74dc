"""`charter test` on a terminal: the progress bar, the report on stdout or in a file, the exit
code of the failures and the gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from charter.errors import EXIT_CALLS_FAILED

if TYPE_CHECKING:
    from rich.console import Console

    from charter.report import RunReport
    from charter.session._events import RunEvent
    from charter.session._test import TestResult, TestRun

EXIT_INTERRUPTED = 130


def _err(line: str) -> None:
    sys.stderr.write(f"{line}\n")
    sys.stderr.flush()


def stdout_console() -> Console:
    """Standard output; wide enough for the tables when it is a file or a pipe."""
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=140)


def run_on_terminal(run: TestRun) -> TestResult:
    """Run it with a progress bar on a terminal's stderr; Ctrl-C cancels it cleanly."""
    from rich.console import Console

    from charter.session._bar import RunBar
    from charter.session._events import Notice

    console = Console(stderr=True)
    bar = RunBar(console) if console.is_terminal else None

    def show(event: RunEvent) -> None:
        if isinstance(event, Notice):
            _err(event.text)
        elif bar is not None:
            bar.show(event)

    try:
        return run.run(show, handle_signals=True)
    finally:
        if bar is not None:
            bar.stop()


def write_report(report: RunReport, report_format: str, output: Path | None) -> None:
    """The report in `report_format` (not `terminal`) on stdout, or in `output`."""
    from charter.report import write_report as write_to

    if report_format == "terminal":
        return
    if output is None:
        write_to(report, report_format, sys.stdout)
    else:
        with output.open("w", encoding="utf-8") as out:
            write_to(report, report_format, out)
        print(f"{report_format} report written to {output}")


def show_result(result: TestResult, report_format: str, output: Path | None) -> int:
    """Print the run's report, its failures and its gate; the exit code: 130 interrupted, 4 every
    sample failed, 1 the gate failed, else 0."""
    from charter.report import print_terminal

    if result.interrupted:
        _err(result.resume_hint())
        return EXIT_INTERRUPTED
    if report_format == "terminal" or output is not None:
        print_terminal(result.report, stdout_console())
        shown = (
            result.summary_line(),
            result.changed_line(),
            result.judge_free_line(),
            result.review_hint(),
        )
        print("\n".join(line for line in shown if line is not None))
    write_report(result.report, report_format, output)
    for line in result.failures.lines:
        _err(line)
    if result.failures.all_failed:
        failed = f"run {result.run_id}: every sample failed, nothing was graded"
        _err(f"{failed} (exit {EXIT_CALLS_FAILED})")
        return EXIT_CALLS_FAILED
    for line in result.gate.lines:
        print(line)
    return 0 if result.gate.passed else 1
