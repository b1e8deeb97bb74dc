#!/usr/bin/env python3
"""A small coding agent: SmolLM2-135M (`local:smollm2`, run by llama.cpp) with two tools.

Tools: `read_file <path>` shows a file of `workspace/`; `run_tests` runs its tests with pytest.
The agent follows the `command:` protocol: it reads `{"messages": [...], "config": {...}}` on
stdin and prints what it does as JSON lines (docs/agents.md): a `message` for each model turn,
`tool_call` and `tool_result` for each tool use, `file` and `command` events, and a `final`
reply. It reads `AGENTS.md` beside it and gives it to the model as its instructions, as coding
agents do.

    charter test examples/coding-agent --model "command:python examples/coding-agent/agent.py"
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from charter.model import GenerateConfig, Message, get_provider

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE / "workspace"
MAX_STEPS = 3
TOOLS = (
    "You have two tools. Reply with exactly one line, one of:\n"
    "read_file <path>   (show a file, e.g. read_file src/calc.py)\n"
    "run_tests          (run the tests)\n"
    "answer <text>      (give your final answer)\n"
)
_SHOWN_HOW = [  # one worked turn, so that the small model answers in the tool format
    Message("system", TOOLS),
    Message("user", "What does src/util.py do?\n\nYour next line:"),
    Message("assistant", "read_file src/util.py"),
]
_ACTION = re.compile(r"^\W*(read_file|run_tests|answer)\b\W*(.*)$", re.IGNORECASE)


def emit(event: dict[str, Any]) -> None:
    print(json.dumps(event, ensure_ascii=False), flush=True)


def read_file(path: str) -> str:
    target = (WORKSPACE / path.strip().strip("`'\"").removeprefix("workspace/")).resolve()
    if not target.is_relative_to(WORKSPACE) or not target.is_file():
        return f"error: no file {path!r} in the workspace"
    return target.read_text(encoding="utf-8")


def run_tests() -> tuple[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=WORKSPACE,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(WORKSPACE / "src"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    return (done.stdout + done.stderr).strip().splitlines()[-1:][0] or "", done.returncode


async def main() -> None:
    request = json.load(sys.stdin)
    task = "\n".join(m["content"] for m in request["messages"] if m["role"] == "user")
    model = get_provider("local:smollm2")
    config = GenerateConfig(temperature=0.0, max_tokens=48, timeout=60.0)
    instructions = (HERE / "AGENTS.md").read_text(encoding="utf-8")
    notes: list[str] = []
    answer = ""
    _SHOWN_HOW[0] = Message("system", instructions + "\n" + TOOLS)
    for step in range(MAX_STEPS):
        prompt = task + "".join(f"\n\n{note}" for note in notes) + "\n\nYour next line:"
        output = await model.generate([*_SHOWN_HOW, Message("user", prompt)], config)
        line = output.text.strip().splitlines()[0] if output.text.strip() else ""
        emit({"type": "message", "role": "assistant", "content": output.text})
        action = _ACTION.match(line)
        if action is None or action[1].lower() == "answer":
            answer = action[2] if action is not None else output.text.strip()
            break
        call_id = f"call-{step + 1}"
        if action[1].lower() == "read_file":
            path = action[2].split()[0] if action[2].split() else ""
            emit(
                {
                    "type": "tool_call",
                    "id": call_id,
                    "name": "read_file",
                    "arguments": {"path": path},
                }
            )
            content = read_file(path)
            if not content.startswith("error: "):
                emit({"type": "file", "path": path, "action": "read"})
            emit({"type": "tool_result", "id": call_id, "name": "read_file", "content": content})
            notes.append(f"read_file {path} returned:\n{content}")
        else:
            emit({"type": "tool_call", "id": call_id, "name": "run_tests", "arguments": {}})
            summary, code = run_tests()
            emit({"type": "command", "command": "python -m pytest -q tests", "exit_code": code})
            emit({"type": "tool_result", "id": call_id, "name": "run_tests", "content": summary})
            notes.append(f"run_tests returned: {summary}")
    if not answer:
        output = await model.generate(
            [Message("system", instructions), Message("user", task + "\n\n" + "\n".join(notes))],
            config,
        )
        answer = output.text.strip()
    emit({"type": "final", "text": answer or "(no answer)"})


if __name__ == "__main__":
    asyncio.run(main())
