"""The first finding that makes a project unusable, as one line (commands that need a readable
spec stop on it; `charter check` lists them all)."""

from __future__ import annotations

from pathlib import Path

from charter.diagnostics import Diagnostics, Severity
from charter.spec._model import Spec


def fatal_line(spec: Spec, findings: Diagnostics) -> str | None:
    """`FILE:LINE:COL: CODE message` of the first fatal finding (and how many more), or None."""
    fatal = [found for found in findings.items if found.severity is Severity.FATAL]
    if not fatal:
        return None
    first = fatal[0]
    where = f"{Path(spec.root) / first.span.file}:{first.span.line}:{first.span.column}"
    more = f"; {len(fatal) - 1} more, see `charter check`" if len(fatal) > 1 else ""
    return f"{where}: {first.code} {first.message}{more}"
