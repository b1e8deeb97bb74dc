"""A bounded memo for pure functions of text: what was computed for the texts seen last.

The language server reads the same spec again after every keystroke; almost all of its
paragraphs, clauses and files are unchanged, so their markdown, prose and findings are taken
from a memo instead of being worked out again. Values are shared, never copied: callers keep
them unmodified.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


_REMEMBERING = [False]


def remember_texts(on: bool = True) -> None:
    """Switch the memos on (the language server, which reads the same texts again and again)
    or off. A command reads each text once: off, the memos cost it time and hold memory for
    nothing, and only those made with `always=True` keep anything."""
    _REMEMBERING[0] = on


def remembering() -> bool:
    return _REMEMBERING[0]


class Memo(Generic[K, V]):
    """At most `size` entries; the entry used longest ago goes first. Unless made with
    `always=True`, it keeps nothing while `remember_texts` is off."""

    def __init__(self, size: int, *, always: bool = False) -> None:
        self.size = size
        self.always = always
        self._entries: dict[K, V] = {}
        _MEMOS.append(self)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        if not (self.always or _REMEMBERING[0]):
            return None
        entries = self._entries
        found = entries.pop(key, None)
        if found is not None:
            entries[key] = found  # the most recently used last
        return found

    def put(self, key: K, value: V) -> V:
        if not (self.always or _REMEMBERING[0]):
            return value
        entries = self._entries
        entries.pop(key, None)
        entries[key] = value
        while len(entries) > self.size:
            del entries[next(iter(entries))]
        return value

    def clear(self) -> None:
        self._entries.clear()


_MEMOS: list[Memo[Any, Any]] = []


def forget_all() -> None:
    """Empty every memo: what is read next is worked out from scratch."""
    for memo in _MEMOS:
        memo.clear()
