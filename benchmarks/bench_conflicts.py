"""P3: full conflict search (modality test + MiniLM embedding candidates, no judge) on synthetic
clauses, at 1k, 2k, 5k and 10k clauses. Prints seconds per stage and how the total grows.

    HF_HUB_OFFLINE=1 python benchmarks/bench_conflicts.py [--sizes 1000,2000,5000,10000]

The clauses are realistic rule sentences from templates (subject, modal, action, object, scope),
so many pairs share words and some are planted contradictions; the model is loaded once before
timing (about 5 s here), as a long-running checker would.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from charter.conflict._deterministic import opposite_modality
from charter.conflict._normalize import statements
from charter.conflict._semantic import _model, candidate_pairs, embed

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


def clauses(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        parts = [rng.choice(SUBJECTS), rng.choice(MODALS), rng.choice(ACTIONS), rng.choice(OBJECTS)]
        scope = rng.choice(SCOPES)
        found.append(" ".join(parts) + (f" {scope}" if scope else "") + ".")
    return found


def run(count: int, threshold: float) -> dict[str, float]:
    texts = clauses(count)
    start = time.perf_counter()
    items = [s for index, text in enumerate(texts) for s in statements(text, index)]
    matches = opposite_modality(items)
    modality = time.perf_counter() - start
    start = time.perf_counter()
    vectors = embed(texts)
    embedding = time.perf_counter() - start
    start = time.perf_counter()
    pairs = candidate_pairs(vectors, threshold, exact_limit=0)
    search = time.perf_counter() - start
    return {
        "modality": modality,
        "embed": embedding,
        "search": search,
        "total": modality + embedding + search,
        "conflicts": len(matches),
        "candidates": len(pairs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()
    start = time.perf_counter()
    _model()
    print(f"model load: {time.perf_counter() - start:.1f} s (not counted below)")
    print(
        f"{'clauses':>8} {'modality':>9} {'embed':>7} {'LSH':>7} {'total':>7} {'conflicts':>10}"
        f" {'candidates':>11}"
    )
    previous: tuple[int, float] | None = None
    for size in (int(part) for part in args.sizes.split(",")):
        figures = run(size, args.threshold)
        growth = ""
        if previous is not None:
            exponent = math.log(figures["total"] / previous[1]) / math.log(size / previous[0])
            growth = (
                f"  time x{figures['total'] / previous[1]:.1f} for size x{size / previous[0]:.1f}"
            )
            growth += f" (exponent {exponent:.2f})"
        print(
            f"{size:>8} {figures['modality']:>8.2f}s {figures['embed']:>6.1f}s "
            f"{figures['search']:>6.2f}s {figures['total']:>6.1f}s {figures['conflicts']:>10.0f}"
            f" {figures['candidates']:>11.0f}{growth}"
        )
        previous = (size, figures["total"])


if __name__ == "__main__":
    main()
