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
    """The concierge spec with two prompt files: `brief` (a 24-token reply always passes its
    400-character limit, so there is always a row to train on) and `no-card-echo`."""
    root = tmp_path / "concierge"
    shutil.copytree(CONCIERGE, root, ignore=shutil.ignore_patterns(".charter", "__pycache__"))
    for case in (root / "cases").glob("*.md"):
        if case.stem not in ("brief", "no-card-echo"):
            case.unlink()
    toml = root / "charter.toml"
    text = toml.read_text(encoding="utf-8").split("[train]")[0]
    toml.write_text(text + TINY, encoding="utf-8")
    return root


class _Charter:
    """`python -m charter ARGS` in the background, its output in files (no pipe to fill)."""

    counter = 0

    def __init__(self, folder: Path, *args: str | Path) -> None:
        _Charter.counter += 1
        self.out = folder / f"charter-{_Charter.counter}.out"
        self.err = folder / f"charter-{_Charter.counter}.err"
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "charter", *map(str, args)], stdout=out, stderr=err, env=env
            )

    def finish(self, timeout: float = 900) -> tuple[int, str, str]:
        code = self.process.wait(timeout=timeout)
        return code, self.out.read_text(encoding="utf-8"), self.err.read_text(encoding="utf-8")


def _charter(folder: Path, *args: str | Path) -> tuple[int, str, str]:
    return _Charter(folder, *args).finish()


@pytest.mark.timeout(1800)
def test_interrupted_training_resumes_from_its_checkpoint_and_the_result_is_testable(
    tmp_path: Path,
) -> None:
    root = _tiny_project(tmp_path)
    out = tmp_path / "tuned"
    args = ("train", root, "-o", out, "--limit", "1", "--max-steps", "3", "--max-minutes", "20")
    first = _Charter(tmp_path, *args)
    state = out / "checkpoint" / "state.json"
    deadline = time.monotonic() + 900
    while not state.is_file() and first.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state.is_file(), first.finish(timeout=5)
    first.process.send_signal(signal.SIGINT)
    code, _, err = first.finish()
    assert code == 130, err
    assert "resume with the same command" in err.replace("\n", " ")
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert 1 <= saved["step"] < 3
    sampled = (out / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    code, stdout, err = _charter(tmp_path, *args)
    assert code == 0, err
    assert f"resuming from the checkpoint at step {saved['step']}" in err + stdout
    assert f"3/3 steps (resumed from {saved['step']})" in stdout
    # sampling resumed too: no prompt was sampled twice
    resampled = (out / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    assert resampled == sampled
    assert len(resampled) == 2  # two prompts (--limit 1 of two clauses), one sample each
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
    prompts = root / "cases" / "no-card-echo.md"
    head, _, body = prompts.read_text(encoding="utf-8").partition("\n**Example**")
    first_two = "\n**Example**".join(["", *body.split("\n**Example**")[:2]])
    prompts.write_text(head + first_two, encoding="utf-8")
    code, stdout, err = _charter(
        tmp_path,
        "test",
        root,
        "--model",
        f"hf:{out}",
        "--select",
        "no-card-echo",
        "--max-tokens",
        "16",
    )
    assert code == 0, err
    assert "no-card-echo" in stdout and "2 new" in stdout


def test_no_trainable_rows_is_one_line_exit_2(tmp_path: Path) -> None:
    root = _tiny_project(tmp_path)
    for case in (root / "cases").glob("*.md"):
        text = case.read_text(encoding="utf-8")
        case.write_text(text.replace("checks:\n", "checks:\n- max_length: 0\n", 1), "utf-8")
    code, _, err = _charter(tmp_path, "train", root, "-o", tmp_path / "t", "--limit", "1")
    assert code == 2
    (error,) = [line for line in err.splitlines() if line.startswith("charter: error:")]
    assert "no trainable rows" in error and "Traceback" not in err


def test_budget_too_small_is_one_line_exit_2(tmp_path: Path) -> None:
    root = _tiny_project(tmp_path)
    code, _, err = _charter(tmp_path, "train", root, "--max-minutes", "0")
    assert code == 2
    (error,) = [line for line in err.splitlines() if line.startswith("charter: error:")]
    assert "too small for one training step" in error and "Traceback" not in err


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
