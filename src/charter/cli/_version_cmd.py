"""`charter diff`, `charter changelog`, `charter version` and `charter amend`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from charter._display import printable
from charter._exits import UsageError, one_line
from charter.cli._app import app, opt

# charter.version and charter.spec are imported inside the functions, so that start-up does not
# pay for them; typer only evaluates the parameter annotations.


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


def _kinds() -> tuple[type[Exception], ...]:
    from charter.version import VersionError

    return (VersionError,)


_one_line = one_line(_kinds)
"""`VersionError` (a bad revision, version, date or amendment) as one line and exit 2."""


@app.command("diff")
@_one_line
def diff_command(
    old: OldArg,
    new: NewArg,
    path: InRepoArg = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    prompt: Annotated[bool | None, opt("diff_command.prompt")] = None,
) -> None:
    """Compare two versions of a spec clause by clause: added, removed, reworded, moved,
    authority and modality changes, prompt-file edits; with the implied semver bump, and a
    unified diff of the compiled system prompt.

    A and B are folders or files; or git revisions of PATH (`charter diff v1.0.0 HEAD spec/`).
    Without PATH, an argument that exists on disk is a path and any other is a revision of `.`.
    """
    from charter.build._prompt_diff import diff_output

    if output_format not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not `{output_format}`")
    text = diff_output(old, new, None if path is None else str(path), output_format, prompt)
    sys.stdout.write(text if output_format == "json" else printable(text))


@app.command("changelog")
@_one_line
def changelog_command(
    old: OldArg,
    new: NewArg,
    path: InRepoArg = None,
    heading: Annotated[str | None, opt("changelog_command.heading")] = None,
) -> None:
    """Write a markdown changelog entry for the changes from A to B."""
    import datetime as dt

    from charter.version import changelog_entry, diff_sides

    diff = diff_sides(old, new, path)
    title = heading or f"{diff.new.version or new} ({dt.date.today().isoformat()})"
    sys.stdout.write(printable(changelog_entry(diff, title)))


@app.command("version")
@_one_line
def version_command(
    path: Annotated[Path, typer.Argument(help="The spec project folder or file.")] = Path(),
    check: Annotated[bool, opt("version_command.check")] = False,
    bump: Annotated[bool, opt("version_command.bump")] = False,
    since: Annotated[str | None, opt("version_command.since")] = None,
    level: Annotated[str | None, opt("version_command.level")] = None,
    date: Annotated[str | None, opt("version_command.date")] = None,
) -> None:
    """Show the spec's version, its content hash and the bump implied by the changes since the
    last git tag (or --since REV); --check gates it, --bump writes it.

    A date version (`version: 2025-09-12`) gets the same report; --check then asks that the
    date moved forward when anything changed, and --bump sets today's date (or --date)."""
    from charter.version import version_status

    if check and bump:
        raise UsageError("give --check or --bump, not both")
    status = version_status(path, since=since, level=level, date=date, bump=bump)
    typer.echo("\n".join(status.report_lines()))
    if check:
        verdict = status.check()
        typer.echo(verdict.line, err=not verdict.passed)
        if not verdict.passed:
            raise typer.Exit(1)
    if bump:
        typer.echo(status.bump(date))


@amend_app.command("check")
@_one_line
def amend_check(
    name: Annotated[str | None, typer.Argument(help="The amendment's name.")] = None,
    all_pending: Annotated[bool, typer.Option("--all", help="Check every pending one.")] = False,
    project: ProjectOpt = Path(),
) -> None:
    """Validate amendments against the current spec: unknown clause or section ids, ids that
    already exist, two proposals changing one clause, a base that has moved on."""
    from charter.version import check_amendments

    if (name is None) == (not all_pending):
        raise UsageError("give an amendment NAME or --all")
    problems, checked = check_amendments(project.resolve(), name)
    for problem in problems:
        typer.echo(str(problem))
    typer.echo(
        f"{checked} amendment{'s' if checked != 1 else ''} checked, {len(problems)} problems"
    )
    raise typer.Exit(1 if problems else 0)


@amend_app.command("apply")
@_one_line
def amend_apply(
    name: Annotated[str, typer.Argument(help="The amendment's name (amendments/<name>.md).")],
    project: ProjectOpt = Path(),
) -> None:
    """Apply an amendment: edit the clause sentences, bump the version, add a CHANGELOG.md entry
    and archive the proposal, all or nothing."""
    from charter.version._amend_run import applied_lines, apply_named

    root = project.resolve()
    typer.echo("\n".join(applied_lines(root, *apply_named(root, name))))
