"""A test run's progress as a rich bar on a terminal: rate, time remaining, cached and errors."""

from __future__ import annotations

from rich import progress as rp
from rich.console import Console

from charter.grade import Verdict
from charter.session._events import Done, Planned, RunEvent, SampleGraded


class RunBar:
    """Shows the events of a `TestRun` (give `show` as its listener); transient."""

    def __init__(self, console: Console) -> None:
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
            self.stop()

    def stop(self) -> None:
        self.bar.stop()
