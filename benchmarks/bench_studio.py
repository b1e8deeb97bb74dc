"""Studio start-up: time from launching `charter studio` to the first page (the Spec screen,
with every diagnostic) for the 2025-09-12 Model Spec. Goal: under 1 s after start.

    python benchmarks/bench_studio.py [--runs 5] [--spec PATH]

Each run starts a fresh `python -m charter studio SPEC` process, reads the URL it prints, and
fetches it; it prints the median and min of: the URL printed, the first page complete, and the
same page again (warm). Two rows, as `bench_startup.py` has them: the environment as it is,
and with a bytecode cache (what an installed wheel has).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_SPEC = ROOT.parent / "shared" / "corpora" / "model-spec" / "2025-09-12"
TARGET_SECONDS = 1.0


def _fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return len(answer.read())


Sample = tuple[float, float, float, float, int]


def one_run(spec: Path, env: dict[str, str]) -> Sample:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "charter", "studio", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url = None
        while url is None:
            line = process.stdout.readline()
            if not line:
                raise SystemExit("charter studio ended without printing its URL")
            found = re.search(r"http://\S+", line)
            url = found[0] if found else None
        printed = time.perf_counter() - started
        size = _fetch(url)
        first = time.perf_counter() - started
        again = time.perf_counter()
        _fetch(url)
        warm = time.perf_counter() - again
        return printed, first - printed, first, warm, size
    finally:
        process.terminate()
        process.wait(timeout=20)


NAMES = (
    "URL printed (project read and checked)",
    "URL printed -> first page",
    "launch -> first page",
    "the page again",
)


def _row(label: str, samples: list[Sample]) -> None:
    columns = list(zip(*samples, strict=True))
    print(label)
    for name, values in zip(NAMES, columns, strict=False):
        print(f"  {name:<40} median {statistics.median(values):.3f} s, min {min(values):.3f} s")
    after_start = statistics.median(columns[1])
    verdict = "meets" if after_start < TARGET_SECONDS else "MISSES"
    print(
        f"  first page {after_start:.3f} s after start: {verdict} the {TARGET_SECONDS:.0f} s goal"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spec", type=Path, default=MODEL_SPEC)
    args = parser.parse_args()
    if not args.spec.exists():
        raise SystemExit(f"{args.spec}: no such spec (the Model Spec corpora live in ../shared)")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    print(f"charter studio {args.spec} ({args.runs} runs each)")
    samples = [one_run(args.spec, env) for _ in range(args.runs)]
    print(f"first page: {samples[0][4]:,} bytes; load average {os.getloadavg()[0]:.1f}")
    _row("as the environment is:", samples)
    with tempfile.TemporaryDirectory(prefix="charter-pyc-") as cache:
        cached = {**env, "PYTHONPYCACHEPREFIX": cache}
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        one_run(args.spec, cached)  # fills the cache
        _row(
            "with a bytecode cache (an installed wheel):",
            [one_run(args.spec, cached) for _ in range(args.runs)],
        )


if __name__ == "__main__":
    main()
