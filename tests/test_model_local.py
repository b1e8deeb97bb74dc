"""`local:smollm2`: the packaged GGUF run in-process by llama-cpp-python."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from charter.model import GenerateConfig, Message, ModelOutput, ProviderError, get_provider

QUESTION = [
    Message("developer", "You are a helpful assistant. Answer briefly."),
    Message("user", "What is the capital of France?"),
]


def generate(messages: list[Message], config: GenerateConfig, **options: int) -> ModelOutput:
    provider = get_provider("local:smollm2", **options)
    return asyncio.run(provider.generate(messages, config))


def test_real_reply_with_token_counts() -> None:
    output = generate(QUESTION, GenerateConfig(max_tokens=32))
    assert output.text.strip()
    assert output.model == "smollm2"
    assert output.input_tokens and output.input_tokens > 10
    assert output.output_tokens and 0 < output.output_tokens <= 32
    assert output.finish_reason in ("stop", "length")
    assert output.latency > 0
    assert "dropped_turns" not in output.raw


def test_greedy_decoding_is_repeatable() -> None:
    config = GenerateConfig(max_tokens=16, temperature=0.0)
    assert generate(QUESTION, config).text == generate(QUESTION, config).text


def test_calls_run_one_at_a_time_and_all_finish() -> None:
    provider = get_provider("local:smollm2")
    assert provider.default_concurrency == 1

    async def both() -> list[ModelOutput]:
        config = GenerateConfig(max_tokens=8)
        return list(
            await asyncio.gather(
                provider.generate(QUESTION, config),
                provider.generate([Message("user", "Say hello.")], config),
            )
        )

    first, second = asyncio.run(both())
    assert first.output_tokens and second.output_tokens


def test_long_history_loses_its_oldest_turns() -> None:
    filler = "The committee discussed the quarterly budget in great detail. " * 5
    history = [Message("system", "You are terse.")]
    for turn in range(8):
        history += [Message("user", f"Note {turn}: {filler}"), Message("assistant", "Noted.")]
    history.append(Message("user", "Say OK."))
    output = generate(history, GenerateConfig(max_tokens=8), n_ctx=256)
    assert output.raw["dropped_turns"] > 0
    assert output.input_tokens and output.input_tokens < 256
    assert output.output_tokens and output.output_tokens > 0


def test_a_prompt_that_cannot_fit_is_a_clear_error() -> None:
    huge = [Message("user", "word " * 3000)]
    with pytest.raises(ProviderError, match="raise the n_ctx option") as caught:
        generate(huge, GenerateConfig(max_tokens=8), n_ctx=256)
    assert caught.value.retryable is False


def test_time_limit_stops_generation_and_the_model_still_works() -> None:
    with pytest.raises(ProviderError, match="no complete reply within") as caught:
        generate(QUESTION, GenerateConfig(max_tokens=400, timeout=0.05))
    assert caught.value.retryable is True
    assert generate(QUESTION, GenerateConfig(max_tokens=4)).output_tokens


def test_a_process_that_used_the_model_exits_without_a_traceback(tmp_path: Path) -> None:
    """Loaded models are freed before interpreter shutdown: llama-cpp's own finaliser, left to
    run at shutdown, prints 'Exception ignored ... TypeError' (seen after `charter calibrate`)."""
    import shutil
    import subprocess
    import sys

    project = tmp_path / "helpdesk"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "helpdesk", project)
    done = subprocess.run(
        [sys.executable, "-m", "charter", "calibrate", str(project), "--grader", "local:smollm2",
         "--limit", "2", "--no-pairwise"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 precedents" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    assert "Exception ignored" not in done.stderr + done.stdout
