"""Building outputs: every artifact is made in memory first, then written, so an error in one
(a template that fails, a budget too small, a path outside the project) writes nothing at all.
`--check` compares what would be written with what is on disk and writes nothing either."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.build._errors import BuildError
from charter.build._hash import spec_hash, text_hash
from charter.build._registry import Artifact, BuildContext
from charter.build._settings import OutputSpec
from charter.spec import Project

MANIFEST = Path(".charter") / "build.json"
"""Where `charter build` records each output's target, spec hash and content hash."""


@dataclass(frozen=True, slots=True)
class Built:
    """One output, made in memory."""

    spec: OutputSpec
    artifact: Artifact


def make(project: Project, outputs: list[OutputSpec], *, force: bool = False) -> list[Built]:
    """Build every output in memory; `BuildError` when an output lies outside the project
    (unless `force`) or a target fails."""
    root = Path(project.spec.root).resolve()
    for spec in outputs:
        if not force and not spec.output.is_relative_to(root):
            raise BuildError(
                f"{spec.output}: output of {spec.name} is outside the project {root}; "
                "choose a path inside it, or pass --force"
            )
    built = []
    for spec in outputs:
        context = BuildContext(project, spec.options)
        built.append(Built(spec, spec.target.build(context)))
    return built


def _files(built: Built) -> dict[Path, bytes]:
    """Absolute path -> bytes of everything the output consists of."""
    base = built.spec.output
    if not built.spec.target.directory:
        # a single-file target may add files beside its output (nested AGENTS.md files)
        extra = {base.parent / rel: data for rel, data in built.artifact.files.items() if rel}
        return {base: built.artifact.files[""], **extra}
    return {base / rel: content for rel, content in built.artifact.files.items()}


def write(project: Project, built: list[Built]) -> None:
    """Write the outputs (a folder output is replaced whole) and record them in the manifest."""
    for item in built:
        if item.spec.target.directory and item.spec.output.is_dir():
            shutil.rmtree(item.spec.output)
        for path, content in _files(item).items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    _record(project, built)


def _record(project: Project, built: list[Built]) -> None:
    root = Path(project.spec.root).resolve()
    path = root / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    outputs = manifest.setdefault("outputs", {})
    source = spec_hash(project.spec)
    for item in built:
        where = item.spec.output
        key = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
        outputs[key] = {
            "name": item.spec.name,
            "target": item.spec.target.name,
            "spec_hash": source,
            "sha256": _digest(item.artifact.files),
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _digest(files: Mapping[str, bytes]) -> str:
    """One hash over a folder's files (paths and contents), or a file's bytes."""
    if list(files) == [""]:
        return text_hash(files[""].decode("utf-8", "replace"))
    parts = [
        f"{rel}\0{text_hash(content.decode('utf-8', 'replace'))}"
        for rel, content in sorted(files.items())
    ]
    return text_hash("\n".join(parts))


def stale(built: Built) -> str | None:
    """Why the output on disk differs from `built` (None when it is up to date)."""
    expected = _files(built)
    base = built.spec.output
    if not base.exists():
        return "missing"
    if built.spec.target.directory:
        present = {p for p in base.rglob("*") if p.is_file()}
        extra = sorted(present - set(expected))
        if extra:
            return f"has {len(extra)} file(s) the build would not make ({extra[0].name})"
    for path, content in expected.items():
        name = path.name if path == base else _shown_name(path, base)
        if not path.is_file():
            return f"{name} is missing"
        if path.read_bytes() != content:
            return f"{name} differs from a fresh build"
    return None


def _shown_name(path: Path, base: Path) -> str:
    """A file of an output, relative to the output folder (or beside the output file)."""
    folder = base if path.is_relative_to(base) else base.parent
    return path.relative_to(folder).as_posix()
