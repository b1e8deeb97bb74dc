"""The provider factory: spec strings, the plugin hook, options and credentials."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from charter.model import (
    GenerateConfig,
    Message,
    ModelOutput,
    Provider,
    ProviderConfigError,
    get_provider,
    list_providers,
    parse_spec,
)
from charter.plugins import hookimpl, plugin_manager

BUILT_IN = {"openai", "anthropic", "local", "hf", "command", "python"}


def test_built_in_providers_are_listed() -> None:
    assert set(list_providers()) >= BUILT_IN
    assert list_providers() == sorted(list_providers())


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("openai:gpt-4o", ("openai", "gpt-4o")),
        ("python:pkg.mod:reply", ("python", "pkg.mod:reply")),
        ("command:python agent.py --fast", ("command", "python agent.py --fast")),
        ("OpenAI:gpt-4o", ("openai", "gpt-4o")),
    ],
)
def test_spec_splits_at_the_first_colon(spec: str, expected: tuple[str, str]) -> None:
    assert parse_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("openai", "names no provider: write PROVIDER:MODEL"),
        (":x", "nothing before the colon"),
        ("openai:", "names no model after 'openai:'"),
        ("open ai:x", "is not a provider name"),
    ],
)
def test_malformed_specs_are_refused(spec: str, says: str) -> None:
    with pytest.raises(ProviderConfigError, match=says):
        get_provider(spec)


def test_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(ProviderConfigError) as caught:
        get_provider("nosuch:model")
    message = str(caught.value)
    assert "unknown provider `nosuch`" in message
    for name in BUILT_IN:
        assert name in message


def test_missing_openai_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ProviderConfigError, match="OPENAI_API_KEY"):
        get_provider("openai:gpt-4o")
    with pytest.raises(ProviderConfigError, match="TEAM_OPENAI_KEY"):
        get_provider("openai:gpt-4o", api_key_env="TEAM_OPENAI_KEY")


def test_openai_key_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("TEAM_OPENAI_KEY", "sk-test")
    provider: Any = get_provider("openai:gpt-4o", api_key_env="TEAM_OPENAI_KEY")
    assert provider.key == "sk-test"
    assert provider.developer_role == "developer"


def test_openai_on_a_local_server_runs_keyless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    provider: Any = get_provider("openai:smollm2")
    assert provider.key is None
    assert provider.developer_role == "system"
    assert provider.spec == "openai:smollm2"


def test_missing_anthropic_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    with pytest.raises(ProviderConfigError, match="ANTHROPIC_API_KEY"):
        get_provider("anthropic:claude-sonnet-4-5")
    with pytest.raises(ProviderConfigError, match="ANTHROPIC_API_KEY"):
        get_provider("anthropic:claude-sonnet-4-5", base_url="https://gateway.example.com")
    assert get_provider("anthropic:claude", base_url="http://localhost:9/").spec == (
        "anthropic:claude"
    )


@pytest.mark.parametrize(
    ("spec", "options", "says"),
    [
        (
            "openai:m",
            {"base_url": "http://127.0.0.1:1", "temperature": 1},
            "no option `temperature`",
        ),
        ("openai:m", {"base_url": "ftp://127.0.0.1/v1"}, "is not an http"),
        ("openai:m", {"base_url": "http://127.0.0.1:1", "developer_role": "boss"}, "one of"),
        ("local:smollm2", {"n_ctx": "lots"}, "n_ctx=`lots` is not a whole number"),
        ("local:smollm2", {"n_ctx": 16}, "at least 128"),
        ("local:/no/such/model.gguf", {}, "no such file"),
        ("python:nodotsnocolon", {}, "python:MODULE:FUNCTION"),
        ("command:'unclosed", {}, "cannot split"),
        ("command:/no/such/agent", {}, "no such program"),
        ("command:no-such-program-anywhere", {}, "not on PATH"),
    ],
)
def test_bad_options_are_refused_with_a_reason(
    spec: str, options: dict[str, Any], says: str
) -> None:
    with pytest.raises(ProviderConfigError, match=says):
        get_provider(spec, **options)


def test_a_non_executable_command_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "agent.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    with pytest.raises(ProviderConfigError, match="chmod"):
        get_provider(f"command:{script}")


class EchoProvider(Provider):
    name = "echo"

    async def generate(self, messages: list[Message], config: GenerateConfig) -> ModelOutput:
        return ModelOutput(text=messages[-1].content.upper(), model=self.model)


class EchoPlugin:
    @hookimpl
    def charter_providers(self) -> list[type[Provider]]:
        return [EchoProvider]


class BrokenPlugin:
    @hookimpl
    def charter_providers(self) -> list[Any]:
        return [object]


def test_a_plugin_adds_a_provider() -> None:
    manager = plugin_manager()
    manager.register(EchoPlugin(), name="test-echo")
    try:
        assert "echo" in list_providers()
        provider = get_provider("echo:loud")
        reply = asyncio.run(provider.generate([Message("user", "hello")], GenerateConfig()))
        assert reply.text == "HELLO"
        assert provider.spec == "echo:loud"
    finally:
        manager.unregister(name="test-echo")
    assert "echo" not in list_providers()


def test_a_plugin_with_a_non_provider_is_reported() -> None:
    manager = plugin_manager()
    manager.register(BrokenPlugin(), name="test-broken")
    try:
        with pytest.raises(ProviderConfigError, match="not a Provider subclass"):
            list_providers()
    finally:
        manager.unregister(name="test-broken")


def test_the_documented_plugin_example_works() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
    source = doc.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {"__name__": "charter_echo_doc_example"}
    exec(compile(source, str(doc), "exec"), namespace)
    manager = plugin_manager()
    plugin = type(
        "DocPlugin", (), {"charter_providers": staticmethod(namespace["charter_providers"])}
    )
    manager.register(plugin, name="test-doc-echo")
    try:
        provider = get_provider("echo:upper", prefix="> ")
        reply = asyncio.run(provider.generate([Message("user", "hi there")], GenerateConfig()))
        assert (reply.text, reply.output_tokens) == ("> HI THERE", 2)
        with pytest.raises(ProviderConfigError, match="echo:upper or echo:lower"):
            get_provider("echo:sideways")
    finally:
        manager.unregister(name="test-doc-echo")
