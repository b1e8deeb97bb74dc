"""The project the studio shows: loaded once, loaded again when a file of it changes, and the
only place pages read files from or write them to (confined to the project folder)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from charter.check import CheckResult, check_spec
from charter.errors import UsageError
from charter.spec import Project, load_project

EXTRA_HINT = "the studio needs the `studio` extra: pip install 'charter-spec[studio]'"


class StudioError(UsageError):
    """The studio cannot start or cannot do what a page asked: one line, what and what to do."""


class EditConflict(StudioError):
    """The file changed on disk after the page loaded it."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Loaded:
    project: Project
    check: CheckResult
    signature: tuple[tuple[str, int], ...]


class Workspace:
    """One spec project folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()

    def _signature(self, project: Project | None) -> tuple[tuple[str, int], ...]:
        names = {"charter.toml"}
        if project is not None:
            names |= {spec_file.path for spec_file in project.spec.files}
            names |= {prompt_file.path for prompt_file in project.spec.prompt_files}
        found = []
        for name in sorted(names):
            path = self.root / name
            found.append((name, path.stat().st_mtime_ns if path.exists() else 0))
        return tuple(found)

    def loaded(self) -> Loaded:
        """The project and its diagnostics (every rule, the linter's included), current."""
        with self._lock:
            current = self._loaded
            if current is not None and self._signature(current.project) == current.signature:
                return current
            project = load_project(self.root)
            signature = self._signature(project)
            check = check_spec(project.spec, project.findings, project.config, select=["ALL"])
            self._loaded = Loaded(project, check, signature)
            return self._loaded

    def forget(self) -> None:
        """Read everything again on the next request (after the studio wrote a file)."""
        with self._lock:
            self._loaded = None

    def path(self, relative: str) -> Path:
        """`relative` inside the project; anything that leads out of it is refused."""
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root) or target == self.root:
            raise StudioError(f"`{relative}` is outside the project {self.root}")
        return target

    def spec_file(self, relative: str) -> Path:
        """A markdown file of the spec (the only files the editor opens)."""
        known = {spec_file.path for spec_file in self.loaded().project.spec.files}
        if relative not in known:
            raise StudioError(f"`{relative}` is not a file of the spec")
        return self.path(relative)

    def read(self, relative: str) -> str:
        return self.spec_file(relative).read_bytes().decode("utf-8", errors="replace")

    def save(self, relative: str, text: str, loaded_digest: str) -> None:
        """Write the editor's text, unless the file changed since the page read it. A browser
        sends a textarea with CRLF line ends: a file written with LF keeps LF."""
        path = self.spec_file(relative)
        current = path.read_bytes().decode("utf-8", errors="replace")
        if digest(current) != loaded_digest:
            raise EditConflict(
                f"{relative} changed on disk since the page loaded it; your text is kept below: "
                "copy it, reload the page, and apply your change again"
            )
        if "\r\n" not in current:
            text = text.replace("\r\n", "\n")
        path.write_bytes(text.encode("utf-8"))
        self.forget()
