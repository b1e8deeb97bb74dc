"""Plan and apply an amendment: all edits are computed and validated first, then written
to temporary files and renamed into place, so a failure leaves the project as it was."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from charter.diagnostics import Severity
from charter.spec import Project, Spec, load_project
from charter.version._amend_check import check_against_spec
from charter.version._amend_format import (
    AMENDMENTS_DIR,
    ARCHIVE_DIR,
    Amendment,
    Delta,
    Op,
    Problem,
)
from charter.version._changelog import changelog_entry
from charter.version._diff import SpecDiff, diff_specs
from charter.version._edit import (
    EditError,
    apply_edits,
    locate,
    removal_range,
    rename_tags,
    tag_after_punctuation,
    tags_in,
    with_tag,
)
from charter.version._errors import VersionError
from charter.version._frontmatter import find_version_line, replace_version
from charter.version._match import normalise
from charter.version._semver import Version

CHANGELOG = "CHANGELOG.md"


@dataclass(slots=True)
class Plan:
    """The final content of every file the amendment writes, and the files it deletes."""

    root: Path
    writes: dict[Path, str] = field(default_factory=dict)
    deletes: set[Path] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def text(self, path: Path) -> str:
        if path not in self.writes:
            self.writes[path] = path.read_text(encoding="utf-8")
        return self.writes[path]


@dataclass(slots=True)
class Applied:
    """What `apply_amendment` did."""

    diff: SpecDiff
    old_version: str
    new_version: str
    changed: list[Path]
    deleted: list[Path]
    archived: Path


def _problem(amendment: Amendment, delta: Delta, message: str, hint: str | None = None) -> Problem:
    return Problem("A106", message, amendment.rel, delta.line, hint)


def plan_edits(amendment: Amendment, project: Project) -> Plan:
    """Every file edit the amendment's deltas need; problems instead when one cannot be made."""
    spec = project.spec
    root = Path(spec.root)
    plan = Plan(root)
    edits: dict[Path, list[tuple[int, int, str]]] = {}
    for delta in amendment.deltas:
        try:
            if delta.op is Op.MODIFIED:
                _modify(plan, edits, spec, delta)
            elif delta.op is Op.REMOVED:
                _remove(plan, edits, spec, delta)
            elif delta.op is Op.ADDED:
                _add(plan, edits, project, delta)
        except EditError as error:
            plan.problems.append(_problem(amendment, delta, str(error)))
    for path, file_edits in edits.items():
        try:
            plan.writes[path] = apply_edits(plan.text(path), file_edits)
        except EditError as error:
            rel = path.relative_to(root).as_posix()
            plan.problems.append(Problem("A106", f"{rel}: {error}", amendment.rel, 1))
    for delta in amendment.deltas:
        if delta.op is Op.RENAMED and delta.new_id is not None:
            _rename(plan, spec, delta.clause, delta.new_id)
    return plan


def _sentence(plan: Plan, spec: Spec, delta: Delta) -> tuple[Path, int, int, str, int, int]:
    clause = spec.clause(delta.clause)
    if clause is None:
        raise EditError(f"no clause [^{delta.clause}]")
    path = plan.root / clause.span.file
    text = plan.text(path)
    where = f"{clause.span.file}:{clause.span.line}"
    try:
        place = locate(text, clause.span.line, clause.span.column)
    except EditError as error:
        raise EditError(f"cannot edit [^{delta.clause}] at {where}: {error}") from None
    sentence = text[place.start : place.end]
    first_words = normalise(clause.text).split()[:2]
    if normalise(sentence).split()[:2] != first_words:
        raise EditError(f"cannot find the sentence of [^{delta.clause}] at {where}; edit by hand")
    start, end = removal_range(text, place) if delta.op is Op.REMOVED else (place.start, place.end)
    return path, place.start, place.end, sentence, start, end


