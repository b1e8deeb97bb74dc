"""P2: the run engine under load: `charter test` against a 200 ms OpenAI-compatible server.

A synthetic spec of 100 clauses x 20 prompts (2,000 samples) is run with `openai:bench` at
concurrency 32 against `servers.py` (its own process; every completion answered after 200 ms,
so 32 / 0.2 s = 160 samples/s is the ceiling). `charter test` runs as its own process and is
measured alone with `os.wait4`: wall time, CPU seconds, peak RSS. Then the same command again,
every call served from the run store's cache.

Targets (2 cores): throughput >= 90% of 160/s, CPU <= 2 ms per sample in Charter's process,
peak RSS <= 300 MB, the fully cached re-run <= 5 s.

    python benchmarks/bench_run.py [--samples 2000] [--concurrency 32] [--delay 0.2]
        [--profile] [--trace-memory] [--keep] [--workers N|auto]

`--profile` also runs the same load in this process under cProfile and prints the top entries.
`--trace-memory` runs it in this process under tracemalloc and prints the peak of traced memory
and the source lines holding the most memory at the end of the run (what grows with the samples).
The same load through promptfoo, inspect_ai and the Ray executor, side by side:
`benchmarks/compare_peers.py`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from synthetic_project import CHECK, default_prompt, write_project

from servers import REPLY, LatencyServer

CLAUSES = 100
assert CHECK in REPLY


@dataclass(frozen=True, slots=True)
class Measured:
    """One child process: wall seconds, CPU seconds (user + system), peak RSS in MB, and the
    clock time (`time.time()`) it started."""

    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    output: str
    started: float


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run `command` and account for it alone (`os.wait4` on its pid), output to a temp file."""
    with tempfile.TemporaryFile(mode="w+") as log:
        clock = time.time()
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(wall, cpu, usage.ru_maxrss / 1024, process.returncode, output, clock)


def prompt_text(clause: int, index: int) -> str:
    return default_prompt(clause, index)


def all_prompts(samples: int) -> list[str]:
    """The prompts of the synthetic spec, in plan order."""
    per_clause = samples // CLAUSES
    return [prompt_text(c, i) for c in range(CLAUSES) for i in range(per_clause)]


def build_project(root: Path, samples: int, base_url: str, epochs: int = 1) -> None:
    """A spec with `CLAUSES` clauses, each with a prompt file of `samples / CLAUSES / epochs`
    examples (`benchmarks/synthetic_project.py`)."""
    write_project(
        root,
        clauses=CLAUSES,
        prompts=samples // CLAUSES // epochs,
        config=f'[models."openai:bench"]\nbase_url = "{base_url}"\n',
    )


WORKERS: list[str] = []
"""`--workers N` for every `charter test` this script runs (empty: the default)."""

EPOCHS = ["--epochs", "1"]
"""What `main` sets from `--epochs`: every `charter test` command of this run passes it."""


def charter_command(root: Path, concurrency: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "charter",
        "test",
        str(root),
        "-m",
        "openai:bench",
        "--concurrency",
        str(concurrency),
        *WORKERS,
        *EPOCHS,
        *extra,
    ]


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def run_charter(args: argparse.Namespace, work: Path) -> None:
    """Measure the run and the cached re-run, print the figures."""
    root = work / "spec"
    root.mkdir()
    bound = args.concurrency / args.delay
    with LatencyServer(args.delay) as server:
        build_project(root, args.samples, server.url, args.epochs)
        startup = measure(charter_command(root, args.concurrency, "--dry-run"), work)
        if startup.returncode != 0:
            sys.exit(f"charter test --dry-run failed:\n{startup.output}")
        report = work / "first.json"
        first = measure(
            charter_command(root, args.concurrency, "--report", "json", "-o", str(report)), work
        )
        if first.returncode != 0:
            sys.exit(f"charter test failed ({first.returncode}):\n{first.output[-2000:]}")
        stats = server.stats()
        totals = json.loads(report.read_text())["totals"]
        done = totals["n"] + totals["needs_review"] + totals["errors"] + totals["not_applicable"]
        served = int(stats["served"])
        second = measure(charter_command(root, args.concurrency), work)
        served_again = server.served() - served
    samples = args.samples
    window = (stats["last"] or 0.0) - (stats["first"] or 0.0)
    rate = samples / first.wall
    print(
        f"charter test: {samples} samples, {CLAUSES} clauses x {samples // CLAUSES // args.epochs}"
        f" prompts x {args.epochs} epochs, concurrency {args.concurrency}, "
    )
    print(f"  server delay {args.delay * 1000:.0f} ms: ceiling {bound:.0f} samples/s")
    print(f"  samples stored {done}, passed {totals['passed']}, errors {totals['errors']}")
    print(
        f"  completions served {served} over {int(stats['connections'])} connections "
        f"({served / max(1, int(stats['connections'])):.1f} calls per connection), "
        f"at most {int(stats['peak_in_flight'])} in flight at once"
    )
    print(
        f"throughput, whole command: {rate:.1f} samples/s = {rate / bound:.1%} of the "
        f"ceiling ({first.wall:.2f} s wall) -> {verdict(rate >= 0.9 * bound)} (>= 90%)"
    )
    if window > 0:
        inner = samples / (window + args.delay)
        print(
            f"throughput, first call to last reply: {inner:.1f} samples/s = {inner / bound:.1%}"
            f" ({window + args.delay:.2f} s); before the first call "
            f"{stats['first'] - first.started:.2f} s, after the last reply "
            f"{first.started + first.wall - stats['last']:.2f} s"
        )
    per_sample = first.cpu / samples * 1000
    run_only = (first.cpu - startup.cpu) / samples * 1000
    print(
        f"CPU in charter's process: {first.cpu:.2f} s = {per_sample:.2f} ms/sample "
        f"-> {verdict(per_sample <= 2.0)} (<= 2 ms); without start-up ({startup.cpu:.2f} s for "
        f"import, spec and plan, from --dry-run): {run_only:.2f} ms/sample"
    )
    print(f"peak RSS of charter's process: {first.rss_mb:.0f} MB -> {verdict(first.rss_mb <= 300)}")
    print(
        f"fully cached re-run: {second.wall:.2f} s wall, {second.cpu:.2f} s CPU, "
        f"{served_again} calls to the server -> {verdict(second.wall <= 5 and served_again == 0)}"
        " (<= 5 s, no calls)"
    )
    if second.returncode != 0:
        print(f"  (the re-run exited {second.returncode}: {second.output[-500:]})")
    html_report(root)


