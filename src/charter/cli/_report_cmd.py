"""`charter report RUN_ID`: a stored run's report rebuilt, or two runs compared."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from charter._exits import UsageError
from charter.cli._app import app


@app.command()
def report(
    run_id: Annotated[str, typer.Argument(help="A run id from `charter runs`.")],
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="html, json or junit.")
    ] = "html",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = (
        None
    ),
    force: Annotated[bool, typer.Option("--force", help="Let -o replace a project file.")] = False,
    compare: Annotated[
        str | None,
        typer.Option("--compare", help="Another run id: print both clause by clause instead."),
    ] = None,
    clause: Annotated[str | None, typer.Option(help="Only this clause's samples.")] = None,
) -> None:
    """Rebuild a stored run's report from the run store (html, json or junit), or compare it
    with another run clause by clause, with the 95% intervals."""
    from charter.report import RENDERERS, RunReport, compare_runs, comparison_table
    from charter.review import project_store
    from charter.run import StoreError

    if output_format not in RENDERERS:
        raise UsageError(f"--format must be one of {', '.join(RENDERERS)}, not `{output_format}`")
    try:
        _, store = project_store(path)
        with store:
            first = RunReport.load(store, run_id).only_clause(clause)
            second = RunReport.load(store, compare) if compare else None
    except StoreError as error:
        raise UsageError(str(error)) from None
    if second is not None:
        from rich.console import Console

        Console(highlight=False, width=140).print(comparison_table(compare_runs(first, second)))
        return
    text = RENDERERS[output_format](first)
    if output is None:
        sys.stdout.write(text)
        return
    from charter.cli._app import refuse_report_over_source
    from charter.spec import load_spec

    refuse_report_over_source(output, load_spec(path)[0], force)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"{output_format} report written to {output}")
