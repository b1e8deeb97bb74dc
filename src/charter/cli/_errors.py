"""Turn every expected failure into one clear line and an exit code, never a traceback."""

from __future__ import annotations

import sys
from typing import Any

import click

from charter._display import printable
from charter.spec import SpecLoadError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A bad option or argument value: reported in one line, exit 2."""


def _click_error_types() -> tuple[tuple[type[Exception], ...], tuple[type[BaseException], ...]]:
    """Usage-error and abort classes of click and of the click copy newer typer versions carry."""
    usage: list[type[Exception]] = [click.ClickException]
    aborts: list[type[BaseException]] = [click.exceptions.Abort, KeyboardInterrupt]
    try:
        from typer.exceptions import Abort, TyperException
    except ImportError:  # older typer raises click's own exceptions
        pass
    else:
        usage.append(TyperException)
        aborts.append(Abort)
    return tuple(usage), tuple(aborts)


_USAGE_ERRORS, _INTERRUPTIONS = _click_error_types()


def _say(message: str) -> None:
    sys.stderr.write(f"charter: error: {printable(message)}\n")


def run_safely(app: Any, *, debug: bool = False, args: list[str] | None = None) -> int:
    """Run the typer app and return its exit code."""
    try:
        code = app(args=args, standalone_mode=False, prog_name="charter")
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except _USAGE_ERRORS as error:
        show = getattr(error, "show", None)
        if callable(show):
            show()
        else:
            _say(str(error))
        return EXIT_UNUSABLE
    except _INTERRUPTIONS:
        sys.stderr.write("charter: interrupted\n")
        return EXIT_INTERRUPTED
    except (SpecLoadError, UsageError) as error:
        _say(str(error))
        return EXIT_UNUSABLE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        _say(f"{where}{error.strerror or error}")
        return EXIT_UNUSABLE
    except Exception as error:  # the last line of defence: no traceback for users
        if debug:
            raise
        _say(
            f"internal error: {type(error).__name__}: {error}. "
            "Run again with CHARTER_DEBUG=1 to see the traceback, and please report it."
        )
        return EXIT_INTERNAL
    return int(code) if isinstance(code, int) else EXIT_OK
