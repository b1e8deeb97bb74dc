"""The typed tables of charter.toml (charter.config): wrong value types are S120 findings at their
line, and `charter config` prints every setting's effective value and its source."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from subprocess import CompletedProcess

from charter import config
from charter.config import TABLES, config_problems, effective_settings, table_keys
from charter.run import _settings as run_settings
from charter.spec import SCHEMA

Run = Callable[..., CompletedProcess[str]]
DOCS = Path(__file__).resolve().parents[1] / "docs" / "config.md"
SPEC = "# Greeting {#greeting}\n\nThe assistant must greet the user [^hello].\n"


def _project(root: Path, toml: str) -> Path:
    (root / "spec").mkdir(parents=True)
    (root / "spec" / "a.md").write_text(SPEC, encoding="utf-8")
    (root / "charter.toml").write_text(toml, encoding="utf-8")
    return root


def test_each_model_holds_the_keys_of_its_table() -> None:
    assert {name for name, table in SCHEMA.items() if not table.named} == set(TABLES)
    for name, model in TABLES.items():
        assert table_keys(model) == SCHEMA[name].keys, name


def test_the_test_table_defaults_are_those_charter_test_uses() -> None:
    defaults = run_settings.TestSettings()
    for item in fields(run_settings.TestSettings):
        assert config.TestTable.model_fields[item.name].get_default(
            call_default_factory=True
        ) == getattr(defaults, item.name), item.name


def test_values_of_the_wrong_type_are_placed() -> None:
    text = (
        '[spec]\nfiles = ["spec"]\n\n[test]\nepochs = "3"\ncache = 1\ntimeout = 30\n\n'
        '[[resolutions]]\nclauses = ["a", "b"]\ndecision = "a"\n\n'
        '[[resolutions]]\nclauses = "a, b"\ndecision = "b"\n'
    )
    found = [(p.line, p.column, p.message) for p in config_problems(tomllib.loads(text), text, "x")]
    assert found == [
        (5, 1, '[test] epochs must be a whole number, not "3"'),
        (6, 1, "[test] cache must be true or false, not 1"),
        (14, 1, '[resolutions] clauses must be a list, not "a, b"'),
    ]


def test_every_setting_written_in_its_type_is_accepted() -> None:
    text = (
        '[spec]\nfiles = ["spec"]\nprompts = ["cases"]\nname = "helpdesk"\nversion = "1.2.0"\n'
        'imports = ["./legal", { path = "./tone", as = "tone" }]\n'
        '[check]\nselect = ["S", "C2"]\nseverity = { S102 = "warning" }\nmax-file-bytes = 1000\n'
        '[lint]\nmodal-style = "rfc2119"\nallow = ["may"]\n'
        '[test]\nmodel = "openai:m"\ngrader = ["openai:a", "openai:b"]\nepochs = 2\n'
        "timeout = 30\ntemperature = 0.5\nmax-review = 0.1\nfail-under = 0.9\n"
        'fail-under-authority = { root = 1 }\nselect = "greeting"\nexamples = true\n'
        '[judge]\nshots = 0\nmode = "short"\n[conflicts]\nsemantic = true\nthreshold = 0.8\n'
        "[publish]\nrequire-run = true\nfail-under = 1\n"
        '[models."openai:m"]\nbase_url = "http://localhost:1"\n'
    )
    assert config_problems(tomllib.loads(text), text, "charter.toml") == []


def test_check_reports_a_wrong_type_as_s120(run_charter: Run, tmp_path: Path) -> None:
    root = _project(tmp_path, '[spec]\nfiles = ["spec"]\n\n[test]\n  epochs = "3"\n')
    done = run_charter("check", root, "--select", "S120")
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'charter.toml:5:3: S120 [error] [test] epochs must be a whole number, not "3"' in (
        done.stdout
    )
    assert "help: write epochs = 3" in done.stdout
    assert "Traceback" not in done.stderr


def test_config_prints_each_value_and_its_source(run_charter: Run, tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[spec]\nfiles = ["spec"]\n\n[test]\nepochs = 3\n\n'
        '[models."openai:m"]\napi_key = "sk-test-0123456789abcdefghij"\n',
    )
    done = run_charter("config", root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert 'spec.files = ["spec"]  # charter.toml:2' in lines
    assert "test.epochs = 3  # charter.toml:5" in lines
    assert "test.timeout = 120.0  # default" in lines
    assert "sk-test-0123456789abcdefghij" not in done.stdout
    rows = json.loads(run_charter("config", root, "--format", "json").stdout)
    assert {"table": "test", "key": "epochs", "value": 3, "source": "charter.toml:5"} in rows
    assert {"table": "test", "key": "cache", "value": True, "source": "default"} in rows
    assert len(rows) == len(effective_settings(root))


def test_config_refuses_a_bad_format_and_a_missing_folder(run_charter: Run, tmp_path: Path) -> None:
    bad = run_charter("config", tmp_path, "--format", "xml")
    assert (bad.returncode, bad.stderr) == (
        2,
        "charter: error: --format must be text or json, not `xml`\n",
    )
    missing = run_charter("config", tmp_path / "nowhere")
    assert missing.returncode == 2
    assert "nowhere: no such folder (give the spec project folder)" in missing.stderr


def test_the_config_doc_names_every_setting() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name, model in TABLES.items():
        for key in table_keys(model):
            assert f"`{key}`" in text, f"[{name}] {key}"


def test_the_agents_table_default_is_the_checkers() -> None:
    from charter.agents._checks import DEFAULT_TOKEN_BUDGET
    from charter.config import AgentsTable

    assert AgentsTable().token_budget == DEFAULT_TOKEN_BUDGET
