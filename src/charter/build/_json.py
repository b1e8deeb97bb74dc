"""The `json` target: the composed spec as a bundle (what `charter publish` writes)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from charter.build._hash import spec_hash
from charter.build._registry import Artifact, BuildContext, target
from charter.spec import ProjectConfig, Spec

BUNDLE_FORMAT = "charter-bundle/1"


def _portable(spec: Spec) -> dict[str, Any]:
    """The model without machine-specific absolute paths."""
    from charter.spec._schema import model_dict

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
    from charter.compose import lock_entries
    from charter.conflict import load_resolutions

    data = _portable(spec)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    resolutions = load_resolutions(config)
    return {
        "format": BUNDLE_FORMAT,
        "name": spec.name,
        "version": spec.version,
        "owner": spec.owner,
        "content_hash": "sha256:" + hashlib.sha256(canonical.encode()).hexdigest(),
        "spec_hash": spec_hash(spec),
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


def bundle_text(spec: Spec, config: ProjectConfig) -> str:
    """The bundle file's text: indented JSON, one trailing newline."""
    return json.dumps(bundle(spec, config), indent=2, ensure_ascii=False) + "\n"


@target(
    "json",
    summary="the composed spec as a JSON bundle (what `charter publish` writes)",
    default_output="dist/spec.json",
)
def build_json(context: BuildContext) -> Artifact:
    spec = context.spec
    return Artifact.single(
        bundle_text(spec, context.project.config),
        f"{len(spec.sections)} sections, {len(spec.clauses)} clauses",
    )
