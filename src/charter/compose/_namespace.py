"""Put a loaded module's ids under its alias (`legal:refund-limit`) and its spans under the
project root, so the composed spec reads as one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from charter._source import Span
from charter.spec import Spec

SEPARATOR = ":"


def qualified(alias: str, local_id: str) -> str:
    """`alias:id`, or the id alone for the project's own clauses (empty alias)."""
    return f"{alias}{SEPARATOR}{local_id}" if alias else local_id


def _reroot_spans(value: Any, move: Callable[[str], str], seen: set[int]) -> None:
    """Rewrite every `Span.file` reachable from `value` (dataclasses and lists of them)."""
    if isinstance(value, list):
        for item in value:
            _reroot_spans(item, move, seen)
        return
    if not dataclasses.is_dataclass(value) or isinstance(value, type) or id(value) in seen:
        return
    seen.add(id(value))
    for field in dataclasses.fields(value):
        current = getattr(value, field.name)
        if isinstance(current, Span):
            setattr(value, field.name, dataclasses.replace(current, file=move(current.file)))
        elif isinstance(current, list) or dataclasses.is_dataclass(current):
            _reroot_spans(current, move, seen)


def namespace(spec: Spec, alias: str, move: Callable[[str], str]) -> None:
    """Prefix every id of `spec` with `alias:` and move its file paths with `move`."""

    def q(value: str | None) -> str | None:
        return None if value is None else qualified(alias, value)

    for section in spec.sections:
        section.key = qualified(alias, section.key)
        section.id = q(section.id)
        section.anchor = q(section.anchor)
        section.parent = q(section.parent)
        section.children = [qualified(alias, child) for child in section.children]
        section.clauses = [qualified(alias, clause) for clause in section.clauses]
        section.module = alias
    for clause in spec.clauses:
        clause.id = qualified(alias, clause.id)
        clause.section = q(clause.section)
        clause.module = alias
    examples = [*spec.examples, *(e for p in spec.prompt_files for e in p.examples)]
    for example in examples:
        example.section = q(example.section)
        example.clause = q(example.clause)
        for reply in example.replies:
            reply.blame = q(reply.blame)
    for ref in spec.cross_refs:
        ref.target = qualified(alias, ref.target)
    for note in spec.commentary:
        note.section = q(note.section)
    for prompt_file in spec.prompt_files:
        prompt_file.id = qualified(alias, prompt_file.id)
        prompt_file.named_ids = [qualified(alias, named) for named in prompt_file.named_ids]
        prompt_file.path = move(prompt_file.path)
    for spec_file in spec.files:
        spec_file.path = move(spec_file.path)
    seen: set[int] = set()
    for items in (
        spec.sections,
        spec.clauses,
        spec.examples,
        spec.prompt_files,
        spec.cross_refs,
        spec.commentary,
    ):
        _reroot_spans(items, move, seen)
