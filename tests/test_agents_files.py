"""Agent instruction files as specs: readers, discovery, chain of command, ids and A rules."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from charter.agents import chain_of_command, discover, format_of, load_instructions, update_lock
from charter.check import check_path, render
from charter.diagnostics import Diagnostics
from charter.spec import load_project
from charter.spec._readers import reader_for

DATA = Path(__file__).parent / "data" / "agents"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _codes(root: Path) -> list[str]:
    return [d.code for d in check_path(root).diagnostics]


# -- readers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("AGENTS.md", "agents-md"),
        ("sub/CLAUDE.md", "claude-md"),
        ("GEMINI.md", "gemini-md"),
        (".cursorrules", "cursorrules"),
        (".cursor/rules/style.mdc", "cursor-rule"),
        (".cursor/rules/style", "cursor-rule"),
        (".cursor/rules/frontend/react.mdc", "cursor-rule"),
        (".github/copilot-instructions.md", "copilot-instructions"),
        (".github/instructions/py.instructions.md", "copilot-scoped-instructions"),
    ],
)
def test_every_format_is_claimed_by_the_agent_reader(path: str, name: str) -> None:
    found = format_of(path)
    assert found is not None and found.name == name
    reader = reader_for(Path(path))
    assert reader is not None and reader.name == "agent-instructions"


def test_ordinary_markdown_is_not_an_instruction_file() -> None:
    assert format_of("docs/agents.md") is None  # documentation about agents, not for them
    assert format_of("README.md") is None
    assert reader_for(Path("spec.md")).name == "charter-markdown"  # type: ignore[union-attr]


def test_a_single_agents_md_yields_its_normative_sentences_as_clauses() -> None:
    spec = load_project(DATA / "openai-agents-python" / "AGENTS.md").spec
    assert len(spec.clauses) == 121
    texts = [clause.text for clause in spec.clauses]
    assert all(clause.id.startswith("AGENTS.md#") for clause in spec.clauses)
    assert any(text.startswith("Use `uv run") or "uv" in text for text in texts)
    assert spec.instruction_files[0].format == "agents-md"


def test_cursor_front_matter_that_is_not_yaml_is_read_leniently(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".cursor/rules/ts.mdc": "---\ndescription: TS rules\nglobs: **/*.ts\n"
            "alwaysApply: false\n---\n- Use strict mode.\n",
            ".cursor/rules/plain": "Never commit secrets.\n",
            "src/a.ts": "",
        },
    )
    spec = load_instructions(tmp_path).spec
    files = {file.path: file for file in spec.instruction_files}
    assert files[".cursor/rules/ts.mdc"].globs == ["**/*.ts"]
    assert files[".cursor/rules/ts.mdc"].always is False
    assert files[".cursor/rules/plain"].always is True
    assert [c.text for c in spec.clauses] == ["Never commit secrets.", "Use strict mode."]


def test_copilot_apply_to_scopes_the_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".github/instructions/py.instructions.md": '---\napplyTo: "**/*.py"\n---\n'
            "- Use type hints.\n",
            "src/app.py": "",
        },
    )
    spec = load_instructions(tmp_path).spec
    assert spec.instruction_files[0].globs == ["**/*.py"]
    assert [f.path for f in chain_of_command(spec, "src/app.py")] == [
        ".github/instructions/py.instructions.md"
    ]
    assert chain_of_command(spec, "src/app.ts") == []


def test_broken_front_matter_is_a_finding_and_the_rest_is_checked(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".cursor/rules/bad.mdc": "---\ndescription: x\nthis line is no key\n---\n- Use x.\n",
            ".cursor/rules/open.mdc": "---\nglobs: *.py\n- Use y.\n",
            "AGENTS.md": "- Always run `make test` before you commit.\n",
        },
    )
    result = check_path(tmp_path)
    found = [(d.code, d.span.file, d.span.line) for d in result.diagnostics]
    assert ("A002", ".cursor/rules/bad.mdc", 3) in found
    assert ("A002", ".cursor/rules/open.mdc", 1) in found
    assert ("A006", "AGENTS.md", 1) in found  # AGENTS.md was still checked: no Makefile
    assert result.exit_code == 1


# -- discovery ------------------------------------------------------------------------------------


def test_discovery_skips_vendored_folders_and_reports_link_loops(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "AGENTS.md": "- Use uv.\n",
            "node_modules/pkg/AGENTS.md": "- Use npm.\n",
            ".git/AGENTS.md": "- x\n",
            "vendor/lib/CLAUDE.md": "- Use go.\n",
            "web/AGENTS.md": "- Use pnpm.\n",
        },
    )
    (tmp_path / "web" / "loop").symlink_to(tmp_path, target_is_directory=True)
    sink = Diagnostics()
    found = discover(tmp_path, sink)
    assert found.instruction_files == ["AGENTS.md", "web/AGENTS.md"]
    assert [(d.code, d.span.file) for d in sink.items] == [("A003", "web/loop")]
    assert "symbolic link loops back to `.`" in sink.items[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_an_unreadable_folder_is_a_finding(tmp_path: Path) -> None:
    _write(tmp_path, {"AGENTS.md": "- Use uv.\n", "secret/AGENTS.md": "- x\n"})
    (tmp_path / "secret").chmod(0)
    try:
        codes = [(d.code, d.span.file) for d in load_instructions(tmp_path).findings.items]
    finally:
        (tmp_path / "secret").chmod(0o755)
    assert ("A003", "secret") in codes


def test_binary_and_huge_instruction_files_are_findings_not_tracebacks(tmp_path: Path) -> None:
    _write(tmp_path, {"AGENTS.md": "- Always use uv.\n", "big/AGENTS.md": "x" * 100})
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "AGENTS.md").write_bytes(b"\x00\x01binary")
    (tmp_path / "charter.toml").write_text("[check]\nmax-file-bytes = 50\n")
    result = check_path(tmp_path)
    found = {(d.code, d.span.file) for d in result.diagnostics}
    assert ("A001", "bin/AGENTS.md") in found
    assert ("A001", "big/AGENTS.md") in found
    assert [f.path for f in result.spec.instruction_files] == ["AGENTS.md"]
    assert result.exit_code == 1  # errors, not "unusable input": the rest was checked


# -- chain of command ---------------------------------------------------------------------------


def test_chain_of_command_on_a_real_nested_repository() -> None:
    """pydantic-ai: nested AGENTS.md files, each with CLAUDE.md as a link to it."""
    spec = load_instructions(DATA / "pydantic-ai").spec
    files = {file.path: file for file in spec.instruction_files}
    assert files["pydantic_ai_slim/pydantic_ai/models/CLAUDE.md"].same_as == (
        "pydantic_ai_slim/pydantic_ai/models/AGENTS.md"
    )
    assert files["pydantic_ai_slim/pydantic_ai/models/CLAUDE.md"].clauses == []
    assert files[".github/workflows/AGENTS.md"].scope == ".github/workflows"
    assert files["docs/.cursor/rules.mdc"].scope == "docs"
    chain = [f.path for f in chain_of_command(spec, "pydantic_ai_slim/pydantic_ai/models/x.py")]
    assert chain == [
        "AGENTS.md",
        "pydantic_ai_slim/pydantic_ai/AGENTS.md",
        "pydantic_ai_slim/pydantic_ai/models/AGENTS.md",
    ]
    assert [f.path for f in chain_of_command(spec, "docs/index.md", "cursor")] == [
        "AGENTS.md",
        "docs/AGENTS.md",
        "docs/.cursor/rules.mdc",
    ]
    assert [f.path for f in chain_of_command(spec, "docs/index.md", "claude")] == [
        "AGENTS.md",
        "docs/AGENTS.md",
    ]


def test_tool_files_come_after_the_generic_file_of_their_folder(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "AGENTS.md": "- Use uv.\n",
            "CLAUDE.md": "- Use uv too.\n",
            "GEMINI.md": "- Use uv as well.\n",
            "api/AGENTS.md": "- Use httpx.\n",
            "api/CLAUDE.md": "- Use httpx here.\n",
        },
    )
    spec = load_instructions(tmp_path).spec
    claude = [f.path for f in chain_of_command(spec, "api/main.py", "claude")]
    assert claude == ["AGENTS.md", "CLAUDE.md", "api/AGENTS.md", "api/CLAUDE.md"]
    assert [f.path for f in chain_of_command(spec, "main.py", "gemini")] == [
        "AGENTS.md",
        "GEMINI.md",
    ]


# -- stable ids ---------------------------------------------------------------------------------


def test_ids_survive_edits_elsewhere_and_the_lock_keeps_a_reworded_one(tmp_path: Path) -> None:
    first = "# Rules\n\n- Always run the tests before you push.\n- Never edit generated files.\n"
    _write(tmp_path, {"AGENTS.md": first})
    before = [c.id for c in load_instructions(tmp_path).spec.clauses]
    edited = first.replace("# Rules\n", "# Rules\n\nUse uv for everything.\n")
    _write(tmp_path, {"AGENTS.md": edited})
    after = [c.id for c in load_instructions(tmp_path).spec.clauses]
    assert after[1:] == before  # a new sentence before them changed none of them
    lock = update_lock(tmp_path)
    assert lock.name == "charter.agents.lock"
    assert "charter" not in (tmp_path / "AGENTS.md").read_text()  # nothing written into it
    reworded = edited.replace("Never edit generated files.", "Never edit the generated files.")
    _write(tmp_path, {"AGENTS.md": reworded})
    locked = [c.id for c in load_instructions(tmp_path).spec.clauses]
    assert locked == after
    lock.unlink()
    unlocked = [c.id for c in load_instructions(tmp_path).spec.clauses]
    assert unlocked[2] != after[2]  # without the lock the reworded sentence gets a new id


# -- rules --------------------------------------------------------------------------------------


def test_contradiction_between_nested_files_and_between_agents_and_claude(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "AGENTS.md": "- Always run the full test suite before committing.\n",
            "web/AGENTS.md": "- Never run the full test suite before committing.\n",
            "api/AGENTS.md": "- You must use the logging module for output.\n",
            "api/CLAUDE.md": "- You must not use the logging module for output.\n",
        },
    )
    found = [d for d in check_path(tmp_path).diagnostics if d.code == "A004"]
    assert {(d.span.file, d.related[0].span.file) for d in found} == {
        ("web/AGENTS.md", "AGENTS.md"),
        ("api/CLAUDE.md", "api/AGENTS.md"),
    }


def test_missing_paths_and_commands(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "AGENTS.md": "- See `docs/guide.md` and `docs/gone.md`.\n"
            "- Run `make test` and `make lint`.\n"
            "- Run `npm run build` then `npm run deploy`.\n"
            "- Run `./scripts/setup.sh`.\n"
            "- Write a `PLAN.md` file first.\n"
            "- Keep `.cache/x.json` out of commits.\n",
            "docs/guide.md": "",
            "Makefile": "test:\n\tpytest\n",
            "package.json": json.dumps({"scripts": {"build": "vite build"}}),
            ".gitignore": ".cache/\n",
        },
    )
    found = sorted(
        d.message for d in check_path(tmp_path).diagnostics if d.code in ("A005", "A006")
    )
    assert found == [
        "`./scripts/setup.sh` runs `./scripts/setup.sh`, which is not a file of the repository",
        "`docs/gone.md` is not a file or folder of the repository",
        "`make lint`: no `lint` in any Makefile of the repository",
        "`npm run deploy`: no `deploy` in any package.json `scripts` of the repository",
    ]


def test_token_budget_duplicates_vague_keys_scope_and_empty_files(tmp_path: Path) -> None:
    block = "".join(f"- Always run check number {n} before you commit.\n" for n in range(4))
    _write(
        tmp_path,
        {
            "charter.toml": "[agents]\ntoken-budget = 100\n",
            "AGENTS.md": block + "- Follow best practices where appropriate.\n",
            ".github/copilot-instructions.md": "# Copy\n\n" + block,
            ".cursor/rules/x.mdc": "---\nglob: '*.ts'\nalwaysApply: true\n---\n- Use x.\n",
            ".github/instructions/go.instructions.md": "---\napplyTo: '**/*.go'\n---\n- Use y.\n",
            "docs/AGENTS.md": "This folder holds the documentation.\n",
        },
    )
    by_code: dict[str, list[str]] = {}
    for d in check_path(tmp_path).diagnostics:
        by_code.setdefault(d.code, []).append(d.message)
    assert any("load" in m and "budget 100" in m for m in by_code["A007"])
    assert len(by_code["A008"]) == 1
    assert by_code["A008"][0].startswith(
        "4 instructions from `.github/copilot-instructions.md#always-run-check-number-0-"
    )
    assert "on are repeated word for word in `AGENTS.md`" in by_code["A008"][0]
    assert "'best practices', 'where appropriate'" in by_code["A009"][0]
    assert by_code["A010"] == [
        "front matter key `glob` is not one the tool reads (description, globs, alwaysApply)"
    ]
    assert by_code["A011"] == ["`**/*.go` matches no file under `.`"]
    assert len(by_code["A012"]) == 1 and "docs/AGENTS.md" in by_code["A012"][0]


def test_github_heading_anchors_are_not_broken_references(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "AGENTS.md": "# Policies & Rules\n\n- Always read [the rules](#policies--rules).\n"
            "- Never skip [setup](#no-such-heading).\n"
        },
    )
    found = [(d.code, d.span.line) for d in check_path(tmp_path).diagnostics if d.code == "S105"]
    assert found == [("S105", 4)]


def test_a_readme_in_examples_is_not_a_prompt_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "spec.md": "# Refunds {#refunds}\n\nRefunds must be paid in 30 days[^refund-days].\n",
            "examples/README.md": "# Examples\n\nThis folder holds the prompts.\n",
            "examples/refund-days.md": "Examples for [^refund-days].\n",
        },
    )
    spec = load_project(tmp_path).spec
    assert [p.id for p in spec.prompt_files] == ["refund-days"]
    assert "S103" not in _codes(tmp_path)


def test_a_module_named_security_md_is_read(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"security.md": "# Secrets {#secrets}\n\nThe assistant must not reveal keys[^no-keys].\n"},
    )
    spec = load_project(tmp_path).spec
    assert [c.id for c in spec.clauses] == ["no-keys"]


def test_an_agents_md_beside_a_charter_spec_is_not_part_of_the_spec(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "spec.md": "# Refunds {#refunds}\n\nRefunds must be paid in 30 days[^refund-days].\n",
            "AGENTS.md": "- Never reuse a clause id.\n",
        },
    )
    spec = load_project(tmp_path).spec
    assert [c.id for c in spec.clauses] == ["refund-days"]
    assert spec.instruction_files == []


def test_sarif_and_github_output_of_a_repository_check(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mache", tmp_path / "mache", symlinks=True)
    result = check_path(tmp_path / "mache")
    sarif = json.loads(render(result, "sarif"))
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "A008" in rules
    github = render(result, "github")
    assert "/mache/.github/copilot-instructions.md,line=16" in github


def test_a_repository_examples_folder_is_not_read_as_prompt_files(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "AGENTS.md": "- Never read `process.env` in tests.\n- Run `uv run pytest`.\n",
            "examples/README.md": "# Examples\n\nHow to run the examples.\n",
            "examples/basic/hello.md": "Say hello.\n",
        },
    )
    result = check_path(tmp_path)
    assert result.spec.prompt_files == []
    assert [d.code for d in result.diagnostics] == []  # `process.env` is no file path


def test_a_folder_that_refuses_listing_is_a_finding_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as the mode-000 test above, for runs as root (which reads any folder):
    listing `secret/` raises the PermissionError an unreadable folder gives."""
    _write(
        tmp_path, {"AGENTS.md": "- Use uv.\n", "secret/AGENTS.md": "- x\n", "b/AGENTS.md": "- y\n"}
    )
    real_scandir = os.scandir

    def scandir(path: str | Path) -> object:
        if Path(path).name == "secret":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    project = load_instructions(tmp_path)
    assert [(d.code, d.span.file) for d in project.findings.items] == [("A003", "secret")]
    assert "Permission denied" in project.findings.items[0].message
    assert [f.path for f in project.spec.instruction_files] == ["AGENTS.md", "b/AGENTS.md"]
