"""`charter studio [PATH]`: the local web app to write, clarify and judge a spec."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter._exits import UsageError
from charter.cli._app import PathArg, app


@app.command()
def studio(
    path: PathArg = Path(),
    port: Annotated[int, typer.Option(help="The port (default: a free one).")] = 0,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Let --host be an address other than loopback.")
    ] = False,
) -> None:
    """Open the studio: the spec with its diagnostics, clarifying questions, the review queue,
    the runs and the conflicts, on a local web page reached with a secret token (printed)."""
    from charter.studio import StudioError, serve

    try:
        serve(path, host=host, port=port, allow_remote=allow_remote, announce=typer.echo)
    except StudioError as error:
        raise UsageError(str(error)) from None
