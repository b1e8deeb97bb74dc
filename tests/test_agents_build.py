"""`charter build --target agents-md` writes nested AGENTS.md files for scoped sections."""

from __future__ import annotations

from pathlib import Path

from charter.agents import chain_of_command, load_instructions
from test_run_helpers import charter

SPEC = """\
---
name: shop
---
# Shop {#shop}

The assistant must answer in English[^english].

## Web {#web scope=web}

Components must use the design tokens[^tokens].

### Forms {#forms}

Forms must validate on the server too[^server-validation].

## API {#api scope="services/api"}

Handlers must never log request bodies[^no-bodies].
"""


def test_scoped_sections_become_nested_files_an_agent_reads_in_order(tmp_path: Path) -> None:
    (tmp_path / "spec.md").write_text(SPEC)
    built = charter(tmp_path, "build", ".", "--target", "agents-md", "-o", "AGENTS.md")
    assert built.returncode == 0, built.stderr
    assert "2 nested file(s)" in built.stdout
    root = (tmp_path / "AGENTS.md").read_text()
    web = (tmp_path / "web" / "AGENTS.md").read_text()
    api = (tmp_path / "services" / "api" / "AGENTS.md").read_text()
    assert "`english`" in root and "`tokens`" not in root
    assert "- `web/AGENTS.md`: the rules for work in `web/`" in root
    assert "`tokens`" in web and "`server-validation`" in web  # a subsection inherits the scope
    assert "`no-bodies`" in api and "`tokens`" not in api
    fresh = charter(tmp_path, "build", ".", "--target", "agents-md", "-o", "AGENTS.md", "--check")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    (tmp_path / "web" / "AGENTS.md").write_text(web + "- hand edit\n")
    stale = charter(tmp_path, "build", ".", "--target", "agents-md", "-o", "AGENTS.md", "--check")
    assert stale.returncode == 1
    assert "web/AGENTS.md differs from a fresh build" in stale.stdout + stale.stderr
    (tmp_path / "spec.md").unlink()  # read back as a repository of instruction files
    spec = load_instructions(tmp_path).spec
    chain = [f.path for f in chain_of_command(spec, "web/forms/signup.tsx")]
    assert chain == ["AGENTS.md", "web/AGENTS.md"]


def test_a_spec_without_scopes_builds_one_file(tmp_path: Path) -> None:
    (tmp_path / "spec.md").write_text("# Shop {#shop}\n\nAnswers must be short[^short].\n")
    built = charter(tmp_path, "build", ".", "--target", "agents-md", "-o", "AGENTS.md")
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in tmp_path.rglob("AGENTS.md")) == ["AGENTS.md"]
    assert "Nested instructions" not in (tmp_path / "AGENTS.md").read_text()
