"""Held-out pass rates on the concierge demo spec: base model without and with the compiled system
prompt, and the `charter train` result without it. Eval split only; per clause and overall, with
95% Wilson intervals.

    python benchmarks/train_concierge.py eval base-plain  --model local:smollm2
    python benchmarks/train_concierge.py eval base-system --model local:smollm2 --system
    python benchmarks/train_concierge.py eval tuned-plain --model hf:TRAIN_OUTPUT
    python benchmarks/train_concierge.py table

Each `eval` writes benchmarks/results/concierge-<name>.json (every reply and its checks);
`table` prints the comparison as markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from charter.grade import run_check
from charter.model import GenerateConfig, Message, get_provider
from charter.report._model import wilson_interval
from charter.spec import load_project
from charter.train import project_settings, split_prompts, system_prompt

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "examples" / "concierge"
RESULTS = ROOT / "benchmarks" / "results"
CONDITIONS = ("base-plain", "base-system", "tuned-plain")


def eval_prompts(per_clause: int | None = None) -> list[Any]:
    """The eval split's prompts; with `per_clause`, only the first N of each clause."""
    project = load_project(PROJECT)
    settings = project_settings(project)
    prompts = split_prompts(project.spec, settings.split_seed, settings.eval_fraction)
    chosen: list[Any] = []
    for item in prompts:
        mine = sum(1 for c in chosen if c.clause_id == item.challenge.clause_id)
        if item.split == "eval" and (per_clause is None or mine < per_clause):
            chosen.append(item.challenge)
    return chosen


async def evaluate(
    name: str,
    model: str,
    with_system: bool,
    max_tokens: int,
    per_clause: int | None,
    resume: bool = False,
) -> dict[str, Any]:
    """Answer the eval prompts; the results file is rewritten after every reply, so a stopped
    run keeps what it measured."""
    project = load_project(PROJECT)
    system = system_prompt(project) if with_system else None
    provider = get_provider(model)
    config = GenerateConfig(temperature=0.0, max_tokens=max_tokens, seed=1, timeout=600)
    rows: list[dict[str, Any]] = []
    started = time.monotonic()
    challenges = eval_prompts(per_clause)
    previous = RESULTS / f"concierge-{name}.json"
    spent = 0.0
    if resume and previous.is_file():
        earlier = json.loads(previous.read_text(encoding="utf-8"))
        rows, spent = earlier["rows"], float(earlier.get("seconds", 0.0))
        done = {(r["clause_id"], r["title"]) for r in rows}
        challenges = [c for c in challenges if (c.clause_id, c.title) not in done]
    data = {"name": name, "model": model, "system_prompt": system, "max_tokens": max_tokens}
    try:
        for number, challenge in enumerate(challenges, 1):
            messages = list(challenge.messages)
            if system is not None:
                messages.insert(0, Message("system", system))
            reply = (await provider.generate(messages, config)).text
            passed = all(run_check(check, reply)[0] for check in challenge.checks)
            rows.append(
                {
                    "clause_id": challenge.clause_id,
                    "title": challenge.title,
                    "reply": reply,
                    "passed": passed,
                }
            )
            print(f"{name} {number}/{len(challenges)} {challenge.clause_id} {passed}", flush=True)
            data.update(seconds=round(spent + time.monotonic() - started, 1), rows=rows)
            _save(name, data)
    finally:
        await provider.aclose()
    return data


def _save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"concierge-{name}.json"
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def _subset(found: dict[str, Any]) -> set[tuple[str, str]]:
    """The prompts every condition answered, so the columns compare the same prompts."""
    keys = [{(r["clause_id"], r["title"]) for r in data["rows"]} for data in found.values()]
    return set.intersection(*keys)


def _rate(rows: list[dict[str, Any]]) -> str:
    passed, n = sum(r["passed"] for r in rows), len(rows)
    low, high = wilson_interval(passed, n) or (0.0, 0.0)
    return f"{passed}/{n} = {passed / n:.0%} [{low:.0%}, {high:.0%}]"


def table() -> str:
    found = {}
    for name in CONDITIONS:
        path = RESULTS / f"concierge-{name}.json"
        if path.is_file():
            found[name] = json.loads(path.read_text(encoding="utf-8"))
    if not found:
        return "no results yet"
    common = _subset(found)
    for data in found.values():
        data["rows"] = [r for r in data["rows"] if (r["clause_id"], r["title"]) in common]
    clauses = list(dict.fromkeys(r["clause_id"] for data in found.values() for r in data["rows"]))
    lines = ["| clause | " + " | ".join(found) + " |", "|---" * (len(found) + 1) + "|"]
    for clause in [*clauses, "overall"]:
        cells = []
        for data in found.values():
            rows = [r for r in data["rows"] if clause in ("overall", r["clause_id"])]
            cells.append(_rate(rows) if rows else "-")
        lines.append(f"| {clause} | " + " | ".join(cells) + " |")
    timing = ", ".join(f"{name}: {data['seconds']} s" for name, data in found.items())
    size = f"{len(common)} eval-split prompts answered by every condition"
    return "\n".join(lines) + f"\n\n{size}. Evaluation time: {timing}\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("eval")
    run.add_argument("name", choices=CONDITIONS)
    run.add_argument("--model", required=True)
    run.add_argument("--system", action="store_true")
    run.add_argument("--max-tokens", type=int, default=80)
    run.add_argument("--per-clause", type=int, default=None, help="first N eval prompts each")
    run.add_argument("--resume", action="store_true", help="keep the replies already measured")
    sub.add_parser("table")
    args = parser.parse_args()
    if args.command == "table":
        sys.stdout.write(table())
        return
    data = asyncio.run(
        evaluate(args.name, args.model, args.system, args.max_tokens, args.per_clause, args.resume)
    )
    print(f"wrote {_save(args.name, data)}")
    sys.stdout.write(table())


if __name__ == "__main__":
    main()
