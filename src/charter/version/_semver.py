"""Semantic versions and the size of a change (patch, minor, major)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum

_VERSION = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+(?P<build>[0-9A-Za-z.-]+))?$"
)


class Bump(IntEnum):
    """How far a version must move for a change: none < patch < minor < major."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Bump:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"`{text}` is not one of major, minor, patch") from None


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """A semantic version `MAJOR.MINOR.PATCH[-pre][+build]` (a leading `v` is accepted)."""

    major: int
    minor: int
    patch: int
    pre: str = ""
    build: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        """Read `1.2.3`; raises ValueError with the reason when it is not a semantic version."""
        match = _VERSION.match(str(text).strip())
        if match is None:
            raise ValueError(f"`{text}` is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)")
        return cls(
            int(match["major"]),
            int(match["minor"]),
            int(match["patch"]),
            match["pre"] or "",
            match["build"] or "",
        )

    def bumped(self, bump: Bump) -> Version:
        """The next version for a change of this size (pre-release and build are dropped)."""
        if bump is Bump.MAJOR:
            return Version(self.major + 1, 0, 0)
        if bump is Bump.MINOR:
            return Version(self.major, self.minor + 1, 0)
        if bump is Bump.PATCH:
            return Version(self.major, self.minor, self.patch + 1)
        return self

    def precedence(self) -> tuple[int, int, int, int, str]:
        """Sort key: a pre-release comes before its release; build metadata is ignored."""
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, self.pre)

    def bump_to(self, newer: Version) -> Bump | None:
        """How big a step `self -> newer` is; None when `newer` is not later."""
        if newer.precedence() <= self.precedence():
            return None
        if newer.major != self.major:
            return Bump.MAJOR
        if newer.minor != self.minor:
            return Bump.MINOR
        return Bump.PATCH

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            text += f"-{self.pre}"
        if self.build:
            text += f"+{self.build}"
        return text


@dataclass(frozen=True, slots=True, order=True)
class CalendarVersion:
    """A release date used as the version (`version: 2025-09-12`, as the Model Spec does): a
    later date is a later version; how big a change was is reported, not encoded."""

    day: dt.date

    @classmethod
    def parse(cls, text: str) -> CalendarVersion:
        """Read `2025-09-12`; raises ValueError with the reason when it is not such a date."""
        value = str(text).strip()
        if not _DATE.match(value):
            raise ValueError(f"`{text}` is not a date version (YYYY-MM-DD, e.g. 2025-09-12)")
        try:
            return cls(dt.date.fromisoformat(value))
        except ValueError:
            raise ValueError(f"`{text}` is not a date on the calendar") from None

    def __str__(self) -> str:
        return self.day.isoformat()


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_version(text: str) -> Version | CalendarVersion:
    """A semantic version, or a date version; ValueError naming both forms otherwise."""
    if _DATE.match(str(text).strip()):
        return CalendarVersion.parse(text)
    try:
        return Version.parse(text)
    except ValueError:
        raise ValueError(
            f"`{text}` is neither a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0) "
            "nor a date version (YYYY-MM-DD, e.g. 2025-09-12)"
        ) from None
