"""`charter review RUN_ID`: decide the replies that need review, one at a time or one by id."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter._exits import UsageError
from charter.cli._app import app


@app.command()
def review(
    run_id: Annotated[str, typer.Argument(help="A run id from `charter runs`.")],
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    sample: Annotated[
        int | None, typer.Option("--sample", help="Decide this sample only (no prompts).")
    ] = None,
    verdict: Annotated[
        str | None, typer.Option(help="With --sample: comply, violate or not_applicable.")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="With --sample: why.")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a precedent that decides the case.")
    ] = False,
) -> None:
    """Decide the replies of a run that no check or judge could grade. Each verdict is applied
    to the run's grades at once (its pass rates change) and written as a precedent."""
    from rich.console import Console
    from rich.prompt import Prompt

    from charter.review import (
        ReviewError,
        adjudicate,
        outcome_line,
        project_store,
        review_interactively,
    )
    from charter.run import StoreError

    console = Console(highlight=False)
    try:
        root, store = project_store(path)
        with store:
            store.run(run_id)
            if sample is None:
                review_interactively(
                    console, root, store, run_id, lambda text: Prompt.ask(text, console=console)
                )
                return
            if verdict is None or reason is None:
                raise UsageError("--sample needs --verdict and --reason")
            done = adjudicate(root, store, run_id, sample, verdict, reason, replace=replace)
    except (ReviewError, StoreError) as error:
        raise UsageError(str(error)) from None
    typer.echo(outcome_line(done))
