"""The published bundle: the `json` build target's output, written under its versioned name."""

from __future__ import annotations

from pathlib import Path

from charter.build import BUNDLE_FORMAT, bundle, bundle_name, bundle_text
from charter.spec import ProjectConfig, Spec

__all__ = ["BUNDLE_FORMAT", "bundle", "bundle_name", "write_bundle"]


def write_bundle(spec: Spec, config: ProjectConfig, output: Path) -> Path:
    """Write the bundle into `output` (created if needed) and return the file's path."""
    output.mkdir(parents=True, exist_ok=True)
    path = output / bundle_name(spec)
    path.write_text(bundle_text(spec, config), encoding="utf-8")
    return path
