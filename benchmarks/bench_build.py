"""Building every target (system-prompt, agents-md, docs, json) for the 2025-09-12 Model Spec.

Goal on a 2-core machine: under 0.5 s for all four targets together (median of 10 runs), the
spec loaded once beforehand (its parse and check time is bench_parse_check.py's figure).

    python benchmarks/bench_build.py [--corpora ../shared/corpora] [--runs 10]

The release is copied into a temporary folder, as a project would hold it; outputs are made in
memory (what `charter build` does before writing) and compared across runs: the same spec must
give the same bytes every time.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from charter.build import get_target
from charter.build._run import make
from charter.build._settings import OutputSpec
from charter.spec import load_project

TARGETS = ("system-prompt", "agents-md", "docs", "json")


def default_corpora() -> Path:
    return Path(__file__).resolve().parents[2] / "shared" / "corpora"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    release = args.corpora / "model-spec" / "2025-09-12"
    if not release.is_dir():
        print(f"no release at {release}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="charter-bench-build-") as folder:
        root = Path(folder) / "model-spec"
        shutil.copytree(release, root)
        started = time.perf_counter()
        project = load_project(root)
        loaded = time.perf_counter() - started
        outputs = [
            OutputSpec(name, get_target(name), root / get_target(name).default_output)
            for name in TARGETS
        ]
        make(project, outputs)  # warm-up: imports, the tokenizer's tables
        per_target: dict[str, list[float]] = {name: [] for name in TARGETS}
        totals = []
        first: list[dict[str, bytes]] | None = None
        for _ in range(args.runs):
            total = 0.0
            built = []
            for spec in outputs:
                start = time.perf_counter()
                built.extend(make(project, [spec]))
                elapsed = time.perf_counter() - start
                per_target[spec.name].append(elapsed)
                total += elapsed
            totals.append(total)
            files = [item.artifact.files for item in built]
            if first is None:
                first = files
            elif files != first:
                print("FAIL: two builds of the same spec differ", file=sys.stderr)
                return 1
    sizes = {
        name: sum(len(v) for v in files.values())
        for name, files in zip(TARGETS, first or [], strict=True)
    }
    print(f"Model Spec 2025-09-12: {len(project.spec.sections)} sections, loaded in {loaded:.3f} s")
    for name in TARGETS:
        print(
            f"  {name:<14} median {statistics.median(per_target[name]):.3f} s"
            f"  ({sizes.get(name, 0):,} bytes)"
        )
    median = statistics.median(totals)
    verdict = "meets" if median < 0.5 else "MISSES"
    print(f"all targets: median {median:.3f} s of {args.runs} runs ({verdict} the 0.5 s goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
