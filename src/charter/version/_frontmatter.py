"""Find and rewrite the `version:` line of a spec file's front matter, byte for byte."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from charter.spec import Spec
from charter.version._errors import VersionError

_VERSION_LINE = re.compile(
    r"^(?P<head>version[ \t]*:[ \t]*)(?P<quote>[\"']?)(?P<value>[^\"'#\s]+)(?P=quote)"
)


@dataclass(frozen=True, slots=True)
class VersionLine:
    """Where the spec states its version: file, 1-based line, and the value."""

    path: Path
    line: int
    value: str


def _front_matter_range(lines: list[str]) -> range | None:
    if not lines or lines[0].rstrip("\r\n") != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in ("---", "..."):
            return range(1, index)
    return None


def find_version_line(spec: Spec) -> VersionLine:
    """The first spec file whose front matter has a `version:` line."""
    for spec_file in spec.files:
        path = Path(spec.root) / spec_file.path
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        block = _front_matter_range(lines)
        for index in block or ():
            match = _VERSION_LINE.match(lines[index])
            if match:
                return VersionLine(path, index + 1, match["value"])
    raise VersionError(
        f"{spec.root}: no `version:` line in the front matter of any spec file "
        "(add `version: 1.0.0` between the `---` lines at the top of the spec)"
    )


def replace_version(text: str, new_version: str) -> str:
    """`text` with only the value of its front-matter `version:` line replaced."""
    lines = text.splitlines(keepends=True)
    for index in _front_matter_range(lines) or ():
        match = _VERSION_LINE.match(lines[index])
        if match:
            line = lines[index]
            lines[index] = line[: match.start("value")] + new_version + line[match.end("value") :]
            return "".join(lines)
    raise VersionError("no `version:` line in the front matter")


def content_hash(spec: Spec) -> str:
    """`sha256:` and 16 hex digits summarising the spec files (not the prompt files)."""
    digest = hashlib.sha256()
    for spec_file in sorted(spec.files, key=lambda f: f.path):
        digest.update(f"{spec_file.path}\0{spec_file.sha256}\n".encode())
    return "sha256:" + digest.hexdigest()[:16]
