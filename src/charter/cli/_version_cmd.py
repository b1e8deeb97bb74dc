"""`charter diff`, `charter changelog`, `charter version` and `charter amend`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli._app import app
from charter.cli._errors import UsageError

# charter.version and charter.spec are imported inside the functions, so that start-up does not
# pay for them; typer only evaluates the parameter annotations.
if TYPE_CHECKING:
    from charter.spec import Spec
    from charter.version import Bump, SpecDiff, Version

amend_app = typer.Typer(
    help="Amendment proposals: amendments/<name>.md with clause deltas (docs/versioning.md).",
    no_args_is_help=True,
)
app.add_typer(amend_app, name="amend")

OldArg = Annotated[
    str, typer.Argument(help="Older side: a spec folder or file, or a git revision (tag, commit).")
]
NewArg = Annotated[str, typer.Argument(help="Newer side: a folder or file, or a git revision.")]
InRepoArg = Annotated[
    Path | None,
    typer.Argument(help="With revisions: the spec folder inside the repository (default: .).'"),
]
ProjectOpt = Annotated[
    Path, typer.Option("--project", "-p", "--path", help="The spec project folder.")
]


@contextmanager
def _one_line_errors() -> Iterator[None]:
    from charter.version import VersionError

    try:
        yield
    except VersionError as error:
        raise UsageError(str(error)) from None


def _load_side(side: str, path: Path | None) -> tuple[Spec, str]:
    """A spec from a path (when no PATH is given and it exists) or from a git revision."""
    from charter.spec import load_spec
    from charter.version import load_spec_at

    if path is None and Path(side).exists():
        return load_spec(side)[0], side
    return load_spec_at(path or Path(), side), side


def _diff(old: str, new: str, path: Path | None) -> tuple[SpecDiff, str, str]:
    from charter.version import diff_specs

    with _one_line_errors():
        old_spec, old_label = _load_side(old, path)
        new_spec, new_label = _load_side(new, path)
    return diff_specs(old_spec, new_spec), old_label, new_label


@app.command("diff")
def diff_command(
    old: OldArg,
    new: NewArg,
    path: InRepoArg = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    prompt: Annotated[
        bool | None,
        typer.Option(
            "--prompt/--no-prompt",
            help="Show how the compiled system prompt changes (default: when charter.toml has "
            "[build.system-prompt]).",
        ),
    ] = None,
) -> None:
    """Compare two versions of a spec clause by clause: added, removed, reworded, moved,
    authority and modality changes, prompt-file edits; with the implied semver bump, and a
    unified diff of the compiled system prompt.

    A and B are folders or files; or git revisions of PATH (`charter diff v1.0.0 HEAD spec/`).
    Without PATH, an argument that exists on disk is a path and any other is a revision of `.`.
    """
    from charter.build._prompt_diff import diff_config_root, diff_section
    from charter.version import render_json, render_text

    if output_format not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not {output_format!r}")
    diff, old_label, new_label = _diff(old, new, path)
    where = diff_config_root(new, None if path is None else str(path))
    changes = diff_section(diff.old, diff.new, old_label, new_label, where, prompt)
    if output_format == "json":
        data = json.loads(render_json(diff, old_label, new_label))
        if changes is not None:
            data["system_prompt"] = changes.to_json()
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    sys.stdout.write(render_text(diff, old_label, new_label))
    if changes is not None:
        sys.stdout.write(changes.text())


@app.command("changelog")
def changelog_command(
    old: OldArg,
    new: NewArg,
    path: InRepoArg = None,
    heading: Annotated[
        str | None, typer.Option(help="Entry heading (default: the newer version and today).")
    ] = None,
) -> None:
    """Write a markdown changelog entry for the changes from A to B."""
    import datetime as dt

    from charter.version import changelog_entry

    diff, _, new_label = _diff(old, new, path)
    title = heading or f"{diff.new.version or new_label} ({dt.date.today().isoformat()})"
    sys.stdout.write(changelog_entry(diff, title))


@app.command("version")
def version_command(
    path: Annotated[Path, typer.Argument(help="The spec project folder or file.")] = Path(),
    check: Annotated[
        bool, typer.Option("--check", help="Fail (exit 1) if the version is not bumped enough.")
    ] = False,
    bump: Annotated[
        bool, typer.Option("--bump", help="Rewrite the front-matter version to the implied one.")
    ] = False,
    since: Annotated[
        str | None, typer.Option(help="Compare with this git revision (default: the last tag).")
    ] = None,
    level: Annotated[
        str | None, typer.Option(help="With --bump: bump by major, minor or patch instead.")
    ] = None,
) -> None:
    """Show the spec's version, its content hash and the bump implied by the changes since the
    last git tag (or --since REV); --check gates it, --bump writes it."""
    from charter.spec import load_spec
    from charter.version import (
        Bump,
        VersionError,
        content_hash,
        diff_specs,
        find_version_line,
        last_tag,
        load_spec_at,
    )
    from charter.version._git import repository_root
    from charter.version._render import bump_lines, summary_line

    if check and bump:
        raise UsageError("give --check or --bump, not both")
    forced = None
    if level is not None:
        try:
            forced = Bump.parse(level)
        except ValueError as error:
            raise UsageError(f"--level: {error}") from None
    spec, _ = load_spec(path)
    with _one_line_errors():
        line = find_version_line(spec)
        current = _parse(line.value, f"{line.path}:{line.line}")
        if forced is not None and since is None:
            base_spec, base_label, diff = None, None, None
        else:
            base_label = since or last_tag(repository_root(path.resolve()))
            if base_label is None:
                raise VersionError(
                    f"{path}: no git tag reachable from HEAD (tag a release, or give --since REV)"
                )
            base_spec = load_spec_at(path, base_label)
            diff = diff_specs(base_spec, spec)
    typer.echo(f"version: {current} ({line.path}:{line.line})")
    typer.echo(f"content hash: {content_hash(spec)}")
    if diff is not None and base_spec is not None:
        typer.echo(f"since {base_label}: {summary_line(diff)}")
        for text in bump_lines(diff):
            typer.echo(text)
    if check:
        _gate(current, base_spec, base_label, diff)
    if bump:
        _bump(line.path, current, base_spec, diff, forced)


def _parse(text: str, where: str) -> Version:
    from charter.version import Version, VersionError

    try:
        return Version.parse(text)
    except ValueError as error:
        raise VersionError(f"{where}: {error}") from None


def _base_version(base_spec: Spec | None, label: str | None) -> Version:
    from charter.version import VersionError

    if base_spec is None or base_spec.version is None:
        raise VersionError(f"the spec at {label} has no front-matter version to compare with")
    return _parse(base_spec.version, f"version at {label}")


def _gate(current: Version, base: Spec | None, label: str | None, diff: SpecDiff | None) -> None:
    from charter.version import Bump

    if diff is None:
        raise UsageError("--check needs a revision to compare with: tag a release or give --since")
    with _one_line_errors():
        before = _base_version(base, label)
    needed = diff.bump
    step = before.bump_to(current)
    if step is None and current.precedence() < before.precedence():
        typer.echo(f"fail: version {current} is older than {before} at {label}", err=True)
        raise typer.Exit(1)
    if needed is Bump.NONE:
        typer.echo(f"ok: no changes since {label} need a new version ({current})")
        return
    if step is None or step < needed:
        taken = (
            f"{before} -> {current} is a {step.label} bump" if step else f"{current} is unchanged"
        )
        typer.echo(
            f"fail: {taken}, but the changes since {label} need {needed.label} "
            f"({before.bumped(needed)}): {diff.reasons()[0].message}",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"ok: {before} -> {current} ({step.label}) covers the {needed.label} changes")


def _bump(
    file: Path, current: Version, base: Spec | None, diff: SpecDiff | None, forced: Bump | None
) -> None:
    from charter.version import replace_version

    if forced is not None:
        target = current.bumped(forced)
    else:
        assert diff is not None
        with _one_line_errors():
            before = _base_version(base, None)
        target = before.bumped(diff.bump)
        if target.precedence() <= current.precedence():
            typer.echo(f"version {current} already covers the {diff.bump.label} changes")
            return
    text = file.read_bytes().decode("utf-8")
    with _one_line_errors():
        file.write_bytes(replace_version(text, str(target)).encode("utf-8"))
    typer.echo(f"bumped: {current} -> {target} in {file}")


def _amendment_path(root: Path, name: str) -> Path:
    from charter.version._amend_format import AMENDMENTS_DIR, pending_amendments

    path = root / AMENDMENTS_DIR / (name if name.endswith(".md") else f"{name}.md")
    if not path.is_file():
        names = ", ".join(p.stem for p in pending_amendments(root)) or "none"
        raise UsageError(f"{path}: no such amendment (pending: {names})")
    return path


@amend_app.command("check")
def amend_check(
    name: Annotated[str | None, typer.Argument(help="The amendment's name.")] = None,
    all_pending: Annotated[bool, typer.Option("--all", help="Check every pending one.")] = False,
    project: ProjectOpt = Path(),
) -> None:
    """Validate amendments against the current spec: unknown clause or section ids, ids that
    already exist, two proposals changing one clause, a base that has moved on."""
    from charter.spec import load_project
    from charter.version import check_against_spec, check_conflicts, parse_amendment, plan_edits
    from charter.version._amend_format import pending_amendments

    if (name is None) == (not all_pending):
        raise UsageError("give an amendment NAME or --all")
    project = project.resolve()
    loaded = load_project(project)
    paths = pending_amendments(project)
    amendments = [parse_amendment(p, project) for p in paths]
    if name is not None:
        chosen = _amendment_path(project, name)
        targets = [a for a in amendments if a.path == chosen]
    else:
        targets = amendments
    problems = []
    for amendment in targets:
        found = check_against_spec(amendment, loaded.spec)
        if not found:
            found = plan_edits(amendment, loaded).problems
        problems += found
    chosen_files = {a.rel for a in targets}
    problems += [p for p in check_conflicts(amendments) if p.file in chosen_files]
    for problem in sorted(problems, key=lambda p: (p.file, p.line, p.code)):
        typer.echo(str(problem))
    checked = len(targets)
    typer.echo(
        f"{checked} amendment{'s' if checked != 1 else ''} checked, {len(problems)} problems"
    )
    raise typer.Exit(1 if problems else 0)


@amend_app.command("apply")
def amend_apply(
    name: Annotated[str, typer.Argument(help="The amendment's name (amendments/<name>.md).")],
    project: ProjectOpt = Path(),
) -> None:
    """Apply an amendment: edit the clause sentences, bump the version, add a CHANGELOG.md entry
    and archive the proposal, all or nothing."""
    from charter.spec import load_project
    from charter.version import apply_amendment, parse_amendment
    from charter.version._render import summary_line

    project = project.resolve()
    path = _amendment_path(project, name)
    loaded = load_project(project)
    amendment = parse_amendment(path, project)
    with _one_line_errors():
        applied = apply_amendment(amendment, loaded)
    root = Path(loaded.spec.root)
    typer.echo(f"applied {amendment.rel}: {summary_line(applied.diff)}")
    typer.echo(
        f"version: {applied.old_version} -> {applied.new_version} ({applied.diff.bump.label})"
    )
    for changed in applied.changed:
        typer.echo(f"  wrote {changed.relative_to(root).as_posix()}")
    for deleted in applied.deleted:
        typer.echo(f"  removed {deleted.relative_to(root).as_posix()}")
