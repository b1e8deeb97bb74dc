"""P1: in-process parse + check time of the Model Spec, and of specs up to 100 times its size.

Targets on a 2-core machine: the 2025-09-12 release in <= 0.3 s (median of 20 runs), a spec 100
times its size in <= 10 s, with time growing linearly in size.

    python benchmarks/bench_parse_check.py [--corpora ../shared/corpora] [--runs 20]

The large specs are built from the release itself: the markdown is repeated N times with every
section id and clause id given a per-copy suffix, and the prompt files are copied under the new
ids, so the large spec checks clean just as the release does.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from charter._memo import forget_all
from charter.check import check_path

_ID_ATTR = re.compile(r"\{#([\w-]+)")
_ANCHOR_LINK = re.compile(r"\]\(#([\w-]+)\)")
_BLAME = re.compile(r"\[#([\w-]+)\]")
_TAG = re.compile(r"\[\^([\w-]+)\]")


def default_corpora() -> Path:
    return Path(__file__).resolve().parents[2] / "shared" / "corpora"


def time_check(path: Path, runs: int) -> tuple[float, int]:
    """Median seconds of `runs` full loads + checks, and the number of findings."""
    times = []
    findings = 0
    for _ in range(runs):
        forget_all()  # each run reads as a fresh `charter check` process does
        start = time.perf_counter()
        result = check_path(path)
        times.append(time.perf_counter() - start)
        findings = len(result.diagnostics)
    return statistics.median(times), findings


def _rename(text: str, suffix: str) -> str:
    """Every section id, anchor link, blame and clause tag of `text` with `suffix` appended."""
    text = _ID_ATTR.sub(lambda m: "{#" + m[1] + suffix, text)
    text = _ANCHOR_LINK.sub(lambda m: "](#" + m[1] + suffix + ")", text)
    text = _BLAME.sub(lambda m: "[#" + m[1] + suffix + "]", text)
    return _TAG.sub(lambda m: "[^" + m[1] + suffix + "]", text)


def build_scaled(release: Path, copies: int, target: Path) -> int:
    """Write a spec `copies` times the release's size into `target`; returns its size in bytes."""
    text = (release / "model_spec.md").read_text(encoding="utf-8")
    prompts = {p.stem: p.read_text(encoding="utf-8") for p in (release / "examples").glob("*.md")}
    (target / "examples").mkdir(parents=True)
    parts = []
    for copy in range(copies):
        parts.append(_rename(text, f"_c{copy}"))
        for stem, prompt in prompts.items():
            renamed = _TAG.sub(lambda m, s=f"_c{copy}": f"[^{m[1]}{s}]", prompt)
            (target / "examples" / f"{stem}_c{copy}.md").write_text(renamed, encoding="utf-8")
    spec = "\n\n".join(parts)
    (target / "model_spec.md").write_text(spec, encoding="utf-8")
    return len(spec.encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scales", default="1,10,50,100", help="comma-separated size multiples")
    args = parser.parse_args()
    release = args.corpora / "model-spec" / "2025-09-12"
    if not (release / "model_spec.md").is_file():
        print(f"error: no Model Spec release at {release} (pass --corpora)", file=sys.stderr)
        return 2

    check_path(release)  # warm imports and caches once, outside the measurement
    median, findings = time_check(release, args.runs)
    size = (release / "model_spec.md").stat().st_size
    print(f"model spec 2025-09-12: {size / 1024:.0f} KiB, {findings} findings")
    print(f"  parse+check median of {args.runs}: {median:.3f} s  (target <= 0.3 s)")

    print("\nscaled specs (one run each after building):")
    print(f"  {'copies':>6}  {'size MiB':>8}  {'seconds':>8}  {'s per MiB':>9}  findings")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for copies in (int(value) for value in args.scales.split(",")):
            target = Path(scratch) / f"x{copies}"
            built = build_scaled(release, copies, target)
            runs = 3 if copies <= 10 else 1
            seconds, found = time_check(target, runs)
            rows.append((copies, built, seconds))
            mib = built / 1_048_576
            print(f"  {copies:>6}  {mib:>8.1f}  {seconds:>8.2f}  {seconds / mib:>9.3f}  {found}")
    if len(rows) >= 2:
        (c0, b0, s0), (c1, b1, s1) = rows[0], rows[-1]
        growth = (s1 / s0) / (b1 / b0)
        print(f"\ntime ratio / size ratio from x{c0} to x{c1}: {growth:.2f} (1.00 = linear)")
        print(f"x{c1} target <= 10 s: {'met' if s1 <= 10 else 'NOT met'} ({s1:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
