"""The published bundle: the composed spec as JSON with its version, modules, lock and hash."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from charter.compose import lock_entries
from charter.conflict import load_resolutions
from charter.spec import ProjectConfig, Spec
from charter.spec._schema import model_dict

BUNDLE_FORMAT = "charter-bundle/1"


def _portable(spec: Spec) -> dict[str, Any]:
    """The model without machine-specific absolute paths."""
    data = model_dict(spec)
    root = Path(spec.root)
    data["root"] = "."
    for module in data.get("modules", []):
        path = Path(module["root"])
        module["root"] = (
            os.path.relpath(path, root) if path.is_relative_to(root) else module["source"]
        )
    return data


def bundle(spec: Spec, config: ProjectConfig) -> dict[str, Any]:
    """The bundle as data; `content_hash` covers the `spec` part, in canonical JSON."""
    data = _portable(spec)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    resolutions = load_resolutions(config)
    return {
        "format": BUNDLE_FORMAT,
        "name": spec.name,
        "version": spec.version,
        "owner": spec.owner,
        "content_hash": "sha256:" + hashlib.sha256(canonical.encode()).hexdigest(),
        "modules": [
            {
                "alias": m.alias,
                "name": m.name,
                "version": m.version,
                "owner": m.owner,
                "level": m.level,
                "source": m.source,
            }
            for m in spec.modules
        ],
        "lock": lock_entries(spec),
        "resolutions": [
            {"clauses": sorted(r.clauses), "decision": r.decision, "by": r.by}
            for r in resolutions.items
        ],
        "spec": data,
    }


def bundle_name(spec: Spec) -> str:
    name = (spec.name or Path(spec.root).name).replace("/", "-")
    return f"{name}-{spec.version}.json"


class BundleExists(Exception):
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
    text = json.dumps(bundle(spec, config), indent=2, ensure_ascii=False) + "\n"
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