def _modify(
    plan: Plan, edits: dict[Path, list[tuple[int, int, str]]], spec: Spec, d: Delta
) -> None:
    path, start, end, sentence, _, _ = _sentence(plan, spec, d)
    others = [tag for tag in tags_in(sentence) if tag != d.clause]
    new_tags = tags_in(d.text)
    if new_tags:
        missing = [tag for tag in others if tag not in new_tags]
        if missing:
            raise EditError(f"the new sentence drops the tags of {missing}; keep them or REMOVE")
        replacement = d.text
    elif others:
        raise EditError(
            f"the sentence of [^{d.clause}] also holds {others}: write every tag in the new text"
        )
    else:
        replacement = with_tag(d.text, d.clause, after=tag_after_punctuation(sentence, d.clause))
    edits.setdefault(path, []).append((start, end, replacement))


def _remove(
    plan: Plan, edits: dict[Path, list[tuple[int, int, str]]], spec: Spec, d: Delta
) -> None:
    path, _, _, sentence, start, end = _sentence(plan, spec, d)
    others = [tag for tag in tags_in(sentence) if tag != d.clause]
    if others:
        raise EditError(
            f"the sentence of [^{d.clause}] also holds {others}; use MODIFIED to drop the part"
        )
    edits.setdefault(path, []).append((start, end, ""))
    prompt_file = spec.prompt_file(d.clause)
    if prompt_file is not None:
        plan.deletes.add(plan.root / prompt_file.path)


def _add(
    plan: Plan, edits: dict[Path, list[tuple[int, int, str]]], project: Project, d: Delta
) -> None:
    spec = project.spec
    section = spec.section(d.section or "")
    if section is None:
        raise EditError(f"unknown section #{d.section}")
    sentence = d.text if tags_in(d.text) else with_tag(d.text, d.clause)
    path = plan.root / section.span.file
    text = plan.text(path)
    last = [
        c for c in spec.clauses if c.section == section.key and c.span.file == section.span.file
    ]
    if last:
        anchor = locate(text, last[-1].span.line, last[-1].span.column).block_end
    else:
        line_end = text.find(
            "\n", sum(len(x) + 1 for x in text.split("\n")[: section.span.line - 1])
        )
        anchor = len(text) if line_end < 0 else line_end
    edits.setdefault(path, []).append((anchor, anchor, "\n\n" + sentence))
    if d.examples:
        folder = plan.root / (project.config.prompt_dirs or ["cases"])[0]
        content = f"Examples for [^{d.clause}] in {section.title}:\n\n{d.examples}\n"
        plan.writes[folder / f"{d.clause}.md"] = content


def _rename(plan: Plan, spec: Spec, old: str, new: str) -> None:
    for spec_file in spec.files:
        path = plan.root / spec_file.path
        text = plan.text(path)
        plan.writes[path] = rename_tags(text, old, new)
    for prompt_file in spec.prompt_files:
        path = plan.root / prompt_file.path
        if path in plan.deletes:
            continue
        renamed = rename_tags(plan.text(path), old, new)
        if prompt_file.id == old:
            plan.writes.pop(path)
            plan.deletes.add(path)
            plan.writes[path.with_name(f"{new}.md")] = renamed
        else:
            plan.writes[path] = renamed


def _unchanged(plan: Plan) -> None:
    """Drop writes whose content is what is on disk already."""
    for path in list(plan.writes):
        if path.is_file() and path.read_text(encoding="utf-8") == plan.writes[path]:
            del plan.writes[path]


def _preview(plan: Plan, project: Project) -> tuple[Spec, list[str]]:
    """Load the amended spec from a scratch copy; return it and any new reading errors."""
    root = plan.root
    with tempfile.TemporaryDirectory(prefix="charter-amend-") as scratch:
        copy = Path(scratch) / "project"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git", ".charter"))
        for path, text in plan.writes.items():
            target = copy / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for path in plan.deletes:
            (copy / path.relative_to(root)).unlink(missing_ok=True)
        new_project = load_project(copy)
    before = {_finding(d) for d in project.findings.items if d.severity.rank >= Severity.ERROR.rank}
    after = [
        _finding(d)
        for d in new_project.findings.items
        if d.severity.rank >= Severity.ERROR.rank and _finding(d) not in before
    ]
    new_project.spec.root = str(root)
    return new_project.spec, after


