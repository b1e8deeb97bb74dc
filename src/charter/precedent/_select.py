"""The precedents most relevant to one case: same clause first, then shared words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from charter.model import Message
from charter.precedent._model import Precedent

_WORD = re.compile(r"[a-z0-9']{3,}")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def relevant(
    precedents: Iterable[Precedent],
    clause_ids: Iterable[str],
    conversation: tuple[Message, ...],
    k: int,
    exclude_conversation: str | None = None,
) -> list[Precedent]:
    """Up to `k` precedents sharing a clause id with the case, most similar first.

    `exclude_conversation` (a `conversation_key`) leaves out every precedent about that very
    conversation: with `--holdout` the judge never sees the answer to the case it grades.
    """
    wanted = set(clause_ids)
    words = _words(" ".join(m.content for m in conversation))
    scored: list[tuple[float, int, Precedent]] = []
    for order, precedent in enumerate(precedents):
        if exclude_conversation and precedent.conversation_key == exclude_conversation:
            continue
        if not wanted & set(precedent.clause_ids):
            continue
        theirs = _words(" ".join(m.content for m in precedent.conversation))
        union = words | theirs
        overlap = len(words & theirs) / len(union) if union else 0.0
        scored.append((-overlap, order, precedent))
    scored.sort(key=lambda entry: (entry[0], entry[1]))
    return [precedent for _, _, precedent in scored[:k]]
