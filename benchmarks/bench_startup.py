"""Start-up: wall time of short `charter` commands, each in a fresh interpreter.

Every invocation pays Python's start-up plus the imports of `charter.cli`, so this is the floor of
every command's time (`bench_run.py` loses it once per run). Target on a 2-core machine, idle:
`charter --version` under 0.25 s.

    python benchmarks/bench_startup.py [--runs 10] [--top 15] [--no-bytecode-row]

Prints the median (and min) of `--runs` subprocess runs of `charter --version`,
`charter check examples/helpdesk` and `python -c "import charter.cli"`, then the largest import
costs from `python -X importtime`. The commands run as `python -m charter`, the same code as the
`charter` script.

Two rows per command: as the environment is, and with a bytecode cache. With
PYTHONDONTWRITEBYTECODE=1 (as in CI and the dev container) Python compiles every module of an
editable install from source on each start; an installed wheel has its .pyc files, which the
second row reproduces with a throwaway PYTHONPYCACHEPREFIX.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_VERSION_SECONDS = 0.25

COMMANDS: dict[str, list[str]] = {
    "charter --version": ["-m", "charter", "--version"],
    "charter check examples/helpdesk": ["-m", "charter", "check", "examples/helpdesk"],
    "import charter.cli": ["-c", "import charter.cli"],
}


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # check exits 1 on error findings; 2 and 3 are failures
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return seconds


def time_command(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median and minimum seconds of `runs` fresh runs (after one untimed warm-up run)."""
    _run(args, env)
    times = [_run(args, env) for _ in range(runs)]
    return statistics.median(times), min(times)


def import_costs(env: dict[str, str]) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) of every import `import charter.cli` makes."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import charter.cli"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, name = line[len("import time:") :].split("|")
        rows.append((int(own), int(total), name.strip()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--top", type=int, default=15, help="How many import costs to list.")
    parser.add_argument(
        "--no-bytecode-row", action="store_true", help="Only time the environment as it is."
    )
    options = parser.parse_args()

    plain = dict(os.environ)
    modes = [("as is", plain)]
    with tempfile.TemporaryDirectory(prefix="charter-pyc-") as prefix:
        if not options.no_bytecode_row:
            cached = {k: v for k, v in plain.items() if k != "PYTHONDONTWRITEBYTECODE"}
            cached["PYTHONPYCACHEPREFIX"] = prefix
            modes.append(("with .pyc", cached))
        dont_write = plain.get("PYTHONDONTWRITEBYTECODE", "") not in ("", "0")
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load "
            f"{os.getloadavg()[0]:.2f}, PYTHONDONTWRITEBYTECODE={'1' if dont_write else 'unset'}; "
            f"median (min) of {options.runs} runs"
        )
        results: dict[tuple[str, str], float] = {}
        for name, args in COMMANDS.items():
            for mode, env in modes:
                median, fastest = time_command(args, env, options.runs)
                results[(name, mode)] = median
                print(f"  {name:<34} {mode:<10} {median:6.3f} s  ({fastest:.3f})")
        version = min(results[("charter --version", mode)] for mode, _ in modes)
        verdict = "met" if version < TARGET_VERSION_SECONDS else "NOT met"
        print(f"target: charter --version < {TARGET_VERSION_SECONDS} s: {verdict} ({version:.3f})")

        rows = import_costs(modes[-1][1])
    total = next((t for _, t, name in rows if name == "charter.cli"), 0)
    print(f"\nimport charter.cli: {total / 1000:.1f} ms of imports ({len(rows)} modules)")
    print(f"top {options.top} by own time:")
    for own, cumulative, name in sorted(rows, reverse=True)[: options.top]:
        print(f"  {own / 1000:6.1f} ms  (cumulative {cumulative / 1000:6.1f})  {name}")
    ours = [row for row in rows if row[2].startswith("charter.") and row[2].count(".") == 1]
    print("charter packages by cumulative time:")
    for _own, cumulative, name in sorted(ours, key=lambda row: -row[1])[: options.top]:
        print(f"  {cumulative / 1000:6.1f} ms  {name}")


if __name__ == "__main__":
    main()
