"""Diagnostics after a one-character edit in the 2025-09-12 Model Spec, through `charter lsp`.

Goal on a 2-core machine: under 150 ms, median of 20 edits, from the client sending
`textDocument/didChange` to it receiving the edited file's `textDocument/publishDiagnostics`.

    python benchmarks/bench_lsp.py [--corpora ../shared/corpora] [--runs 20]

A real LSP client (pygls) starts `python -m charter lsp` over stdio, opens model_spec.md and types
one character at a sentence of the spec, then types over it with another, so that every edit
gives a text the server has not seen. The edits are timed twice: with the debounce off, each
edit sent as soon as the last one's diagnostics came (the server's work), and with the server's
default debounce, each edit sent after a pause a little longer than the debounce, as a writer
pauses between two corrections (what an editor waits: an edit after a quiet spell is checked at
once, only an edit in a burst waits for the delay). The server's own log gives the split: the
wait, re-reading the edited file, then the project check.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import string
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from charter.lsp._server import DEFAULT_DEBOUNCE

_TIMINGS = re.compile(
    r"waited (?P<wait>[\d.]+) ms, read (?P<read>[\d.]+) ms, project check (?P<check>[\d.]+) ms"
)


def default_corpora() -> Path:
    return Path(__file__).resolve().parents[2] / "shared" / "corpora"


class _Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench-lsp", "1")
        self.arrived: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()
        self.logs: list[str] = []


async def _session(spec: Path, runs: int, debounce_ms: float | None) -> dict[str, list[float]]:
    client = _Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        client.arrived.put_nowait(params)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def logged(params: types.LogMessageParams) -> None:
        client.logs.append(params.message)

    await client.start_io(sys.executable, "-m", "charter", "lsp")
    options = {} if debounce_ms is None else {"debounce": debounce_ms}
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(spec.parent.as_uri(), spec.parent.name)],
            initialization_options=options,
        )
    )
    client.initialized(types.InitializedParams())
    uri = spec.as_uri()
    text = spec.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
    )
    first = await _until(client, uri)
    debounce = DEFAULT_DEBOUNCE if debounce_ms is None else debounce_ms / 1000
    pause = 1.5 * debounce + 0.01 if debounce > 0 else 0.0  # a quiet spell, just longer
    lines = text.split("\n")
    line = next(n for n, t in enumerate(lines) if "must" in t and "[^" not in t and n > 100)
    column = lines[line].index("must")
    figures: dict[str, list[float]] = {"latency": [], "wait": [], "read": [], "check": []}
    at = types.Position(line, column)
    for number in range(runs):
        # Type a letter, then type over it with the next: every text is new, so nothing the
        # server keeps from an earlier text can stand in for the work an edit needs.
        end = at if number == 0 else types.Position(line, column + 1)
        letter = string.ascii_letters[number % len(string.ascii_letters)]
        change = types.TextDocumentContentChangePartial(types.Range(at, end), letter)
        if pause:
            await asyncio.sleep(pause)  # a one-character edit after a pause, not in a burst
        client.logs.clear()
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=number + 2, uri=uri), [change]
            )
        )
        found = await _until(client, uri)
        figures["latency"].append((time.perf_counter() - started) * 1000)
        split = next((m for m in map(_TIMINGS.search, client.logs) if m), None)
        if split is not None:
            figures["wait"].append(float(split["wait"]))
            figures["read"].append(float(split["read"]))
            figures["check"].append(float(split["check"]))
        assert len(found) == len(first), "a one-character edit inside a word changed the findings"
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    figures["findings"] = [float(len(first))]
    return figures


async def _until(client: _Client, uri: str) -> list[types.Diagnostic]:
    while True:
        params = await asyncio.wait_for(client.arrived.get(), 120)
        if params.uri == uri:
            return list(params.diagnostics)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    spec = (args.corpora / "model-spec" / "2025-09-12" / "model_spec.md").resolve()
    if not spec.is_file():
        print(f"{spec}: not found (pass --corpora)", file=sys.stderr)
        return 2
    print(f"Model Spec 2025-09-12 ({spec.stat().st_size / 1024:.0f} KiB), {args.runs} edits each")
    for label, debounce in (
        ("debounce off", 0.0),
        (f"default debounce ({DEFAULT_DEBOUNCE * 1000:.0f} ms)", None),
    ):
        figures = asyncio.run(_session(spec, args.runs, debounce))
        latency = figures["latency"]
        print(
            f"{label}: median {statistics.median(latency):.1f} ms, "
            f"min {min(latency):.1f}, max {max(latency):.1f} "
            f"({int(figures['findings'][0])} findings each time)"
        )
        if figures["read"]:
            print(
                f"  server: waited {statistics.median(figures['wait']):.1f} ms, "
                f"re-read the edited file {statistics.median(figures['read']):.1f} ms, "
                f"project check {statistics.median(figures['check']):.1f} ms (medians)"
            )
    print("goal: under 150 ms, median, with the debounce off and with the default debounce")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
