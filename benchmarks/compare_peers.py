"""Side by side: Charter (local executor and Ray), promptfoo and inspect_ai on the same load.

Each cell is a number of samples, a concurrency and a server latency. For every cell and tool,
a fresh `servers.py` (its own process) answers every chat completion after the latency, and the
tool's own CLI runs the same prompts with the same check (`contains "30 days"`) as its own
process, measured alone with `os.wait4`: wall time, CPU seconds, peak RSS. Printed per row:
throughput as a share of the bound (concurrency / latency), CPU per sample, peak RSS, the most
calls the server saw in flight. For Ray, CPU and RSS are the driver's (`charter test`): the
workers are Ray's processes, not its children.

    python benchmarks/compare_peers.py [--grid] [--cell SAMPLES,CONCURRENCY,SECONDS ...]
        [--tools charter,ray,promptfoo,inspect] [--peers DIR]

Default cells: 2,000 samples at 32 and 200 ms, 20,000 at 256 and 50 ms; `--grid` runs all 8
combinations of {2,000, 20,000} x {32, 256} x {200 ms, 50 ms}. The peers are looked for in
`--peers` (default `$CHARTER_PEERS`, else `~/.cache/charter-peers`), installed there, outside
the project and its environment:

    npm install --prefix DIR promptfoo
    python -m venv DIR/venv && DIR/venv/bin/pip install inspect-ai openai
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench_run import CHECK, Measured, all_prompts, build_project, charter_command, measure

from servers import LatencyServer

TOOLS = ("charter", "ray", "promptfoo", "inspect")
DEFAULT_CELLS = ((2000, 32, 0.2), (20000, 256, 0.05))
GRID = tuple(itertools.product((2000, 20000), (32, 256), (0.2, 0.05)))


@dataclass(frozen=True, slots=True)
class Cell:
    samples: int
    concurrency: int
    delay: float

    @property
    def bound(self) -> float:
        return self.concurrency / self.delay


@dataclass(frozen=True, slots=True)
class Row:
    tool: str
    cell: Cell
    result: Measured | None
    served: int
    peak: int
    problem: str = ""

    def cells(self) -> list[str]:
        cell = self.cell
        head = [self.tool, f"{cell.samples:,}", str(cell.concurrency), f"{cell.delay * 1000:.0f}"]
        if self.result is None or self.problem:
            return [*head, "-", "-", "-", "-", "-", self.problem]
        rate = cell.samples / self.result.wall
        return [
            *head,
            f"{rate:,.0f}",
            f"{rate / cell.bound:.1%}",
            f"{self.result.cpu / cell.samples * 1000:.2f}",
            f"{self.result.rss_mb:,.0f}",
            str(self.peak),
            "",
        ]


HEADER = ["tool", "samples", "conc.", "ms", "samples/s", "of bound", "CPU ms/sample", "RSS MB"]
HEADER += ["in flight", "note"]


class Peers:
    """Where promptfoo and inspect_ai are installed, and how to install them when they are not."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.promptfoo = folder / "node_modules" / ".bin" / "promptfoo"
        self.inspect_python = folder / "venv" / "bin" / "python"

    def missing(self, tool: str) -> str | None:
        """How to install `tool` if it is missing here, else None."""
        if tool == "promptfoo" and not self.promptfoo.exists():
            return f"not installed: npm install --prefix {self.folder} promptfoo"
        if tool == "inspect" and not self.inspect_python.exists():
            venv = self.folder / "venv"
            return (
                f"not installed: python -m venv {venv} && {venv}/bin/pip install inspect-ai openai"
            )
        return None


def _charter(cell: Cell, work: Path, url: str, extra: tuple[str, ...]) -> Measured:
    root = work / "spec"
    root.mkdir()
    build_project(root, cell.samples, url)
    return measure(charter_command(root, cell.concurrency, *extra), work)


