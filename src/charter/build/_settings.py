"""`[build]` in charter.toml: the outputs a project builds, each a `[build.NAME]` table.

NAME is a target (`system-prompt`, `agents-md`, `docs`, `json`, or a plugin's), or any name for a
user template (`template = "templates/faq.md.j2"`, `output = "dist/faq.md"`). Every key is
checked: a typo is an error with the line of charter.toml, never ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.build._errors import BuildError
from charter.build._prompt import PromptOptions
from charter.build._registry import Option, Target, get_target, targets
from charter.spec import ProjectConfig

SYSTEM_PROMPT = "system-prompt"
TEMPLATE = "template"
_COMMON = ("output",)


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """One output the project builds: a name, its target, where it goes, its settings."""

    name: str
    target: Target
    output: Path
    """Absolute path of the file or folder."""
    options: dict[str, Any] = field(default_factory=dict)


def _table(config: ProjectConfig) -> dict[str, Any]:
    table = config.raw.get("build", {})
    if not isinstance(table, dict):
        raise BuildError(f"{_where(config, 'build')}: [build] must be a table of outputs")
    return table


def _where(config: ProjectConfig, table: str, key: str | None = None) -> str:
    """`charter.toml:LINE` of `[table]` (or of `key` inside it) for error messages."""
    path = config.config_file
    if path is None:
        return "charter.toml"
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return str(path)
    header = -1
    for number, line in enumerate(lines):
        stripped = line.strip().replace('"', "")
        if stripped in (f"[{table}]", f"[[{table}]]"):
            header = number
            if key is None:
                return f"{path}:{number + 1}"
        elif header >= 0 and key is not None:
            if stripped.startswith("["):
                break
            if stripped.split("=", 1)[0].strip() == key:
                return f"{path}:{number + 1}"
    return f"{path}:{header + 1}" if header >= 0 else str(path)


def configured_names(config: ProjectConfig) -> list[str]:
    """The output names under `[build]`, in the order written."""
    return list(_table(config))


def has_system_prompt(config: ProjectConfig) -> bool:
    """True when the project builds a system prompt (`[build.system-prompt]`)."""
    return SYSTEM_PROMPT in _table(config)


def output_specs(config: ProjectConfig, names: list[str] | None = None) -> list[OutputSpec]:
    """The configured outputs (all, or those named), validated."""
    table = _table(config)
    found = []
    for name in names if names is not None else list(table):
        entry = table.get(name, {})
        if not isinstance(entry, dict):
            raise BuildError(
                f"{_where(config, 'build')}: [build] {name} must be a table, e.g. "
                f'[build.{name}] output = "dist/..."'
            )
        found.append(_output_spec(config, name, entry))
    return found


def _output_spec(config: ProjectConfig, name: str, entry: Mapping[str, Any]) -> OutputSpec:
    table = f"build.{name}"
    if "template" in entry:
        target = get_target(TEMPLATE)
    elif name in targets():
        target = get_target(name)
    else:
        known = ", ".join(sorted(k for k in targets() if k != TEMPLATE))
        raise BuildError(
            f"{_where(config, table)}: [build.{name}] is not a build target ({known}) and has no "
            "`template = FILE` for a user template"
        )
    options: dict[str, Any] = {}
    for key, value in entry.items():
        if key in _COMMON:
            continue
        option = target.option(key)
        if option is None:
            allowed = ", ".join([*_COMMON, *(o.name for o in target.options)])
            raise BuildError(
                f"{_where(config, table, key)}: [build.{name}] has no setting {key!r}; "
                f"the settings are {allowed}"
            )
        options[key] = check_option(option, value, f"{_where(config, table, key)}: {key}")
    output = entry.get("output")
    if output is not None and (not isinstance(output, str) or not output.strip()):
        raise BuildError(
            f"{_where(config, table, 'output')}: [build.{name}] output must be a path string"
        )
    if output is None and target.name == TEMPLATE:
        raise BuildError(
            f"{_where(config, table)}: [build.{name}] needs `output = PATH` for its template"
        )
    path = (config.root / (output or target.default_output)).resolve()
    return OutputSpec(name, target, path, options)


def check_option(option: Option, value: Any, where: str) -> Any:
    """`value` if it suits `option`, else a `BuildError` naming `where`."""
    kind = option.kind
    if kind in ("count", "positive"):
        least = 0 if kind == "count" else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise BuildError(f"{where} must be a whole number of at least {least}, not {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise BuildError(f"{where} must be true or false, not {value!r}")
        return value
    if kind == "names":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise BuildError(f"{where} must be a list of names, not {value!r}")
        return tuple(part.strip() for item in items for part in item.split(",") if part.strip())
    if kind == "choice":
        if value not in option.choices:
            raise BuildError(f"{where} must be one of {', '.join(option.choices)}, not {value!r}")
        return value
    if not isinstance(value, str) or not value.strip():
        raise BuildError(f"{where} must be a non-empty string, not {value!r}")
    return value


def prompt_options(
    config: ProjectConfig, overrides: Mapping[str, Any] | None = None
) -> PromptOptions:
    """The system prompt's options: `[build.system-prompt]`, then `overrides` (flags)."""
    options: dict[str, Any] = {}
    if has_system_prompt(config):
        options.update(output_specs(config, [SYSTEM_PROMPT])[0].options)
    options.update(overrides or {})
    return options_from(options)


def options_from(options: Mapping[str, Any]) -> PromptOptions:
    """`PromptOptions` from validated target settings (kebab-case keys)."""
    return PromptOptions(
        examples=int(options.get("examples", 0)),
        ids=bool(options.get("ids", False)),
        max_tokens=options.get("max-tokens"),
        audience=tuple(options.get("audience", ())),
        modules=tuple(options.get("modules", ())),
    )
