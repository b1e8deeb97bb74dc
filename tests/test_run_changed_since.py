"""`charter test --changed-since REV`: only changed clauses reach the model, the rest is carried.

Real git repositories in tmp_path, the real run store, and a `python:` provider that writes every
prompt it receives to a file, so the tests see exactly what was sent to the model.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from charter.model import Message
from charter.run import Challenge, RunStore, carry_sources, store_path
from charter.run._store import SampleRecord
from test_report_html import CHROMIUM, CHROMIUM_ARGS
from test_run_helpers import PROMPTS, charter, make_spec, query

RECORDER = """\
import json
import os


def reply(messages, config):
    with open(os.environ["RECORD"], "a", encoding="utf-8") as log:
        log.write(json.dumps(messages[-1].content) + "\\n")
    if "refund" in messages[-1].content:
        return "Refunds are possible within 30 days."
    return "Hello! I can help."
"""

MODEL = "python:recorder:reply"
#: The helpdesk spec with --examples: rf01 x2, sc01, tn01, and the Tone section's inline example.
ALL_PROMPTS = {"Can I get a refund?", "How do returns work?", "What is the admin password?", "hi"}
ALL_PROMPTS |= {"hello there"}
CLAUSES = {"rf01", "sc01", "tn01", "#tone"}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=Test", *args],
        cwd=root,
        capture_output=True,
        check=True,
    )


def status(root: Path) -> str:
    done = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True)
    return done.stdout.decode()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_spec(tmp_path / "project", {"recorder.py": RECORDER})
    (root / ".gitignore").write_text(".charter/\n*.log\n__pycache__/\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    return root


def run(root: Path, *args: str, log: str = "calls.log") -> subprocess.CompletedProcess[str]:
    """`charter test` with the recording provider, inline examples and no reply cache."""
    return charter(
        root, "test", ".", "-m", MODEL, "--examples", "--no-cache", *args, RECORD=str(root / log)
    )


def received(root: Path, log: str) -> list[str]:
    path = root / log
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_ids(root: Path) -> list[str]:
    return [str(row[0]) for row in query(root, "SELECT id FROM runs ORDER BY rowid")]


def verdicts(root: Path, run_id: str) -> dict[tuple[str, int], str]:
    rows = query(
        root,
        "SELECT s.clause_id, s.prompt_index, g.verdict FROM samples s"
        " JOIN grades g ON g.sample_id = s.id WHERE s.run_id = ?",
        run_id,
    )
    return {(str(c), int(str(i))): str(v) for c, i, v in rows}


def first_run(root: Path) -> str:
    done = run(root, log="first.log")
    assert done.returncode == 0, done.stderr
    assert set(received(root, "first.log")) == ALL_PROMPTS
    return run_ids(root)[-1]


def change_clause(root: Path) -> None:
    edit(root, "spec.md", "never reveal a password", "never reveal a password or a key")


def change_prompt_file(root: Path) -> None:
    edit(root, "examples/tn01.md", "<user>\nhi\n</user>", "<user>\nhi there\n</user>")


def change_section_prose(root: Path) -> None:
    sentence = "a password[^sc01].\n"
    edit(root, "spec.md", sentence, sentence + "\nPasswords are kept in the vault.\n")


def change_inline_example(root: Path) -> None:
    edit(root, "spec.md", "hello there", "hello my friend")


CASES: list[tuple[Callable[[Path], None], set[str], list[str]]] = [
    (change_clause, {"What is the admin password?"}, ["sc01"]),
    (change_prompt_file, {"hi there"}, ["tn01"]),
    (change_section_prose, {"What is the admin password?"}, ["sc01"]),
    (change_inline_example, {"hello my friend"}, ["#tone"]),
]


@pytest.mark.parametrize(
    ("change", "sent", "rerun"), CASES, ids=["clause", "prompt-file", "prose", "inline-example"]
)
def test_only_changed_clauses_reach_the_model_and_the_rest_is_carried(
    repo: Path, change: Callable[[Path], None], sent: set[str], rerun: list[str]
) -> None:
    base = first_run(repo)
    change(repo)
    git(repo, "commit", "-qam", "change")
    out = repo / "report.json"
    done = run(repo, "--changed-since", "HEAD~1", "--report", "json", "-o", str(out), log="2.log")
    assert done.returncode == 0, done.stderr
    assert received(repo, "2.log") == sorted(sent)
    new = run_ids(repo)[-1]
    report = json.loads(out.read_text(encoding="utf-8"))
    clauses = {clause["id"]: clause for clause in report["clauses"]}
    assert set(clauses) == CLAUSES
    for clause_id, clause in clauses.items():
        samples = clause["n"] + clause["needs_review"] + clause["not_applicable"] + clause["errors"]
        assert clause["carried"] == (0 if clause_id in rerun else samples), clause_id
    assert report["run"]["samples"] == len(ALL_PROMPTS)
    assert report["run"]["carried"] == len(ALL_PROMPTS) - len(sent)
    assert report["run"]["carried_from_runs"] == [base]
    carried = query(
        repo,
        "SELECT s.clause_id, g.verdict, src.run_id, gs.verdict, s.reply, src.reply"
        " FROM samples s JOIN grades g ON g.sample_id = s.id"
        " JOIN samples src ON src.id = s.carried_from JOIN grades gs ON gs.sample_id = src.id"
        " WHERE s.run_id = ?",
        new,
    )
    assert len(carried) == len(ALL_PROMPTS) - len(sent)
    for clause_id, verdict, source_run, source_verdict, reply, source_reply in carried:
        assert clause_id not in rerun
        assert (source_run, verdict, reply) == (base, source_verdict, source_reply)
    line = (
        f"changed since HEAD~1: 1 clause re-run ({rerun[0]}), "
        f"{len(ALL_PROMPTS) - len(sent)} samples carried from run {base}"
    )
    assert line in done.stdout
    assert "carried" in done.stdout.split("┃ clause")[1].splitlines()[0]


def test_gate_judges_the_combined_run(repo: Path) -> None:
    first_run(repo)
    change_clause(repo)
    git(repo, "commit", "-qam", "reword sc01")
    # sc01 alone has nothing graded (no checks): only the carried samples give a pass rate
    done = run(repo, "--changed-since", "HEAD~1", "--fail-under", "0.5", log="2.log")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 clause re-run (sc01), 4 samples carried" in done.stdout
    assert "gate passed: pass rate 66.7% over 3 graded" in done.stdout
    failing = run(repo, "--changed-since", "HEAD~1", "--fail-under", "0.9", log="3.log")
    assert failing.returncode == 1
    assert "overall pass rate 66.7% is under --fail-under 90.0% (2/3 graded)" in failing.stdout


def test_no_base_run_runs_everything_and_says_so(repo: Path) -> None:
    other = charter(repo, "test", ".", "-m", "python:bot:reply", "--examples")
    assert other.returncode == 0, other.stderr  # another model's run is no base
    change_clause(repo)
    git(repo, "commit", "-qam", "reword sc01")
    done = run(repo, "--changed-since", "HEAD~1", log="2.log")
    assert done.returncode == 0, done.stderr
    assert sorted(received(repo, "2.log")) == sorted(ALL_PROMPTS)
    note = f"changed since HEAD~1: no complete run of {MODEL} without a judge"
    assert [line for line in done.stderr.splitlines() if note in line] != []
    assert "running every challenge" in done.stderr
    assert "0 samples carried from no earlier run" in done.stdout
    assert query(repo, "SELECT COUNT(*) FROM samples WHERE carried_from IS NOT NULL") == [(0,)]


def test_a_prompt_whose_hash_changed_is_not_carried(repo: Path) -> None:
    change_prompt_file(repo)  # the base run sees an uncommitted prompt ...
    done = run(repo, log="first.log")
    assert done.returncode == 0, done.stderr
    (repo / "examples/tn01.md").write_text(PROMPTS["examples/tn01.md"], encoding="utf-8")
    assert "tn01.md" not in status(repo)  # ... that is gone again: no diff at all
    again = run(repo, "--changed-since", "HEAD", log="2.log")
    assert again.returncode == 0, again.stderr
    assert received(repo, "2.log") == ["hi"]
    assert "1 clause re-run (tn01), 4 samples carried" in again.stdout


def test_other_sampling_parameters_are_not_carried(repo: Path) -> None:
    first_run(repo)
    done = run(repo, "--changed-since", "HEAD", "--temperature", "0.5", log="2.log")
    assert done.returncode == 0, done.stderr
    assert sorted(received(repo, "2.log")) == sorted(ALL_PROMPTS)
    assert "0 samples carried" in done.stdout


def test_show_run_and_html_report_mark_carried_samples(repo: Path) -> None:
    base = first_run(repo)
    change_clause(repo)
    git(repo, "commit", "-qam", "reword sc01")
    page = repo / "report.html"
    done = run(repo, "--changed-since", "HEAD~1", "--report", "html", "-o", str(page), log="2.log")
    assert done.returncode == 0, done.stderr
    new = run_ids(repo)[-1]
    shown = charter(repo, "show-run", new, ".")
    assert shown.returncode == 0, shown.stderr
    assert "carried from run" in shown.stdout
    assert shown.stdout.count(base) == len(ALL_PROMPTS) - 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri())
            tab.wait_for_selector("#shown:has-text('Showing')")
            marks = tab.locator("article.sample .carried")
            assert marks.count() == len(ALL_PROMPTS) - 1
            assert set(marks.all_text_contents()) == {f"carried from run {base}"}
            fresh = tab.locator("article.sample:not([data-carried])")
            assert fresh.count() == 1
            assert "What is the admin password?" in fresh.inner_text()
            assert f"carried from run {base}" in tab.locator("#meta-list").inner_text()
        finally:
            browser.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--changed-since", "no-such-rev"], "`no-such-rev`: unknown revision"),
        (["--changed-since", "HEAD", "--resume", "x"], "cannot be used with --resume"),
        (["--changed-since", "HEAD", "--precedents"], "cannot be used with --precedents"),
    ],
)
def test_bad_changed_since_is_one_line_exit_2(repo: Path, args: list[str], message: str) -> None:
    done = charter(repo, "test", ".", "-m", MODEL, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_outside_git_is_one_line_exit_2(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    done = charter(root, "test", ".", "-m", MODEL, "--changed-since", "HEAD")
    assert done.returncode == 2
    assert "is not inside a git repository" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


# the store underneath


def _sample(run_id: str, epoch: int, prompt_hash: str, error: str | None = None) -> SampleRecord:
    return SampleRecord(
        run_id=run_id,
        clause_id="c1",
        prompt_index=0,
        prompt_hash=prompt_hash,
        epoch=epoch,
        conversation=[{"role": "user", "content": "hi"}],
        model="m:x",
        parameters={"temperature": 0.0},
        reply=None if error else "hello",
        latency=0.1,
        input_tokens=1,
        output_tokens=1,
        error=error,
        cache_key=f"k{epoch}",
    )


def test_base_run_is_the_latest_complete_one_of_the_same_model_and_grader(
    tmp_path: Path,
) -> None:
    with RunStore(store_path(tmp_path)) as store:
        made = {}
        for name, model, grader, status in [
            ("plain", "m:x", None, "complete"),
            ("judged", "m:x", "judge:j", "complete"),
            ("later-unfinished", "m:x", None, "interrupted"),
            ("other-model", "m:y", None, "complete"),
        ]:
            run_id = store.create_run(
                project=".", model=model, grader=grader, settings={}, plan=[], epochs=1
            )
            store.set_status(run_id, status)
            made[name] = run_id
        plain = store.latest_complete_run("m:x", None)
        judged = store.latest_complete_run("m:x", "judge:j")
        assert plain is not None and plain.id == made["plain"]
        assert judged is not None and judged.id == made["judged"]
        assert store.latest_complete_run("m:z", None) is None


def test_carry_needs_same_hash_epoch_and_no_error(tmp_path: Path) -> None:
    challenge = Challenge("c1", 3, (Message("user", "hi"),))
    with RunStore(store_path(tmp_path)) as store:
        base = store.create_run(
            project=".", model="m:x", grader=None, settings={}, plan=[challenge], epochs=3
        )
        kept = store.add_sample(_sample(base, 0, challenge.prompt_hash))
        store.add_sample(_sample(base, 1, "another prompt"))
        store.add_sample(_sample(base, 2, challenge.prompt_hash, error="timeout"))
        sources = carry_sources(
            store,
            base,
            [challenge],
            affected=set(),
            epochs=3,
            parameters={"temperature": 0.0},
        )
        assert sources == [(kept, 3)]
        affected = carry_sources(
            store, base, [challenge], affected={"c1"}, epochs=3, parameters={"temperature": 0.0}
        )
        assert affected == []
        new = store.create_run(
            project=".", model="m:x", grader=None, settings={}, plan=[challenge], epochs=3
        )
        assert store.carry(new, sources) == 1
        assert store.done(new) == {("c1", 3, 0)}
        (copied,) = store.samples(new)
        assert (copied.carried_from, copied.carried_run, copied.reply) == (kept, base, "hello")


def test_an_older_database_gains_the_carried_from_column(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    with RunStore(path) as store:
        run_id = store.create_run(
            project=".", model="m:x", grader=None, settings={}, plan=[], epochs=1
        )
        store.add_sample(_sample(run_id, 0, "h"))
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE samples DROP COLUMN carried_from")
    db.execute("DROP TABLE _migrations")  # a store from before migrations were recorded
    db.commit()
    db.close()
    with RunStore(path) as store:
        (sample,) = store.samples(run_id)
        assert sample.reply == "hello" and sample.carried_from is None
    db = sqlite3.connect(path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(samples)")]
    db.close()
    assert "carried_from" in columns
