"""Hostile and impossible YAML in every file Charter reads as YAML: a finding or one line with
file:line and exit 2, never a crash, never unbounded memory or time."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from charter._yaml import MAX_DEPTH, YamlError, load_yaml
from charter.clarify._answers import AnswersError, load_answers
from charter.precedent import PrecedentFormatError, read_precedent
from charter.version import parse_amendment

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
MakeProject = Callable[..., Path]

SPEC = "# Rules {#rules}\n\nThe assistant must be kind[^ab12].\n"
PROMPTS = "**Example**: hi\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"


def laughs(levels: int = 9) -> str:
    """The "billion laughs" shape: each line holds nine aliases of the line before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def limited_memory() -> None:
    """Run the child under 2 GiB of address space: a blow-up fails instead of swapping."""
    two_gib = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (two_gib, two_gib))


def charter_bounded(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "charter", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limited_memory,
        check=False,
    )


def test_billion_laughs_is_refused_at_its_line_in_a_moment() -> None:
    started = time.perf_counter()
    with pytest.raises(YamlError) as raised:
        load_yaml(laughs())
    assert time.perf_counter() - started < 1.0
    assert "aliases expand to more than" in raised.value.message
    assert 1 < raised.value.line <= 9


def test_a_few_aliases_still_read() -> None:
    document = load_yaml("base: &b {tone: calm}\nreply:\n  <<: *b\n  length: 3\n")
    assert document.data == {"base": {"tone": "calm"}, "reply": {"tone": "calm", "length": 3}}


def test_nesting_is_bounded_before_python_recursion() -> None:
    with pytest.raises(YamlError) as raised:
        load_yaml("a: " + "[" * 5000 + "]" * 5000)
    assert f"deeper than {MAX_DEPTH}" in raised.value.message
    assert load_yaml("a: " + "[" * 10 + "]" * 10).data is not None


def test_oversized_yaml_is_refused_before_parsing() -> None:
    with pytest.raises(YamlError, match="over the limit"):
        load_yaml("a: b\n" * 300_000)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("name: x\ndate: 2025-02-30\n", 2, "cannot read `2025-02-30` as timestamp"),
        ("count: !!int x\n", 1, "cannot read `x` as int"),
        ("when: !!timestamp nope\n", 1, "cannot read `nope` as timestamp"),
        ("big: " + "9" * 5000 + "\n", 1, "as int"),
        ("blob: !!binary aGVsbG8=\n", 1, "!!binary is not supported"),
        ("ids: !!set {a, b}\n", 1, "!!set is not supported"),
        ("run: !!python/object:os.system x\n", 1, "could not determine a constructor"),
        ("? [a, b]\n: c\n", 1, "unhashable key"),
    ],
    ids=["date", "int", "timestamp", "digits", "binary", "set", "python", "key"],
)
def test_values_that_do_not_construct_are_errors_with_a_line(
    text: str, line: int, fragment: str
) -> None:
    with pytest.raises(YamlError) as raised:
        load_yaml(text)
    assert raised.value.line == line and fragment in raised.value.message


def test_spec_front_matter_billion_laughs_is_exit_2_in_bounded_memory(
    make_project: MakeProject,
) -> None:
    root = make_project({"spec.md": "---\n" + laughs() + "---\n" + SPEC})
    started = time.perf_counter()
    done = charter_bounded("show", root, "--format", "json")
    assert time.perf_counter() - started < 60
    assert done.returncode == 2, done.stderr[-500:]
    assert "spec.md:" in done.stderr and "S003" in done.stderr
    assert "aliases expand" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("front", "line", "fragment"),
    [
        ("name: x\ndate: 2025-02-30\n", 3, "2025-02-30"),
        ("name: !!int x\n", 2, "as int"),
        ("name: !!timestamp nope\n", 2, "as timestamp"),
        ("name: " + "[" * 3000 + "]" * 3000 + "\n", 2, "nested deeper"),
        (laughs(), 7, "aliases expand"),
    ],
    ids=["impossible-date", "int-tag", "timestamp-tag", "deep-flow", "billion-laughs"],
)
def test_bad_front_matter_in_spec_and_prompt_files_is_a_finding(
    run_charter: CliRunner, make_project: MakeProject, front: str, line: int, fragment: str
) -> None:
    for target in ("spec.md", "examples/ab12.md"):
        files = {"spec.md": SPEC, "examples/ab12.md": PROMPTS}
        files[target] = f"---\n{front}---\n" + files[target]
        root = make_project(files)
        done = run_charter("check", root)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        head = done.stdout.split("\n")[0]
        assert f"{root / target}:{line}:" in head and "S003" in head, head
        assert fragment in head


