"""The settings of `charter.toml` as typed models (pydantic), one per table, and where each
effective value comes from.

`charter.spec` checks the tables and keys a file may hold when it loads it (an unknown one stops
every command, with its line and the name it probably meant). The models here add the value
types: `config_problems` lists each value of the wrong type at its file:line (`charter check`
reports them as S120), and `effective_settings` gives every setting's value and its source, the
default or `charter.toml:LINE` (`charter config`)::

    from charter.config import effective_settings
    for setting in effective_settings("path/to/project"):
        print(setting.table, setting.key, setting.value, setting.source)

The tables whose keys the user names (`[models."PROVIDER:MODEL"]`, `[prices]`, `[build.NAME]`,
`[train]`) are shown as written; their readers check them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from charter._secrets import redact
from charter.conflict import CORE_SIMILARITY, SEMANTIC_THRESHOLD
from charter.errors import SpecError, UsageError
from charter.grade import MIN_PRECEDENTS
from charter.spec import CONFIG_NAME, SCHEMA, config_place, load_config


class _Table(BaseModel):
    """A table of kebab-case keys whose values keep their TOML type (no `"3"` for 3)."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        populate_by_name=True,
        alias_generator=lambda name: name.replace("_", "-"),
    )


class SpecTable(_Table):
    files: list[str] = []
    prompts: list[str] = ["examples", "cases"]
    name: str | None = None
    version: str | None = None
    owner: str | None = None
    level: str | None = None
    imports: list[str | dict[str, Any]] = []
    overrides: list[dict[str, Any]] | dict[str, Any] = []
    description: str | None = None


class CheckTable(_Table):
    select: list[str] = []
    ignore: list[str] = []
    severity: dict[str, str] = {}
    max_file_bytes: int = 32 * 1024 * 1024


class LintTable(_Table):
    modal_style: str = "model-spec"
    allow: list[str] = []


class TestTable(_Table):
    model: str | list[str] = []
    grader: str | list[str] = []
    epochs: int = 1
    concurrency: int | None = None
    timeout: float = 120.0
    max_retries: int = 4
    temperature: float | None = 0.0
    max_tokens: int | None = 512
    seed: int | None = None
    fail_under: float | None = None
    fail_under_authority: dict[str, float] = {}
    max_review: int | float | None = None
    judge_template: str | None = None
    select: str | list[str] = []
    authority: str | list[str] = []
    examples: bool = False
    allow_self_judge: bool = False
    cache: bool = True
    system: str | None = None


class RunTable(_Table):
    """Where a run's model calls are made (`charter test --executor`; docs/scale.md)."""

    executor: str | None = None
    """`local` (the default), `ray` or `batch`; `--executor` overrides it."""
    poll_seconds: float = Field(30.0, gt=0)
    """`batch`: seconds before the first look at a submitted batch."""
    max_poll_seconds: float = Field(600.0, gt=0)
    """`batch`: the longest wait between looks (each waits 1.5 times the one before)."""
    cancel_on_interrupt: bool = False
    """`batch`: cancel the submitted batch on Ctrl-C (by default it runs on, for `--resume`)."""


class JudgeTable(_Table):
    template: str | None = None
    short_template: str | None = None
    pair_template: str | None = None
    pair_short_template: str | None = None
    shots: int = 3
    mode: str | None = None
    min_precedents: int = MIN_PRECEDENTS


class ConflictsTable(_Table):
    enabled: bool = True
    semantic: bool = False
    threshold: float = SEMANTIC_THRESHOLD
    similarity: float = CORE_SIMILARITY
    judge: str | None = None
    calibration: str | None = None


class Resolution(_Table):
    clauses: list[str]
    decision: str
    by: str | None = None


class AgentsTable(_Table):
    token_budget: int = 8000
    """Tokens an agent's instruction chain may take (A007); `charter.agents` reads it."""
    skip: list[str] = []


class PublishTable(_Table):
    require_run: bool = False
    fail_under: float | None = None


TABLES: dict[str, type[_Table]] = {
    "spec": SpecTable,
    "check": CheckTable,
    "lint": LintTable,
    "test": TestTable,
    "run": RunTable,
    "judge": JudgeTable,
    "conflicts": ConflictsTable,
    "resolutions": Resolution,
    "publish": PublishTable,
    "agents": AgentsTable,
}
"""The model of each table whose keys Charter defines (`[[resolutions]]`: of each entry)."""


