"""Every table and key `charter.toml` may hold, in one place.

`load_config` compares the file against this schema before any command reads a setting, so a
misspelt table or key (`[tset]`, `selct = [...]`) stops every command with its file:line and the
name it probably meant, instead of being ignored. The readers of each table (`[test]`, `[judge]`,
`[conflicts]`...) still check the values; tests/test_config_schema.py keeps their key lists and
this schema in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any


@dataclass(frozen=True, slots=True)
class Table:
    """The keys a table may hold. `named`: the keys are names the user chooses (a model per key
    under `[models]`), so only their values are tables. `array`: an array of tables,
    `[[resolutions]]`, whose entries hold `keys`."""

    keys: frozenset[str] = frozenset()
    named: bool = False
    array: bool = False
    what: str = ""


def _keys(*names: str) -> frozenset[str]:
    return frozenset(names)


SPEC_KEYS = _keys(
    "files", "prompts", "name", "version", "owner", "level", "imports", "overrides", "description"
)
CHECK_KEYS = _keys("select", "ignore", "severity", "max-file-bytes")
LINT_KEYS = _keys("modal-style", "allow")
TEST_KEYS = _keys(
    "model",
    "grader",
    "epochs",
    "concurrency",
    "timeout",
    "max-retries",
    "temperature",
    "max-tokens",
    "seed",
    "fail-under",
    "fail-under-authority",
    "judge-template",
    "select",
    "authority",
    "examples",
    "allow-self-judge",
    "cache",
    "max-review",
    "system",
)
RUN_KEYS = _keys("executor", "poll-seconds", "max-poll-seconds", "cancel-on-interrupt")
JUDGE_KEYS = _keys(
    "template",
    "short-template",
    "pair-template",
    "pair-short-template",
    "shots",
    "mode",
    "min-precedents",
)
CONFLICTS_KEYS = _keys("enabled", "semantic", "threshold", "similarity", "judge", "calibration")
RESOLUTION_KEYS = _keys("clauses", "decision", "by")
PUBLISH_KEYS = _keys("require-run", "fail-under")
AGENTS_KEYS = _keys("token-budget", "skip")

SCHEMA: dict[str, Table] = {
    "spec": Table(SPEC_KEYS, what="the spec's files and metadata"),
    "check": Table(CHECK_KEYS, what="`charter check` rule selection"),
    "lint": Table(LINT_KEYS, what="the linter"),
    "test": Table(TEST_KEYS, what="`charter test` defaults"),
    "run": Table(RUN_KEYS, what="where `charter test` makes its model calls"),
    "judge": Table(JUDGE_KEYS, what="the spec-aware judge"),
    "models": Table(named=True, what='provider options per model, [models."PROVIDER:MODEL"]'),
    "prices": Table(named=True, what="prices per model for `--dry-run`"),
    "conflicts": Table(CONFLICTS_KEYS, what="conflict search"),
    "resolutions": Table(RESOLUTION_KEYS, array=True, what="recorded conflict decisions"),
    "publish": Table(PUBLISH_KEYS, what="the publish gate"),
    "agents": Table(AGENTS_KEYS, what="agent instruction files (`charter check REPO`)"),
    # Both readers check every key of their own tables (a typo is an error there, with its line).
    "build": Table(named=True, what="the outputs `charter build` writes, [build.NAME]"),
    "train": Table(named=True, what="`charter train` settings"),
}


@dataclass(frozen=True, slots=True)
class UnknownSetting:
    """A table or key the schema does not have, with where it is and what was probably meant."""

    line: int
    column: int
    message: str
    hint: str


def did_you_mean(name: str, known: list[str] | frozenset[str] | tuple[str, ...]) -> str | None:
    """The known name closest to `name`, when one is close enough to be a typo of it."""
    by_lower = {option.lower(): option for option in known}
    found = get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]\s.\"']+|\"[^\"]*\"|'[^']*')")
_KEY = re.compile(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*[.=]")


def _unquote(name: str) -> str:
    return name[1:-1] if name[:1] in "\"'" else name


class _Places:
    """Line and column of each table header and key in the file's text (first occurrence; the
    keys of an array of tables per entry)."""

    def __init__(self, text: str) -> None:
        self.tables: dict[str, int] = {}
        self.keys: dict[tuple[str, int, str], tuple[int, int]] = {}
        table, entry = "", 0
        counts: dict[str, int] = {}
        for number, line in enumerate(text.split("\n"), 1):
            header = _HEADER.match(line)
            if header is not None:
                table = _unquote(header[2])
                counts[table] = counts.get(table, 0) + (1 if header[1] == "[[" else 0)
                entry = counts[table]
                self.tables.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key is not None:
                place = (number, line.index(key[1]) + 1)
                self.keys.setdefault((table, entry, _unquote(key[1])), place)
                if not table:
                    self.tables.setdefault(_unquote(key[1]), number)

    def key(self, table: str, entry: int, key: str) -> tuple[int, int]:
        return self.keys.get((table, entry, key), (self.tables.get(table, 1), 1))


def config_place(text: str, table: str, entry: int, key: str) -> tuple[int, int]:
    """Line and column of `key` in `table` (its `entry`-th `[[table]]`, or 0) of a charter.toml
    text; the table's header line when the key is not written there."""
    return _Places(text).key(table, entry, key)


def unknown_settings(data: dict[str, Any], text: str) -> list[UnknownSetting]:
    """Every table and key of `data` (the parsed file; `text` is its source) not in the schema."""
    places = _Places(text)
    found: list[UnknownSetting] = []
    for name, value in data.items():
        table = SCHEMA.get(name)
        if table is None:
            guess = did_you_mean(name, list(SCHEMA))
            found.append(
                UnknownSetting(
                    places.tables.get(name, 1),
                    1,
                    f"unknown table `[{name}]`" + (f"; did you mean `[{guess}]`?" if guess else ""),
                    f"rename it to [{guess}]"
                    if guess
                    else f"the tables are {', '.join(f'[{known}]' for known in SCHEMA)}",
                )
            )
            continue
        if table.named:
            continue
        entries = value if table.array and isinstance(value, list) else [value]
        for number, entry in enumerate(entries, 1 if table.array else 0):
            if not isinstance(entry, dict):
                continue  # the table's reader says what the value must be
            for key in entry:
                if key in table.keys:
                    continue
                guess = did_you_mean(str(key), table.keys)
                keys = ", ".join(sorted(table.keys))
                line, column = places.key(name, number, str(key))
                found.append(
                    UnknownSetting(
                        line,
                        column,
                        f"unknown key `{key}` in [{name}]"
                        + (f"; did you mean `{guess}`?" if guess else ""),
                        f"rename it to `{guess}`"
                        if guess
                        else f"the keys of [{name}] ({table.what}) are {keys}",
                    )
                )
    return sorted(found, key=lambda item: (item.line, item.column))
