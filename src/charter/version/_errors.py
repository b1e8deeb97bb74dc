"""The one exception type of the version package."""

from __future__ import annotations

from charter.errors import VersionError

__all__ = ["VersionError"]
