"""Fuzz the readers and `charter check`: generated and mutated specs, prompt files, precedents,
amendments and answers files, each timed; crashes and the slowest inputs are reported.

    python benchmarks/fuzz_readers.py [--count N] [--seconds S] [--seed K] [--save DIR] [--cli M]

Every input goes through the spec reader, every check rule (`--select ALL`), the four report
formats, the `show` outline and the JSON model; YAML inputs through the precedent, amendment
and answers readers. Expected refusals (one-line load errors) are not crashes; any other
exception is. The `--cli` slowest and every crashing input are replayed through the real
`charter check` command, whose exit code must be 0, 1 or 2. Bounded by count and by time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from rich.console import Console

from charter.check import check_spec, render
from charter.clarify._answers import AnswersError, load_answers
from charter.compose._outline import print_outline
from charter.diagnostics import FORMATS
from charter.precedent import PrecedentFormatError, read_precedent
from charter.spec import SpecLoadError, load_project
from charter.spec._schema import model_json
from charter.version import check_against_spec, parse_amendment

REPO = Path(__file__).resolve().parents[1]
PER_INPUT_LIMIT = 60
"""Seconds after which one input counts as a hang and is abandoned."""

SNIPPETS = (
    "[^a1]",
    "[^refund-limit]",
    "{#sec authority=root}",
    "{#x authority=bogus}",
    "**Example**: a case\n\n",
    "~~~xml\n<user>\nhi\n</user>\n<assistant> <!-- BAD -->\nno\n</assistant>\n~~~\n",
    "<comparison>",
    "---\n",
    "!!! meta\n    ",
    " must not ",
    " shouldn’t ",
    " MUST ",
    "[see](#sec)",
    "[?](#nowhere)",
    "| a | b |\n|---|---|\n| x[^t1] | y |\n",
    "> " * 40,
    "- " * 40,
    "`code [^c1]`",
    "<!-- charter: ignore S102 -->",
    "\x1b]0;title\x07",
    "[/bold]",
    "[link=http://x]y[/link]",
    "\u202e",
    "\x00",
    "\ufeff",
    "\r\n",
    "e.g. ",
    "? ",
)
YAML_SNIPPETS = (
    "&a [x, x]",
    "*a",
    "!!int x",
    "!!timestamp 2025-02-30",
    "2025-02-30",
    "!!binary aGk=",
    "!!set {a}",
    "{" * 50,
    "[" * 50,
    "? [a]\n: b",
    "null: x",
    "'unterminated",
    "\t",
    "9" * 5000,
    ": :",
)


@dataclass(slots=True)
class Outcome:
    kind: str
    name: str
    size: int
    seconds: float
    crash: str | None
    stages: str = ""


class Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def seeds() -> list[str]:
    """Spec and prompt texts to mutate: the examples, and the Model Spec releases if present."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").rglob("*.md"))]
    corpora = REPO.parent / "shared" / "corpora" / "model-spec"
    for release in sorted(corpora.glob("*")) if corpora.is_dir() else []:
        texts += [p.read_text(encoding="utf-8") for p in sorted(release.glob("*.md"))]
        texts += [p.read_text(encoding="utf-8") for p in sorted(release.glob("examples/*.md"))[:40]]
    return texts


