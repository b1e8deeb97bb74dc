"""Places in source files, shared by the model and the diagnostics (defined in `diagnostics`)."""

from __future__ import annotations

from charter.diagnostics import Span

__all__ = ["Span"]
