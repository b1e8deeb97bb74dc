"""Find the folder an import names: inside the project, or inside an installed spec package."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from charter.compose._imports import ImportEntry
from charter.errors import SpecError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "charter.specs"


class ImportNotFound(SpecError, LookupError):
    """The folder or package does not exist."""


class ImportOutside(SpecError, LookupError):
    """The import would reach outside the project or package."""


@dataclass(frozen=True, slots=True)
class Located:
    """Where an import's module lives, and the folder its own path imports may not leave."""

    root: Path
    boundary: Path
    source: str


def _inside(path: Path, boundary: Path, written: str, where: str) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(boundary.resolve()):
        raise ImportOutside(
            f"import {written} resolves to {resolved}, outside {where} {boundary.resolve()}"
        )
    return resolved


def locate(entry: ImportEntry, base: Path, boundary: Path, project_root: Path) -> Located:
    """The module folder for `entry`, imported by the module at `base`.

    `boundary` is the folder `base` may not leave (the project, or the package that ships it).
    """
    if entry.kind == "package":
        return _locate_package(entry)
    target = entry.target
    if target.startswith(("/", "~")) or Path(target).is_absolute() or "\\" in target:
        raise ImportOutside(
            f"import {entry.written} is an absolute path; imports name folders inside the project"
        )
    candidate = base / target
    where = "the project" if boundary == project_root else "its package"
    root = _inside(candidate, boundary, entry.written, where)
    if not root.is_dir():
        raise ImportNotFound(f"import {entry.written}: no folder {candidate}")
    return Located(root, boundary, "path:" + _posix_relative(root, project_root))


def _posix_relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def spec_entry_points() -> dict[str, EntryPoint]:
    """Installed `charter.specs` entry points by name."""
    from importlib.metadata import entry_points  # ~10 ms; only package imports need it

    return {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}


def _locate_package(entry: ImportEntry) -> Located:
    points = spec_entry_points()
    point = points.get(entry.target)
    if point is None:
        known = ", ".join(sorted(points)) or "none installed"
        raise ImportNotFound(
            f"import {entry.written}: no installed package offers a `{ENTRY_POINT_GROUP}` entry "
            f"point named `{entry.target}` (installed: {known})"
        )
    found = importlib.util.find_spec(point.module)
    locations = list(found.submodule_search_locations or []) if found else []
    if not locations:
        raise ImportNotFound(
            f"import {entry.written}: entry point `{point.value}` names `{point.module}`, "
            "which is not an installed package"
        )
    package_dir = Path(locations[0]).resolve()
    folder = package_dir
    if point.attr:
        folder = package_dir.joinpath(*point.attr.split("."))
    root = _inside(folder, package_dir, entry.written, "package")
    if not root.is_dir():
        raise ImportNotFound(f"import {entry.written}: package has no folder {folder}")
    dist = point.dist
    label = f"{dist.name}=={dist.version}" if dist is not None else point.module
    return Located(root, package_dir, f"package:{label}")
