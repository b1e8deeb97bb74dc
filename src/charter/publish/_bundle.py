"""The published bundle: the `json` build target's output, written under its versioned name."""

from __future__ import annotations

from pathlib import Path

from charter.build import BUNDLE_FORMAT, bundle, bundle_name, bundle_text
from charter.errors import VersionError
from charter.spec import ProjectConfig, Spec

__all__ = ["BUNDLE_FORMAT", "bundle", "bundle_name", "write_bundle"]


class BundleExists(VersionError):
    """A bundle of this version is already published with other content."""

    def __init__(self, path: Path, version: str | None) -> None:
        self.path = path
        self.version = version
        super().__init__(
            f"{path} already holds version {version or '(none)'} with different content; "
            "a published version never changes: bump `version:` (e.g. `charter version --bump`) "
            "and publish again"
        )


def place_bundle(spec: Spec, config: ProjectConfig, output: Path) -> tuple[Path, bool]:
    """Write the bundle into `output` (created if needed): its path, and False when the same
    bundle was already there (nothing written). Raises `BundleExists` when a bundle of the same
    name holds other content."""
    path = output / bundle_name(spec)
    text = bundle_text(spec, config)
    try:
        existing: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    except (OSError, UnicodeDecodeError):
        existing = ""  # unreadable: never overwritten silently
    if existing == text:
        return path, False
    if existing is not None:
        raise BundleExists(path, spec.version)
    output.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, True


def write_bundle(spec: Spec, config: ProjectConfig, output: Path) -> Path:
    """Write the bundle into `output` (created if needed) and return the file's path; see
    `place_bundle`."""
    return place_bundle(spec, config, output)[0]
