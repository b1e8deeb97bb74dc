"""Values in messages are shown as the user wrote them, never as Python reprs."""

from __future__ import annotations

import datetime

import pytest

from charter._shown import written
from charter.run._settings import SettingsError, _check


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("./safety", "`./safety`"),
        ("it's", "`it's`"),
        (3, "`3`"),
        (True, "`true`"),
        (None, "`null`"),
        (["a", 1], '`["a", 1]`'),
        ({"path": "./safety", "as": "safety"}, '`{"path": "./safety", "as": "safety"}`'),
        (datetime.date(2025, 9, 12), "`2025-09-12`"),
    ],
)
def test_values_are_written_as_in_yaml_or_toml(value: object, shown: str) -> None:
    assert written(value) == shown


def test_a_setting_of_the_wrong_type_is_shown_as_written() -> None:
    with pytest.raises(SettingsError) as error:
        _check("epochs", ["two", 2], "charter.toml [test] epochs")
    message = str(error.value)
    assert 'not `["two", 2]`' in message
    assert "['two', 2]" not in message