def _promptfoo(cell: Cell, work: Path, url: str, peers: Peers) -> Measured:
    with (work / "tests.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["prompt", "__expected"])
        for prompt in all_prompts(cell.samples):
            writer.writerow([prompt, f"contains:{CHECK}"])
    (work / "promptfooconfig.yaml").write_text(
        "prompts:\n  - '{{prompt}}'\n"
        "providers:\n  - id: openai:chat:bench\n    config:\n"
        f"      apiBaseUrl: {url}\n      apiKey: bench\n"
        "tests: file://tests.csv\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PROMPTFOO_DISABLE_TELEMETRY": "1",
        "PROMPTFOO_DISABLE_UPDATE": "1",
        "PROMPTFOO_CONFIG_DIR": str(work / "home"),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    command = [str(peers.promptfoo), "eval", "-c", "promptfooconfig.yaml"]
    command += ["--max-concurrency", str(cell.concurrency), "--no-cache", "--no-progress-bar"]
    command += ["--no-table", "-o", "out.json"]
    return measure(command, work, env)


def _inspect(cell: Cell, work: Path, url: str, peers: Peers) -> Measured:
    (work / "bench_task.py").write_text(
        "from inspect_ai import Task, task\n"
        "from inspect_ai.dataset import Sample\n"
        "from inspect_ai.scorer import includes\n"
        "from inspect_ai.solver import generate\n\n"
        f"PROMPTS = {all_prompts(cell.samples)!r}\n\n\n"
        "@task\n"
        "def bench():\n"
        f"    return Task(dataset=[Sample(input=p, target={CHECK!r}) for p in PROMPTS],\n"
        "                solver=generate(), scorer=includes())\n",
        encoding="utf-8",
    )
    # `openai-api/<name>/<model>` is inspect's provider for OpenAI-compatible chat completions.
    env = {**os.environ, "BENCH_BASE_URL": url, "BENCH_API_KEY": "bench"}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    command = [str(peers.inspect_python), "-m", "inspect_ai", "eval", "bench_task.py"]
    command += ["--model", "openai-api/bench/bench", "--max-connections", str(cell.concurrency)]
    command += ["--log-dir", str(work / "logs"), "--display", "none"]
    return measure(command, work, env)


def run_tool(tool: str, cell: Cell, peers: Peers) -> Row:
    """One tool on one cell, with its own server and work folder."""
    missing = peers.missing(tool)
    if missing:
        return Row(tool, cell, None, 0, 0, missing)
    runners: dict[str, Callable[[Path, str], Measured]] = {
        "charter": lambda work, url: _charter(cell, work, url, ()),
        "ray": lambda work, url: _charter(cell, work, url, ("--executor", "ray")),
        "promptfoo": lambda work, url: _promptfoo(cell, work, url, peers),
        "inspect": lambda work, url: _inspect(cell, work, url, peers),
    }
    work = Path(tempfile.mkdtemp(prefix=f"charter-peers-{tool}-"))
    try:
        with LatencyServer(cell.delay) as server:
            result = runners[tool](work, server.url)
            stats = server.stats()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    served, peak = int(stats["served"]), int(stats["peak_in_flight"])
    problem = ""
    if served < cell.samples or result.returncode not in (0, 1):
        tail = " | ".join(result.output.strip().splitlines()[-2:])[:160]
        problem = f"did not complete (exit {result.returncode}, {served} served): {tail}"
    return Row(tool, cell, result, served, peak, problem)


def print_table(rows: list[Row]) -> None:
    table = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER) - 1)]
    for line in table:
        cells = [text.rjust(width) for text, width in zip(line, widths, strict=False)]
        print("  ".join([*cells, line[-1]]).rstrip(), flush=True)


def rss_note(rows: list[Row]) -> None:
    """Charter's peak RSS by size, at each concurrency and latency measured at two sizes."""
    charter = [row for row in rows if row.tool == "charter" and row.result and not row.problem]
    for (concurrency, delay), group in itertools.groupby(
        sorted(charter, key=lambda r: (r.cell.concurrency, r.cell.delay, r.cell.samples)),
        key=lambda r: (r.cell.concurrency, r.cell.delay),
    ):
        found = list(group)
        if len(found) > 1:
            sizes = " -> ".join(
                f"{row.cell.samples:,}: {row.result.rss_mb:.0f} MB" for row in found if row.result
            )
            print(f"charter peak RSS at {concurrency} / {delay * 1000:.0f} ms by samples: {sizes}")


def _cell(text: str) -> Cell:
    try:
        samples, concurrency, delay = text.split(",")
        return Cell(int(samples), int(concurrency), float(delay))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--cell takes SAMPLES,CONCURRENCY,SECONDS such as 2000,32,0.2, not {text!r}"
        ) from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true", help="all 8 combinations")
    parser.add_argument("--cell", type=_cell, action="append", help="SAMPLES,CONCURRENCY,SECONDS")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated")
    default_peers = os.environ.get("CHARTER_PEERS") or Path.home() / ".cache" / "charter-peers"
    parser.add_argument("--peers", type=Path, default=Path(default_peers))
    args = parser.parse_args()
    tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        parser.error(f"--tools: unknown {', '.join(unknown)} (known: {', '.join(TOOLS)})")
    cells = args.cell or [Cell(*cell) for cell in (GRID if args.grid else DEFAULT_CELLS)]
    for cell in cells:
        if cell.samples % 100 or cell.samples <= 0:
            parser.error(f"samples must be a positive multiple of 100, not {cell.samples}")
    peers = Peers(args.peers)
    for tool in ("promptfoo", "inspect"):
        missing = peers.missing(tool) if tool in tools else None
        if missing:
            print(f"{tool}: {missing}", file=sys.stderr)
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs")
    rows = []
    for cell in cells:
        for tool in tools:
            rows.append(run_tool(tool, cell, peers))
            print("  done:", "  ".join(rows[-1].cells()), flush=True)  # kept if the run is cut
    print()
    print_table(rows)
    rss_note(rows)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
