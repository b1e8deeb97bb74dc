"""`openai:` against llama.cpp's real OpenAI-compatible server, and against a fault server."""

from __future__ import annotations

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
from servers.llama_server import LlamaServer

QUESTION = [
    Message("developer", "You are a helpful assistant. Answer briefly."),
    Message("user", "What is the capital of France?"),
]


def test_real_reply_from_llama_cpp_server(llama_server: LlamaServer) -> None:
    output = generate(
        "openai:smollm2", QUESTION, GenerateConfig(max_tokens=24), base_url=llama_server.url
    )
    assert output.text.strip()
    assert output.input_tokens and output.input_tokens > 10
    assert output.output_tokens and 0 < output.output_tokens <= 24
    assert output.finish_reason in ("stop", "length")
    assert output.latency > 0
    assert output.raw["id"]


def test_multi_turn_with_a_tool_result(llama_server: LlamaServer) -> None:
    conversation = [
        Message("system", "You answer with the weather."),
        Message("user", "What's the weather in Paris?"),
        Message("assistant", "Let me check."),
        Message("tool", "Paris: 18C, light rain", name="weather"),
    ]
    output = generate(
        "openai:smollm2", conversation, GenerateConfig(max_tokens=16), base_url=llama_server.url
    )
    assert output.output_tokens and output.output_tokens > 0
    assert output.input_tokens and output.input_tokens > 30


def test_a_token_limit_of_one_stops_at_length(llama_server: LlamaServer) -> None:
    output = generate(
        "openai:smollm2", QUESTION, GenerateConfig(max_tokens=1), base_url=llama_server.url
    )
    assert output.output_tokens == 1
    assert output.finish_reason == "length"


def test_request_body_maps_roles_for_a_plain_chat_server(faults: LoopbackServer) -> None:
    conversation = [*QUESTION, Message("tool", "42", name="calc")]
    config = GenerateConfig(max_tokens=7, seed=3, stop=("END",), top_p=0.5)
    output = generate("openai:ok", conversation, config, base_url=f"{faults.url}/v1")
    assert output.text == REPLY
    assert (output.input_tokens, output.output_tokens, output.finish_reason) == (11, 3, "stop")
    sent = faults.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    assert "authorization" not in {name.lower() for name in sent["headers"]}
    body = sent["json"]
    assert [m["role"] for m in body["messages"]] == ["system", "user", "user"]
    assert body["messages"][2]["content"] == "[Tool result from calc]\n42"
    assert (body["max_tokens"], body["seed"], body["stop"], body["top_p"]) == (7, 3, ["END"], 0.5)
    assert body["temperature"] == 0.0


def test_key_and_developer_role_when_asked(faults: LoopbackServer) -> None:
    generate(
        "openai:ok",
        QUESTION,
        GenerateConfig(),
        base_url=f"{faults.url}/v1",
        api_key="sk-local",
        developer_role="developer",
    )
    sent = faults.requests[-1]
    headers = {name.lower(): value for name, value in sent["headers"].items()}
    assert headers["authorization"] == "Bearer sk-local"
    assert sent["json"]["messages"][0]["role"] == "developer"


def test_empty_completion_is_returned_as_empty_text(faults: LoopbackServer) -> None:
    output = generate("openai:empty", QUESTION, GenerateConfig(), base_url=f"{faults.url}/v1")
    assert output.text == ""
    assert output.finish_reason == "stop"


@pytest.mark.parametrize(
    ("mode", "status", "retryable", "says"),
    [
        ("server-error", 500, True, "HTTP 500: the server broke"),
        ("overloaded", 529, True, "HTTP 529: overloaded"),
        ("bad-request", 400, False, "HTTP 400: no model named bad-request"),
        ("invalid-json", 200, True, "not JSON"),
    ],
)
def test_http_failures_map_to_provider_errors(
    faults: LoopbackServer, mode: str, status: int, retryable: bool, says: str
) -> None:
    with pytest.raises(ProviderError, match=says) as caught:
        generate(f"openai:{mode}", QUESTION, GenerateConfig(), base_url=f"{faults.url}/v1")
    assert not isinstance(caught.value, RateLimited)
    assert (caught.value.status, caught.value.retryable) == (status, retryable)


def test_429_is_rate_limited_with_retry_after(faults: LoopbackServer) -> None:
    with pytest.raises(RateLimited, match="slow down") as caught:
        generate("openai:rate-limited", QUESTION, GenerateConfig(), base_url=f"{faults.url}/v1")
    assert (caught.value.retryable, caught.value.status, caught.value.retry_after) == (True, 429, 7)


def test_retry_after_as_an_http_date(faults: LoopbackServer) -> None:
    with pytest.raises(RateLimited) as caught:
        generate(
            "openai:rate-limited-date", QUESTION, GenerateConfig(), base_url=f"{faults.url}/v1"
        )
    assert caught.value.retry_after is not None
    assert 25 <= caught.value.retry_after <= 31


@pytest.mark.parametrize("mode", ["truncated", "slow", "slow-stream"])
def test_cut_and_slow_replies_are_retryable(faults: LoopbackServer, mode: str) -> None:
    with pytest.raises(ProviderError) as caught:
        generate(
            f"openai:{mode}", QUESTION, GenerateConfig(timeout=1.0), base_url=f"{faults.url}/v1"
        )
    assert caught.value.retryable is True
    assert not isinstance(caught.value, RateLimited)


def test_refused_connection_is_retryable() -> None:
    port = free_port()
    with pytest.raises(ProviderError, match="could not connect") as caught:
        generate("openai:m", QUESTION, GenerateConfig(), base_url=f"http://127.0.0.1:{port}/v1")
    assert caught.value.retryable is True
