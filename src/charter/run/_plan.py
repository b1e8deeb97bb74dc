"""From a spec to the list of challenges a run sends: selection, conversations, checks.

A challenge is one conversation for one clause (an example of the clause's prompt file, or with
`examples=True` one comparison of an inline spec example). Challenges are plain data so a run can
store its plan and resume it later even if the spec files have changed since.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.errors import SpecError
from charter.grade import Reference, checks_for, prompt_file_problem
from charter.model import Message
from charter.spec import Example, PromptFile, Spec


class PlanError(SpecError, ValueError):
    """The selection or a prompt file cannot be turned into challenges (one line, exit 2)."""


@dataclass(frozen=True, slots=True)
class Challenge:
    """One conversation sent to the model under test for one clause."""

    clause_id: str
    prompt_index: int
    messages: tuple[Message, ...]
    title: str | None = None
    location: str = ""
    authority: str | None = None
    clause_text: str = ""
    clause_ids: tuple[str, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    references: tuple[Reference, ...] = ()
    expected: str | None = None
    """The verdict a precedent recorded for its own reply (`charter test --precedents`)."""

    @property
    def prompt_hash(self) -> str:
        """sha256 of the conversation: the same prompt has the same hash in every run."""
        return conversation_hash(self.messages)

    def to_json(self) -> dict[str, Any]:
        return {
            "clause_id": self.clause_id,
            "prompt_index": self.prompt_index,
            "messages": [message_json(m) for m in self.messages],
            "title": self.title,
            "location": self.location,
            "authority": self.authority,
            "clause_text": self.clause_text,
            "clause_ids": list(self.clause_ids),
            "checks": list(self.checks),
            "references": [{"label": r.label, "content": r.content} for r in self.references],
            "expected": self.expected,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Challenge:
        return cls(
            clause_id=data["clause_id"],
            prompt_index=int(data["prompt_index"]),
            messages=tuple(
                Message(m["role"], m["content"], m.get("name")) for m in data["messages"]
            ),
            title=data.get("title"),
            location=data.get("location", ""),
            authority=data.get("authority"),
            clause_text=data.get("clause_text", ""),
            clause_ids=tuple(data.get("clause_ids", ())),
            checks=tuple(data.get("checks", ())),
            references=tuple(
                Reference(r["label"], r["content"]) for r in data.get("references", ())
            ),
            expected=data.get("expected"),
        )


def message_json(message: Message) -> dict[str, Any]:
    data: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.name is not None:
        data["name"] = message.name
    return data


def conversation_hash(messages: Iterable[Message]) -> str:
    text = json.dumps([message_json(m) for m in messages], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(slots=True)
class Selection:
    """Which clauses to run: ids, section ids or tags (empty means all), and authorities."""

    select: list[str] = field(default_factory=list)
    authorities: list[str] = field(default_factory=list)
    examples: bool = False


def select_clauses(spec: Spec, selection: Selection) -> list[str]:
    """Clause ids chosen by `selection`, in spec order. Raises `PlanError` for an unknown name."""
    order = list(dict.fromkeys(clause.id for clause in spec.clauses))
    chosen: set[str] = set()
    for name in selection.select:
        found = _resolve(spec, name)
        if not found:
            raise PlanError(
                f"--select `{name}` matches no clause id, section id or tag in the spec "
                "(`charter show` lists them)"
            )
        chosen |= found
    ids = [cid for cid in order if cid in chosen] if selection.select else order
    if selection.authorities:
        wanted = set(selection.authorities)
        ids = [cid for cid in ids if _authority_of(spec, cid) in wanted]
    return ids


def _resolve(spec: Spec, name: str) -> set[str]:
    if spec.clause(name) is not None:
        return {name}
    section = spec.section(name)
    if section is not None:
        return _section_clauses(spec, section.key)
    found: set[str] = set()
    for tagged in spec.sections:
        if name in tagged.tags:
            found |= _section_clauses(spec, tagged.key)
    return found


def _section_clauses(spec: Spec, key: str) -> set[str]:
    section = spec.section(key)
    if section is None:
        return set()
    found = set(section.clauses)
    for child in section.children:
        found |= _section_clauses(spec, child)
    return found


def _authority_of(spec: Spec, clause_id: str) -> str | None:
    clause = spec.clause(clause_id)
    if clause is None or clause.authority is None:
        return None
    return clause.authority.value


def plan(spec: Spec, selection: Selection) -> list[Challenge]:
    """Every challenge for the selected clauses: prompt files, then (optionally) spec examples."""
    return list(iter_plan(spec, selection))


def iter_plan(spec: Spec, selection: Selection) -> Iterator[Challenge]:
    """`plan`, one clause's challenges at a time (what `RunStore.create_run` can store as they
    come). The selection is checked before the first challenge."""
    clause_ids = select_clauses(spec, selection)
    return _planned(spec, selection, clause_ids)


def _planned(spec: Spec, selection: Selection, clause_ids: list[str]) -> Iterator[Challenge]:
    for clause_id in clause_ids:
        yield from _prompt_file_challenges(spec, clause_id)
    if selection.examples:
        yield from _spec_example_challenges(spec, set(clause_ids), selection)


def _prompt_file_challenges(spec: Spec, clause_id: str) -> list[Challenge]:
    prompt_file = spec.prompt_file(clause_id)
    clause = spec.clause(clause_id)
    if prompt_file is None or clause is None:
        return []
    require_usable_checks(spec, prompt_file)
    found: list[Challenge] = []
    for example in prompt_file.examples:
        checks = checks_for(prompt_file.front_matter, example.title)
        for conversation, references in _conversations(example):
            found.append(
                Challenge(
                    clause_id=clause_id,
                    prompt_index=len(found),
                    messages=conversation,
                    title=example.title,
                    location=str(example.span),
                    authority=clause.authority.value if clause.authority else None,
                    clause_text=clause.text,
                    clause_ids=(clause_id,),
                    checks=tuple(checks),
                    references=references,
                )
            )
    return found


def require_usable_checks(spec: Spec, prompt_file: PromptFile) -> None:
    """Raise `PlanError` (file:line) when the prompt file's checks cannot be used."""
    problem = prompt_file_problem(Path(spec.root), prompt_file)
    if problem is not None:
        raise PlanError(f"{problem} (`charter check` lists every problem)")


