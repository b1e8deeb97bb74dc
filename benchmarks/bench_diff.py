"""`charter diff` when every clause id was renamed: how the time grows with the clause count.

    python benchmarks/bench_diff.py [--sizes 100,200,400,800,1600]

Each size writes two spec projects with the same clauses (rule sentences from templates, so
many share words, spread over sections of 20) under new ids, then times `diff_specs` on the
loaded specs: matching must pair every old clause with its renamed twin. A second run also
rewords every clause (one word added), so no text is found by hashing and every pair comes
from the candidate search; its clauses are real prose sentences of the 2025-09-12 Model Spec
(about 500, so larger sizes are skipped), since templates reuse a few dozen words, every
sentence sharing most of them with every other, and no search can narrow that down
(`--templated` shows that case; `--corpus` names another release folder).

Prints seconds, the clauses paired, and how the time grows between sizes (exponent 1 is
linear, 2 quadratic).
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from pathlib import Path

from charter.spec import Spec, load_spec
from charter.text import sentence_bounds, strip_tags
from charter.version import Kind, diff_specs

SUBJECTS = ["The assistant", "Replies", "The support agent", "Responses", "Every answer"]
MODALS = ["must", "must not", "should", "should not", "must never", "may"]
ACTIONS = [
    "share", "reveal", "promise", "offer", "confirm", "recommend", "mention", "request",
    "explain", "summarize", "translate", "escalate", "refund", "quote", "schedule", "store",
]  # fmt: skip
OBJECTS = [
    "the order tracking link", "a delivery date", "the refund amount", "a discount code",
    "the account password", "the last four digits of the card", "store credit",
    "the warranty terms", "a callback time", "the return label", "internal ticket notes",
    "the price of a replacement", "a human agent", "the shipping cost", "legal advice",
    "the privacy policy", "medical advice", "the loyalty balance", "a coupon", "the invoice",
]  # fmt: skip
SCOPES = [
    "in public channels", "in direct messages", "when the customer asks", "if the order is late",
    "during a complaint", "for business accounts", "on the phone", "unless a manager approves",
    "after the purchase", "in the mobile app", "by email", "before the payment clears",
]  # fmt: skip
PER_SECTION = 20
CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpora/model-spec/2025-09-12"


def sentences(count: int, seed: int = 11) -> list[str]:
    """`count` distinct rule sentences from the templates."""
    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        parts = [rng.choice(SUBJECTS), rng.choice(MODALS), rng.choice(ACTIONS), rng.choice(OBJECTS)]
        found[" ".join(parts) + f" {rng.choice(SCOPES)}"] = None
    return list(found)


def prose(count: int, corpus: Path) -> list[str]:
    """Up to `count` distinct sentences of 40 to 300 characters from a Model Spec release."""
    found: dict[str, None] = {}
    text = (corpus / "model_spec.md").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        flat = " ".join(block.split())
        if flat.startswith(("#", "~", "<", "|", "!", "-", "*")):
            continue
        for start, end in sentence_bounds(flat):
            sentence = strip_tags(flat[start:end]).rstrip(".")
            if 40 <= len(sentence) <= 300 and "[" not in sentence:
                found[sentence] = None
    return list(found)[:count]


def spec_text(texts: list[str], prefix: str) -> str:
    lines = ["---\nname: bench\nversion: 1.0.0\n---\n"]
    for number, text in enumerate(texts):
        if number % PER_SECTION == 0:
            lines.append(
                f"## Rules {number // PER_SECTION + 1} {{#rules-{number // PER_SECTION}}}\n"
            )
        lines.append(f"{text}[^{prefix}{number:04d}].\n")
    return "\n".join(lines)


def renamed_specs(
    count: int, folder: Path, *, reworded: bool = False, corpus: Path | None = None
) -> tuple[Spec, Spec]:
    """The same `count` clauses under ids `old0000...` and `new0000...` (each with `promptly`
    added when `reworded`), loaded; sentences from `corpus` (a Model Spec release) if given,
    else from the templates."""
    texts = sentences(count) if corpus is None else prose(count, corpus)
    specs = []
    for prefix in ("old", "new"):
        root = folder / prefix
        root.mkdir(parents=True)
        if prefix == "new" and reworded:
            texts = [text.replace(" ", " promptly ", 1) for text in texts]
        (root / "spec.md").write_text(spec_text(texts, prefix), encoding="utf-8")
        specs.append(load_spec(root)[0])
    return specs[0], specs[1]


def time_diff(old: Spec, new: Spec) -> tuple[float, int]:
    """Seconds `diff_specs` takes and the number of clause ids it saw renamed."""
    start = time.perf_counter()
    diff = diff_specs(old, new)
    seconds = time.perf_counter() - start
    return seconds, sum(1 for change in diff.changes if change.kind is Kind.CLAUSE_ID_CHANGED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,200,400,800,1600")
    parser.add_argument("--templated", action="store_true", help="reword template sentences")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a Model Spec release")
    args = parser.parse_args()
    for reworded in (False, True):
        print("renamed and reworded" if reworded else "renamed")
        print(f"{'clauses':>8} {'seconds':>8} {'renamed':>8}  growth")
        previous: tuple[int, float] | None = None
        for size in (int(part) for part in args.sizes.split(",")):
            corpus = None if args.templated or not reworded else args.corpus
            if corpus is not None and size > len(prose(size, corpus)):
                continue
            with tempfile.TemporaryDirectory() as folder:
                old, new = renamed_specs(size, Path(folder), reworded=reworded, corpus=corpus)
                seconds, renamed = time_diff(old, new)
            growth = ""
            if previous is not None:
                exponent = math.log(seconds / previous[1]) / math.log(size / previous[0])
                growth = f"time x{seconds / previous[1]:.1f} for size x{size / previous[0]:.1f}"
                growth += f" (exponent {exponent:.2f})"
            print(f"{size:>8} {seconds:>8.2f} {renamed:>8}  {growth}")
            previous = (size, seconds)


if __name__ == "__main__":
    main()
