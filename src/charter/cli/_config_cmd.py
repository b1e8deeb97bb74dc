"""`charter config`: the effective settings of a project and where each comes from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.cli._app import PathArg, app


@app.command("config")
def config_command(
    path: PathArg = Path(),
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text (one line per setting) or json.")
    ] = "text",
) -> None:
    """Print every setting of charter.toml's tables with its effective value and its source:
    `default` or `charter.toml:LINE`. Secrets are masked. docs/config.md lists the settings."""
    from charter.config import effective_settings, render_settings

    typer.echo(render_settings(effective_settings(path), output_format))