def _conversations(example: Example) -> list[tuple[tuple[Message, ...], tuple[Reference, ...]]]:
    """One conversation per comparison (its prefix, with the labelled replies as references), or
    the whole example when it has no comparison. Conversations with no turns are skipped."""
    pairs: list[tuple[tuple[Message, ...], tuple[Reference, ...]]] = []
    if not example.comparisons:
        messages = tuple(Message(t.role, t.content) for t in example.turns)
        return [(messages, ())] if messages else []
    for comparison in example.comparisons:
        turns = example.conversation(comparison)
        messages = tuple(Message(t.role, t.content) for t in turns)
        references = tuple(
            Reference(reply.label.value, reply.content)
            for reply in comparison.replies
            if reply.label is not None
        )
        if messages:
            pairs.append((messages, references))
    return pairs


def _spec_example_challenges(
    spec: Spec, clause_ids: set[str], selection: Selection
) -> list[Challenge]:
    """Inline spec examples, grouped under `#<section key>` (they test the whole section)."""
    counters: dict[str, int] = {}
    found: list[Challenge] = []
    for example in spec.examples:
        section = spec.section(example.section) if example.section else None
        if section is None:
            continue
        if (selection.select or selection.authorities) and not set(section.clauses) & clause_ids:
            continue
        for conversation, references in _conversations(example):
            group = f"#{section.key}"
            index = counters.get(group, 0)
            counters[group] = index + 1
            found.append(
                Challenge(
                    clause_id=group,
                    prompt_index=index,
                    messages=conversation,
                    title=example.title,
                    location=str(example.span),
                    authority=section.authority.value if section.authority else None,
                    clause_text=f"{section.title}\n\n{section.text}".strip(),
                    clause_ids=tuple(section.clauses) or (section.key,),
                    references=references,
                )
            )
    return found
