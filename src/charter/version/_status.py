"""`charter version` as a library call: a spec's version against the changes since a revision,
the gate (`--check`) and the bump (`--bump`); and `charter diff`'s two sides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from charter.spec import Spec, load_spec
from charter.version._diff import SpecDiff, diff_specs
from charter.version._errors import VersionError
from charter.version._frontmatter import VersionLine, find_version_line, replace_version
from charter.version._git import last_tag, load_spec_at, repository_root
from charter.version._semver import Bump, CalendarVersion, Version, parse_version


def load_side(side: str, path: Path | None = None) -> Spec:
    """A spec from a folder or file (when no `path` is given and `side` exists), else from the
    git revision `side` of `path` (default: the current folder)."""
    if path is None and Path(side).exists():
        return load_spec(side)[0]
    return load_spec_at(path or Path(), side)


def diff_sides(old: str, new: str, path: Path | None = None) -> SpecDiff:
    """The diff between two sides, each a folder, a file or a git revision (see `load_side`)."""
    return diff_specs(load_side(old, path), load_side(new, path))


@dataclass(slots=True)
class Verdict:
    """The gate's answer: passed, and the line saying why."""

    passed: bool
    line: str


@dataclass(slots=True)
class VersionStatus:
    """A spec's stated version, and what changed since the base revision."""

    spec: Spec
    line: VersionLine
    current: Version | CalendarVersion
    base: Spec | None = None
    base_label: str | None = None
    diff: SpecDiff | None = None
    forced: Bump | None = None
    """`--level`: the bump asked for instead of the implied one."""

    def report_lines(self) -> list[str]:
        """`charter version`: the version and its line, the content hash, and the changes since
        the base with the bump they imply."""
        from charter.version._frontmatter import content_hash
        from charter.version._render import bump_lines, summary_line

        lines = [
            f"version: {self.current} ({self.line.path}:{self.line.line})",
            f"content hash: {content_hash(self.spec)}",
        ]
        if self.diff is not None and self.base is not None:
            lines.append(f"since {self.base_label}: {summary_line(self.diff)}")
            lines.extend(bump_lines(self.diff))
        return lines

    def check(self) -> Verdict:
        """Whether the version moved as far as the changes since the base need."""
        if self.diff is None or self.base is None:
            raise VersionError(
                "--check needs a revision to compare with: tag a release or give --since"
            )
        if isinstance(self.current, CalendarVersion):
            return _check_date(self.current, self.base, self.base_label, self.diff)
        return _check_semver(self.current, self.base, self.base_label, self.diff)

    def bump(self, date: str | None = None) -> str:
        """Rewrite the front-matter version to the implied (or forced) one; what was done."""
        if isinstance(self.current, CalendarVersion):
            target_date = _next_date(self.current, self.diff, date)
            if isinstance(target_date, str):
                return target_date
            return self._write(target_date)
        if self.forced is not None:
            return self._write(self.current.bumped(self.forced))
        assert self.diff is not None
        target = _base_version(self.base, None).bumped(self.diff.bump)
        if target.precedence() <= self.current.precedence():
            return f"version {self.current} already covers the {self.diff.bump.label} changes"
        return self._write(target)

    def _write(self, target: Version | CalendarVersion) -> str:
        file = self.line.path
        text = file.read_bytes().decode("utf-8")
        file.write_bytes(replace_version(text, str(target)).encode("utf-8"))
        return f"bumped: {self.current} -> {target} in {file}"


def version_status(
    path: Path,
    *,
    since: str | None = None,
    level: str | None = None,
    date: str | None = None,
    bump: bool = False,
) -> VersionStatus:
    """The spec at `path`, its version, and the diff since `since` (default: the last tag);
    `level` forces the bump (semantic versions only), `date` the new date (with `bump`)."""
    forced = None
    if level is not None:
        try:
            forced = Bump.parse(level)
        except ValueError as error:
            raise VersionError(f"--level: {error}") from None
    spec, _ = load_spec(path)
    line = find_version_line(spec)
    current = _parse(line.value, f"{line.path}:{line.line}")
    if isinstance(current, CalendarVersion) and forced is not None:
        raise VersionError(
            f"--level: {line.path}:{line.line} has the date version {current}, which has no "
            "major, minor or patch part; use --bump (today) or --bump --date YYYY-MM-DD"
        )
    if date is not None and not (bump and isinstance(current, CalendarVersion)):
        raise VersionError("--date goes with --bump on a date version (version: YYYY-MM-DD)")
    status = VersionStatus(spec, line, current, forced=forced)
    if forced is not None and since is None:
        return status
    status.base_label = since or last_tag(repository_root(path.resolve()))
    if status.base_label is None:
        raise VersionError(
            f"{path}: no git tag reachable from HEAD (tag a release, or give --since REV)"
        )
    status.base = load_spec_at(path, status.base_label)
    status.diff = diff_specs(status.base, spec)
    return status


def _parse(text: str, where: str) -> Version | CalendarVersion:
    try:
        return parse_version(text)
    except ValueError as error:
        raise VersionError(f"{where}: {error}") from None


def _check_date(current: CalendarVersion, base: Spec, label: str | None, diff: SpecDiff) -> Verdict:
    if diff.bump is Bump.NONE:
        return Verdict(True, f"ok: no changes since {label} need a new version ({current})")
    try:
        before = parse_version(base.version or "")
    except ValueError:
        before = None
    if isinstance(before, CalendarVersion) and current <= before:
        return Verdict(
            False,
            f"fail: the date version is still {current} (at {label}: {before}), but the changes "
            f"since {label} are {diff.bump.label}: {diff.reasons()[0].message}; "
            "`charter version --bump` sets today's date",
        )
    return Verdict(
        True, f"ok: {before or '(none)'} -> {current} covers the {diff.bump.label} changes"
    )


def _next_date(
    current: CalendarVersion, diff: SpecDiff | None, date: str | None
) -> CalendarVersion | str:
    """The date to bump to, or the line saying why nothing changes."""
    try:
        target = CalendarVersion.parse(date) if date else CalendarVersion(dt.date.today())
    except ValueError as error:
        raise VersionError(f"--date: {error}") from None
    if date is None and diff is not None and diff.bump is Bump.NONE:
        return f"version {current} already covers the changes (none)"
    if target <= current:
        if date is None:
            return f"version {current} is today's date already"
        raise VersionError(f"--date {target} is not later than the current version {current}")
    return target


def _base_version(base: Spec | None, label: str | None) -> Version:
    if base is None or base.version is None:
        raise VersionError(f"the spec at {label} has no front-matter version to compare with")
    found = _parse(base.version, f"version at {label}")
    if not isinstance(found, Version):
        raise VersionError(f"the version at {label} is the date {found}, not a semantic version")
    return found


def _check_semver(current: Version, base: Spec, label: str | None, diff: SpecDiff) -> Verdict:
    before = _base_version(base, label)
    needed = diff.bump
    step = before.bump_to(current)
    if step is None and current.precedence() < before.precedence():
        return Verdict(False, f"fail: version {current} is older than {before} at {label}")
    if needed is Bump.NONE:
        return Verdict(True, f"ok: no changes since {label} need a new version ({current})")
    if step is None or step < needed:
        taken = (
            f"{before} -> {current} is a {step.label} bump" if step else f"{current} is unchanged"
        )
        return Verdict(
            False,
            f"fail: {taken}, but the changes since {label} need {needed.label} "
            f"({before.bumped(needed)}): {diff.reasons()[0].message}",
        )
    return Verdict(
        True, f"ok: {before} -> {current} ({step.label}) covers the {needed.label} changes"
    )
