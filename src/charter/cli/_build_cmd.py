"""`charter build`: compile the spec into the outputs named under `[build]`, or one `--target`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter._exits import one_line_errors
from charter.build import BuildError
from charter.cli._app import PathArg, app, opt

if TYPE_CHECKING:
    pass


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
    from charter.build._select import built_lines, stale_lines
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
        lines, any_stale = stale_lines(result.built)
        typer.echo("\n".join(lines))
        raise typer.Exit(1 if any_stale else 0)
    if result.to_stdout:
        sys.stdout.write(result.text)
        return
    write_outputs(project, result.built)
    typer.echo("\n".join(built_lines(result.built)))
