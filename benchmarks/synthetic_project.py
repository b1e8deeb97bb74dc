"""A synthetic Charter project of any size: `clauses` clauses, each with a prompt file of
`prompts` examples and one `contains` check. Shared by `bench_run.py` (the run engine under
load), the large-report test and the memory test.

A run of it has `clauses x prompts x epochs` samples: a larger run can come from more prompts
(the spec and its prompt files grow with it) or from more epochs (the spec stays the same).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

CHECK = "30 days"
"""The text every prompt file's check asks the reply to contain."""
AUTHORITIES = ("root", "developer", "user")


def default_prompt(clause: int, index: int) -> str:
    order = clause * 1000 + index
    return f"Case {clause}-{index}: a customer asks whether order {order} can be refunded."


def write_project(
    root: Path,
    *,
    clauses: int,
    prompts: int,
    prefix: str = "b",
    prompt: Callable[[int, int], str] = default_prompt,
    authorities: Sequence[str] = AUTHORITIES,
    config: str | None = None,
) -> None:
    """Write `spec.md`, `examples/<prefix><n>.md` (footnote labels `<prefix>000`, ... with as
    many digits as `clauses` needs, at least two) and, when given, `charter.toml` under
    `root`. Clause `n` has the authority `authorities[n % len(authorities)]`."""
    width = max(2, len(str(clauses - 1)))
    labels = [f"{prefix}{clause:0{width}d}" for clause in range(clauses)]
    sections = [f"# Synthetic {{#synthetic authority={authorities[0]}}}\n"]
    for clause, label in enumerate(labels):
        authority = authorities[clause % len(authorities)]
        sections.append(
            f"## Rule {clause} {{#rule{clause} authority={authority}}}\n\n"
            f"The assistant must state the 30 day refund window in case {clause}[^{label}].\n"
        )
    (root / "spec.md").write_text("\n".join(sections), encoding="utf-8")
    (root / "examples").mkdir(exist_ok=True)
    for clause, label in enumerate(labels):
        examples = [
            f"**Example**: case {index}\n\n~~~xml\n<user>\n{prompt(clause, index)}\n</user>\n~~~\n"
            for index in range(prompts)
        ]
        text = (
            f'---\nchecks:\n  - contains: "{CHECK}"\n---\n'
            f"Examples for [^{label}] in Rule {clause}:\n\n" + "\n".join(examples)
        )
        (root / "examples" / f"{label}.md").write_text(text, encoding="utf-8")
    if config is not None:
        (root / "charter.toml").write_text(config, encoding="utf-8")
