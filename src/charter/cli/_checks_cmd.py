"""`charter checks` (the catalogue of check kinds) and `charter checks suggest PATH`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter._exits import UsageError
from charter.cli._app import app

checks_app = typer.Typer(help="The check kinds prompt files can use (docs/checks.md).")
app.add_typer(checks_app, name="checks")


@checks_app.callback(invoke_without_command=True)
def checks(
    context: typer.Context,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text, json, or markdown (the docs page).")
    ] = "text",
) -> None:
    """List every check kind: code, name and what it decides."""
    if context.invoked_subcommand is not None:
        return
    from charter.checks import _docs

    pages = {
        "text": _docs.checks_text,
        "json": _docs.checks_json,
        "markdown": _docs.checks_markdown,
    }
    if output_format not in pages:
        raise UsageError(f"--format must be text, json or markdown, not `{output_format}`")
    typer.echo(pages[output_format](), nl=output_format != "markdown")


@checks_app.command("suggest")
def suggest(
    path: Annotated[Path, typer.Argument(help="The spec project folder.")] = Path(),
    write: Annotated[bool, typer.Option("--write", help="Add them to the prompt files.")] = False,
) -> None:
    """Propose checks for clauses whose wording a detector covers."""
    from charter.checks._suggest import suggest as proposals
    from charter.checks._suggest import write_suggestions
    from charter.spec import load_spec

    spec, _ = load_spec(path)
    found = proposals(spec)
    for item in found:
        typer.echo(str(item))
    if write:
        try:
            written = write_suggestions(Path(spec.root), found)
        except ValueError as error:
            raise UsageError(str(error)) from None
        typer.echo(f"wrote {len(written)} prompt files: {', '.join(written) or 'none'}")
    elif found:
        typer.echo(f"{len(found)} suggestions; --write adds them to the prompt files")
    else:
        typer.echo("no suggestions")
