"""`charter build`: compile the spec into the outputs named under `[build]`, or one `--target`."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from charter.cli._app import PathArg, app
from charter.cli._errors import UsageError

if TYPE_CHECKING:
    from charter.build import OutputSpec
    from charter.spec import Project


def _flags(
    output_format: str | None,
    examples: int | None,
    ids: bool | None,
    max_tokens: int | None,
    audience: list[str] | None,
    module: list[str] | None,
) -> dict[str, tuple[str, Any]]:
    """The target settings given on the command line: key -> (flag, value)."""
    given = {
        "format": ("--format", output_format),
        "examples": ("--examples", examples),
        "ids": ("--ids/--no-ids", ids),
        "max-tokens": ("--max-tokens", max_tokens),
        "audience": ("--audience", audience or None),
        "modules": ("--module", module or None),
    }
    return {key: pair for key, pair in given.items() if pair[1] is not None}


def _one_target(project: Project, name: str, flags: dict[str, tuple[str, Any]]) -> OutputSpec:
    """The configured output `name`, or the target `name` with its defaults; flags applied."""
    from charter.build import BuildError, OutputSpec, get_target, output_specs
    from charter.build._settings import TEMPLATE, check_option, configured_names

    config = project.config
    if name in configured_names(config):
        spec = output_specs(config, [name])[0]
    else:
        if name == TEMPLATE:
            raise BuildError(
                "the template target builds a `[build.NAME] template = FILE` output: give "
                "--target NAME"
            )
        try:
            found = get_target(name)
        except BuildError as error:
            configured = configured_names(config)
            more = f"; outputs in charter.toml: {', '.join(configured)}" if configured else ""
            raise BuildError(f"{error}{more}") from None
        spec = OutputSpec(name, found, (config.root / found.default_output).resolve())
    options = dict(spec.options)
    for key, (flag, value) in flags.items():
        option = spec.target.option(key)
        if option is None:
            raise BuildError(f"{flag} does not apply to the {spec.target.name} target")
        options[key] = check_option(option, value, flag)
    return dataclasses.replace(spec, options=options)


@app.command()
def build(
    path: PathArg = Path(),
    target: Annotated[
        str | None,
        typer.Option(
            "--target", "-t", help="Build only this target or [build] output (default: all)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write --target's output (`-` for standard output)."
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if an output on disk is stale.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Allow an output path outside the project.")
    ] = False,
    output_format: Annotated[
        str | None, typer.Option("--format", help="system-prompt: text or json (line map).")
    ] = None,
    examples: Annotated[
        int | None, typer.Option(help="system-prompt: include up to N spec examples a section.")
    ] = None,
    ids: Annotated[
        bool | None, typer.Option("--ids/--no-ids", help="system-prompt: keep clause ids.")
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option(help="system-prompt: token budget; drops the lowest authority first."),
    ] = None,
    audience: Annotated[
        list[str] | None, typer.Option(help="system-prompt: only sections for this audience.")
    ] = None,
    module: Annotated[
        list[str] | None,
        typer.Option(help="system-prompt: only this module's sections (`project`: its own)."),
    ] = None,
) -> None:
    """Compile the spec into the outputs `[build]` in charter.toml names: the system prompt,
    AGENTS.md, a docs site, the JSON bundle, user templates (docs/build.md).

    With `--target`, build that one (a single-file output goes to standard output unless `-o`
    says where). `--check` writes nothing and exits 1 when an output on disk is stale. Exits 2
    on an unknown target, a template that fails, a budget below the root clauses, or an
    output outside the project without `--force`; nothing is written then.
    """
    from charter.build import BuildError

    try:
        _build(
            path,
            target,
            output,
            check=check,
            force=force,
            flags=_flags(output_format, examples, ids, max_tokens, audience, module),
        )
    except BuildError as error:
        raise UsageError(str(error)) from None


def _build(
    path: Path,
    target: str | None,
    output: Path | None,
    *,
    check: bool,
    force: bool,
    flags: dict[str, tuple[str, Any]],
) -> None:
    from charter.build import output_specs
    from charter.build._run import make, stale, write
    from charter.cli._app import _stop_on_fatal
    from charter.spec import load_project

    project = load_project(path)
    _stop_on_fatal(project.spec, project.findings)
    to_stdout = False
    if target is not None:
        spec = _one_target(project, target, flags)
        if output is not None and str(output) != "-":
            spec = dataclasses.replace(spec, output=output.resolve())
        to_stdout = not check and (
            str(output) == "-" or (output is None and not spec.target.directory)
        )
        outputs = [spec]
    else:
        if flags or output is not None:
            first = next(iter(flags.values()))[0] if flags else "--output"
            raise UsageError(f"{first} applies to one output: give --target NAME")
        outputs = output_specs(project.config)
        if not outputs:
            raise UsageError(
                f"{project.config.config_file or Path(project.spec.root) / 'charter.toml'}: no "
                "outputs under [build]; add one (e.g. [build.system-prompt]) or give --target"
            )
    built = make(project, outputs, force=force or to_stdout)
    for item in built:
        for warning in item.artifact.warnings:
            typer.echo(f"{item.spec.name}: {warning}", err=True)
    if check:
        _check(built, stale)
        return
    if to_stdout:
        sys.stdout.write(built[0].artifact.files[""].decode("utf-8"))
        return
    write(project, built)
    for item in built:
        note = f" ({item.artifact.note})" if item.artifact.note else ""
        typer.echo(f"built {item.spec.name} -> {_shown(item.spec.output)}{note}")


def _check(built: list[Any], stale: Any) -> None:
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
