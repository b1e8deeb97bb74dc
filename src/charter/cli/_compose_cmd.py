"""`charter lock`, `charter modules` and `charter publish`.

The stage modules are imported inside the commands, so that start-up does not pay for them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from charter.cli._app import PathArg, app, opt
from charter.cli._errors import UsageError


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
    from charter.compose import lock_entries, write_lock
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
    for entry in lock_entries(project.spec):
        typer.echo(
            f"{entry['alias']:<12} {entry['version'] or '-':<10} {entry['level']:<10} "
            f"{entry['source']:<28} {entry['hash'][:19]}"
        )
    typer.echo(f"Wrote {written} ({len(project.spec.modules) - 1} modules).")


@app.command()
def modules(path: PathArg = Path()) -> None:
    """List the modules a spec is composed of, and the overrides between them."""
    from charter.compose import evaluate_overrides
    from charter.spec import load_project

    project = load_project(path)
    spec = project.spec
    if not spec.modules:
        typer.echo("The spec imports no modules.")
        return
    for module in spec.modules:
        count = sum(1 for c in spec.clauses if (c.module or "") == module.alias)
        typer.echo(
            f"{module.alias or '(project)':<12} {module.name or '-':<24} {module.version or '-':<8}"
            f" level {module.level:<10} owner {module.owner or '-':<24} {count:>3} clauses"
            f"  {module.source}"
        )
    report = evaluate_overrides(spec)
    for override in report.legal:
        typer.echo(f"override: {override.by.id} replaces {override.target.id} ({override.why})")
    for override, reason in report.illegal:
        typer.echo(f"ILLEGAL override: {override.by.id} -> {override.target.id}: {reason}")


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
    from charter.check import check_spec, render
    from charter.compose import LOCK_NAME
    from charter.publish import BundleExists, evaluate_gate, place_bundle
    from charter.spec import load_project

    project = load_project(path)
    result = check_spec(project.spec, project.findings, project.config)
    if result.exit_code == 2:
        sys.stdout.write(render(result, "text"))
        raise typer.Exit(2)
    for note in (d for d in result.diagnostics if d.code == "C205"):
        typer.echo(f"note: {note.message}", err=True)  # the semantic search was left out
    outcome = evaluate_gate(result, project.config)
    if not outcome.passed:
        typer.echo(f"Not published: {len(outcome.reasons)} reason(s).")
        for reason in outcome.reasons:
            typer.echo(f"  - {reason}")
        raise typer.Exit(1)
    spec = project.spec
    try:
        target, written = place_bundle(spec, project.config, output or Path(spec.root) / "dist")
    except BundleExists as error:
        typer.echo(f"Not published: {error}")
        raise typer.Exit(1) from None
    if not written:
        typer.echo(f"Already published: {target} holds {spec.name} {spec.version} as it is now")
        return
    typer.echo(
        f"Published {spec.name} {spec.version} ({len(spec.clauses)} clauses, "
        f"{max(0, len(spec.modules) - 1)} modules, {LOCK_NAME} current) to {target}"
    )
