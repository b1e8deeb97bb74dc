"""Embedding on a busy machine: OpenMP's spinning wait policy against the passive one Charter sets.

Starts `--spinners` busy processes (default: one per core) to stand for other work on the
machine, then embeds `--sentences` sentences with the packaged MiniLM in a fresh process, once
with `OMP_WAIT_POLICY=ACTIVE` (threads spin between parallel regions, as OpenMP may by default)
and once as Charter runs it (`PASSIVE`, set by `charter._threads.calm_openmp`), `--rounds`
times each, alternating. Prints wall and CPU seconds of each embedding.

    python benchmarks/bench_threads.py [--sentences 600] [--rounds 2] [--spinners N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = """
import sys, time
from charter.conflict._semantic import embed
texts = [f"The assistant must never reveal account number {i} to anyone." for i in range(N)]
embed(texts[:8])
wall, cpu = time.perf_counter(), time.process_time()
embed(texts)
print(f"{time.perf_counter() - wall:.2f} {time.process_time() - cpu:.2f}")
"""


def _spin(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        pass


def _embed(sentences: int, policy: str | None) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    if policy is not None:
        env["OMP_WAIT_POLICY"] = policy
    code = CHILD.replace("range(N)", f"range({sentences})")
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--spinners", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    stop_at = time.monotonic() + 3600
    spinners = [
        multiprocessing.Process(target=_spin, args=(stop_at,), daemon=True)
        for _ in range(args.spinners)
    ]
    for process in spinners:
        process.start()
    try:
        print(
            f"{args.sentences} sentences, MiniLM, {args.spinners} busy processes "
            f"on {os.cpu_count()} cores"
        )
        for round_number in range(1, args.rounds + 1):
            for label, policy in (("ACTIVE (spinning)", "ACTIVE"), ("Charter (PASSIVE)", None)):
                wall, cpu = _embed(args.sentences, policy)
                print(f"  round {round_number} {label:18} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    finally:
        for process in spinners:
            process.terminate()


if __name__ == "__main__":
    main()
