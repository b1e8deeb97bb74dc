"""`charter lock`, `charter modules` and `charter publish`.

The stage modules are imported inside the commands, so that start-up does not pay for them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from charter._exits import UsageError
from charter.cli._app import PathArg, app, opt


def _fatal(findings: list[str]) -> None:
    if findings:
        more = f"; {len(findings) - 1} more, see `charter check`" if len(findings) > 1 else ""
        raise UsageError(findings[0] + more)


@app.command()
def lock(path: PathArg = Path()) -> None:
    """Write charter.lock: each imported module's alias, version, level, source and content hash.

    `charter check` warns (C001, C002) and `charter publish` refuses while the lock is missing or
    stale. Exits 2 when the imports cannot be resolved.
    """
    from charter.compose import lock_lines, write_lock
    from charter.diagnostics import Severity
    from charter.spec import load_project

    project = load_project(path)
    _fatal(
        [
            f"{d.span}: {d.code} {d.message}"
            for d in project.findings.items
            if d.severity is Severity.FATAL
        ]
    )
    if not project.spec.modules:
        raise UsageError(f"{path}: the spec imports no modules, so there is nothing to lock")
    written = write_lock(project.spec)
    typer.echo("\n".join(lock_lines(project.spec)))
    typer.echo(f"Wrote {written} ({len(project.spec.modules) - 1} modules).")


@app.command()
def modules(path: PathArg = Path()) -> None:
    """List the modules a spec is composed of, and the overrides between them."""
    from charter.compose import module_lines
    from charter.spec import load_project

    typer.echo("\n".join(module_lines(load_project(path).spec)))


@app.command()
def publish(
    path: PathArg = Path(),
    output: Annotated[Path | None, opt("publish.output")] = None,
) -> None:
    """Write the composed spec as a versioned JSON bundle, only when it may be published.

    Refuses (exit 1, listing every reason) on check errors, unresolved conflicts, a missing or
    stale charter.lock, with `[publish] require-run = true` a latest run under `fail-under`,
    or a bundle of the same version already published with other content (publishing the same
    content again changes nothing). Exit 2 when the input is unusable.
    """
    from charter.check import render
    from charter.publish import publish_project
    from charter.spec import load_project

    done = publish_project(load_project(path), output)
    if done.unusable:
        sys.stdout.write(render(done.check, "text"))
        raise typer.Exit(2)
    for note in done.notes:
        typer.echo(f"note: {note}", err=True)  # the semantic search was left out
    for line in done.lines():
        typer.echo(line)
    raise typer.Exit(1 if done.reasons else 0)