def generated(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Shapes known to stress readers: many tags in one sentence, many tagged sentences in one
    paragraph, long lines full of findings, deep nesting, many headings and links."""
    n = rng.choice((300, 1000, 3000, 6000))
    yield (
        "tags-one-sentence",
        ("# R {#r}\n\nThe assistant must help" + "".join(f"[^c{i}]" for i in range(n)) + ".\n"),
    )
    yield (
        "tagged-sentences",
        ("# R {#r}\n\n" + " ".join(f"It should be nice[^s{i}]." for i in range(n)) + "\n"),
    )
    yield "vague-line", "# R {#r}\n\n" + "Be appropriate and reasonable as needed, " * n + "\n"
    yield (
        "headings",
        "".join(f"## H{i} {{#h{i}}}\n\nSee [x](#h{i + 1})[^k{i}].\n\n" for i in range(n)),
    )
    yield "deep-lists", "# R {#r}\n\n" + "".join("  " * i + f"- item[^d{i}]\n" for i in range(300))
    yield "examples", "# R {#r}\n\nMust be kind[^e].\n\n" + SNIPPETS[4] * (n // 10) + SNIPPETS[5]


def mutate(rng: random.Random, text: str) -> str:
    """One to eight random edits: insert a snippet, repeat a line, cut, splice bytes."""
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        at = rng.randrange(len(text) + 1)
        if choice < 0.45:
            text = text[:at] + rng.choice(SNIPPETS) * rng.choice((1, 1, 5, 200)) + text[at:]
        elif choice < 0.6 and "\n" in text:
            lines = text.split("\n")
            index = rng.randrange(len(lines))
            lines[index:index] = [lines[index]] * rng.choice((2, 50, 500))
            text = "\n".join(lines)
        elif choice < 0.75:
            text = text[:at] + text[at + rng.randint(1, 200) :]
        else:
            text = text[:at] + chr(rng.randrange(1, 0x3000)) + text[at:]
    return text[:400_000]


def yaml_input(rng: random.Random) -> str:
    base = "id: c\nverdict: violate\nreply: x\nclause_ids: [a1]\nrationale: r\n"
    lines = base.split("\n")
    for _ in range(rng.randint(1, 6)):
        lines.insert(
            rng.randrange(len(lines) + 1), f"k{rng.randrange(9)}: {rng.choice(YAML_SNIPPETS)}"
        )
    return "\n".join(lines)


STAGES: dict[str, float] = {}
"""Seconds of each stage of the input being run, for the report of the slowest inputs."""


def _stage(name: str, started: float) -> float:
    now = time.perf_counter()
    STAGES[name] = now - started
    return now


def run_spec(folder: Path, text: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "examples").mkdir(parents=True)
    (folder / "spec.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / "examples" / "a1.md").write_text(text[:20_000], encoding="utf-8")
    started = time.perf_counter()
    try:
        project = load_project(folder)
    except SpecLoadError:
        return
    started = _stage("read", started)
    result = check_spec(project.spec, project.findings, project.config, select=["ALL"])
    started = _stage("check", started)
    for output_format in FORMATS:
        render(result, output_format)
    started = _stage("reports", started)
    print_outline(Console(file=io.StringIO(), width=120), project.spec)
    started = _stage("show", started)
    model_json(project.spec)
    _stage("json", started)


def run_yaml(folder: Path, text: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(PrecedentFormatError):
        read_precedent(path)
    with contextlib.suppress(AnswersError):
        load_answers(path, [])
    amendment = folder / "amendments" / "a.md"
    amendment.parent.mkdir()
    amendment.write_text(f"---\n{text}\n---\n\n## Why\n\nx\n", encoding="utf-8")
    (folder / "spec.md").write_text("# R {#r}\n\nMust help[^a1].\n", encoding="utf-8")
    check_against_spec(parse_amendment(amendment, folder), load_project(folder).spec)


def timed(work: Callable[[], None]) -> tuple[float, str | None]:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(PER_INPUT_LIMIT)
    started = time.perf_counter()
    crash = None
    try:
        work()
    except Hang:
        crash = f"hang: over {PER_INPUT_LIMIT} s"
    except Exception as error:  # a crash is what the fuzzer looks for
        where = traceback.extract_tb(error.__traceback__)[-1]
        crash = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}: {error}"
    finally:
        signal.alarm(0)
    return time.perf_counter() - started, crash


def cli_exit(text: str, scratch: Path) -> int:
    folder = scratch / "cli"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "spec.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    done = subprocess.run(
        [sys.executable, "-m", "charter", "check", str(folder), "--select", "ALL"],
        capture_output=True,
        timeout=PER_INPUT_LIMIT * 2,
        check=False,
    )
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="inputs to run at most")
    parser.add_argument("--seconds", type=float, default=180, help="time budget in all")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--save", type=Path, help="folder for the slowest and crashing inputs")
    parser.add_argument("--cli", type=int, default=5, help="slowest inputs replayed by the CLI")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = seeds()
    outcomes: list[Outcome] = []
    texts: dict[str, str] = {}
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="charter-fuzz-") as scratch_name:
        scratch = Path(scratch_name)
        shapes = generated(rng)
        for number in range(args.count):
            if time.perf_counter() - began > args.seconds:
                break
            shape = next(shapes, None)
            if shape is not None:
                kind, text = "spec", shape[1]
                name = f"{number:04d}-{shape[0]}"
            elif number % 4 == 3:
                kind, text, name = "yaml", yaml_input(rng), f"{number:04d}-yaml"
            else:
                kind, text, name = "spec", mutate(rng, rng.choice(pool)), f"{number:04d}-mutant"
            folder = scratch / "case"
            runner = run_spec if kind == "spec" else run_yaml
            STAGES.clear()
            seconds, crash = timed(lambda: runner(folder, text))  # noqa: B023
            stages = ", ".join(f"{name} {value:.1f}" for name, value in STAGES.items())
            outcomes.append(
                Outcome(
                    kind, name, len(text.encode("utf-8", "surrogatepass")), seconds, crash, stages
                )
            )
            texts[name] = text
        slowest = sorted(outcomes, key=lambda o: o.seconds, reverse=True)
        crashes = [o for o in outcomes if o.crash]
        replay = [o for o in slowest if o.kind == "spec"][: args.cli] + [
            o for o in crashes if o.kind == "spec"
        ]
        exits = {o.name: cli_exit(texts[o.name], scratch) for o in replay}
    elapsed = time.perf_counter() - began
    distinct = sorted({o.crash.split(":")[0] + o.crash.split(":")[1] for o in crashes if o.crash})
    print(f"inputs run: {len(outcomes)} in {elapsed:.1f} s (seed {args.seed})")
    print(f"crashes: {len(crashes)} ({len(distinct)} distinct)")
    for outcome in crashes[:20]:
        print(f"  {outcome.name}: {outcome.crash}")
    print("slowest:")
    for outcome in slowest[:8]:
        print(
            f"  {outcome.seconds:7.2f} s  {outcome.size / 1024:8.1f} KiB  {outcome.name}"
            + (f"  ({outcome.stages})" if outcome.stages else "")
        )
    bad_exits = {name: code for name, code in exits.items() if code not in (0, 1, 2)}
    print(f"cli replays: {len(exits)}, exit codes {sorted(set(exits.values()))}")
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
        for outcome in [*slowest[:8], *crashes]:
            (args.save / f"{outcome.name}.txt").write_text(
                texts[outcome.name], encoding="utf-8", errors="surrogatepass"
            )
    return 1 if crashes or bad_exits else 0


if __name__ == "__main__":
    raise SystemExit(main())
