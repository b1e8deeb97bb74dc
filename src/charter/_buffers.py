"""Unsaved editor buffers, seen by the readers and checkers in place of the files on disk.

The language server parses what the editor shows, not what was last saved. Inside
`with unsaved({path: text})`, every place that reads a spec, prompt or settings file for a
finding or a fix (`read_text`) gets the buffer's text instead of the file's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_UNSAVED: ContextVar[Mapping[str, str] | None] = ContextVar("charter_unsaved", default=None)


def _key(path: str | Path) -> str:
    return os.path.realpath(path)


@contextmanager
def unsaved(texts: Mapping[Path, str]) -> Iterator[None]:
    """Let `read_text` see `texts` (absolute paths -> buffer text) until the block ends."""
    token = _UNSAVED.set({_key(path): text for path, text in texts.items()})
    try:
        yield
    finally:
        _UNSAVED.reset(token)


def unsaved_text(path: str | Path) -> str | None:
    """The editor's text of `path` while it is open and unsaved, else None."""
    texts = _UNSAVED.get()
    return None if not texts else texts.get(_key(path))


def read_text(path: Path, errors: str = "strict") -> str:
    """The file's text as UTF-8 (an unsaved buffer first). Raises OSError or
    UnicodeDecodeError as reading the file would."""
    text = unsaved_text(path)
    return text if text is not None else path.read_bytes().decode("utf-8", errors=errors)
