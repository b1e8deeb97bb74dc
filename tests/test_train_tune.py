"""`charter train` on a tiny slice of the concierge spec: the real SmolLM2 (llama.cpp to sample,
transformers + peft to train), an interruption and its resume, the `hf:` provider on the result,
and the bad inputs that end in one line and exit 2."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from charter.model import GenerateConfig, Message, ProviderConfigError, get_provider

REPO = Path(__file__).resolve().parents[1]
CONCIERGE = REPO / "examples" / "concierge"
TINY = """
[train]
samples = 1
max-tokens = 24
max-length = 64
batch-size = 2
epochs = 3
checkpoint-every = 1
seed = 3
"""

pytestmark = pytest.mark.skipif(
    any(
        __import__("importlib").util.find_spec(name) is None
        for name in ("torch", "transformers", "peft", "gguf", "llama_cpp")
    ),
    reason="needs the train and local extras",
)


def _tiny_project(tmp_path: Path) -> Path:
    root = tmp_path / "concierge"
    shutil.copytree(CONCIERGE, root, ignore=shutil.ignore_patterns(".charter", "__pycache__"))
    toml = root / "charter.toml"
    text = toml.read_text(encoding="utf-8").split("[train]")[0]
    toml.write_text(text + TINY, encoding="utf-8")
    return root


def _charter(*args: str | Path, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "charter", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


def _finish(process: subprocess.Popen[str], timeout: float = 600) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def test_interrupted_training_resumes_from_its_checkpoint_and_the_result_is_testable(
    tmp_path: Path,
) -> None:
    root = _tiny_project(tmp_path)
    out = tmp_path / "tuned"
    args = ("train", root, "-o", out, "--limit", "1", "--max-steps", "3", "--max-minutes", "20")
    first = _charter(*args)
    state = out / "checkpoint" / "state.json"
    deadline = time.monotonic() + 500
    while not state.is_file() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state.is_file(), _finish(first)
    first.send_signal(signal.SIGINT)
    code, _, err = _finish(first)
    assert code == 130, err
    assert "resume with the same command" in err.replace("\n", " ")
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert 1 <= saved["step"] < 3
    sampled = (out / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    code, stdout, err = _finish(_charter(*args))
    assert code == 0, err
    assert f"resuming from the checkpoint at step {saved['step']}" in err + stdout
    assert f"3/3 steps (resumed from {saved['step']})" in stdout
    # sampling resumed too: no prompt was sampled twice
    assert (out / "samples.jsonl").read_text(encoding="utf-8").splitlines()[
        : len(sampled)
    ] == sampled
    assert len((out / "samples.jsonl").read_text(encoding="utf-8").splitlines()) == 8
    card = json.loads((out / "charter-model.json").read_text(encoding="utf-8"))
    assert card["result"]["steps"] == 3 and card["spec"]["name"] == "harbor-concierge"
    assert len(card["losses"]) == 3
    assert card["result"]["peak_memory_mb"] > 0
    # the fine-tuned model answers as a model under test
    provider = get_provider(f"hf:{out}")
    reply = asyncio.run(
        provider.generate([Message("user", "Is the pool heated?")], GenerateConfig(max_tokens=12))
    )
    assert reply.text and reply.output_tokens and reply.output_tokens <= 12
    json_prompts = root / "cases" / "json-status.md"
    head, _, body = json_prompts.read_text(encoding="utf-8").partition("\n**Example**")
    first_two = "\n**Example**".join(["", *body.split("\n**Example**")[:2]])
    json_prompts.write_text(head + first_two, encoding="utf-8")
    code, stdout, err = _finish(
        _charter(
            "test", root, "--model", f"hf:{out}", "--select", "json-status", "--max-tokens", "16"
        )
    )
    assert code == 0, err
    assert "json-status" in stdout and "2 new" in stdout


def test_no_trainable_rows_is_one_line_exit_2(tmp_path: Path) -> None:
    root = _tiny_project(tmp_path)
    for case in (root / "cases").glob("*.md"):
        text = case.read_text(encoding="utf-8")
        case.write_text(text.replace("checks:\n", "checks:\n- max_length: 0\n", 1), "utf-8")
    code, _, err = _finish(_charter("train", root, "-o", tmp_path / "t", "--limit", "1"))
    assert code == 2
    assert "no trainable rows" in err and len(err.strip().splitlines()) == 1


def test_budget_too_small_is_one_line_exit_2(tmp_path: Path) -> None:
    root = _tiny_project(tmp_path)
    code, _, err = _finish(_charter("train", root, "--max-minutes", "0"))
    assert code == 2
    assert "too small for one training step" in err and len(err.strip().splitlines()) == 1


def test_missing_train_extra_names_it_exit_2(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['peft'] = None; sys.argv = ['charter', 'train', sys.argv[1]]; "
        "from charter.cli import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(CONCIERGE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "train extra (peft missing)" in done.stderr
    assert "charter-spec[train]" in done.stderr and "Traceback" not in done.stderr


def test_hf_provider_refuses_a_missing_folder() -> None:
    with pytest.raises(ProviderConfigError, match="no such folder"):
        get_provider("hf:/nonexistent/tuned")
