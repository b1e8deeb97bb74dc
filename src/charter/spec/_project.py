"""Find a spec project on disk, read its files and assemble the `Spec`.

A project is a directory with an optional `charter.toml`; without one, its top-level markdown files
that look like specs (headings with `{#id}`, clause tags, or front matter) are the spec and the
`examples/` and `cases/` folders hold prompt files, as in the OpenAI Model Spec repository.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter._buffers import unsaved_text
from charter._paths import outside
from charter._secrets import remember_config_secrets
from charter._source import Span
from charter.diagnostics import Diagnostics
from charter.errors import SpecError
from charter.plugins import instruction_project, is_instruction_file
from charter.spec._config_schema import unknown_settings
from charter.spec._markdown import Document, resolve_title_links
from charter.spec._model import PromptFile, Spec, SpecFile
from charter.spec._readers import Reader, reader_for, readers
from charter.spec._rules import (
    EMPTY_SPEC_FILE,
    FILE_TOO_LARGE,
    MALFORMED_FRONT_MATTER,
    SKIPPED_FILE,
    UNREADABLE_FILE,
)

CONFIG_NAME = "charter.toml"
DEFAULT_PROMPT_DIRS = ("examples", "cases")
DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024
#: A repository's own documents, skipped when the spec files are discovered: exact names, as
#: GitHub spells them (`security.md` or `Readme.md` is read like any other file).
REPOSITORY_FILES = frozenset(
    f"{stem}{suffix}"
    for stem in ("README", "CHANGELOG", "LICENSE", "CONTRIBUTING", "CODE_OF_CONDUCT", "SECURITY")
    for suffix in (".md", ".markdown")
)


class SpecLoadError(SpecError):
    """The input cannot be used at all: a missing path, no spec, an invalid `charter.toml`.

    `str()` is one line that says what is wrong and what to do.
    """


@dataclass(slots=True)
class ProjectConfig:
    """Settings from `charter.toml`, with defaults where it is silent or absent."""

    root: Path
    config_file: Path | None = None
    spec_files: list[str] = field(default_factory=list)
    """Globs (relative to the root) naming the spec files; empty means discover them."""
    prompt_dirs: list[str] = field(default_factory=lambda: list(DEFAULT_PROMPT_DIRS))
    metadata: dict[str, Any] = field(default_factory=dict)
    check: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    """The whole file, for the sections later stages read (`[test]`, `[models]`...)."""

    def provider_options(self, model: str) -> dict[str, Any]:
        """Options for one provider from `[models."PROVIDER:MODEL"]` (e.g. `base_url`): the
        same table serves the model under test, judges and the conflict adjudicator."""
        models = self.raw.get("models", {})
        options = models.get(model, {}) if isinstance(models, dict) else {}
        if not isinstance(options, dict):
            raise SpecLoadError(
                f'{self.config_file or CONFIG_NAME}: [models."{model}"] must be a table of '
                "provider options",
                'e.g. base_url = "http://127.0.0.1:8000/v1"',
            )
        return dict(options)

    @property
    def max_file_bytes(self) -> int:
        value = self.check.get("max-file-bytes", DEFAULT_MAX_FILE_BYTES)
        return int(value) if isinstance(value, int) and value > 0 else DEFAULT_MAX_FILE_BYTES


def load_config(root: Path) -> ProjectConfig:
    """Read `root/charter.toml` if present. Raises `SpecLoadError` if it is invalid."""
    config = ProjectConfig(root=root)
    path = root / CONFIG_NAME
    if not path.is_file():
        return config
    buffered = unsaved_text(path)
    raw = path.read_bytes() if buffered is None else buffered.encode("utf-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise SpecLoadError(
            f"{path}:{line}:{column}: not UTF-8 text (byte 0x{raw[error.start]:02X})",
            "save it as UTF-8",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column, message = _toml_error_place(str(error), text)
        raise SpecLoadError(
            f"{path}:{line}:{column}: invalid TOML: {message}", "fix the line shown"
        ) from None
    config.config_file = path
    config.raw = data
    remember_config_secrets(data)
    unknown = unknown_settings(data, text)
    if unknown:
        first = unknown[0]
        more = f" ({len(unknown) - 1} more after it)" if len(unknown) > 1 else ""
        raise SpecLoadError(
            f"{path}:{first.line}:{first.column}: {first.message}{more}", first.hint
        )
    spec = data.get("spec", {})
    if not isinstance(spec, dict):
        raise SpecLoadError(
            f"{path}: [spec] must be a table", "write `[spec]` then key = value lines"
        )
    files = spec.get("files", [])
    prompts = spec.get("prompts", list(DEFAULT_PROMPT_DIRS))
    for key, value in (("files", files), ("prompts", prompts)):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise SpecLoadError(
                f"{path}: [spec] {key} must be a list of strings", f'e.g. {key} = ["spec"]'
            )
    config.spec_files = files
    config.prompt_dirs = prompts
    config.metadata = {k: v for k, v in spec.items() if k not in ("files", "prompts")}
    config.check = _check_table(data.get("check", {}), path)
    for entry in [*files, *prompts]:
        _inside(root, entry, path)
    return config


def _toml_error_place(error: str, text: str) -> tuple[int, int, str]:
    """Line, column and message of a TOML error (the end of the file when it names none)."""
    where = re.search(r"\(at line (\d+), column (\d+)\)", error)
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", error)
    if where is not None:
        return int(where[1]), int(where[2]), message
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return max(1, len(lines)), len(lines[-1]) + 1 if lines else 1, message


_SEVERITY_NAMES = ("note", "warning", "error")


def _check_table(check: Any, path: Path) -> dict[str, Any]:
    """The `[check]` table, after making sure each known key has the right type."""
    if not isinstance(check, dict):
        raise SpecLoadError(f"{path}: [check] must be a table", "write `[check]` then key = value")
    for key in ("select", "ignore"):
        value = check.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise SpecLoadError(
                f"{path}: [check] {key} must be a list of rule codes or names",
                f'e.g. {key} = ["S102", "S11"]',
            )
    severity = check.get("severity", {})
    if not isinstance(severity, dict) or not all(
        isinstance(level, str) and level in _SEVERITY_NAMES for level in severity.values()
    ):
        raise SpecLoadError(
            f"{path}: [check] severity must map rule codes to note, warning or error",
            'e.g. severity = { S114 = "error" }',
        )
    limit = check.get("max-file-bytes", DEFAULT_MAX_FILE_BYTES)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        raise SpecLoadError(
            f"{path}: [check] max-file-bytes must be a positive whole number of bytes",
            "e.g. max-file-bytes = 33554432",
        )
    return check


def _inside(root: Path, entry: str, config_path: Path) -> None:
    fixed_part = os.path.normpath(entry).split("*", 1)[0]
    if outside(root, root / fixed_part) is not None:
        raise SpecLoadError(
            f"{config_path}: `{entry}` points outside the project",
            "list paths inside the project folder",
        )


def _refuse_outside(root: Path, path: Path, rel: str) -> None:
    """A file found in the project whose link leads out of it is refused, not read."""
    resolved = outside(root, path)
    if resolved is not None:
        raise SpecLoadError(
            f"{rel}: links to {resolved}, outside the project {root.resolve()}",
            "copy the file into the project, or name it on the command line",
        )


def read_source(path: Path, rel: str, limit: int, sink: Diagnostics) -> str | None:
    """The file's text, or None after adding a fatal finding (too large, binary, not UTF-8)."""
    size = path.stat().st_size
    if size > limit:
        sink.add(
            FILE_TOO_LARGE,
            f"file is {size / 1_048_576:.1f} MiB, over the {limit / 1_048_576:.0f} MiB limit",
            Span(rel, 1, 1),
            hint="move it out of the spec folders, split it, or raise [check] max-file-bytes",
        )
        return None
    data = path.read_bytes()
    if b"\x00" in data:
        sink.add(
            UNREADABLE_FILE,
            "file is binary (it contains NUL bytes), not markdown text",
            Span(rel, data[: data.index(b"\x00")].count(b"\n") + 1, 1),
            hint="move binary files out of the spec and prompt folders",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        sink.add(
            UNREADABLE_FILE,
            f"byte 0x{data[error.start]:02X} is not valid UTF-8",
            Span(rel, line, column),
            hint="save the file as UTF-8",
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _spec_candidates(config: ProjectConfig) -> list[Path]:
    root = config.root
    if config.spec_files:
        found: list[Path] = []
        for pattern in config.spec_files:
            found.extend(_matching(root, pattern, config.config_file))
        return list(dict.fromkeys(found))
    return sorted(p for p in root.iterdir() if p.is_file())


def _matching(root: Path, pattern: str, config_file: Path | None) -> list[Path]:
    """The files a `[spec] files` entry names: a folder's files, or a glob's matches."""
    target = root / pattern
    if target.is_dir():
        return sorted(p for p in target.rglob("*") if p.is_file())
    try:
        matches = sorted(root.glob(pattern))
    except (ValueError, IndexError, NotImplementedError):
        raise SpecLoadError(
            f"{config_file}: [spec] files `{pattern}` is not a usable path or glob",
            'name a folder or a glob relative to the project, e.g. "spec" or "spec/*.md"',
        ) from None
    if not matches:
        raise SpecLoadError(
            f"{config_file}: [spec] files `{pattern}` matches nothing", "fix the path or glob"
        )
    return [p for p in matches if p.is_file()]


@dataclass(slots=True)
class Project:
    """A loaded spec project: the spec, the findings made while reading it, its settings."""

    spec: Spec
    findings: Diagnostics
    config: ProjectConfig


def load_spec(path: str | Path) -> tuple[Spec, Diagnostics]:
    """Read the spec at `path` (a project directory or one markdown file).

    Returns the spec and the findings made while reading. Raises `SpecLoadError` when there is
    nothing usable to read.
    """
    project = load_project(path)
    return project.spec, project.findings


def load_project(path: str | Path, *, compose: bool = True) -> Project:
    """Like `load_spec`, and also returns the project's settings.

    When the spec imports modules (`imports:`), their sections and clauses are added under their
    namespaces (`legal:refund-limit`); `compose=False` reads the project's own files only.
    """
    with collector_paused():
        return _load_project(Path(path), compose=compose)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading: the reader allocates many small objects
    that reference counting frees, and collector passes over them made reading a 25 MB spec
    about a quarter slower and superlinear in size."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_project(target: Path, *, compose: bool) -> Project:
    path = target
    if not target.exists():
        raise SpecLoadError(f"{path}: no such file or directory", "check the path")
    sink = Diagnostics()
    if target.is_file() and is_instruction_file(target):
        found = instruction_project(target, folder=False)
        if found is not None:
            return found
    if target.is_file():
        root = target.parent
        config = load_config(root)
        candidates = [target]
    elif target.is_dir():
        root = target
        config = load_config(root)
        candidates = _spec_candidates(config)
    else:
        raise SpecLoadError(f"{path}: not a file or directory", "give a spec file or folder")

    documents: list[tuple[Document, SpecFile]] = []
    explicit = target.is_file() or bool(config.spec_files)
    for candidate in candidates:
        reader = reader_for(candidate)
        if reader is None:
            if explicit and target.is_file():
                names = ", ".join(r.name for r in readers())
                raise SpecLoadError(
                    f"{path}: no reader for this kind of file (readers: {names})",
                    "give a markdown spec file",
                )
            continue
        rel = _relative(candidate, root)
        if not explicit and is_instruction_file(candidate):
            continue  # an AGENTS.md beside a spec is for agents working on it, not the spec
        if not target.is_file():
            _refuse_outside(root, candidate, candidate.relative_to(root).as_posix())
        skipped = not explicit and candidate.name in REPOSITORY_FILES
        text = read_source(
            candidate, rel, config.max_file_bytes, Diagnostics() if skipped else sink
        )
        if text is None:
            continue
        if not explicit and not reader.sniff(text):
            continue
        if skipped:
            if not _declares_anything(reader, rel, text):
                continue
            sink.add(
                SKIPPED_FILE,
                f"`{rel}` looks like a spec file but is skipped as the repository's "
                f"{candidate.stem.lower().replace('_', ' ')} file",
                Span(rel, 1, 1),
                hint=f"list the spec files under [spec] files in {CONFIG_NAME} to include it",
            )
            continue
        if not text.strip():
            sink.add(
                EMPTY_SPEC_FILE,
                "the spec file is empty: it has no sections and no clauses",
                Span(rel, 1, 1),
                hint="write the spec, or point at the right file",
            )
        document = reader.read(rel, text, sink, prompt_file=False)
        documents.append((document, spec_file(rel, reader, document, text)))
    if not documents and target.is_dir() and not config.spec_files:
        found = instruction_project(root, folder=True)
        if found is not None:
            return found
    if not documents and not sink.items:
        raise SpecLoadError(
            f"{path}: no spec found (no markdown file with `{{#id}}` headings, `[^id]` clause tags"
            " or front matter)",
            f"point at a spec file, or list the files in {CONFIG_NAME} under [spec] files",
        )

    spec = assemble_spec(config, documents, load_prompt_files(config, sink), sink, compose=compose)
    return Project(spec, sink, config)


def spec_file(rel: str, reader: Reader, document: Document, text: str) -> SpecFile:
    """The `SpecFile` record of one read spec file."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    return SpecFile(rel, reader.name, document.lines, digest, document.front_matter)


def assemble_spec(
    config: ProjectConfig,
    documents: list[tuple[Document, SpecFile]],
    prompt_files: list[PromptFile],
    sink: Diagnostics,
    *,
    compose: bool = True,
) -> Spec:
    """The spec of the project at `config.root` from its read files, with the imported modules
    composed in when `compose` (the language server re-assembles it after each edit)."""
    spec = Spec(root=str(config.root.resolve()))
    for document, _ in documents:
        spec.sections.extend(document.sections)
        spec.clauses.extend(document.clauses)
        spec.examples.extend(document.examples)
        spec.commentary.extend(document.commentary)
        spec.cross_refs.extend(document.cross_refs)
    spec.files = [file for _, file in documents]
    _apply_metadata(spec, config, [document for document, _ in documents])
    resolve_title_links(spec.clauses, spec.anchor_titles())
    spec.prompt_files = prompt_files
    if compose and spec.imports:
        from charter.plugins import compose_imports  # `charter.compose`, through its hook

        compose_imports(spec, config, sink)
    return spec


def _declares_anything(reader: Reader, rel: str, text: str) -> bool:
    """Whether a file read as a spec would add a clause or a section with an id."""
    document = reader.read(rel, text, Diagnostics(), prompt_file=False)
    return bool(document.clauses) or any(section.id for section in document.sections)


def _apply_metadata(spec: Spec, config: ProjectConfig, documents: list[Document]) -> None:
    metadata: dict[str, Any] = {}
    for document in documents:
        for key, value in document.front_matter.items():
            metadata.setdefault(key, value)
    metadata.update(config.metadata)
    spec.metadata = metadata
    spec.name = _text_or_none(metadata.get("name"))
    spec.version = _text_or_none(metadata.get("version"))
    spec.owner = _text_or_none(metadata.get("owner"))
    imports = metadata.get("imports", [])
    spec.imports = list(imports) if isinstance(imports, list) else [imports]


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def load_prompt_files(
    config: ProjectConfig, sink: Diagnostics, *, nested: bool = False
) -> list[PromptFile]:
    """The prompt files of the prompt folders. `nested`: files in subfolders too, their id the
    path below the folder without `.md` (`AGENTS.md/run-tests-1a2b`)."""
    prompt_files: list[PromptFile] = []
    for folder in config.prompt_dirs:
        directory = config.root / folder
        if not directory.is_dir():
            continue
        paths = directory.rglob("*") if nested else directory.iterdir()
        for path in sorted(paths):
            reader = reader_for(path)
            if reader is None or not path.is_file() or path.name in REPOSITORY_FILES:
                continue  # `examples/README.md` describes the folder; it tests no clause
            _refuse_outside(config.root, path, path.relative_to(config.root).as_posix())
            rel = _relative(path, config.root)
            text = read_source(path, rel, config.max_file_bytes, sink)
            if text is not None:
                prompt_id = path.relative_to(directory).with_suffix("").as_posix()
                prompt_files.append(read_prompt_file(reader, rel, text, sink, prompt_id))
    return prompt_files


def read_prompt_file(
    reader: Reader, rel: str, text: str, sink: Diagnostics, prompt_id: str | None = None
) -> PromptFile:
    """One prompt file's examples, named ids and front matter; its id is `prompt_id`, by
    default the file's stem."""
    already = len(sink.items)
    document = reader.read(rel, text, sink, prompt_file=True)
    unreadable = [
        (found.span.line, found.message)
        for found in sink.items[already:]
        if found.code == MALFORMED_FRONT_MATTER.code
    ]
    stem = prompt_id or Path(rel).stem
    for example in document.examples:
        example.clause = stem
    return PromptFile(
        id=stem,
        path=rel,
        span=Span(rel, 1, 1),
        examples=document.examples,
        named_ids=document.preamble_tags,
        front_matter=document.front_matter,
        front_matter_error=unreadable[0] if unreadable else None,
    )
