"""One spec project as the editor sees it: each file read once, re-read only when it changes.

`Workspace` keeps every spec and prompt file's parsed document with the findings its reader made.
An edit re-parses only the edited file; the spec is then re-assembled from the cached documents
and checked with the project's settings, the open buffers standing in for the files on disk.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from charter._buffers import read_text, unsaved
from charter._memo import remember_texts
from charter.check import CheckResult, check_spec, default_selection
from charter.diagnostics import Diagnostic, Diagnostics
from charter.spec import (
    CONFIG_NAME,
    Document,
    ProjectConfig,
    PromptFile,
    Reader,
    Spec,
    SpecFile,
    SpecLoadError,
    assemble_spec,
    collector_paused,
    load_project,
    read_prompt_file,
    reader_for,
    spec_file,
)

#: What the editor shows when charter.toml selects nothing: the default rules and the linter.
EDITOR_FAMILIES = ("L",)


def normalized(text: str) -> str:
    """Text as the readers see it: no byte-order mark, `\\n` line ends."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(slots=True)
class _SpecRead:
    text: str
    document: Document
    file: SpecFile
    findings: list[Diagnostic]


@dataclass(slots=True)
class _PromptRead:
    text: str
    prompt_file: PromptFile
    findings: list[Diagnostic]


@dataclass(slots=True)
class Timings:
    """Milliseconds spent on the last update: reading the edited file, then the project check."""

    read_ms: float = 0.0
    check_ms: float = 0.0
    reads: int = 0


