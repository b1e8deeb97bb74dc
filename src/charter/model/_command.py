"""`command:PROGRAM ARGS`: an executable reads the conversation on stdin, prints the reply."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shlex
import shutil
import signal
import time
from pathlib import Path
from typing import Any

from charter.model._options import Options
from charter.model._roles import check_roles
from charter.model._types import (
    GenerateConfig,
    Message,
    ModelOutput,
    Provider,
    ProviderConfigError,
    ProviderError,
    token_count,
)


class CommandProvider(Provider):
    """Runs the command once per call with `{"messages": [...], "config": {...}}` on stdin.

    Stdout is the reply: plain text, or a JSON object with `text` (and optionally
    `input_tokens`, `output_tokens`, `finish_reason`, `model`), or a trajectory: JSON lines of
    events (`message`, `tool_call`, `tool_result`, `file`, `command`, `final`; docs/agents.md).
    Option `cwd`: where it runs.
    """

    name = "command"
    default_concurrency = 2

    def __init__(self, model: str, **options: Any) -> None:
        super().__init__(model, **options)
        opts = Options(self.name, options, ["cwd"])
        try:
            self.argv = shlex.split(model)
        except ValueError as error:
            raise ProviderConfigError(
                f"command:{model}: cannot split the command: {error}"
            ) from None
        if not self.argv:
            raise ProviderConfigError("command: names no program; write command:PROGRAM [ARGS]")
        cwd = opts.text("cwd")
        if cwd is not None and not Path(cwd).is_dir():
            raise ProviderConfigError(f"command:{model}: option cwd=`{cwd}` is no directory")
        self.cwd = cwd
        program = self.argv[0]
        where = Path(cwd or ".") / program
        if os.sep in program or (os.altsep and os.altsep in program):
            if not where.is_file():
                raise ProviderConfigError(f"command:{model}: no such program `{where!s}`")
            if not os.access(where, os.X_OK):
                raise ProviderConfigError(
                    f"command:{model}: `{where!s}` is not executable (chmod +x it)"
                )
        elif shutil.which(program) is None:
            raise ProviderConfigError(f"command:{model}: program `{program}` is not on PATH")

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        check_roles(messages)
        request = {
            "messages": [_message_json(message) for message in messages],
            "config": config.as_dict(),
        }
        payload = json.dumps(request).encode()
        started = time.perf_counter()
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=self.cwd,
                start_new_session=True,
            )
        except OSError as error:
            raise ProviderError(f"{self.spec}: cannot start: {error.strerror or error}") from None
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(payload), config.timeout)
        except TimeoutError:
            raise ProviderError(
                f"{self.spec} gave no reply within {config.timeout:g} s and was killed",
                retryable=True,
            ) from None
        finally:
            if process.returncode is None:
                _kill_group(process.pid)
                with contextlib.suppress(ProcessLookupError):
                    await process.wait()
        latency = time.perf_counter() - started
        if process.returncode != 0:
            raise ProviderError(
                f"{self.spec} {_exit_text(process.returncode)}: {_last_line(stderr)}"
            )
        return self._output(stdout.decode("utf-8", errors="replace"), latency)

    def _output(self, stdout: str, latency: float) -> ModelOutput:
        from charter.model._trajectory import trajectory_output
        from charter.trajectory import Trajectory, TrajectoryError, looks_like_trajectory

        if looks_like_trajectory(stdout):
            try:
                trajectory = Trajectory.from_jsonl(stdout)
            except TrajectoryError as error:
                raise ProviderError(f"{self.spec}: trajectory on stdout, {error}") from None
            return trajectory_output(trajectory, self.model, latency)
        reply = _json_reply(stdout)
        if reply is None:
            return ModelOutput(text=stdout.rstrip("\n"), model=self.model, latency=latency)
        extras = {k: v for k, v in reply.items() if k not in _JSON_FIELDS}
        return ModelOutput(
            text=reply["text"],
            model=str(reply.get("model") or self.model),
            input_tokens=token_count(reply.get("input_tokens")),
            output_tokens=token_count(reply.get("output_tokens")),
            finish_reason=str(reply["finish_reason"]) if reply.get("finish_reason") else None,
            latency=latency,
            raw=extras,
        )


_JSON_FIELDS = ("text", "model", "input_tokens", "output_tokens", "finish_reason")


def _message_json(message: Message) -> dict[str, str]:
    data = {"role": message.role, "content": message.content}
    if message.name:
        data["name"] = message.name
    return data


def _json_reply(stdout: str) -> dict[str, Any] | None:
    """The reply object when stdout is a JSON object with a string `text`, else None."""
    if not stdout.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        return data
    return None


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "(nothing on stderr)"
