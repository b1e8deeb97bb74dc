"""The `lsp` extra's protocol types and server class, imported once behind a guard: without the
extra, importing any module of the language server says which extra to install."""

from __future__ import annotations

from charter.spec import SpecLoadError

try:  # the `lsp` extra
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
except ImportError as missing:
    raise SpecLoadError(
        f"charter lsp needs the lsp extra ({missing.name} missing)",
        "pip install 'charter-spec[lsp]'",
    ) from None

__all__ = ["LanguageServer", "types"]
