"""The `charter` command line.

Start-up matters (every invocation pays it): the commands import the stages they use (check,
spec, the pydantic schema) inside their bodies. typer only evaluates the parameter annotations
when it builds the commands, so those stay plain types.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import charter
from charter._exits import UsageError
from charter.diagnostics import FORMATS, get_rule

if TYPE_CHECKING:
    from charter.diagnostics import Diagnostics
    from charter.spec import Spec

app = typer.Typer(
    name="charter",
    help=(
        "Charter treats written specifications of AI behaviour as source code: it reads them, "
        "checks them, runs their challenge prompts against models and reports compliance.\n\n"
        "Exit codes: 0 success; 1 findings at error level (or a failed gate); 2 unusable input "
        "(missing path, unreadable file, bad option); 3 internal error."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)

PathArg = Annotated[
    Path,
    typer.Argument(help="A spec project folder, or one spec markdown file.", show_default=False),
]


def opt(key: str) -> Any:
    """The option `key` (`command.option`): its flags and help from `charter._help`."""
    from charter._help import OPTIONS

    flags, text = OPTIONS[key]
    return typer.Option(*flags, help=text)


def arg(key: str) -> Any:
    """The argument `key` (`command.argument`), its help from `charter._help`."""
    from charter._help import OPTIONS

    return typer.Argument(help=OPTIONS[key][1])


def _version(value: bool) -> None:
    if value:
        typer.echo(f"charter {charter.__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Specifications of AI behaviour as source code."""


def _split(values: list[str] | None) -> list[str]:
    found: list[str] = []
    for value in values or []:
        found.extend(part.strip() for part in value.split(",") if part.strip())
    return found


@app.command()
def check(
    path: PathArg = Path(),
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}."),
    ] = "text",
    select: Annotated[list[str] | None, opt("check.select")] = None,
    ignore: Annotated[list[str] | None, opt("check.ignore")] = None,
    output: Annotated[Path | None, opt("check.output")] = None,
    fix: Annotated[bool, opt("check.fix")] = False,
    force: Annotated[bool, opt("check.force")] = False,
    write_lock: Annotated[bool, opt("check.write_lock")] = False,
) -> None:
    """Type-check a spec: ids, prompt files, cross references, authorities, examples.

    On a repository's agent instruction files (AGENTS.md, CLAUDE.md, Cursor rules, Copilot
    instructions) the A rules run; `--write-lock` keeps their clause ids in charter.agents.lock.

    Structural rules (S) and precedent rules (P) run by default. The linter's rules (L: vague
    words, loopholes, untestable clauses...) are opt-in: `--select L`, `--select ALL`, or
    `select = ["S", "P", "L"]` under `[check]` in charter.toml. `charter rules` lists every code.

    Exits 0 when clean, 1 when any finding is an error, 2 when the input is unusable.
    """
    from charter.check import check_path, render

    if output_format not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not `{output_format}`")
    result = check_path(path, select=_split(select), ignore=_split(ignore))
    if write_lock:
        from charter.agents import update_lock

        sys.stderr.write(f"Wrote {update_lock(Path(result.spec.root))}.\n")
    if output is not None:
        refuse_report_over_source(output, result.spec, force)
    if fix:
        from charter.lint import fix_check_result

        fixed = fix_check_result(result)
        sys.stderr.write(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.\n")
        result = check_path(path, select=_split(select), ignore=_split(ignore))
    text = render(result, output_format)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        if output_format != "text":
            typer.echo(render(result, "text").rstrip().rsplit("\n\n", 1)[-1])
    else:
        sys.stdout.write(text)
    raise typer.Exit(result.exit_code)


@app.command()
def show(
    path: PathArg = Path(),
    item: Annotated[str | None, arg("show.item")] = None,
    output_format: Annotated[str, opt("show.output_format")] = "text",
    stats: Annotated[bool, typer.Option("--stats", help="Print only the counts, as JSON.")] = False,
) -> None:
    """Show a spec: its outline and clause table, one clause or section, the counts, or the whole
    model as JSON (schema: `charter schema`)."""
    from charter.spec import load_spec

    spec, findings = load_spec(path)
    _stop_on_fatal(spec, findings)
    if stats:
        typer.echo(json.dumps(spec.stats()))
        return
    if output_format == "json":
        from charter.spec._schema import model_json  # pydantic: ~30 ms

        sys.stdout.write(model_json(spec) + "\n")
        return
    if output_format != "text":
        raise UsageError(f"--format must be text or json, not `{output_format}`")
    from rich.console import Console

    from charter.compose._outline import print_clause_or_section, print_outline

    console = Console(highlight=False, soft_wrap=False)
    if item is not None:
        if not print_clause_or_section(console, spec, item):
            raise UsageError(f"`{item}` is neither a clause id nor a section id in {path}")
        return
    print_outline(console, spec)


def project_root(path: Path) -> Path:
    """The project folder of `path` (a folder, or a file in it); a missing path is exit 2."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory (give the spec project folder)")
    return (path if path.is_dir() else path.parent).resolve()


def refuse_report_over_source(output: Path, spec: Spec, force: bool) -> None:
    """`-o` must not replace a spec, prompt or settings file with a report, unless --force."""
    from charter._paths import report_target_problem

    refused = None if force else report_target_problem(output, spec)
    if refused is not None:
        raise UsageError(refused)


def _stop_on_fatal(spec: Spec, findings: Diagnostics) -> None:
    """Unusable input (an unreadable file, broken front matter) ends `show` with exit 2."""
    from charter.spec._fatal import fatal_line

    if (line := fatal_line(spec, findings)) is not None:
        raise UsageError(line)


@app.command()
def schema() -> None:
    """Print the JSON schema of `charter show --format json`."""
    from charter.spec._schema import model_schema

    typer.echo(json.dumps(model_schema(), indent=2))


@app.command()
def rules(
    output_format: Annotated[str, opt("rules.output_format")] = "text",
) -> None:
    """List every rule: code, name, default severity and summary."""
    import charter.check  # noqa: F401  (registers the checkers' rules)
    from charter.check._listing import rules_listing

    typer.echo(rules_listing(output_format), nl=False)


@app.command()
def rule(code: Annotated[str, typer.Argument(help="A rule code (S102) or name.")]) -> None:
    """Explain one rule: what it finds, an example, and the fix."""
    import charter.check  # noqa: F401

    found = get_rule(code)
    if found is None:
        raise UsageError(f"no rule `{code}`; `charter rules` lists them")
    typer.echo(
        f"{found.code} {found.name} ({found.severity.value})\n\n{found.summary}\n\n{found.doc}"
    )


def main() -> None:
    """Entry point: run the app, turning every expected failure into one line and exit code 2."""
    from charter._exits import run_safely

    debug = os.environ.get("CHARTER_DEBUG") == "1"
    raise SystemExit(run_safely(app, debug=debug))
