"""`python:MODULE:FUNCTION` with real modules written to tmp_path."""

from __future__ import annotations

import asyncio
import itertools
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from charter.model import (
    GenerateConfig,
    Message,
    ModelOutput,
    ProviderConfigError,
    ProviderError,
    get_provider,
)

_names = itertools.count()
CONVERSATION = [Message("system", "Be brief."), Message("user", "ping")]

MakeModule = Callable[[str], str]


@pytest.fixture
def make_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeModule:
    """Write a uniquely named module into tmp_path (put on sys.path) and return its name."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(source: str) -> str:
        name = f"charter_test_agent_{next(_names)}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        return name

    return make


def run(spec: str, config: GenerateConfig | None = None, **options: str) -> ModelOutput:
    provider = get_provider(spec, **options)
    return asyncio.run(provider.generate(CONVERSATION, config or GenerateConfig()))


def test_sync_function_returning_text(make_module: MakeModule) -> None:
    module = make_module(
        """
        def reply(messages, config):
            return f"{messages[-1].content} -> pong ({len(messages)} turns, t={config.temperature})"
        """
    )
    output = run(f"python:{module}:reply")
    assert output.text == "ping -> pong (2 turns, t=0.0)"
    assert output.model == f"{module}:reply"
    assert output.latency > 0


def test_async_function_returning_model_output(make_module: MakeModule) -> None:
    module = make_module(
        """
        import asyncio
        from charter.model import ModelOutput

        async def reply(messages, config):
            await asyncio.sleep(0.01)
            return ModelOutput(text="async pong", model="agent-v2", input_tokens=4,
                               output_tokens=2, finish_reason="stop")
        """
    )
    output = run(f"python:{module}:reply")
    assert (output.text, output.model, output.input_tokens, output.output_tokens) == (
        "async pong",
        "agent-v2",
        4,
        2,
    )
    assert output.latency >= 0.01


def test_exception_becomes_provider_error(make_module: MakeModule) -> None:
    module = make_module(
        """
        def reply(messages, config):
            raise ValueError("the agent lost its notes")
        """
    )
    with pytest.raises(ProviderError, match="ValueError: the agent lost its notes") as caught:
        run(f"python:{module}:reply")
    assert caught.value.retryable is False


def test_provider_error_from_the_function_passes_through(make_module: MakeModule) -> None:
    module = make_module(
        """
        from charter.model import ProviderError

        def reply(messages, config):
            raise ProviderError("backend busy", retryable=True, status=503)
        """
    )
    with pytest.raises(ProviderError, match="backend busy") as caught:
        run(f"python:{module}:reply")
    assert (caught.value.retryable, caught.value.status) == (True, 503)


def test_wrong_return_type_is_reported(make_module: MakeModule) -> None:
    module = make_module("def reply(messages, config):\n    return 42\n")
    expected = "returned int; it must return str, ModelOutput or a charter.trajectory.Trajectory"
    with pytest.raises(ProviderError, match=re.escape(expected)):
        run(f"python:{module}:reply")


def test_slow_function_times_out(make_module: MakeModule) -> None:
    module = make_module(
        """
        import asyncio

        async def reply(messages, config):
            await asyncio.sleep(30)
            return "too late"
        """
    )
    with pytest.raises(ProviderError, match=r"no reply within 0\.2 s") as caught:
        run(f"python:{module}:reply", GenerateConfig(timeout=0.2))
    assert caught.value.retryable is True


def test_import_errors_name_the_module(make_module: MakeModule) -> None:
    with pytest.raises(ProviderConfigError, match="cannot import module `no_such_agent_mod`"):
        get_provider("python:no_such_agent_mod:reply")
    broken = make_module("import no_such_dependency_xyz\n")
    with pytest.raises(ProviderConfigError, match=f"cannot import module `{broken}`"):
        get_provider(f"python:{broken}:reply")
    crashing = make_module("raise RuntimeError('bad config at import')\n")
    with pytest.raises(ProviderConfigError, match="RuntimeError: bad config at import"):
        get_provider(f"python:{crashing}:reply")
    plain = make_module("VALUE = 1\n")
    with pytest.raises(ProviderConfigError, match="has no `reply`"):
        get_provider(f"python:{plain}:reply")
    with pytest.raises(ProviderConfigError, match="is not callable"):
        get_provider(f"python:{plain}:VALUE")


def test_path_option_finds_a_module_outside_sys_path(tmp_path: Path) -> None:
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "charter_path_agent.py").write_text(
        "def reply(messages, config):\n    return 'found by path'\n"
    )
    output = run("python:charter_path_agent:reply", path=str(folder))
    assert output.text == "found by path"
