"""Turn every expected failure into one clear line and an exit code, never a traceback.

This is the one place where errors become exit codes: a `CharterError` (any package's) exits
with its class's `exit_code` and `str()` as the line; typer's usage errors and unreadable files
exit 2; anything else is an internal error (exit 3).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from typer.exceptions import TyperException

from charter._display import printable
from charter.errors import EXIT_CALLS_FAILED, EXIT_UNUSABLE, CharterError, UsageError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INTERNAL = 3
EXIT_ALL_FAILED = EXIT_CALLS_FAILED
"""`charter test`: every sample of the run failed (the model's call or the judge's): no grade."""
EXIT_INTERRUPTED = 130

__all__ = [
    "EXIT_ALL_FAILED",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "UsageError",
    "one_line",
    "one_line_errors",
    "run_safely",
]


#: typer (0.29 and later) carries its own copy of click: its usage errors derive from
#: `TyperException`, and `typer.Exit` / `typer.Abort` are its own classes. Charter imports typer
#: alone, so that a bare install (which has no click) starts.
_USAGE_ERRORS: tuple[type[Exception], ...] = (TyperException,)
_INTERRUPTIONS: tuple[type[BaseException], ...] = (typer.Abort, KeyboardInterrupt)

F = TypeVar("F", bound=Callable[..., Any])


def _unchanged(command: F) -> F:
    return command


def one_line_errors(*kinds: type[Exception]) -> Callable[[F], F]:
    """A decorator turning a command's expected failures (`kinds`) into `UsageError`.

    Only `kinds` that are not `CharterError`s need it: `run_safely` reports those itself, with
    their own exit code, so they pass through unchanged.
    """
    foreign = tuple(kind for kind in kinds if not issubclass(kind, CharterError))
    if not foreign:
        return _unchanged

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return command(*args, **kwargs)
            except foreign as error:
                raise UsageError(str(error)) from None

        return wrapper  # type: ignore[return-value]

    return decorate


def one_line(kinds: Callable[[], tuple[type[Exception], ...]]) -> Callable[[F], F]:
    """A command's expected failures (`kinds()`, imported when it runs): one line, exit 2."""

    def decorate(command: F) -> F:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return one_line_errors(*kinds())(command)(*args, **kwargs)

        return functools.wraps(command)(wrapper)  # type: ignore[return-value]

    return decorate


def _say(message: str) -> None:
    sys.stderr.write(f"charter: error: {printable(message)}\n")


def run_safely(app: Any, *, debug: bool = False, args: list[str] | None = None) -> int:
    """Run the typer app and return its exit code."""
    try:
        code = app(args=args, standalone_mode=False, prog_name="charter")
    except typer.Exit as done:
        return int(done.exit_code)
    except _USAGE_ERRORS as error:
        show = getattr(error, "show", None)
        if callable(show):
            show()
        else:
            _say(str(error))
        return EXIT_UNUSABLE
    except _INTERRUPTIONS as stop:
        if isinstance(stop.__cause__ or stop.__context__, EOFError):
            _say(
                "the input ended while a question was waiting for an answer "
                "(stdin is closed or not a terminal)"
            )
            return EXIT_UNUSABLE
        sys.stderr.write("charter: interrupted\n")
        return EXIT_INTERRUPTED
    except CharterError as error:
        _say(str(error))
        return error.exit_code
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
