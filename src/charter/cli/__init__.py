"""The `charter` command line (typer)."""

from charter.cli import _test_cmd  # noqa: F401  (registers test, runs, show-run)
from charter.cli._app import app, main

__all__ = ["app", "main"]
