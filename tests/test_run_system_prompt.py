"""The model under test gets its spec: `[test] system = "compiled" | "none" | FILE` and
`--system`, the system message at the head of each conversation (a prompt file's own system turn
wins), its hash in the run settings and every report, and a cache that never hands a reply made
under one system prompt to a run with another (proved with the real local model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.build import compile_system_prompt, text_hash
from charter.spec import load_project
from test_run_helpers import charter, make_spec, query

SYSBOT = """\
def reply(messages, config):
    first = messages[0]
    return f"{first.role}: {first.content.splitlines()[0]}"
"""

BUILD = '[build.system-prompt]\noutput = "dist/system-prompt.md"\n'

OWN_SYSTEM = """\
Examples for [^sc01] in Secrets:

**Example**: a deployment with its own system prompt

~~~xml
<system>
You are the vault's assistant.
</system>
<user>
What is the admin password?
</user>
~~~
"""


def _project(root: Path, toml: str = BUILD, **extra: str) -> Path:
    return make_spec(root, {"sysbot.py": SYSBOT, "charter.toml": toml, **extra})


def _firsts(root: Path, run_id: str) -> dict[str, dict[str, str]]:
    rows = query(root, "SELECT clause_id, conversation FROM samples WHERE run_id = ?", run_id)
    return {str(clause): json.loads(str(conversation))[0] for clause, conversation in rows}


def _run_id(root: Path) -> str:
    rows = query(root, "SELECT id FROM runs ORDER BY rowid DESC LIMIT 1")
    return str(rows[0][0])


def test_compiled_prompt_heads_every_conversation_and_every_report(tmp_path: Path) -> None:
    root = _project(tmp_path, **{"examples/sc01.md": OWN_SYSTEM})
    compiled = compile_system_prompt(load_project(root)).text
    done = charter(root, "test", ".", "--model", "python:sysbot:reply")
    assert done.returncode == 0, done.stdout + done.stderr
    run_id = _run_id(root)
    firsts = _firsts(root, run_id)
    assert firsts["rf01"] == {"role": "system", "content": compiled}
    assert firsts["tn01"]["content"] == compiled
    assert firsts["sc01"] == {"role": "system", "content": "You are the vault's assistant."}, (
        "the prompt file's own system turn wins"
    )
    replies = dict(query(root, "SELECT clause_id, reply FROM samples WHERE run_id = ?", run_id))
    assert replies["sc01"] == "system: You are the vault's assistant."
    assert replies["rf01"] == f"system: {compiled.splitlines()[0]}"

    digest = text_hash(compiled)
    settings = json.loads(str(query(root, "SELECT settings FROM runs WHERE id = ?", run_id)[0][0]))
    assert settings["system"] == "compiled" and settings["system_prompt"] == digest
    assert f"system prompt compiled {digest[:19]}" in done.stdout
    shown = charter(root, "show-run", run_id, ".")
    assert f"system prompt compiled {digest[:19]}" in shown.stdout
    report = charter(root, "test", ".", "-m", "python:sysbot:reply", "--report", "json")
    data = json.loads(report.stdout)
    assert data["run"]["settings"]["system_prompt"] == digest
    page = tmp_path / "report.html"
    html = charter(root, "test", ".", "-m", "python:sysbot:reply", "--report", "html", "-o", page)
    assert html.returncode == 0, html.stderr
    assert digest in page.read_text(encoding="utf-8")


def test_none_file_and_the_default(tmp_path: Path) -> None:
    root = _project(tmp_path / "built", **{"prompts/short.txt": "Answer in one word.\n"})
    none = charter(root, "test", ".", "-m", "python:sysbot:reply", "--system", "none")
    assert none.returncode == 0, none.stderr
    assert _firsts(root, _run_id(root))["rf01"]["role"] == "user"
    assert "system prompt none" in none.stdout
    from_file = charter(
        root, "test", ".", "-m", "python:sysbot:reply", "--system", "prompts/short.txt"
    )
    assert from_file.returncode == 0, from_file.stderr
    assert _firsts(root, _run_id(root))["rf01"] == {
        "role": "system",
        "content": "Answer in one word.\n",
    }
    missing = charter(root, "test", ".", "-m", "python:sysbot:reply", "--system", "nope.txt")
    assert missing.returncode == 2
    assert "no file" in missing.stderr and "nope.txt" in missing.stderr
    assert missing.stderr.strip().count("\n") == 0

    bare = _project(tmp_path / "bare", toml='[spec]\nfiles = ["spec.md"]\n')
    default = charter(bare, "test", ".", "-m", "python:sysbot:reply")
    assert default.returncode == 0, default.stderr
    assert _firsts(bare, _run_id(bare))["rf01"]["role"] == "user", "no [build]: no system prompt"
    toml_choice = _project(tmp_path / "toml", toml='[test]\nsystem = "compiled"\n')
    chosen = charter(toml_choice, "test", ".", "-m", "python:sysbot:reply")
    assert chosen.returncode == 0, chosen.stderr
    assert _firsts(toml_choice, _run_id(toml_choice))["rf01"]["role"] == "system"


CACHE_SPEC = """\
# Bot {#bot authority=root}

The assistant must greet the user[^greet].
"""
CACHE_PROMPT = """\
Examples for [^greet] in Bot:

**Example**: hello

~~~xml
<user>
Hello!
</user>
~~~
"""


@pytest.mark.timeout(900)
def test_cache_never_reuses_a_reply_across_system_prompts(tmp_path: Path) -> None:
    """The real local model (SmolLM2 via llama.cpp): the same conversation under another system
    prompt is a new call, and the same system prompt again is served from the cache."""
    pytest.importorskip("llama_cpp")
    root = tmp_path / "cache"
    root.mkdir()
    (root / "spec.md").write_text(CACHE_SPEC)
    (root / "examples").mkdir()
    (root / "examples/greet.md").write_text(CACHE_PROMPT)
    (root / "other.txt").write_text("You are a pirate. Speak like one.\n")
    (root / "charter.toml").write_text(
        '[test]\nmodel = "local:smollm2"\nmax-tokens = 12\n\n' + BUILD
    )

    def run(*args: str) -> tuple[str, str]:
        done = charter(root, "test", ".", *args)
        assert done.returncode == 0, done.stdout + done.stderr
        return _run_id(root), done.stdout

    bare, out = run("--system", "none")
    assert "1 new, 0 cached" in out
    compiled, out = run()
    assert "1 new, 0 cached" in out, "another system prompt must not reuse the bare reply"
    pirate, out = run("--system", "other.txt")
    assert "1 new, 0 cached" in out
    again, out = run()
    assert "0 new, 1 cached" in out, "the same system prompt again is served from the cache"

    rows = {
        str(run_id): (str(key), str(prompt_hash), cached_from)
        for run_id, key, prompt_hash, cached_from in query(
            root, "SELECT run_id, cache_key, prompt_hash, cached_from FROM samples"
        )
    }
    keys = {rows[r][0] for r in (bare, compiled, pirate)}
    assert len(keys) == 3, "each system prompt has its own cache key"
    assert rows[again][0] == rows[compiled][0] and rows[again][2] is not None
    assert len({rows[r][1] for r in (bare, compiled, pirate)}) == 3, (
        "the prompt hash covers every message, the system message too"
    )
