"""`charter.agents.lock`: the ids given to the clauses of a repository's instruction files.

Ids are generated from each sentence's words, so an edit elsewhere in a file never changes
them. When a sentence itself is reworded, the lock lets it keep its id: a clause matches its
locked entry by exact text first, then by close wording among the entries left over. The lock
sits beside the files; nothing is ever written into an instruction file.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.agents._clauses import generated_id, normalise

LOCK_NAME = "charter.agents.lock"
LOCK_VERSION = 1
#: How alike (difflib ratio of the normalised words) a reworded sentence and its locked text
#: must be to keep the locked id.
REWORD_SIMILARITY = 0.6


@dataclass(frozen=True, slots=True)
class LockedClause:
    id: str
    text: str


Lock = dict[str, list[LockedClause]]
"""Locked clauses by instruction-file path."""


def read_lock(root: Path) -> tuple[Lock, str | None]:
    """The lock of the repository at `root` (empty when absent) and a problem, if unreadable."""
    path = root / LOCK_NAME
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return {
            str(name): [LockedClause(str(item["id"]), str(item["text"])) for item in entries]
            for name, entries in files.items()
        }, None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return {}, f"{LOCK_NAME} is not a readable lock ({type(error).__name__}: {error})"


def write_lock(root: Path, lock: Lock) -> Path:
    """Write `lock` to `root/charter.agents.lock` (sorted, one entry a line) and return it."""
    data: dict[str, Any] = {
        "version": LOCK_VERSION,
        "files": {
            name: [{"id": item.id, "text": item.text} for item in entries]
            for name, entries in sorted(lock.items())
        },
    }
    path = root / LOCK_NAME
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def assign_ids(texts: list[str], locked: list[LockedClause]) -> list[str]:
    """An id for each sentence of one file, keeping the locked ids of unchanged or reworded
    sentences and generating the rest."""
    ids: list[str | None] = [None] * len(texts)
    by_text: dict[str, list[LockedClause]] = {}
    for entry in locked:
        by_text.setdefault(normalise(entry.text), []).append(entry)
    used: set[str] = set()
    for index, text in enumerate(texts):
        candidates = by_text.get(normalise(text), [])
        if candidates:
            entry = candidates.pop(0)
            ids[index] = entry.id
            used.add(entry.id)
    left = [entry for entry in locked if entry.id not in used]
    for index, text in enumerate(texts):
        if ids[index] is not None or not left:
            continue
        words = normalise(text)
        best = max(
            left, key=lambda e: difflib.SequenceMatcher(None, words, normalise(e.text)).ratio()
        )
        if difflib.SequenceMatcher(None, words, normalise(best.text)).ratio() >= REWORD_SIMILARITY:
            ids[index] = best.id
            used.add(best.id)
            left.remove(best)
    final: list[str] = []
    for index, text in enumerate(texts):
        chosen = ids[index] or generated_id(text)
        base, number = chosen, 2
        while chosen in final or (ids[index] is None and chosen in used):
            chosen = f"{base}-{number}"
            number += 1
        final.append(chosen)
    return final
