"""The system prompt the model under test is given: a system message at the head of each
conversation, unless the conversation already has a system turn of its own (that one wins)."""

from __future__ import annotations

import dataclasses

from charter.model import Message
from charter.run._plan import Challenge


def with_system_prompt(challenges: list[Challenge], text: str | None) -> list[Challenge]:
    """`challenges` with `text` as their first message; unchanged when `text` is None or empty
    and for each conversation that states its own system turn."""
    if not text:
        return list(challenges)
    system = Message("system", text)
    return [
        challenge
        if any(message.role == "system" for message in challenge.messages)
        else dataclasses.replace(challenge, messages=(system, *challenge.messages))
        for challenge in challenges
    ]