def test_imports_mapping_with_a_null_key_is_a_finding(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    spec = "---\nimports:\n  null: ./a\n  legal: ./b\n---\n" + SPEC
    root = make_project({"spec.md": spec, "examples/ab12.md": PROMPTS})
    done = run_charter("check", root)
    assert done.returncode == 2 and "internal error" not in done.stderr, done.stderr
    assert "C006" in done.stdout and "unknown key `None`" in done.stdout


def test_spec_files_dot_reads_the_whole_project(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project(
        {"charter.toml": '[spec]\nfiles = ["."]\n', "spec.md": SPEC, "examples/ab12.md": PROMPTS}
    )
    done = run_charter("check", root)
    assert "internal error" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stdout + done.stderr


def test_spec_files_entry_that_is_no_glob_is_one_line(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    root = make_project({"charter.toml": '[spec]\nfiles = ["spec/**x.md"]\n', "spec.md": SPEC})
    done = run_charter("check", root)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "charter.toml: [spec] files" in done.stderr


def test_check_regex_whose_repetition_overflows_is_one_line(
    run_charter: CliRunner, make_project: MakeProject
) -> None:
    prompts = "---\nchecks:\n  - regex: 'a{99999999999}'\n---\n" + PROMPTS
    root = make_project({"spec.md": SPEC, "examples/ab12.md": prompts})
    done = run_charter("test", root, "--dry-run", "--model", "openai:any")
    assert done.returncode == 2, done.stderr
    assert "examples/ab12.md:3:" in done.stderr and "regex does not compile" in done.stderr


AMENDMENT_HEAD = "---\ntitle: t\nauthor: a\ndate: {date}\nbase: 1.0.0\n---\n"
AMENDMENT_BODY = (
    "\n## Why\n\nKinder.\n\n## MODIFIED\n\n### [^ab12]\n\nThe assistant must be nice[^ab12].\n"
)


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (AMENDMENT_HEAD.format(date="2025-02-30") + AMENDMENT_BODY, 4, "2025-02-30"),
        ((AMENDMENT_HEAD.format(date="2025-01-02") + "\n").encode() + b"\xff\xfe\n", 8, "0xFF"),
        ("---\n" + laughs() + "---\n" + AMENDMENT_BODY, 7, "aliases expand"),
    ],
    ids=["impossible-date", "not-utf8", "billion-laughs"],
)
def test_bad_amendments_are_problems_with_a_line(
    run_charter: CliRunner,
    make_project: MakeProject,
    content: str | bytes,
    line: int,
    fragment: str,
) -> None:
    spec = "---\nversion: 1.0.0\n---\n" + SPEC
    root = make_project({"spec.md": spec, "examples/ab12.md": PROMPTS, "amendments/a.md": content})
    amendment = parse_amendment(root / "amendments" / "a.md", root)
    assert [(p.line, fragment in p.message) for p in amendment.problems][:1] == [(line, True)]
    for command in (("check", "--all"), ("apply", "a")):
        done = run_charter("amend", *command, "--project", root)
        assert done.returncode in (1, 2), done.stderr
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr
        assert f"amendments/a.md:{line}:" in done.stdout + done.stderr


def test_precedent_and_answers_files_refuse_hostile_yaml(tmp_path: Path) -> None:
    precedent = tmp_path / "p.yaml"
    precedent.write_text("id: x\n" + laughs(), encoding="utf-8")
    with pytest.raises(PrecedentFormatError) as raised:
        read_precedent(precedent)
    assert raised.value.line > 1 and "aliases expand" in raised.value.message
    precedent.write_text("id: x\ndecided_at: 2025-02-30\n", encoding="utf-8")
    with pytest.raises(PrecedentFormatError) as bad_date:
        read_precedent(precedent)
    assert bad_date.value.line == 2
    answers = tmp_path / "answers.yaml"
    answers.write_text("- id: q1\n  answer: !!int x\n", encoding="utf-8")
    with pytest.raises(AnswersError, match=r"answers\.yaml:2: not valid YAML: cannot read `x`"):
        load_answers(answers, [])
