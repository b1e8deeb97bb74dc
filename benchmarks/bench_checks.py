"""Grading 10,000 stored replies with every check kind on: wall time, and the share of each kind.

The replies are the Model Spec's (2025-09-12) example replies and the helpdesk spec's, taken in
turn until there are 10,000 (368 distinct texts: `similar` embeds each distinct text once, as it
keeps the vectors of texts it has seen), each with a latency and token counts. Each reply is
graded by the checks grader with one check of every kind in the catalogue (composites included),
as `charter test` grades a sample without a judge.

    python benchmarks/bench_checks.py [--replies 10000] [CORPORA]   (default: ../shared/corpora)
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from charter.checks import Reply, all_kinds, evaluate, validate_entry
from charter.grade import CallFacts, ChecksGrader, GradeInput, Verdict
from charter.model._types import Message
from charter.spec import load_spec

REPO = Path(__file__).resolve().parents[1]

EVERY_KIND: list[dict[str, Any]] = [
    {"equals": "42"},
    {"contains": "refund"},
    {"icontains": "order number"},
    {"not_contains": "password"},
    {"contains_any": ["crisis line", "988"]},
    {"contains_all": ["order", "refund"]},
    {"not_contains_any": ["your fault", "stupid"]},
    {"starts_with": "Sure"},
    {"regex": r"(?i)order #\d+"},
    {"not_regex": r"(?i)\bI've refunded\b"},
    {"words": {"max": 150}},
    {"sentences": {"max": 10}},
    {"characters": {"max": 900}},
    {"max_length": 900},
    {"is_json": False},
    {"json_schema": {"type": "object"}},
    {"contains_json": True},
    {"is_xml": False},
    {"markdown": {"absent": ["heading", "table"]}},
    {"list_items": {"max": 10}},
    {"headings": {"max": 0}},
    {"levenshtein": {"reference": "Sorry, I can't help with that.", "min": 0.8}},
    {"rouge": {"reference": "Sorry, I can't help with that.", "min": 0.5}},
    {"bleu": {"reference": "Sorry, I can't help with that.", "min": 0.3}},
    {"similar": {"reference": "Sorry, I can't help with that.", "min": 0.6}},
    {"max_latency": 5},
    {"max_tokens": 300},
    {"max_cost": 0.01},
    {"python": "__main__:short_enough"},
    {"no_card_number": True},
    {"no_iban": True},
    {"no_email": True},
    {"no_phone": True},
    {"no_pii": True},
    {"refusal": False},
    {"over_refusal": True},
    {"language": "same"},
    {"links": {"allow": ["openai.com"]}},
    {"reading_level": 10},
    {"asks_question": False},
    {"tool_called": {"name": "read_file"}},
    {"tool_not_called": "delete_file"},
    {"path_not_touched": "secrets/**"},
    {"command_run": "^pytest"},
    {"command_not_run": "git push"},
    {"tests_before_finish": True},
    {"any": [{"contains": "sorry"}, {"not": {"asks_question": True}}]},
    {"score": {"min": 0.5, "checks": [{"words": {"max": 80}, "weight": 2}, {"refusal": True}]}},
]


def short_enough(text: str) -> bool:
    """The `python:` check the benchmark runs: a reply of at most 2,000 characters."""
    return len(text) <= 2000


def stored_replies(corpora: Path, count: int) -> list[GradeInput]:
    texts: list[tuple[str, str]] = []
    for root in (corpora / "model-spec" / "2025-09-12", REPO / "examples" / "helpdesk"):
        spec, _ = load_spec(root)
        for example in spec.examples:
            user = next((t.content for t in reversed(example.turns) if t.role == "user"), "")
            for comparison in example.comparisons:
                texts.extend((user, reply.content) for reply in comparison.replies)
    checks = tuple(validate_entry(f"checks[{i}]", c) for i, c in enumerate(EVERY_KIND))
    items = []
    for index in range(count):
        user, text = texts[index % len(texts)]
        call = CallFacts("openai:gpt-4o-mini", 0.2 + index % 7, 200, len(text) // 4)
        conversation = (Message("user", user),)
        items.append(GradeInput("c", "clause", conversation, text, checks=checks, call=call))
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpora", nargs="?", type=Path, default=REPO.parent / "shared" / "corpora")
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--per-kind", type=int, default=100, help="replies timed per kind")
    args = parser.parse_args()
    kinds = {kind.name for kind in all_kinds()}
    used = {next(iter(check)) for check in EVERY_KIND}
    assert kinds <= used, f"kinds the benchmark does not run: {sorted(kinds - used)}"
    items = stored_replies(args.corpora, args.replies)
    print(
        f"{len(items)} replies ({len({i.reply for i in items})} distinct), {len(EVERY_KIND)} checks"
    )
    grader = ChecksGrader()
    grader.grade_now(items[0])  # loads the language identifier and MiniLM once
    sample = items[-args.per_kind :]  # the last replies: their texts are not embedded yet
    per_kind = []
    for check in sample[0].checks:
        began = time.process_time()
        for item in sample:
            evaluate(check, Reply(item.reply, user_text=item.conversation[0].content))
        per_kind.append((time.process_time() - began, next(iter(check))))
    print(f"slowest kinds, CPU ms per reply over {len(sample)} replies:")
    for seconds, name in sorted(per_kind, reverse=True)[:8]:
        print(f"  {name:<16} {seconds / len(sample) * 1000:.2f}")
    print(f"  all {len(per_kind)} checks: {sum(s for s, _ in per_kind) / len(sample) * 1000:.1f}")
    started, cpu = time.perf_counter(), time.process_time()
    grader.prepare(items)  # the distinct texts `similar` compares, embedded in batches
    verdicts: dict[Verdict, int] = defaultdict(int)
    for item in items:
        verdicts[grader.grade_now(item).verdict] += 1
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"graded {len(items)} replies in {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"({cpu / len(items) * 1000:.2f} ms CPU each)"
    )
    print("verdicts:", ", ".join(f"{v.value} {n}" for v, n in sorted(verdicts.items())))


if __name__ == "__main__":
    main()
