"""Content hashes: of the spec a build came from, and of the bytes it produced."""

from __future__ import annotations

import hashlib

from charter.spec import Spec


def spec_hash(spec: Spec) -> str:
    """The spec's content hash (`charter version` uses the same): over its spec files, modules
    included, so the same text gives the same hash on every machine."""
    from charter.version import content_hash

    return content_hash(spec)


def text_hash(text: str) -> str:
    """`sha256:` of the UTF-8 bytes of `text`."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
