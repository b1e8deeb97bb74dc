"""Values in messages, shown the way a user writes them in YAML, TOML or on the command line,
never as Python reprs (`['a', 1]`, `{'path': ...}`, `'it\\'s'`)."""

from __future__ import annotations

import datetime
import json
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def as_text(value: Any) -> str:
    """`value` as it would be written: `text`, `3`, `true`, `["a", 1]`, `{"path": "./x"}`."""
    plain = _plain(value)
    if isinstance(plain, str):
        return plain
    return json.dumps(plain, ensure_ascii=False)


def written(value: Any) -> str:
    """`as_text(value)` in backticks, for a message."""
    return f"`{as_text(value)}`"
