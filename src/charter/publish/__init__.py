"""`charter publish`: a versioned bundle of the composed spec, written only when the gate holds.

from charter.publish import evaluate_gate, write_bundle
"""

from charter.publish._bundle import (
    BUNDLE_FORMAT,
    BundleExists,
    bundle,
    bundle_name,
    place_bundle,
    write_bundle,
)
from charter.publish._gate import GateOutcome, PublishSettings, evaluate_gate, publish_settings
from charter.publish._project import Published, publish_project

__all__ = [
    "BUNDLE_FORMAT",
    "BundleExists",
    "GateOutcome",
    "PublishSettings",
    "Published",
    "bundle",
    "bundle_name",
    "evaluate_gate",
    "place_bundle",
    "publish_project",
    "publish_settings",
    "write_bundle",
]
