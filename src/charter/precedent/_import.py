"""Precedents from the spec's own inline examples: GOOD -> comply, BAD -> violate, OK -> comply."""

from __future__ import annotations

from charter.model import Message
from charter.precedent._model import Precedent, slug
from charter.spec import Example, Label, Spec

OK_NOTE = "the spec marks this reply OK: acceptable, though not the best reply"
_VERDICT = {Label.GOOD: "comply", Label.BAD: "violate", Label.OK: "comply"}


def section_clauses(spec: Spec, key: str | None) -> tuple[str, ...]:
    """The clause ids of section `key`, or of its nearest ancestor that has some."""
    while key is not None:
        section = spec.section(key)
        if section is None:
            return ()
        if section.clauses:
            return tuple(dict.fromkeys(section.clauses))
        key = section.parent
    return ()


def from_examples(spec: Spec) -> list[Precedent]:
    """One precedent per labelled reply of every inline example, in spec order."""
    found: list[Precedent] = []
    used: set[str] = set()
    for example in spec.examples:
        found.extend(_from_example(spec, example, used))
    return found


def _from_example(spec: Spec, example: Example, used: set[str]) -> list[Precedent]:
    cases: list[Precedent] = []
    base = slug(f"{example.section or 'spec'}-{example.title or 'example'}")
    for number, comparison in enumerate(example.comparisons):
        turns = example.conversation(comparison)
        conversation = tuple(Message(turn.role, turn.content) for turn in turns)
        pair = base if len(example.comparisons) == 1 else f"{base}-{number + 1}"
        for reply in comparison.replies:
            if reply.label is None:
                continue
            section = reply.blame or example.section
            identifier = _unique(f"{pair}-{reply.label.value.lower()}", used)
            reason = reply.reason or ""
            if reply.blame:
                reason = (reason + " " if reason else "") + f"(blamed on #{reply.blame})"
            cases.append(
                Precedent(
                    id=identifier,
                    verdict=_VERDICT[reply.label],
                    reply=reply.content,
                    conversation=conversation,
                    clause_ids=section_clauses(spec, section),
                    section=section,
                    rationale=reason.strip(),
                    decided_by=f"spec {reply.span.file}:{reply.span.line}",
                    decided_at=spec.version or "",
                    note=OK_NOTE if reply.label is Label.OK else "",
                    pair=pair,
                )
            )
    return cases


def _unique(identifier: str, used: set[str]) -> str:
    candidate, counter = identifier, 2
    while candidate in used:
        candidate = f"{identifier}-{counter}"
        counter += 1
    used.add(candidate)
    return candidate
