"""A third-party reader registered through the plugin manager is used like a built-in one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.check import check_path
from charter.diagnostics import Diagnostics
from charter.plugins import hookimpl, plugin_manager
from charter.spec import Document, Reader, load_spec
from charter.spec._markdown import read_markdown


class PlainRulesReader:
    """Reads `.rules` files: one `id: statement` per line, each becoming a tagged clause."""

    name = "plain-rules"

    def claims(self, path: Path) -> bool:
        return path.suffix == ".rules"

    def sniff(self, text: str) -> bool:
        return ":" in text

    def read(self, path: str, text: str, sink: Diagnostics, *, prompt_file: bool) -> Document:
        lines = ["# Rules {#rules authority=developer}", ""]
        for raw in text.splitlines():
            if ":" in raw:
                clause_id, statement = raw.split(":", 1)
                lines.append(f"{statement.strip()}[^{clause_id.strip()}]")
                lines.append("")
        return read_markdown(path, "\n".join(lines), sink, prompt_file=prompt_file)


class _Plugin:
    @hookimpl
    def charter_readers(self) -> list[Reader]:
        return [PlainRulesReader()]


@pytest.fixture()
def rules_plugin() -> Iterator[None]:
    manager = plugin_manager()
    plugin = _Plugin()
    manager.register(plugin, name="test-plain-rules")
    try:
        yield
    finally:
        manager.unregister(plugin)


def test_plugin_reader_reads_its_format(tmp_path: Path, rules_plugin: None) -> None:
    spec_file = tmp_path / "team.rules"
    spec_file.write_text("r1: The assistant must greet the user.\nr2: It should sign off.\n")
    spec, findings = load_spec(spec_file)
    assert [clause.id for clause in spec.clauses] == ["r1", "r2"]
    assert spec.clauses[0].authority is not None
    assert spec.clauses[0].authority.value == "developer"
    assert spec.files[0].reader == "plain-rules"
    assert not findings.items


def test_plugin_reader_joins_discovery_and_check(tmp_path: Path, rules_plugin: None) -> None:
    (tmp_path / "team.rules").write_text("r1: The assistant must greet the user.\n")
    result = check_path(tmp_path)
    assert [d.code for d in result.diagnostics] == ["S102"]
    assert result.exit_code == 1


def test_without_the_plugin_the_format_is_unknown(tmp_path: Path) -> None:
    spec_file = tmp_path / "team.rules"
    spec_file.write_text("r1: The assistant must greet the user.\n")
    from charter.spec import SpecLoadError

    with pytest.raises(SpecLoadError, match="no reader"):
        load_spec(spec_file)