def html_report(root: Path) -> None:
    """Time `--report html` for the first run (load from the store, render), and its size."""
    from charter.report import RunReport, render_html
    from charter.run import RunStore, store_path

    with RunStore(store_path(root)) as store:
        run_id = store.list_runs()[0].run.id
        started = time.perf_counter()
        text = render_html(RunReport.load(store, run_id))
        seconds = time.perf_counter() - started
    target = root.parent / "report.html"
    target.write_text(text, encoding="utf-8")
    print(
        f"HTML report of the run: {len(text.encode()) / 1e6:.1f} MB, loaded and rendered in "
        f"{seconds:.2f} s (written to {target.name} in the work folder; --keep keeps it)"
    )


# profiling the same load in this process


@contextmanager
def in_process_run(args: argparse.Namespace, work: Path, name: str) -> Iterator[None]:
    """Build a fresh project under `work / name` against its own server; the body runs while
    `sys.argv` holds the `charter test` command, which `run_in_process` then runs."""
    root = work / name
    root.mkdir()
    with LatencyServer(args.delay) as server:
        build_project(root, args.samples, server.url, args.epochs)
        saved = sys.argv
        sys.argv = ["charter", *charter_command(root, args.concurrency)[3:]]
        try:
            yield
        finally:
            sys.argv = saved


def run_in_process() -> None:
    from charter.cli import main as charter_main

    with suppress(SystemExit):
        charter_main()


def profile_charter(args: argparse.Namespace, work: Path) -> None:
    profiler = cProfile.Profile()
    with in_process_run(args, work, "profiled"):
        profiler.enable()
        try:
            run_in_process()
        finally:
            profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print("\ncProfile of the same run in this process, by own time:")
    print("\n".join(out.getvalue().splitlines()[:60]))


class FullestSnapshot:
    """A thread that polls the traced memory every `every` seconds and keeps a snapshot taken
    at the fullest moment seen, so that what held the peak can be shown, not only what is left."""

    def __init__(self, every: float = 1.0) -> None:
        self.every = every
        self.size = 0
        self.snapshot: tracemalloc.Snapshot | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(self.every):
            current, _ = tracemalloc.get_traced_memory()
            if current > self.size * 1.05:
                self.snapshot = tracemalloc.take_snapshot()
                self.size = current

    def __enter__(self) -> FullestSnapshot:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def print_top(title: str, snapshot: tracemalloc.Snapshot, top: int) -> None:
    ignored = (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<*"))
    print(title)
    for stat in snapshot.filter_traces(ignored).statistics("lineno")[:top]:
        frame = stat.traceback[0]
        where = f"{frame.filename}:{frame.lineno}"
        print(f"  {stat.size / 1e6:7.2f} MB {stat.count:8d} blocks  {where}")


def trace_memory(args: argparse.Namespace, work: Path, top: int = 20) -> None:
    """The same run in this process under tracemalloc (imports done first, so that what is
    counted is the run's own memory): the peak, the lines holding the most at the fullest
    moment polled (once a second) and at the end."""
    import charter.cli  # noqa: F401  (imported before tracing: module code is not the run's)

    with in_process_run(args, work, "traced"):
        tracemalloc.start(1)
        try:
            with FullestSnapshot() as fullest:
                run_in_process()
            snapshot = tracemalloc.take_snapshot()
            current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    print(
        f"\ntracemalloc, {args.samples} samples in this process: peak {peak / 1e6:.1f} MB "
        f"traced, {current / 1e6:.1f} MB still held at the end "
        f"({peak / args.samples:.0f} bytes of peak per sample)"
    )
    if fullest.snapshot is not None:
        print_top(
            f"at the fullest moment polled ({fullest.size / 1e6:.1f} MB):", fullest.snapshot, top
        )
    print_top("at the end:", snapshot, top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--trace-memory", action="store_true")
    parser.add_argument(
        "--epochs",
        type=int,
        default=1,
        help="reach --samples with this many epochs of fewer prompts (the spec does not grow)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--workers", help="charter test --workers N|auto (model calls from N local processes)"
    )
    args = parser.parse_args()
    if args.workers is not None:
        WORKERS.extend(["--workers", args.workers])
    if args.epochs <= 0 or args.samples <= 0 or args.samples % (CLAUSES * args.epochs):
        parser.error(f"--samples must be a positive multiple of {CLAUSES} x --epochs")
    EPOCHS[1] = str(args.epochs)
    work = Path(tempfile.mkdtemp(prefix="charter-bench-run-"))
    try:
        run_charter(args, work)
        if args.profile:
            profile_charter(args, work)
        if args.trace_memory:
            trace_memory(args, work)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"(this script's own CPU: {resource.getrusage(resource.RUSAGE_SELF).ru_utime:.1f} s)")


if __name__ == "__main__":
    main()
