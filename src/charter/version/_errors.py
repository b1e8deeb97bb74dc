"""The one exception type of the version package."""

from __future__ import annotations


class VersionError(Exception):
    """Nothing can proceed: unknown revision, not a git repository, no version to bump...

    `str()` is one line naming the place or option, what is wrong and what to do.
    """
