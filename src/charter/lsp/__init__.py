"""`charter lsp`: a language server for specs (stdio), over the same library the command line
uses: diagnostics as you type, hover, go to definition, references, rename, completion, code
actions (fixes, clarify questions) and symbols.

Needs the `lsp` extra (pygls). `Workspace` (the incremental project model) needs only the
library; the protocol types come with pygls.
"""

from __future__ import annotations

from importlib import import_module

from charter.spec import SpecLoadError

#: The modules of the `lsp` extra.
EXTRA_MODULES = ("pygls", "lsprotocol")


def missing_extra() -> list[str]:
    """The modules of the `lsp` extra that are not installed."""
    missing = []
    for name in EXTRA_MODULES:
        try:
            import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def serve() -> None:
    """Run the language server on stdin and stdout. Raises `SpecLoadError` (exit 2) when the
    `lsp` extra is not installed."""
    missing = missing_extra()
    if missing:
        raise SpecLoadError(
            f"charter lsp needs the lsp extra ({', '.join(missing)} missing)",
            "pip install 'charter-spec[lsp]'",
        )
    from charter.lsp._server import serve as run

    run()


__all__ = ["EXTRA_MODULES", "missing_extra", "serve"]
