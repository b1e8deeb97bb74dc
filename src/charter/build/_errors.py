"""The one error a build raises for input it cannot use."""

from __future__ import annotations


class BuildError(Exception):
    """Input a build cannot use: an unknown target, a template that fails, a budget too small, an
    output outside the project. `str()` is one line that says what is wrong and what to do."""