@dataclass(slots=True)
class Workspace:
    """A loaded project. Raises `SpecLoadError` (from `reload`) when it cannot be read."""

    root: Path
    config: ProjectConfig = field(init=False)
    buffers: dict[str, str] = field(default_factory=dict)
    """Open editor buffers: path relative to the root -> text."""
    result: CheckResult | None = None
    timings: Timings = field(default_factory=Timings)
    _specs: dict[str, _SpecRead] = field(default_factory=dict)
    _prompts: dict[str, _PromptRead] = field(default_factory=dict)
    _other: list[Diagnostic] = field(default_factory=list)
    _dirty: bool = True

    def __post_init__(self) -> None:
        remember_texts()  # an edit then redoes only the work its changed text needs
        self.root = self.root.resolve()
        self.reload()

    # reading

    def reload(self) -> None:
        """Read the whole project again (after charter.toml or the set of files changed)."""
        with unsaved(self._absolute_buffers()):
            project = load_project(self.root, compose=False)
        self.config = project.config
        spec = project.spec
        own = {f.path for f in spec.files} | {p.path for p in spec.prompt_files}
        self._other = [d for d in project.findings.items if d.span.file not in own]
        self._specs = {}
        self._prompts = {}
        for record in spec.files:
            self._specs[record.path] = self._read_spec(record.path, self._text(record.path))
        for prompt in spec.prompt_files:
            self._prompts[prompt.path] = self._read_prompt(prompt.path, self._text(prompt.path))
        for rel in self.buffers:  # new prompt files, not saved yet
            if rel not in self._prompts and self.is_prompt_path(rel):
                self._prompts[rel] = self._read_prompt(rel, self._text(rel))
        self._dirty = True

    def _text(self, rel: str) -> str:
        if rel in self.buffers:
            return self.buffers[rel]
        return normalized(read_text(self.root / rel, errors="replace"))

    def _reader(self, rel: str) -> Reader:
        reader = reader_for(self.root / rel)
        if reader is None:  # pragma: no cover - the project's files were read by one
            raise SpecLoadError(f"{rel}: no reader for this kind of file")
        return reader

    def _read_spec(self, rel: str, text: str) -> _SpecRead:
        sink = Diagnostics()
        reader = self._reader(rel)
        document = reader.read(rel, text, sink, prompt_file=False)
        return _SpecRead(text, document, spec_file(rel, reader, document, text), sink.items)

    def _read_prompt(self, rel: str, text: str) -> _PromptRead:
        sink = Diagnostics()
        prompt = read_prompt_file(self._reader(rel), rel, text, sink)
        return _PromptRead(text, prompt, sink.items)

    def relative(self, path: Path) -> str | None:
        """`path` relative to the root, or None when it lies outside the project."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def owns(self, rel: str) -> bool:
        """Whether the file is one of the project's spec, prompt or settings files."""
        return rel in self._specs or rel in self._prompts or rel == CONFIG_NAME

    def is_prompt_path(self, rel: str) -> bool:
        folder = rel.rpartition("/")[0]
        return folder in self.config.prompt_dirs and reader_for(self.root / rel) is not None

    def update(self, rel: str, text: str | None) -> None:
        """The editor's text of `rel` (None: closed, the file on disk counts again)."""
        started = time.perf_counter()
        if text is None:
            self.buffers.pop(rel, None)
        else:
            self.buffers[rel] = normalized(text)
        with collector_paused():
            changed = self._reread(rel)
        if not changed:
            return
        self.timings.read_ms = (time.perf_counter() - started) * 1000
        self.timings.reads += 1
        self._dirty = True

    def _reread(self, rel: str) -> bool:
        """Read the file again (the whole project for charter.toml); False when it is none of
        the project's files."""
        if rel not in self.buffers and not (self.root / rel).is_file():  # closed, never saved
            gone = self._prompts.pop(rel, None) or self._specs.pop(rel, None)
            return gone is not None
        if rel == CONFIG_NAME:
            self.reload()
        elif rel not in self._prompts and self.is_prompt_path(rel):
            self._prompts[rel] = self._read_prompt(rel, self._text(rel))
        elif rel in self._specs:
            self._specs[rel] = self._read_spec(rel, self._text(rel))
        elif rel in self._prompts:
            self._prompts[rel] = self._read_prompt(rel, self._text(rel))
        else:
            return False
        return True

    # the assembled spec and its check

    def _absolute_buffers(self) -> dict[Path, str]:
        return {self.root / rel: text for rel, text in self.buffers.items()}

    def selection(self) -> list[str] | None:
        """charter.toml's `[check] select` when it has one, else the defaults and the linter."""
        if self.config.check.get("select"):
            return None
        return [*default_selection(), *EDITOR_FAMILIES]

    def check(self) -> CheckResult:
        """The check of the current texts (cached until a file changes)."""
        if self.result is not None and not self._dirty:
            return self.result
        started = time.perf_counter()
        with collector_paused(), unsaved(self._absolute_buffers()):
            sink = Diagnostics(list(self._other))
            for read in self._specs.values():
                sink.items.extend(read.findings)
            for prompt in self._prompts.values():
                sink.items.extend(prompt.findings)
            spec = assemble_spec(
                self.config,
                [(read.document, read.file) for read in self._specs.values()],
                [prompt.prompt_file for prompt in self._prompts.values()],
                sink,
            )
            self.result = check_spec(spec, sink, self.config, select=self.selection())
        self._dirty = False
        self.timings.check_ms = (time.perf_counter() - started) * 1000
        return self.result

    @property
    def spec(self) -> Spec:
        return self.check().spec

    def texts(self) -> dict[str, str]:
        """Every spec and prompt file's current text, by path relative to the root."""
        found = {rel: read.text for rel, read in self._specs.items()}
        found.update({rel: read.text for rel, read in self._prompts.items()})
        return found

    def text_of(self, rel: str) -> str | None:
        """The current text of any file of the project (buffer, cache, then disk)."""
        if rel in self.buffers:
            return self.buffers[rel]
        cached = self.texts().get(rel)
        if cached is not None:
            return cached
        try:
            return normalized(read_text(self.root / rel, errors="replace"))
        except OSError:
            return None

    def diagnostics_by_file(self) -> dict[str, list[Diagnostic]]:
        found: dict[str, list[Diagnostic]] = {}
        for diagnostic in self.check().diagnostics:
            found.setdefault(diagnostic.span.file, []).append(diagnostic)
        return found

    def with_buffers(self) -> AbstractContextManager[None]:
        """A context in which the readers of fixes and questions see the open buffers."""
        return unsaved(self._absolute_buffers())
