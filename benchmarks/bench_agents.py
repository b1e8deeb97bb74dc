"""Discovery and `charter check` of a generated repository: 10,000 files, 200 of them
instruction files (AGENTS.md, CLAUDE.md, GEMINI.md, Cursor rules, Copilot instructions)
nested up to five folders deep.

Goal on a 2-core machine: the whole check (discovery, reading, every A rule) under 5 s.

    python benchmarks/bench_agents.py [--files 10000] [--instructions 200] [--runs 3]

The tree is written to a temporary folder once; each run discovers and checks it afresh
(median of the runs printed, with the counts found, so the figure is for the work it claims).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from charter.agents import discover
from charter.check import check_path
from charter.diagnostics import Diagnostics

TOPICS = ("tests", "logging", "imports", "errors", "formatting", "docs", "releases", "database")
INSTRUCTION_NAMES = ("AGENTS.md", "CLAUDE.md", "GEMINI.md")


def instructions(rng: random.Random, folder: str, topic_count: int) -> str:
    lines = [f"# Working in {folder or 'the repository'}", ""]
    for topic in rng.sample(TOPICS, topic_count):
        lines += [f"## {topic.title()}", ""]
        lines += [
            f"- Always run `make test` after changing {topic} code in `{folder or '.'}`.",
            f"- Never edit generated {topic} files by hand.",
            f"- Prefer small functions for {topic}; keep each under 40 lines.",
            f"- See `src/{topic}/README.md` before you change {topic}.",
            "",
        ]
    return "\n".join(lines)


def make_tree(root: Path, files: int, wanted: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folders = [""]
    while len(folders) < files // 20:
        parent = rng.choice(folders)
        if parent.count("/") < 4:
            folders.append(f"{parent}/pkg{len(folders)}".lstrip("/"))
    for topic in TOPICS:
        (root / "src" / topic).mkdir(parents=True, exist_ok=True)
        (root / "src" / topic / "README.md").write_text(f"# {topic}\n")
    (root / "Makefile").write_text("test:\n\tpytest\n")
    written = len(TOPICS) + 1
    chosen = ["", *rng.sample(folders[1:], wanted - 1 - 8)]
    for index, folder in enumerate(chosen):
        base = root / folder
        base.mkdir(parents=True, exist_ok=True)
        name = INSTRUCTION_NAMES[index % len(INSTRUCTION_NAMES)]
        (base / name).write_text(instructions(rng, folder, 3))
        written += 1
    for index in range(4):
        rules = root / ".cursor" / "rules"
        rules.mkdir(parents=True, exist_ok=True)
        (rules / f"rule{index}.mdc").write_text(
            f"---\ndescription: rule {index}\nglobs: **/*.py\nalwaysApply: false\n---\n"
            + instructions(rng, "", 2)
        )
        scoped = root / ".github" / "instructions"
        scoped.mkdir(parents=True, exist_ok=True)
        (scoped / f"part{index}.instructions.md").write_text(
            '---\napplyTo: "**/*.py"\n---\n' + instructions(rng, "", 2)
        )
        written += 2
    (root / "node_modules" / "dep").mkdir(parents=True)
    (root / "node_modules" / "dep" / "AGENTS.md").write_text("- skipped\n")
    while written < files:
        folder = rng.choice(folders)
        base = root / folder
        base.mkdir(parents=True, exist_ok=True)
        (base / f"module{written}.py").write_text("x = 1\n")
        written += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--instructions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_tree(root, args.files, args.instructions)
        on_disk = sum(1 for path in root.rglob("*") if path.is_file())
        walks: list[float] = []
        checks: list[float] = []
        for _ in range(args.runs):
            started = time.perf_counter()
            found = discover(root, Diagnostics())
            walks.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = check_path(root)
            checks.append(time.perf_counter() - started)
        spec = result.spec
        print(f"tree: {on_disk:,} files ({len(found.files):,} walked outside node_modules)")
        print(
            f"instruction files: {len(found.instruction_files)} found, "
            f"{len(spec.instruction_files)} read, {len(spec.clauses):,} clauses"
        )
        codes: dict[str, int] = {}
        for diagnostic in result.diagnostics:
            codes[diagnostic.code] = codes.get(diagnostic.code, 0) + 1
        print("findings: " + ", ".join(f"{code} x{n}" for code, n in sorted(codes.items())))
        print(f"discovery: median {statistics.median(walks):.3f} s over {args.runs} runs")
        print(
            f"charter check (discovery + read + A rules): median {statistics.median(checks):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
