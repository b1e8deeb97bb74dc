"""`charter build`: compile the spec into the outputs named under `[build]`, or one `--target`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.build import BuildError
from charter.cli._app import PathArg, app, opt
from charter.cli._errors import one_line_errors

if TYPE_CHECKING:
    from charter.build import Built


@app.command()
@one_line_errors(BuildError)
def build(
    path: PathArg = Path(),
    target: Annotated[str | None, opt("build.target")] = None,
    output: Annotated[Path | None, opt("build.output")] = None,
    check: Annotated[bool, opt("build.check")] = False,
    force: Annotated[bool, opt("build.force")] = False,
    output_format: Annotated[str | None, opt("build.output_format")] = None,
    examples: Annotated[int | None, opt("build.examples")] = None,
    ids: Annotated[bool | None, opt("build.ids")] = None,
    max_tokens: Annotated[int | None, opt("build.max_tokens")] = None,
    audience: Annotated[list[str] | None, opt("build.audience")] = None,
    module: Annotated[list[str] | None, opt("build.module")] = None,
) -> None:
    """Compile the spec into the outputs `[build]` in charter.toml names: the system prompt,
    AGENTS.md, a docs site, the JSON bundle, user templates (docs/build.md).

    With `--target`, build that one (a single-file output goes to standard output unless `-o`
    says where). `--check` writes nothing and exits 1 when an output on disk is stale. Exits 2
    on an unknown target, a template that fails, a budget below the root clauses, or an
    output outside the project without `--force`; nothing is written then.
    """
    from charter.build import build_project, overrides, write_outputs
    from charter.cli._app import _stop_on_fatal
    from charter.spec import load_project

    project = load_project(path)
    _stop_on_fatal(project.spec, project.findings)
    given = overrides(
        format=("--format", output_format),
        examples=("--examples", examples),
        ids=("--ids/--no-ids", ids),
        **{"max-tokens": ("--max-tokens", max_tokens)},
        audience=("--audience", audience),
        modules=("--module", module),
    )
    result = build_project(project, target, output, check=check, force=force, options=given)
    for item in result.built:
        for warning in item.artifact.warnings:
            typer.echo(f"{item.spec.name}: {warning}", err=True)
    if check:
        _check(result.built)
    elif result.to_stdout:
        sys.stdout.write(result.text)
    else:
        write_outputs(project, result.built)
        for item in result.built:
            note = f" ({item.artifact.note})" if item.artifact.note else ""
            typer.echo(f"built {item.spec.name} -> {_shown(item.spec.output)}{note}")


def _check(built: list[Built]) -> None:
    """Say which outputs on disk differ from a fresh build; exit 1 when any does."""
    from charter.build import stale

    reasons = [(item, stale(item)) for item in built]
    for item, reason in reasons:
        where = _shown(item.spec.output)
        if reason is None:
            typer.echo(f"up to date: {item.spec.name} ({where})")
        else:
            typer.echo(f"stale: {item.spec.name} ({where}): {reason}")
    if any(reason is not None for _, reason in reasons):
        typer.echo("run `charter build` and commit the outputs")
        raise typer.Exit(1)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
