"""The conflict judge's verdicts, kept in SQLite so that a pair is asked about once.

A verdict is keyed by both clause texts (in a fixed order), the judge (`provider:model`), the
provider settings that can change a reply (endpoint, options) and the prompt's version: a change
to any of them asks again. Only decided verdicts (conflict or not) are kept; a failed call or a
reply that was no verdict is asked again on the next run. The file is
`.charter/conflict-verdicts.sqlite` under the project root.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CACHE_FILE = Path(".charter") / "conflict-verdicts.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    key TEXT PRIMARY KEY,
    judge TEXT NOT NULL,
    prompt TEXT NOT NULL,
    first TEXT NOT NULL,
    second TEXT NOT NULL,
    conflict INTEGER NOT NULL,
    reason TEXT NOT NULL,
    reply TEXT NOT NULL,
    recorded TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class CachedVerdict:
    conflict: bool
    reason: str
    reply: str


def verdict_key(first: str, second: str, judge: str, settings: dict[str, Any], prompt: str) -> str:
    """The cache key of one question to one judge (the texts in the order they were sent)."""
    material = json.dumps([first, second, judge, settings, prompt], sort_keys=True, default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class VerdictCache:
    """Decided verdicts by `verdict_key`; every `put` is committed at once."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=5.0)
        self._db.execute(_SCHEMA)
        self._db.commit()

    @classmethod
    def for_project(cls, root: Path) -> VerdictCache:
        return cls(root / CACHE_FILE)

    def get(self, key: str) -> CachedVerdict | None:
        row = self._db.execute(
            "SELECT conflict, reason, reply FROM verdicts WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else CachedVerdict(bool(row[0]), str(row[1]), str(row[2]))

    def put_all(self, rows: list[tuple[str, str, str, str, str, CachedVerdict]]) -> None:
        """Keep (key, judge, prompt, first, second, verdict) rows, in one transaction."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (key, judge, prompt, a, b, int(v.conflict), v.reason, v.reply, now)
                    for key, judge, prompt, a, b, v in rows
                ],
            )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0])

    def close(self) -> None:
        self._db.close()
