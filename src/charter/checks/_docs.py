"""docs/checks.md and `charter checks`: the catalogue as a page and as rows."""

from __future__ import annotations

import json
from typing import Any

from charter.checks._compose import COMPOSITES
from charter.checks._registry import CheckKind, all_kinds

_HEAD = """# Checks

<!-- Generated from the code by `charter checks --format markdown`; do not edit. -->

A prompt file's front matter lists checks that grade the replies to its examples without a judge
(docs/prompt-files.md). Each check is `kind: value`; every check must pass for the reply to
`comply`, one failing makes it `violate`, and one that cannot decide (`undecided`) sends the reply
to the judge, or with no judge to a person: a check never guesses.

Checks compose: `all: [...]`, `any: [...]`, `not: {...}` and `score: {min: 0.75, checks: [...]}`
(a weighted share of its checks must pass). Any check takes `weight: N` (default 1; `weight: 0`
runs and reports it but never decides), `decides: fail` (for a necessary condition: its
failure is a violation, its pass leaves the reply undecided) and `decides: pass` (for a
sufficient condition: when it passes and no check fails, the reply complies though other checks
cannot decide; its failure leaves the reply undecided). An example's `override: true`
replaces the file's checks with its own. `charter checks suggest PATH` proposes checks from the
clauses' wording.

"""


def _row(kind: CheckKind) -> str:
    return f"| {kind.code} | `{kind.name}` | {kind.summary} |"


def _section(kind: CheckKind) -> str:
    body = kind.doc.split("\n\n", 1)
    rest = body[1] if len(body) > 1 else ""
    needs = f"\n\nNeeds the `{kind.extra.name}` extra." if kind.extra else ""
    return f"### {kind.code} `{kind.name}`\n\n{body[0]}\n\nValue: {kind.usage}.\n\n{rest}{needs}\n"


def checks_markdown() -> str:
    """The docs page of every check kind, grouped by category."""
    kinds = all_kinds()
    parts = [_HEAD, "| Code | Kind | Decides |", "| --- | --- | --- |"]
    parts += [_row(kind) for kind in kinds]
    category = None
    for kind in kinds:
        if kind.category != category:
            category = kind.category
            parts.append(f"\n## {category}\n")
        parts.append(_section(kind))
    parts.append(
        f"\n## Composites\n\n{', '.join(f'`{name}`' for name in COMPOSITES)}: see above.\n"
    )
    return "\n".join(parts)


def checks_json() -> str:
    rows: list[dict[str, Any]] = [
        {
            "code": kind.code,
            "name": kind.name,
            "category": kind.category,
            "summary": kind.summary,
            "value": kind.usage,
            "schema": dict(kind.schema),
            "extra": kind.extra.name if kind.extra else None,
            "doc": kind.doc,
        }
        for kind in all_kinds()
    ]
    return json.dumps(rows, indent=2)


def checks_text() -> str:
    kinds = all_kinds()
    width = max(len(kind.name) for kind in kinds)
    return "\n".join(f"{kind.code}  {kind.name:<{width}}  {kind.summary}" for kind in kinds)