def table_keys(model: type[_Table]) -> frozenset[str]:
    """The keys a table's model allows, as written in charter.toml."""
    return frozenset(field.alias or name for name, field in model.model_fields.items())


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """A value of the wrong type, where it is written."""

    file: str
    line: int
    column: int
    message: str
    hint: str


@dataclass(frozen=True, slots=True)
class Setting:
    """One effective setting: its table and key, its value, and where the value comes from."""

    table: str
    key: str
    value: Any
    source: str
    """`default`, or `charter.toml:LINE`."""


def _entries(name: str, value: Any) -> list[tuple[int, Any]]:
    """A table's entries with their number (`[[resolutions]]` counts from 1, a table is 0)."""
    if SCHEMA[name].array:
        return list(enumerate(value, 1)) if isinstance(value, list) else []
    return [(0, value)]


def config_problems(data: dict[str, Any], text: str, where: str) -> list[ConfigProblem]:
    """Every value of `data` (the parsed charter.toml; `text` its source, `where` its name) whose
    type its table's model does not allow. Unknown tables and keys are `charter.spec`'s."""
    found = []
    for name, model in TABLES.items():
        for number, entry in _entries(name, data.get(name, {})):
            if not isinstance(entry, dict):
                continue  # the table's reader says what it must be
            try:
                model.model_validate(entry)
            except ValidationError as error:
                for problem in error.errors():
                    if problem["type"] in ("extra_forbidden", "missing"):
                        continue
                    key = str(problem["loc"][0])
                    line, column = config_place(text, name, number, key)
                    value = json.dumps(entry.get(key), default=str)
                    wanted = _WANTED.get(problem["type"], problem["msg"].lower())
                    found.append(
                        ConfigProblem(
                            where,
                            line,
                            column,
                            f"[{name}] {key} must be {wanted}, not {value}",
                            f"write {key} = {_EXAMPLE.get(problem['type'], '...')}"
                            " (docs/config.md lists every setting)",
                        )
                    )
    return sorted(found, key=lambda item: (item.line, item.column))


_WANTED = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "greater_than": "more than 0",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a table",
}
_EXAMPLE = {
    "bool_type": "true",
    "int_type": "3",
    "float_type": "0.9",
    "greater_than": "1",
    "string_type": '"text"',
    "list_type": '["a", "b"]',
    "dict_type": "{ key = value }",
}


def effective_settings(root: str | Path) -> list[Setting]:
    """Every setting of the project at `root`: each key of the typed tables with its value (the
    file's, else the default), then the user-named tables as written, each with its source."""
    if not Path(root).is_dir():
        raise SpecError(f"{root}: no such folder", "give the spec project folder")
    config = load_config(Path(root))
    text = config.config_file.read_text(encoding="utf-8") if config.config_file else ""
    shown = config.config_file.name if config.config_file else CONFIG_NAME
    found: list[Setting] = []
    for name, model in TABLES.items():
        written_entries = _entries(name, config.raw.get(name, {}))
        if SCHEMA[name].array:
            for number, entry in written_entries:
                for key, value in entry.items():
                    line, _ = config_place(text, name, number, key)
                    found.append(Setting(f"{name}.{number}", key, value, f"{shown}:{line}"))
            continue
        entry = written_entries[0][1] if isinstance(written_entries[0][1], dict) else {}
        for field_name, field in model.model_fields.items():
            key = field.alias or field_name
            if key in entry:
                line, _ = config_place(text, name, 0, key)
                found.append(Setting(name, key, entry[key], f"{shown}:{line}"))
            else:
                found.append(
                    Setting(name, key, field.get_default(call_default_factory=True), "default")
                )
    for name, value in config.raw.items():
        if name in TABLES or not isinstance(value, dict):
            continue
        for key, item in value.items():
            line, _ = config_place(text, name, 0, key)
            found.append(Setting(name, key, item, f"{shown}:{line}"))
    return found


def render_settings(settings: list[Setting], output_format: str = "text") -> str:
    """`text`: one `table.key = value  # source` line per setting; `json`: a list of objects.
    Secrets the file holds are masked."""
    if output_format not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not `{output_format}`")
    if output_format == "json":
        rows = [
            {"table": s.table, "key": s.key, "value": s.value, "source": s.source} for s in settings
        ]
        return redact(json.dumps(rows, indent=2, default=str))
    lines = []
    for setting in settings:
        value = json.dumps(setting.value, default=str)
        lines.append(f"{setting.table}.{setting.key} = {value}  # {setting.source}")
    return redact("\n".join(lines))  # an api_key written in [models] is not shown
