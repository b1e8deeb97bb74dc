"""`command:` with real scripts: plain and JSON replies, failures, timeouts."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from charter.model import GenerateConfig, Message, ModelOutput, ProviderError, get_provider

CONVERSATION = [
    Message("developer", "Answer in one word."),
    Message("user", "What colour is the sky?"),
]


def script(folder: Path, name: str, body: str) -> Path:
    """An executable Python script in `folder`."""
    path = folder / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return path


def run(spec: str, config: GenerateConfig | None = None) -> ModelOutput:
    provider = get_provider(spec)
    return asyncio.run(provider.generate(CONVERSATION, config or GenerateConfig()))


def test_plain_text_reply_sees_the_conversation_and_config(tmp_path: Path) -> None:
    agent = script(
        tmp_path,
        "agent.py",
        """
        import json, sys
        request = json.load(sys.stdin)
        roles = ",".join(m["role"] for m in request["messages"])
        print(f"{roles} | {request['messages'][-1]['content']} | {request['config']['max_tokens']}")
        """,
    )
    output = run(f"command:{agent}", GenerateConfig(max_tokens=64))
    assert output.text == "developer,user | What colour is the sky? | 64"
    assert output.input_tokens is None
    assert output.latency > 0


def test_interpreter_and_arguments_are_split_like_a_shell(tmp_path: Path) -> None:
    folder = tmp_path / "with space"
    folder.mkdir()
    agent = folder / "agent.py"
    agent.write_text("import sys\nsys.stdin.read()\nprint('args:', sys.argv[1:])\n")
    output = run(f"command:{sys.executable} '{agent}' --mode 'two words'")
    assert output.text == "args: ['--mode', 'two words']"


def test_json_reply_gives_text_and_token_counts(tmp_path: Path) -> None:
    agent = script(
        tmp_path,
        "agent.py",
        """
        import json, sys
        json.load(sys.stdin)
        print(json.dumps({"text": "Blue.", "input_tokens": 21, "output_tokens": 2,
                          "finish_reason": "stop", "trace_id": "t-1"}))
        """,
    )
    output = run(f"command:{agent}")
    assert (output.text, output.input_tokens, output.output_tokens, output.finish_reason) == (
        "Blue.",
        21,
        2,
        "stop",
    )
    assert output.raw == {"trace_id": "t-1"}


def test_json_without_text_is_a_plain_reply(tmp_path: Path) -> None:
    agent = script(tmp_path, "agent.py", 'print(\'{"answer": "blue"}\')\n')
    assert run(f"command:{agent}").text == '{"answer": "blue"}'


def test_empty_stdout_is_an_empty_reply(tmp_path: Path) -> None:
    agent = script(tmp_path, "agent.py", "import sys\nsys.stdin.read()\n")
    assert run(f"command:{agent}").text == ""


def test_non_zero_exit_reports_the_last_stderr_line(tmp_path: Path) -> None:
    agent = script(
        tmp_path,
        "agent.py",
        """
        import sys
        print("partial reply")
        print("loading the agent", file=sys.stderr)
        print("agent failed: no API quota left", file=sys.stderr)
        sys.exit(3)
        """,
    )
    with pytest.raises(ProviderError) as caught:
        run(f"command:{agent}")
    message = str(caught.value)
    assert "exited with status 3" in message
    assert message.endswith("agent failed: no API quota left")
    assert caught.value.retryable is False


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    agent = script(
        tmp_path,
        "agent.py",
        f"""
        import subprocess, time
        child = subprocess.Popen(["sleep", "60"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
        """,
    )
    started = time.monotonic()
    with pytest.raises(ProviderError, match="killed") as caught:
        run(f"command:{agent}", GenerateConfig(timeout=1.0))
    assert time.monotonic() - started < 10
    assert caught.value.retryable is True
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the agent's child process outlived the timeout"


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False
