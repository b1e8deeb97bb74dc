"""`charter lsp`: the language server for editors (logic in `charter.lsp`)."""

from __future__ import annotations

from charter.cli._app import app


@app.command()
def lsp() -> None:
    """Run the language server on stdin and stdout (for VS Code, Neovim and other editors):
    diagnostics as you type, hover, go to definition, rename, completion and quick fixes.
    Needs the `lsp` extra: `pip install 'charter-spec[lsp]'`."""
    from charter.lsp import serve

    serve()
