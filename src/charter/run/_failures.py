"""What went wrong in a run, told in a few lines: failed samples grouped by role and message."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from charter.run._store import StoredSample

SHOWN_GROUPS = 5
"""Kinds of failure printed one per line; the rest are counted."""
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Failures:
    lines: list[str] = field(default_factory=list)
    """One line per kind of failure (role and message), most frequent first."""
    all_failed: bool = False
    """The run has samples and every one of them is an `error`."""


def failures(samples: Iterable[StoredSample]) -> Failures:
    """Group the `error` samples: by the model's failure (`samples.error`) or, when the model
    answered, by the judge's (the grade's reason); messages that differ only in numbers (ports,
    counts, seconds) group together, and the first one seen is shown."""
    groups: dict[tuple[str, str], list[str]] = {}
    total = failed = 0
    for sample in samples:
        total += 1
        if sample.verdict != "error":
            continue
        failed += 1
        role = "model" if sample.error is not None else "judge"
        message = " ".join((sample.error or sample.rationale or "no reason recorded").split())
        groups.setdefault((role, _NUMBERS.sub("N", message)), []).append(message)
    if not groups:
        return Failures()
    ranked = sorted(groups.items(), key=lambda item: -len(item[1]))
    lines = [f"{failed} of {total} samples failed:"]
    for (role, _), messages in ranked[:SHOWN_GROUPS]:
        count = len(messages)
        lines.append(f"  {count} {role} {'error' if count == 1 else 'errors'}: {messages[0]}")
    rest = ranked[SHOWN_GROUPS:]
    if rest:
        lines.append(f"  and {sum(len(m) for _, m in rest)} more in {len(rest)} other kinds")
    return Failures(lines, all_failed=failed == total)