def _finding(diagnostic: object) -> str:
    span = getattr(diagnostic, "span", "")
    return f"{span}: {getattr(diagnostic, 'code', '')} {getattr(diagnostic, 'message', '')}"


def apply_amendment(
    amendment: Amendment, project: Project, today: dt.date | None = None
) -> Applied:
    """Validate, edit the spec files, bump the version, add a changelog entry and archive the
    proposal, all or nothing. Raises VersionError (with every problem) when it cannot."""
    spec = project.spec
    problems = check_against_spec(amendment, spec)
    if problems:
        raise VersionError(_summary(problems))
    plan = plan_edits(amendment, project)
    if plan.problems:
        raise VersionError(_summary(plan.problems))
    _unchanged(plan)
    amended, errors = _preview(plan, project)
    if errors:
        raise VersionError(f"{amendment.rel}: the amended spec would not read cleanly: {errors[0]}")
    diff = diff_specs(spec, amended)
    version_line = find_version_line(spec)
    try:
        old_version = Version.parse(version_line.value)
    except ValueError as error:
        where = f"{version_line.path}:{version_line.line}"
        raise VersionError(f"{where}: {error}") from None
    new_version = str(old_version.bumped(diff.bump))
    plan.writes[version_line.path] = replace_version(plan.text(version_line.path), new_version)
    day = (today or dt.date.today()).isoformat()
    _changelog(plan, diff, amendment, new_version, day)
    archived = plan.root / AMENDMENTS_DIR / ARCHIVE_DIR / f"{day}-{amendment.name}.md"
    if archived.exists():
        raise VersionError(f"{archived}: already exists; rename the proposal and apply again")
    plan.writes[archived] = amendment.path.read_text(encoding="utf-8")
    plan.deletes.add(amendment.path.resolve())
    commit(plan)
    return Applied(
        diff,
        str(old_version),
        new_version,
        sorted(plan.writes),
        sorted(plan.deletes - set(plan.writes)),
        archived,
    )


def _summary(problems: list[Problem]) -> str:
    more = (
        f" (and {len(problems) - 1} more; run `charter amend check`)" if len(problems) > 1 else ""
    )
    return f"{problems[0]}{more}"


def _changelog(plan: Plan, diff: SpecDiff, amendment: Amendment, version: str, day: str) -> None:
    path = plan.root / CHANGELOG
    why = amendment.why.split("\n\n", 1)[0]
    intro = f"{amendment.title} ({amendment.meta.get('author', 'unknown author')}). {why}"
    entry = changelog_entry(diff, f"{version} ({day})", intro)
    existing = plan.text(path) if path.exists() else "# Changelog\n"
    lines = existing.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if title is None:
        plan.writes[path] = entry + "\n" + existing
        return
    head = "\n".join(lines[: title + 1]).rstrip("\n") + "\n\n"
    rest = "\n".join(lines[title + 1 :]).lstrip("\n")
    plan.writes[path] = head + entry + ("\n" + rest if rest else "")


def commit(plan: Plan) -> None:
    """Write every file to a temporary name beside it, then rename all into place and delete.

    A failure while writing the temporary files removes them and leaves the project untouched."""
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    try:
        for path, text in plan.writes.items():
            missing = [p for p in [path.parent, *path.parent.parents] if not p.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((Path(name), path))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            if path.exists():
                shutil.copymode(path, name)
    except OSError:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    for temporary, path in staged:
        temporary.replace(path)
    for path in plan.deletes - set(plan.writes):
        path.unlink(missing_ok=True)
