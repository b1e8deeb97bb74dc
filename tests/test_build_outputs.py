"""`[build]` outputs: build them all, `--check` for staleness, templates, agents-md, the json
bundle that publish writes, plugin targets, determinism of every target, and `charter diff`'s
compiled-prompt section."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import CliRunner

from charter.build import Artifact, BuildContext, Target, get_target, targets
from charter.plugins import hookimpl, plugin_manager

SPEC = """\
---
name: kiosk
version: 1.4.0
owner: kiosk-team@example.com
---

# Kiosk assistant {#kiosk}

## Safety {#safety authority=root}

The assistant must never ask for a PIN[^no-pin].

## Service {#service authority=developer}

The assistant should offer a receipt after each sale[^receipt].
"""

PROMPT = """\
Examples for [^no-pin] in Safety:

**Example**: asks about a PIN

~~~xml
<user>
Do you need my PIN?
</user>
~~~
"""

TOML = """\
[spec]
files = ["spec.md"]

[build.system-prompt]
output = "out/prompt.md"
ids = true

[build.agents-md]
output = "AGENTS.md"

[build.json]
output = "out/spec.json"

[build.docs]
output = "out/site"

[build.faq]
template = "templates/faq.md.j2"
output = "out/faq.md"
"""

TEMPLATE = """\
# {{ name }} {{ version }} FAQ
{% for clause in clauses %}
- {{ clause.id }}: {{ clause.text }}
{% endfor %}
Compiled prompt lines: {{ system_prompt.splitlines() | length }}
Spec {{ spec_hash }}
"""


def _project(make_project: Callable[..., Path], **overrides: str) -> Path:
    files = {
        "spec.md": SPEC,
        "examples/no-pin.md": PROMPT,
        "charter.toml": TOML,
        "templates/faq.md.j2": TEMPLATE,
    }
    files.update(overrides)
    return make_project(files)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _outputs(root: Path) -> dict[str, bytes]:
    found = {}
    for name in ("out", "AGENTS.md"):
        path = root / name
        if path.is_dir():
            found.update({f"{name}/{k}": v for k, v in _tree(path).items()})
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


def test_build_all_then_check_finds_stale_outputs(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    done = run_charter("build", root)
    assert done.returncode == 0, done.stderr
    for name in ("system-prompt", "agents-md", "json", "docs", "faq"):
        assert f"built {name} -> " in done.stdout
    assert "[no-pin]" in (root / "out/prompt.md").read_text()
    assert (root / "out/site/index.html").is_file()
    manifest = json.loads((root / ".charter/build.json").read_text())
    entry = manifest["outputs"]["out/prompt.md"]
    assert entry["target"] == "system-prompt" and entry["spec_hash"].startswith("sha256:")

    fresh = run_charter("build", root, "--check")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert fresh.stdout.count("up to date:") == 5

    before = _outputs(root)
    (root / "spec.md").write_text(SPEC.replace("after each sale", "after a sale"))
    stale = run_charter("build", root, "--check")
    assert stale.returncode == 1
    assert "stale: system-prompt" in stale.stdout and "stale: docs" in stale.stdout
    assert "stale: faq" in stale.stdout
    assert _outputs(root) == before, "--check writes nothing"
    (root / "out/site/extra.html").write_text("left over")
    rebuilt = run_charter("build", root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not (root / "out/site/extra.html").exists(), "a folder output is replaced whole"
    assert run_charter("build", root, "--check").returncode == 0


def test_every_target_is_deterministic(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    assert run_charter("build", root).returncode == 0
    first = _outputs(root)
    assert run_charter("build", root).returncode == 0
    assert _outputs(root) == first
    copy = _project(make_project)
    assert run_charter("build", copy).returncode == 0
    assert _outputs(copy) == first, "the same spec in another folder builds the same bytes"


def test_template_errors_name_the_template_line_and_write_nothing(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    broken = "# {{ name }}\n\n{% for clause in clauses %}\n- {{ clause.id }\n{% endfor %}\n"
    root = _project(make_project, **{"templates/faq.md.j2": broken})
    done = run_charter("build", root)
    assert done.returncode == 2
    template = (root / "templates/faq.md.j2").resolve()
    assert f"{template}:4: template syntax error" in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert not (root / "out").exists() and not (root / "AGENTS.md").exists()

    undefined = "# {{ name }}\n\n{{ spec.nmae }}\n"
    root = _project(make_project, **{"templates/faq.md.j2": undefined})
    done = run_charter("build", root, "--target", "faq")
    assert done.returncode == 2
    assert f"{(root / 'templates/faq.md.j2').resolve()}:3: template error" in done.stderr
    assert "nmae" in done.stderr


def test_template_renders_the_spec(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    done = run_charter("build", root, "--target", "faq")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# kiosk 1.4.0 FAQ\n")
    assert "- no-pin: The assistant must never ask for a PIN." in done.stdout
    assert "- receipt: The assistant should offer a receipt after each sale." in done.stdout
    assert "Spec sha256:" in done.stdout


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[build.system-prompt]\nmax-token = 50\n", "charter.toml:2: [build.system-prompt] has "),
        ("[build.system-prompt]\nids = 1\n", "charter.toml:2: ids must be true or false"),
        ("[build.sytem-prompt]\n", "charter.toml:1: [build.sytem-prompt] is not a build target"),
        ('[build.faq]\ntemplate = "t.j2"\n', "[build.faq] needs `output = PATH`"),
        ('[build.docs]\noutput = "../elsewhere"\n', "outside the project"),
    ],
)
def test_bad_build_settings_are_one_line_exit_2(
    make_project: Callable[..., Path], run_charter: CliRunner, toml: str, message: str
) -> None:
    root = make_project({"spec.md": SPEC, "charter.toml": toml})
    done = run_charter("build", root)
    assert done.returncode == 2
    assert message in done.stderr, done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert not (root / "dist").exists() and not (root.parent / "elsewhere").exists()


def test_agents_md_lists_commands_rules_and_every_clause(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    root = _project(make_project)
    done = run_charter("build", root, "--target", "agents-md")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("<!-- Built by `charter build` from kiosk 1.4.0 (spec sha256:")
    assert "# AGENTS.md: kiosk 1.4.0" in text
    assert "`charter check .`" in text and "`charter build --check .`" in text
    assert "- `no-pin` (Safety): The assistant must never ask for a PIN." in text
    assert "- `receipt` (Service): " in text and "(no prompt file yet)" in text
    assert text.index("### root") < text.index("### developer")


def test_json_target_is_the_bundle_publish_writes(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    receipt = PROMPT.replace("no-pin", "receipt").replace("Do you need my PIN?", "I paid.")
    root = _project(make_project, **{"examples/receipt.md": receipt})
    built = run_charter("build", root, "--target", "json")
    assert built.returncode == 0, built.stderr
    published = run_charter("publish", root)
    assert published.returncode == 0, published.stdout + published.stderr
    assert (root / "dist/kiosk-1.4.0.json").read_text() == built.stdout
    data = json.loads(built.stdout)
    assert data["format"] == "charter-bundle/1" and data["spec_hash"].startswith("sha256:")


class _EchoTarget:
    """A plugin that adds a `clause-list` target and replaces the built-in `json` one."""

    @hookimpl
    def charter_build_targets(self) -> list[Target]:
        def clause_list(context: BuildContext) -> Artifact:
            return Artifact.single("\n".join(c.id for c in context.spec.clauses) + "\n")

        def replaced(context: BuildContext) -> Artifact:
            return Artifact.single("{}\n")

        return [
            Target("clause-list", "clause ids", clause_list, "dist/clauses.txt"),
            Target("json", "plugin json", replaced, "dist/x.json"),
        ]


@pytest.fixture
def echo_plugin() -> Iterator[None]:
    manager = plugin_manager()
    plugin = _EchoTarget()
    manager.register(plugin, name="test-echo-target")
    try:
        yield
    finally:
        manager.unregister(plugin)


@pytest.mark.usefixtures("echo_plugin")
def test_a_plugin_adds_and_replaces_targets(make_project: Callable[..., Path]) -> None:
    from charter.build._run import make
    from charter.build._settings import OutputSpec
    from charter.spec import load_project

    known = targets()
    assert {"clause-list", "system-prompt", "docs", "agents-md", "json"} <= set(known)
    assert known["json"].summary == "plugin json"
    project = load_project(_project(make_project))
    target = get_target("clause-list")
    built = make(project, [OutputSpec("clause-list", target, Path(project.spec.root) / "x")])
    assert built[0].artifact.files[""] == b"no-pin\nreceipt\n"


def test_diff_shows_the_compiled_prompt_change(
    make_project: Callable[..., Path], run_charter: CliRunner
) -> None:
    old = _project(make_project)
    new = _project(make_project, **{"spec.md": SPEC.replace("a PIN", "a PIN or password")})
    done = run_charter("diff", old, new)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "## Compiled system prompt" in text
    assert "-The assistant must never ask for a PIN [no-pin]." in text
    assert "+The assistant must never ask for a PIN or password [no-pin]." in text
    as_json = json.loads(run_charter("diff", old, new, "--format", "json").stdout)
    assert as_json["system_prompt"]["changed"] is True
    assert (
        "+The assistant must never ask for a PIN or password"
        in (as_json["system_prompt"]["unified_diff"])
    )
    quiet = run_charter("diff", old, new, "--no-prompt")
    assert "Compiled system prompt" not in quiet.stdout
    same = run_charter("diff", old, old)
    assert "System prompt: unchanged" in same.stdout
