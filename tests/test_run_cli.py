"""`charter test` end to end in a subprocess with the `python:` provider, on a spec in tmp_path."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from test_run_helpers import PROMPT_COUNT, charter, make_spec, query


def test_run_end_to_end_stores_grades_and_prints_clauses(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    done = charter(root, "test", ".", "--model", "python:bot:reply")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for clause in ("rf01", "sc01", "tn01"):
        assert clause in done.stdout
    assert f"{PROMPT_COUNT} new, 0 cached, 0 errors" in done.stdout
    verdicts = dict(
        query(
            root,
            "SELECT s.clause_id || '/' || s.prompt_index, g.verdict FROM samples s"
            " JOIN grades g ON g.sample_id = s.id",
        )
    )
    assert verdicts == {
        "rf01/0": "comply",
        "rf01/1": "violate",
        "sc01/0": "needs_review",
        "tn01/0": "comply",
    }
    ((status, model, planned),) = query(root, "SELECT status, model, planned FROM runs")
    assert (status, model, planned) == ("complete", "python:bot:reply", PROMPT_COUNT)
    ((run_id,),) = query(root, "SELECT id FROM runs")
    hint = next(line for line in done.stdout.splitlines() if "needs review:" in line)
    assert hint.startswith("1 reply needs review: ")
    assert f"charter show-run {run_id}" in hint
    assert f"charter precedent add {run_id} SAMPLE_ID" in hint
    assert "--grader PROVIDER:MODEL" in hint
    ((parameters,),) = query(root, "SELECT DISTINCT parameters FROM samples")
    assert '"temperature": 0.0' in str(parameters) and '"max_tokens": 512' in str(parameters)


def test_rerun_uses_the_cache_and_no_cache_calls_again(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    log = tmp_path / "calls.log"
    args = ("test", ".", "--model", "python:bot:slow")
    first = charter(root, *args, BOT_LOG=str(log), BOT_DELAY="0")
    second = charter(root, *args, BOT_LOG=str(log), BOT_DELAY="0")
    assert first.returncode == second.returncode == 0, second.stderr
    assert "0 new, 4 cached" in second.stdout
    assert len(log.read_text().split()) == PROMPT_COUNT
    cached = query(root, "SELECT COUNT(*) FROM samples WHERE cached_from IS NOT NULL")
    assert cached == [(PROMPT_COUNT,)]
    third = charter(root, *args, "--no-cache", BOT_LOG=str(log), BOT_DELAY="0")
    assert "4 new, 0 cached" in third.stdout
    assert len(log.read_text().split()) == 2 * PROMPT_COUNT


def test_changed_parameters_miss_the_cache(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    charter(root, "test", ".", "-m", "python:bot:reply")
    again = charter(root, "test", ".", "-m", "python:bot:reply", "--temperature", "0.7")
    assert "4 new, 0 cached" in again.stdout


def test_epochs_repeat_every_prompt(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    done = charter(root, "test", ".", "-m", "python:bot:reply", "--epochs", "3", "--seed", "7")
    assert done.returncode == 0, done.stderr
    rows = query(root, "SELECT clause_id, prompt_index, epoch, parameters FROM samples")
    assert len(rows) == 3 * PROMPT_COUNT
    assert {row[2] for row in rows} == {0, 1, 2}
    assert all('"seed": 7' in str(row[3]) for row in rows)


def test_select_by_tag_and_authority(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    by_tag = charter(root, "test", ".", "-m", "python:bot:reply", "--select", "billing")
    assert by_tag.returncode == 0, by_tag.stderr
    by_authority = charter(root, "test", ".", "-m", "python:bot:reply", "--authority", "root")
    assert by_authority.returncode == 0, by_authority.stderr
    runs = query(root, "SELECT id FROM runs ORDER BY rowid")
    first = {r[0] for r in query(root, "SELECT clause_id FROM samples WHERE run_id=?", runs[0][0])}
    second = {r[0] for r in query(root, "SELECT clause_id FROM samples WHERE run_id=?", runs[1][0])}
    assert first == {"rf01"}
    assert second == {"sc01"}


def test_settings_from_charter_toml_and_flags_win(tmp_path: Path) -> None:
    toml = '[test]\nmodel = "python:bot:reply"\nepochs = 2\nselect = ["sc01"]\n'
    root = make_spec(tmp_path, {"charter.toml": toml})
    done = charter(root, "test", ".")
    assert done.returncode == 0, done.stderr
    assert query(root, "SELECT COUNT(*) FROM samples") == [(2,)]
    flagged = charter(root, "test", ".", "--epochs", "1", "--select", "tn01")
    assert flagged.returncode == 0, flagged.stderr
    assert query(root, "SELECT COUNT(*) FROM samples WHERE clause_id='tn01'") == [(1,)]


def test_bad_settings_are_one_line_exit_2(tmp_path: Path) -> None:
    root = make_spec(tmp_path, {"charter.toml": '[test]\nepochs = "many"\n'})
    done = charter(root, "test", ".", "-m", "python:bot:reply")
    assert done.returncode == 2
    assert "charter.toml [test] epochs must be a whole number" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unknown_select_and_missing_model(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    unknown = charter(root, "test", ".", "-m", "python:bot:reply", "--select", "nosuch")
    assert unknown.returncode == 2
    assert "--select `nosuch` matches no clause id, section id or tag" in unknown.stderr
    no_model = charter(root, "test", ".")
    assert no_model.returncode == 2
    assert "no model to test" in no_model.stderr
    bad_provider = charter(root, "test", ".", "-m", "nosuch:thing")
    assert bad_provider.returncode == 2
    assert "unknown provider" in bad_provider.stderr
    assert "Traceback" not in bad_provider.stderr


def test_inline_examples_run_with_examples_flag(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    done = charter(root, "test", ".", "-m", "python:bot:reply", "--examples", "--select", "tone")
    assert done.returncode == 0, done.stderr
    clauses = {row[0] for row in query(root, "SELECT clause_id FROM samples")}
    assert clauses == {"tn01", "#tone"}
    assert "#tone" in done.stdout


PANEL = ("--grader", "python:bot:judge", "--grader", "python:bot:chatty_judge")
PANEL_NAME = "panel:python:bot:judge+python:bot:chatty_judge"


def test_a_panel_is_stored_whole_and_a_resume_grades_with_every_judge(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    done = charter(root, "test", ".", "-m", "python:bot:reply", *PANEL, "-s", "sc01", "-s", "tn01")
    assert done.returncode == 0, done.stdout + done.stderr
    ((run_id, grader, settings),) = query(root, "SELECT id, grader, settings FROM runs")
    assert grader == PANEL_NAME
    assert json.loads(str(settings))["grader"] == ["python:bot:judge", "python:bot:chatty_judge"]

    # As if the run had been stopped before its tn01 sample: gone, and the run interrupted.
    ((last,),) = query(root, "SELECT id FROM samples WHERE clause_id = 'tn01'")
    with sqlite3.connect(root / ".charter" / "runs.db") as db:
        for table, column in (("votes", "sample_id"), ("grades", "sample_id"), ("samples", "id")):
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (last,))
        db.execute("UPDATE runs SET status = 'interrupted'")
    db.close()
    resumed = charter(root, "test", ".", "--resume", str(run_id))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "1 new" in resumed.stdout
    ((new,),) = query(root, "SELECT MAX(id) FROM samples")
    judges = query(root, "SELECT grader FROM votes WHERE sample_id = ? ORDER BY id", new)
    assert [row[0] for row in judges] == [
        "checks",
        "judge:python:bot:judge",
        "judge:python:bot:chatty_judge",
    ]
    assert query(root, "SELECT grader FROM grades WHERE sample_id = ?", new) == [(PANEL_NAME,)]


def test_a_second_model_is_tested_too_not_dropped(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    done = charter(root, "test", ".", "-m", "python:bot:reply", "-m", "python:bot:slow")
    assert done.returncode == 0, done.stdout + done.stderr
    models = query(root, "SELECT model, COUNT(*) FROM samples GROUP BY model ORDER BY model")
    assert models == [("python:bot:reply", PROMPT_COUNT), ("python:bot:slow", PROMPT_COUNT)]
    assert "models side by side" in done.stdout


def test_grader_in_charter_toml_may_name_a_panel(tmp_path: Path) -> None:
    toml = '[test]\ngrader = ["python:bot:judge", "python:bot:chatty_judge"]\n'
    root = make_spec(tmp_path, {"charter.toml": toml})
    done = charter(root, "test", ".", "-m", "python:bot:reply", "-s", "sc01")
    assert done.returncode == 0, done.stdout + done.stderr
    assert query(root, "SELECT grader FROM runs") == [(PANEL_NAME,)]
