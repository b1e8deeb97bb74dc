"""Which outputs a build makes: every `[build]` output, or one `--target` with its options
overridden; and where a single-file output goes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.build._errors import BuildError
from charter.build._registry import get_target
from charter.build._run import Built, make
from charter.build._settings import (
    TEMPLATE,
    OutputSpec,
    check_option,
    configured_names,
    output_specs,
)
from charter.spec import Project

Overrides = Mapping[str, tuple[str, Any]]
"""Target settings given by the caller: key -> (the flag that gave it, its value)."""


@dataclass(slots=True)
class BuildResult:
    """The outputs made (not yet written, see `charter.build.write_outputs`)."""

    built: list[Built]
    to_stdout: bool = False
    """One single-file target with no output path: its text is for standard output."""

    @property
    def text(self) -> str:
        """The single-file output's text (with `to_stdout`)."""
        return self.built[0].artifact.files[""].decode("utf-8")


def overrides(**given: tuple[str, Any]) -> dict[str, tuple[str, Any]]:
    """The overrides actually given: (flag, value) pairs whose value is not None or empty."""
    return {key: pair for key, pair in given.items() if pair[1] is not None and pair[1] != []}


def one_target(project: Project, name: str, options: Overrides) -> OutputSpec:
    """The configured output `name`, or the target `name` with its defaults; options applied."""
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
    chosen = dict(spec.options)
    for key, (flag, value) in options.items():
        option = spec.target.option(key)
        if option is None:
            raise BuildError(f"{flag} does not apply to the {spec.target.name} target")
        chosen[key] = check_option(option, value, flag)
    return dataclasses.replace(spec, options=chosen)


def build_project(
    project: Project,
    target: str | None = None,
    output: Path | None = None,
    *,
    check: bool = False,
    force: bool = False,
    options: Overrides | None = None,
) -> BuildResult:
    """Make every `[build]` output, or only `target` (to `output`; `-` is standard output);
    `check` only compares, so a single-file target is never sent to standard output then."""
    options = options or {}
    to_stdout = False
    if target is not None:
        spec = one_target(project, target, options)
        if output is not None and str(output) != "-":
            spec = dataclasses.replace(spec, output=output.resolve())
        to_stdout = not check and (
            str(output) == "-" or (output is None and not spec.target.directory)
        )
        outputs = [spec]
    else:
        if options or output is not None:
            first = next(iter(options.values()))[0] if options else "--output"
            raise BuildError(f"{first} applies to one output: give --target NAME")
        outputs = output_specs(project.config)
        if not outputs:
            where = project.config.config_file or Path(project.spec.root) / "charter.toml"
            raise BuildError(
                f"{where}: no outputs under [build]; add one (e.g. [build.system-prompt]) or "
                "give --target"
            )
    return BuildResult(make(project, outputs, force=force or to_stdout), to_stdout)


def shown(path: Path) -> str:
    """A path as the build prints it: relative to the current folder when inside it."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def stale_lines(built: list[Built]) -> tuple[list[str], bool]:
    """Which outputs on disk differ from a fresh build (`charter build --check`): one line
    each, and whether any is stale."""
    from charter.build._run import stale

    lines, any_stale = [], False
    for item in built:
        reason = stale(item)
        where = shown(item.spec.output)
        if reason is None:
            lines.append(f"up to date: {item.spec.name} ({where})")
        else:
            lines.append(f"stale: {item.spec.name} ({where}): {reason}")
            any_stale = True
    if any_stale:
        lines.append("run `charter build` and commit the outputs")
    return lines, any_stale


def built_lines(built: list[Built]) -> list[str]:
    """`built NAME -> PATH (note)` for each output written."""
    lines = []
    for item in built:
        note = f" ({item.artifact.note})" if item.artifact.note else ""
        lines.append(f"built {item.spec.name} -> {shown(item.spec.output)}{note}")
    return lines
