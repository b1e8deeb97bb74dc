"""A witness for a conflict: a challenge conversation on which both clauses apply and demand
different replies, written as a prompt-file proposal so the conflict can be run and graded.

The user turn sets up the situation both clauses name (their shared condition) and asks for the
act one clause requires and the other forbids; for a clash of amounts it asks for an amount
inside one range and outside the other.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from charter.conflict._normalize import Statement
from charter.lint import IMPERATIVE_VERBS
from charter.spec import Clause
from charter.text import strip_tags

_CONDITION = re.compile(
    r"^\s*(?P<condition>(?:when|whenever|if|after|before|once|while|during|for|in|on)\b[^,]{0,160}),",
    re.IGNORECASE,
)
_MODAL_WORDS = re.compile(
    r"^.*?\b(?:must\s+not|must\s+never|must\s+always|must|should\s+not|should\s+never|should|"
    r"shall\s+not|shall|may\s+not|may|never|always|do\s+not|don't|is\s+required\s+to|are\s+"
    r"required\s+to|is\s+forbidden\s+to|are\s+forbidden\s+to)\s+",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^\s*(?:avoid|prefer|refrain\s+from|please)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Witness:
    """A proposed prompt file: where it goes and what it holds."""

    path: str
    text: str
    user: str
    """The challenge's user turn alone."""


def _act(statement: Statement) -> str:
    """What the statement demands, as a bare verb phrase (`promise a delivery date`)."""
    text = strip_tags(statement.text).rstrip(" .")
    condition = _CONDITION.match(text)
    if condition is not None:
        text = text[condition.end() :]
    text = _MODAL_WORDS.sub("", text, count=1)
    return _LEAD.sub("", text, count=1).strip()


def _situation(first: Statement, second: Statement) -> str:
    for item in (first, second):
        found = _CONDITION.match(strip_tags(item.text))
        if found is not None:
            words = found["condition"].strip()
            return words[0].upper() + words[1:] + "."
    return ""


def _amount(first: Statement, second: Statement) -> str:
    """An amount inside the first's range and outside the second's, when both are measured."""
    if first.quantity is None or second.quantity is None:
        return ""
    a, b = first.quantity, second.quantity
    candidates = [a.low, a.high, (a.low + min(a.high, a.low + 100)) / 2]
    for value in candidates:
        if math.isfinite(value) and a.low <= value <= a.high and not b.low <= value <= b.high:
            number = int(value) if float(value).is_integer() else round(value, 2)
            return f" Make it {number} {a.unit}s." if a.unit else f" Make it {number}."
    return ""


def witness(high: Clause, low: Clause, first: Statement, second: Statement) -> Witness:
    """The challenge conversation for a conflict between `high` and `low`, found through the
    statements `first` and `second`, as a prompt file for `low` (the clause to revisit)."""
    positive = first if first.polarity > 0 else second
    negative = second if positive is first else first
    act = _act(positive)
    verb = act.split()[0].lower() if act else ""
    if verb in IMPERATIVE_VERBS:
        request = f"Please {act[0].lower() + act[1:]}."
    else:  # a rule about a thing (`Emoji are required in greetings`): ask for it outright
        request = f"Please reply so that this holds: {strip_tags(positive.text).rstrip('.')}."
    user = " ".join(part for part in (_situation(first, second), request) if part)
    user += _amount(positive, negative)
    identifier = low.id.split(":")[-1]
    text = (
        f"Examples for [^{identifier}]:\n\n"
        f"**Example**: conflict witness: `{high.id}` and `{low.id}` both apply\n\n"
        f"<!-- `{high.id}`: {strip_tags(high.text)} -->\n"
        f"<!-- `{low.id}`: {strip_tags(low.text)} -->\n\n"
        f"~~~xml\n<user>\n{user}\n</user>\n~~~\n"
    )
    return Witness(f"cases/{identifier}.conflict.md", text, user)
