"""P3: conflict search end to end on synthetic clauses, at 1k, 2k, 5k and 10k clauses: a project
is written to disk (five modules of different authority), loaded and composed, and the checker's
own `conflict_report` runs on it (statements, definitions, quantities, the modality test,
MiniLM embedding candidates with LSH; no judge). Prints seconds for loading and for the search,
and how the search time grows; the target is under 60 s at 10k clauses.

    HF_HUB_OFFLINE=1 python benchmarks/bench_conflicts.py [--sizes 1000,2000,5000,10000]
        [--no-semantic]   # the deterministic search alone

The clauses are realistic rule sentences from templates (subject, modal, action, object, one of
300 products, scope, and some amounts), so many pairs share words and some are planted
contradictions; the model is
loaded once before timing (about 5 s here), as a long-running checker would.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from charter.conflict import conflict_report
from charter.conflict._semantic import _model
from charter.spec import load_project

SUBJECTS = ["The assistant", "The assistant", "Replies", "The support agent", "Responses"]
MODALS = ["must", "must not", "should", "should not", "must always", "must never", "may"]
ACTIONS = [
    "share",
    "reveal",
    "promise",
    "offer",
    "confirm",
    "recommend",
    "mention",
    "request",
    "explain",
    "summarize",
    "translate",
    "escalate",
    "refund",
    "quote",
    "schedule",
    "store",
]
OBJECTS = [
    "the order tracking link",
    "a delivery date",
    "the refund amount",
    "a discount code",
    "the customer's account password",
    "the last four digits of the card",
    "store credit",
    "the warranty terms",
    "a callback time",
    "the return label",
    "internal ticket notes",
    "the price of a replacement",
    "a human agent",
    "the shipping cost",
    "legal advice",
    "the privacy policy",
    "medical advice",
    "the loyalty balance",
    "a coupon",
    "the invoice",
]
SCOPES = [
    "",
    "",
    "",
    "in public channels",
    "in direct messages",
    "when the customer asks",
    "if the order is late",
    "during a complaint",
    "for business accounts",
    "on the phone",
    "unless a manager approves",
    "after the purchase",
    "in the mobile app",
    "by email",
]


#: Products a clause is about: 300 entities, so that, as in a real spec, most
#: clauses that share an act and an object are about different things.
KINDS = (
    "basic",
    "premium",
    "travel",
    "kids",
    "garden",
    "studio",
    "office",
    "outdoor",
    "compact",
    "classic",
    "smart",
    "pro",
    "family",
    "solar",
    "marine",
    "winter",
    "retro",
    "mini",
    "deluxe",
    "eco",
)
THINGS = (
    "router",
    "kettle",
    "blender",
    "scooter",
    "tent",
    "camera",
    "drone",
    "speaker",
    "heater",
    "lamp",
    "watch",
    "mixer",
    "printer",
    "monitor",
    "bicycle",
)
PRODUCTS = [f"{kind} {thing}" for kind in KINDS for thing in THINGS]
AMOUNTS = ["at most {n} words", "under {n} sentences", "more than {n} items", "at least {n} links"]
MODULES = {"legal": "system", "support": "developer", "sales": "developer", "brand": "user"}


def clauses(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        parts = [rng.choice(SUBJECTS), rng.choice(MODALS), rng.choice(ACTIONS), rng.choice(OBJECTS)]
        parts.append(f"for the {rng.choice(PRODUCTS)}")
        if rng.random() < 0.1:
            parts.append(rng.choice(AMOUNTS).format(n=rng.randint(1, 40)))
        scope = rng.choice(SCOPES)
        found.append(" ".join(parts) + (f" {scope}" if scope else ""))
    return found


def write_project(root: Path, texts: list[str], semantic: bool = True) -> None:
    """The clauses spread over the project file and four imported modules."""
    names = ["", *MODULES]
    shares: dict[str, list[str]] = {name: [] for name in names}
    for index, text in enumerate(texts):
        shares[names[index % len(names)]].append(f"{text}[^c{index}].")
    imports = "".join(f"  - {{path: ./{name}, as: {name}}}\n" for name in MODULES)
    (root / "spec.md").write_text(
        f"---\nname: bench\nversion: 0.1.0\nimports:\n{imports}---\n"
        "# Rules {#rules authority=developer}\n\n" + "\n\n".join(shares[""]) + "\n",
        encoding="utf-8",
    )
    for name, authority in MODULES.items():
        body = "\n\n".join(shares[name])
        (root / name).mkdir()
        (root / name / f"{name}.md").write_text(
            f"---\nname: {name}\nversion: 1.0.0\n---\n# {name.title()} {{#{name} "
            f"authority={authority}}}\n\n{body}\n",
            encoding="utf-8",
        )
    (root / "charter.toml").write_text(
        f'[spec]\nfiles = ["spec.md"]\n\n[conflicts]\nsemantic = {str(semantic).lower()}\n'
        "threshold = 0.9\n",
        encoding="utf-8",
    )


def run(count: int, semantic: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_project(root, clauses(count), semantic)
        start = time.perf_counter()
        spec = load_project(root).spec
        loading = time.perf_counter() - start
        start = time.perf_counter()
        report = conflict_report(spec)
        search = time.perf_counter() - start
    return {
        "clauses": len(spec.clauses),
        "load": loading,
        "search": search,
        "conflicts": len(report.conflicts),
        "candidates": report.candidates,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument(
        "--no-semantic", action="store_true", help="the deterministic search alone (no MiniLM)"
    )
    args = parser.parse_args()
    if not args.no_semantic:
        start = time.perf_counter()
        _model()
        print(f"model load: {time.perf_counter() - start:.1f} s (not counted below)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'clauses':>8} {'load':>7} {'search':>8} {'findings':>9} {'candidates':>11}")
    previous: tuple[int, float] | None = None
    for size in (int(part) for part in args.sizes.split(",")):
        figures = run(size, not args.no_semantic)
        growth = ""
        if previous is not None:
            ratio = figures["search"] / previous[1]
            exponent = math.log(ratio) / math.log(size / previous[0])
            growth = f"  search x{ratio:.1f} for size x{size / previous[0]:.1f}"
            growth += f" (exponent {exponent:.2f})"
        print(
            f"{figures['clauses']:>8.0f} {figures['load']:>6.1f}s {figures['search']:>7.1f}s "
            f"{figures['conflicts']:>9.0f} {figures['candidates']:>11.0f}{growth}"
        )
        previous = (size, figures["search"])
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
