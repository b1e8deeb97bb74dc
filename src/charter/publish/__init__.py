"""`charter publish`: a versioned bundle of the composed spec, written only when the gate holds.

from charter.publish import evaluate_gate, write_bundle
"""

from charter.publish._bundle import BUNDLE_FORMAT, bundle, bundle_name, write_bundle
from charter.publish._gate import GateOutcome, PublishSettings, evaluate_gate, publish_settings

__all__ = [
    "BUNDLE_FORMAT",
    "GateOutcome",
    "PublishSettings",
    "bundle",
    "bundle_name",
    "evaluate_gate",
    "publish_settings",
    "write_bundle",
]
