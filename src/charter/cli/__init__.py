"""The `charter` command line (typer)."""

from charter.cli._app import app, main

__all__ = ["app", "main"]
