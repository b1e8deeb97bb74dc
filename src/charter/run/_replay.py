"""`charter test --precedents`: each precedent's conversation replayed to the model under test,
graded like a prompt of its clause (its authority, its text, its prompt file's checks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from charter.grade import checks_for
from charter.precedent import Precedent
from charter.run._plan import (
    Challenge,
    PlanError,
    _conversations,
    conversation_hash,
    require_usable_checks,
)
from charter.spec import Spec


def precedent_challenges(spec: Spec, cases: Sequence[Precedent]) -> list[Challenge]:
    """One challenge per precedent with a conversation, expecting the precedent's verdict."""
    found: list[Challenge] = []
    for case in cases:
        if not case.conversation:
            continue
        clause_ids = case.clause_ids
        found.append(
            Challenge(
                clause_id=clause_ids[0] if clause_ids else f"#{case.section}",
                prompt_index=len(found),
                messages=case.conversation,
                title=case.id,
                location=case.path or "",
                authority=_authority(spec, case),
                clause_text=_clause_text(spec, case),
                clause_ids=clause_ids,
                checks=tuple(_checks(spec, case)),
                expected=case.verdict,
            )
        )
    return found


def _authority(spec: Spec, case: Precedent) -> str | None:
    for clause_id in case.clause_ids:
        clause = spec.clause(clause_id)
        if clause is not None and clause.authority is not None:
            return clause.authority.value
    section = spec.section(case.section) if case.section else None
    return section.authority.value if section is not None and section.authority else None


def _clause_text(spec: Spec, case: Precedent) -> str:
    texts = [clause.text for cid in case.clause_ids if (clause := spec.clause(cid)) is not None]
    if texts:
        return "\n".join(dict.fromkeys(texts))
    section = spec.section(case.section) if case.section else None
    return f"{section.title}\n\n{section.text}".strip() if section is not None else ""


def _checks(spec: Spec, case: Precedent) -> list[dict[str, Any]]:
    """The precedent's own checks; the file-wide checks of each clause's prompt file; and an
    example's own checks when the precedent's conversation is that example's."""
    wanted = conversation_hash(case.conversation)
    found: list[dict[str, Any]] = list(case.checks)
    for clause_id in dict.fromkeys(case.clause_ids):
        prompt_file = spec.prompt_file(clause_id)
        if prompt_file is None:
            continue
        require_usable_checks(spec, prompt_file)
        title = next(
            (
                example.title
                for example in prompt_file.examples
                for messages, _ in _conversations(example)
                if conversation_hash(messages) == wanted
            ),
            None,
        )
        found.extend(checks_for(prompt_file.front_matter, title))
    return found


def replay_challenges(spec: Spec) -> list[Challenge]:
    """Every precedent's conversation on disk, replayed to the model under test (`--precedents`);
    a precedent file that cannot be read is a `PlanError`."""
    from pathlib import Path

    from charter.precedent import load_precedents

    cases, errors = load_precedents(Path(spec.root))
    if errors:
        raise PlanError(f"{errors[0]} (run `charter check` for every precedent problem)")
    found = precedent_challenges(spec, cases)
    if not found:
        raise PlanError(f"{Path(spec.root) / 'precedents'}: no precedents to replay")
    return found
