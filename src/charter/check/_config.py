"""`charter.toml` values of the wrong type (S120): the typed tables of `charter.config`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from charter._source import Span
from charter.diagnostics import Diagnostics, Severity, checker, rule
from charter.spec import CONFIG_NAME, Spec

WRONG_SETTING_TYPE = rule(
    "S120",
    "wrong-setting-type",
    Severity.ERROR,
    "A setting in `charter.toml` has a value of the wrong type.",
    """
    Each key of `charter.toml` takes one type of value (docs/config.md): `enabled = true`, not
    `enabled = "no"`, which a reader taking any value as true or false would read as true; a
    number without quotes, `epochs = 3`, not `epochs = "3"`.

    Example: `[conflicts] enabled = "no"`.

    Fix: write the value in the type the finding names.
    """,
)


@checker(rules=("S120",))
def check_setting_types(spec: Spec, sink: Diagnostics) -> None:
    """Every typed table's values against its model, at the line of each (pydantic is imported
    here, for a project with a charter.toml, not when `charter.check` is)."""
    path = Path(spec.root) / CONFIG_NAME
    if not path.is_file():
        return
    from charter.config import config_problems

    text = path.read_text(encoding="utf-8")
    for problem in config_problems(tomllib.loads(text), text, CONFIG_NAME):
        span = Span(CONFIG_NAME, problem.line, problem.column)
        sink.add(WRONG_SETTING_TYPE, problem.message, span, hint=problem.hint)
