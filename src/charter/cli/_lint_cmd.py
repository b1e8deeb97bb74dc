"""`charter clarify`: questions from lint findings, answered in the terminal or from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli._app import PathArg, app, opt

# clarify, lint and spec are imported inside the function, so that start-up does not pay for
# them (lint compiles its phrase tables at import).


@app.command()
def clarify(
    path: PathArg = Path(),
    answers: Annotated[Path | None, opt("clarify.answers")] = None,
    limit: Annotated[
        int | None, typer.Option("--max", min=1, help="Ask at most this many questions.")
    ] = None,
    dry_run: Annotated[bool, opt("clarify.dry_run")] = False,
    date: Annotated[str | None, opt("clarify.date")] = None,
) -> None:
    """Turn lint findings into questions ranked by impact (authority, prompts that touch the
    clause) and uncertainty; write the answers back as edits of the flagged sentences plus a
    dated `## Clarifications` log at the end of the spec file."""
    from charter.clarify._session import clarify_in_terminal

    clarify_in_terminal(path, answers, limit, dry_run, date)
