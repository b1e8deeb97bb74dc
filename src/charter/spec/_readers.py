"""Readers turn one file into a `Document`. They are plugins: see `charter.plugins`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol, runtime_checkable

from charter.diagnostics import Diagnostics
from charter.plugins import hookimpl, plugin_manager
from charter.spec._markdown import Document, read_markdown


@runtime_checkable
class Reader(Protocol):
    """A spec file format."""

    name: str

    def claims(self, path: Path) -> bool:
        """Whether this reader reads files like `path` (by name or extension)."""

    def sniff(self, text: str) -> bool:
        """Whether `text` looks like a spec in this format (used when discovering spec files)."""

    def read(self, path: str, text: str, sink: Diagnostics, *, prompt_file: bool) -> Document:
        """Read `text` (from `path`, relative to the project root) into a document."""


_SPEC_MARKERS = re.compile(r"^#{1,6} .*\{#[\w-]+[^}]*\}\s*$|\[\^[\w-]+\]|\A---\s*\n", re.MULTILINE)


class MarkdownSpecReader:
    """Charter's own format: the Model Spec's markdown conventions plus YAML front matter."""

    name = "charter-markdown"

    def claims(self, path: Path) -> bool:
        return path.suffix.lower() in (".md", ".markdown")

    def sniff(self, text: str) -> bool:
        return _SPEC_MARKERS.search(text) is not None

    def read(self, path: str, text: str, sink: Diagnostics, *, prompt_file: bool) -> Document:
        return read_markdown(path, text, sink, prompt_file=prompt_file)


@hookimpl
def charter_readers() -> list[Reader]:
    return [MarkdownSpecReader()]


def readers() -> list[Reader]:
    """Every registered reader, plugins' before the built-in ones."""
    found: list[Reader] = []
    for batch in plugin_manager().hook.charter_readers():
        found.extend(batch)
    return found


def reader_for(path: Path) -> Reader | None:
    """The first reader that claims `path`."""
    return next((reader for reader in readers() if reader.claims(path)), None)
