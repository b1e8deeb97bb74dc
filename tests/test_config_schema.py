"""The charter.toml schema (charter.spec._config_schema) names every table a reader reads and,
for the tables whose readers keep their own key lists, exactly those keys."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from charter.grade import _setup as judge_setup
from charter.run import _settings as run_settings
from charter.spec._config_schema import (
    JUDGE_KEYS,
    SCHEMA,
    TEST_KEYS,
    did_you_mean,
    unknown_settings,
)

SOURCE = Path(__file__).resolve().parents[1] / "src" / "charter"


def test_every_table_a_reader_reads_is_in_the_schema() -> None:
    read: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        read |= set(re.findall(r"config\.raw\.get\(\s*\"([\w-]+)\"", path.read_text("utf-8")))
    assert read, "no reader found"
    assert read <= set(SCHEMA), sorted(read - set(SCHEMA))


def test_reader_key_lists_match_the_schema() -> None:
    assert {f.name.replace("_", "-") for f in fields(run_settings.TestSettings)} == TEST_KEYS
    assert judge_setup.JUDGE_KEYS == JUDGE_KEYS


def test_unknown_settings_are_placed_and_guessed() -> None:
    text = (
        '[spec]\nfiles = ["spec"]\n\n[models."openai:x"]\nbase_url = "u"\n\n'
        "[test]\n  max-tokns = 3\n\n[tset]\n"
    )
    data = {"spec": {"files": ["spec"]}, "models": {"openai:x": {"base_url": "u"}}}
    data |= {"test": {"max-tokns": 3}, "tset": {}}
    found = [(u.line, u.column, u.message) for u in unknown_settings(data, text)]
    assert found == [
        (8, 3, "unknown key `max-tokns` in [test]; did you mean `max-tokens`?"),
        (10, 1, "unknown table `[tset]`; did you mean `[test]`?"),
    ]
    assert did_you_mean("zzzz", ["select", "ignore"]) is None
