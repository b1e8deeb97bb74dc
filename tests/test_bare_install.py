"""The package as a new user installs it: no extras, in a fresh virtual environment.

`pip install` of the checkout (a wheel build, not editable) into a new venv, then `charter
--version` and every `charter` command of the README's tour, run on a copy of the examples. Each
must end with exit 0, 1 or 2 and print no traceback: a command that needs an extra says which.

It needs the package registry (or pip's cache) and takes about a minute, so it runs only when
CHARTER_BARE_INSTALL=1 (`.ci/run` sets it in its own step); the times are printed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"

bare_install = pytest.mark.skipif(
    os.environ.get("CHARTER_BARE_INSTALL") != "1",
    reason="installs the package into a fresh venv: set CHARTER_BARE_INSTALL=1",
)

#: Stand-ins for the README's placeholders.
_MODEL_SPEC = REPO_ROOT.parent / "shared" / "corpora" / "model-spec" / "2025-09-12"


def tour_commands(readme: str) -> list[list[str]]:
    """Every `charter ...` command in the code blocks of the README's "A short tour" section,
    comments dropped, `a; b` split in two."""
    tour = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    commands: list[list[str]] = []
    for block in re.findall(r"```sh\n(.*?)```", tour, flags=re.DOTALL):
        for line in block.splitlines():
            for part in line.split("#", 1)[0].split(";"):
                words = shlex.split(part)
                if words and words[0] == "charter":
                    commands.append(words)
    return commands


def test_the_readme_tour_is_found() -> None:
    commands = tour_commands(README.read_text(encoding="utf-8"))
    assert len(commands) >= 20
    assert ["charter", "check", "examples/multiteam"] in commands
    assert ["charter", "publish", "examples/multiteam"] in commands


def _stand_ins(words: list[str]) -> list[str]:
    spec = str(_MODEL_SPEC) if _MODEL_SPEC.is_dir() else "examples/helpdesk"
    replaced = {"path/to/model-spec": spec, "path/to/spec": spec}
    return [replaced.get(word, word) for word in words]


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new venv with the checkout installed from a wheel, without extras; its bin folder."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(REPO_ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(f"\nbare install: venv and pip install took {time.perf_counter() - started:.1f} s")
    yield bin_dir


@pytest.mark.bare_install
@bare_install
def test_bare_install_runs_the_readme_tour(bare_venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "tour"
    shutil.copytree(REPO_ROOT / "examples", work / "examples")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "CHARTER_DEBUG", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")
        and not key.startswith("OPENAI_")
    }
    env["PATH"] = f"{bare_venv}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "120"
    charter = str(bare_venv / "charter")
    version = subprocess.run(
        [charter, "--version"], capture_output=True, text=True, env=env, check=False
    )
    assert version.returncode == 0 and version.stdout.startswith("charter "), version.stderr
    started = time.perf_counter()
    failures: list[str] = []
    commands = tour_commands(README.read_text(encoding="utf-8"))
    for words in commands:
        done = subprocess.run(
            [charter, *_stand_ins(words)[1:]],
            cwd=work,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=300,
            check=False,
        )
        output = done.stdout + done.stderr
        if done.returncode not in (0, 1, 2) or "Traceback" in output:
            failures.append(f"{shlex.join(words)}: exit {done.returncode}\n{output[-1500:]}")
        elif "pip install" in output and "charter-spec[" not in output:
            failures.append(f"{shlex.join(words)}: a missing extra is not named\n{output[-1500:]}")
        elif words[1:] == ["check", "examples/multiteam"] and "C205" not in output:
            failures.append(f"{shlex.join(words)}: no note that semantic search was skipped")
        print(f"exit {done.returncode}  {shlex.join(words)}")
    print(f"bare install: {len(commands)} tour commands took {time.perf_counter() - started:.1f} s")
    assert not failures, "\n\n".join(failures)
