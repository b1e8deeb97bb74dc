"""Every expected failure of Charter is a `CharterError`: a message, an exit code, where and why.

The classes here are the kinds of failure; each package raises its own subclass (`SpecLoadError`,
`StoreError`, `ProviderConfigError`...), so `except CharterError` catches any of them and
`except SpecError` catches every failure to read a spec. The command line turns one into a single
line on stderr and the exit code of its class (`charter._exits.run_safely`), never a traceback.

This module imports nothing of Charter, so that any package may raise these errors.
"""

from __future__ import annotations

import os
from typing import ClassVar

EXIT_UNUSABLE = 2
"""Unusable input: an option, a file, a setting or a set-up that the command cannot use."""
EXIT_CALLS_FAILED = 4
"""The model's (or the judge's) calls failed, so nothing could be done with their replies."""


class CharterError(Exception):
    """An expected failure: `str()` is one line with the place (`file:line: `), what is wrong and,
    in parentheses, what to do (`hint`)."""

    exit_code: ClassVar[int] = EXIT_UNUSABLE

    def __init__(
        self,
        message: str = "",
        hint: str | None = None,
        *,
        file: str | os.PathLike[str] | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.file = None if file is None else os.fspath(file)
        self.line = line

    @property
    def location(self) -> str | None:
        """`file:line`, or `file` alone, or None when the error names no file."""
        if self.file is None:
            return None
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def __str__(self) -> str:
        where = self.location
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class UsageError(CharterError):
    """A bad option or argument value."""


class SpecError(CharterError):
    """A spec, a module, a prompt file, a precedent or another project file cannot be used."""


class ConfigError(CharterError):
    """A setting in `charter.toml`, in the environment or on the command line cannot be used."""


class ModelError(CharterError):
    """A model cannot be set up, or its reply cannot be used."""


class StoreError(CharterError):
    """The run store cannot be used (locked, corrupt, newer schema) or has no such run."""


class BuildError(CharterError):
    """Input a build cannot use: an unknown target, a template that fails, a budget too small, an
    output outside the project. `str()` is one line that says what is wrong and what to do."""


class TrainError(CharterError, ValueError):
    """Unusable input for an export or a training run."""


class VersionError(CharterError):
    """Nothing can proceed: unknown revision, not a git repository, no version to bump...

    `str()` is one line naming the place or option, what is wrong and what to do.
    """


__all__ = [
    "EXIT_CALLS_FAILED",
    "EXIT_UNUSABLE",
    "BuildError",
    "CharterError",
    "ConfigError",
    "ModelError",
    "SpecError",
    "StoreError",
    "TrainError",
    "UsageError",
    "VersionError",
]
