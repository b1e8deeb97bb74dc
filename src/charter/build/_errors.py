"""The one error a build raises for input it cannot use."""

from __future__ import annotations

from charter.errors import BuildError

__all__ = ["BuildError"]
