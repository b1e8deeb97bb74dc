"""The progress bar `charter train` shows on stderr: one task per phase (sampling, training)."""

from __future__ import annotations

import sys
from typing import Any


class PhaseBar:
    """A rich progress bar on stderr for the sampling and training phases."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[extra]}"),
            console=self.console,
            disable=not self.console.is_terminal,
        )
        self.task: Any = None

    def phase(self, name: str, total: int, done: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, visible=False)
        self.bar.start()
        self.task = self.bar.add_task(name, total=total, completed=done, extra="")
        if not self.console.is_terminal:
            sys.stderr.write(f"{name}: {done}/{total}\n")

    def advance(self, fields: dict[str, Any]) -> None:
        extra = " ".join(f"{key} {value}" for key, value in fields.items())
        self.bar.update(self.task, advance=1, extra=extra)

    def note(self, text: str) -> None:
        self.bar.console.print(text)

    def stop(self) -> None:
        self.bar.stop()
