"""Turning Charter's five roles into the fewer roles a plain chat API knows."""

from __future__ import annotations

from charter.model._types import Message, ProviderError

ROLES = ("system", "developer", "user", "assistant", "tool")


def check_roles(messages: list[Message]) -> None:
    """Refuse a conversation that is empty or has a role no provider knows."""
    if not messages:
        raise ProviderError("the conversation has no messages")
    for index, message in enumerate(messages):
        if message.role not in ROLES:
            raise ProviderError(
                f"message {index + 1} has role `{message.role}`; expected one of "
                + ", ".join(ROLES)
            )


def tool_as_user_text(message: Message) -> str:
    """A tool result written as text a user turn can carry, for APIs without tool turns."""
    source = f" from {message.name}" if message.name else ""
    return f"[Tool result{source}]\n{message.content}"
