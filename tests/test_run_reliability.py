"""`charter test` against a scripted OpenAI-compatible server that fails on purpose: retries of
the model and of the judge (counted by role), replies in shapes no client expects, a cache that
is per endpoint, a run where every call failed, and a resume that tries failed samples again.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers._base import free_port
from servers.verdicts import VerdictServer, completion, start_verdict_server
from test_run_helpers import PROMPT_COUNT, charter, make_spec, query

JUDGED_OK = json.dumps(
    {"verdict": "comply", "confidence": 0.9, "rationale": "no password given", "clause_ids": []}
)
ANSWER = "Hello! Refunds are possible within 30 days."
JUDGE = ("--grader", "openai:judge")
ONE = ("-s", "sc01")
"""The one challenge with no checks: only a judge can grade it."""
EXIT_ALL_FAILED = 4


@pytest.fixture
def servers() -> Iterator[list[VerdictServer]]:
    """Servers a test starts (append to the list); all stopped afterwards."""
    started: list[VerdictServer] = []
    yield started
    for server in started:
        server.stop()


def _serve(started: list[VerdictServer], default: str, answers: list[Any] | None = None) -> str:
    server = start_verdict_server({}, default, answers or [])
    started.append(server)
    return server.url + "/v1"


def _project(root: Path, **base_urls: str) -> Path:
    """The helpdesk project; `model=URL` and `judge=URL` point `openai:model`/`openai:judge`."""
    toml = "".join(
        f'[models."openai:{name}"]\nbase_url = "{url}"\n' for name, url in base_urls.items()
    )
    return make_spec(root, {"charter.toml": toml})


def _dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


def _test(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return charter(root, "test", ".", *args, **env)


def _run_status(root: Path) -> list[object]:
    return [row[0] for row in query(root, "SELECT status FROM runs ORDER BY rowid")]


@pytest.mark.parametrize("failures", [[429, 429], [500, 503]], ids=["rate-limited", "5xx"])
def test_a_judge_that_fails_twice_is_retried_and_the_retries_are_counted(
    tmp_path: Path, servers: list[VerdictServer], failures: list[int]
) -> None:
    judge = _serve(servers, JUDGED_OK, failures)
    root = _project(tmp_path, judge=judge)
    done = _test(root, "-m", "python:bot:reply", *JUDGE, *ONE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors (0 model, 0 judge), 2 retries (0 model, 2 judge)" in done.stdout
    assert query(root, "SELECT verdict, grader FROM grades") == [("comply", "judge:openai:judge")]
    assert len(servers[0].requests) == 3


def test_a_judge_that_keeps_failing_is_a_judge_error_and_the_run_fails(
    tmp_path: Path, servers: list[VerdictServer]
) -> None:
    judge = _serve(servers, JUDGED_OK, [500] * 10)
    root = _project(tmp_path, judge=judge)
    done = _test(root, "-m", "python:bot:reply", *JUDGE, *ONE, "--max-retries", "1")
    assert done.returncode == EXIT_ALL_FAILED, done.stdout + done.stderr
    assert "1 errors (0 model, 1 judge), 1 retries (0 model, 1 judge)" in done.stdout
    assert "1 of 1 samples failed" in done.stderr
    assert "1 judge error: judge call failed: openai:judge: HTTP 500" in done.stderr
    assert "after 2 attempts" in done.stderr
    assert _run_status(root) == ["complete"]


def test_an_empty_choices_list_is_retried(tmp_path: Path, servers: list[VerdictServer]) -> None:
    model = _serve(servers, ANSWER, [{"id": "chatcmpl-none", "choices": []}])
    root = _project(tmp_path, model=model)
    done = _test(root, "-m", "openai:model", *ONE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors (0 model, 0 judge), 1 retries (1 model, 0 judge)" in done.stdout
    assert query(root, "SELECT reply, error FROM samples") == [(ANSWER, None)]


@pytest.mark.parametrize(
    ("content", "kind"), [(7, "a number"), ([1, 2], "a list"), ({"text": 3}, "an object")]
)
def test_a_reply_whose_content_is_not_text_is_a_stored_error(
    tmp_path: Path, servers: list[VerdictServer], content: object, kind: str
) -> None:
    model = _serve(servers, ANSWER, [completion(content)])
    root = _project(tmp_path, model=model)
    done = _test(root, "-m", "openai:model", *ONE)
    assert done.returncode == EXIT_ALL_FAILED, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    ((reply, error),) = query(root, "SELECT reply, error FROM samples")
    assert reply is None
    assert f"the reply's content is {kind}, not text" in str(error)
    assert _run_status(root) == ["complete"]


@pytest.mark.parametrize(
    "usage", [{"prompt_tokens": {"n": 1}, "completion_tokens": [3]}, "lots", [1, 2]]
)
def test_usage_in_an_unexpected_shape_is_ignored(
    tmp_path: Path, servers: list[VerdictServer], usage: object
) -> None:
    model = _serve(servers, ANSWER, [completion(ANSWER, usage=usage)])
    root = _project(tmp_path, model=model)
    done = _test(root, "-m", "openai:model", *ONE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert query(root, "SELECT reply, input_tokens, output_tokens, error FROM samples") == [
        (ANSWER, None, None, None)
    ]
    assert _run_status(root) == ["complete"]


HUGE_CONFIDENCE = '{"verdict": "comply", "confidence": ' + "9" * 5000 + ', "rationale": "x"}'


@pytest.mark.parametrize(
    ("answers", "default", "says"),
    [
        ([completion(7)], JUDGED_OK, "the reply's content is a number, not text"),
        ([completion({"verdict": "comply"})], JUDGED_OK, "content is an object, not text"),
        ([], HUGE_CONFIDENCE, "a number too long to read"),
    ],
    ids=["content-number", "content-object", "5000-digit-confidence"],
)
def test_a_judge_reply_in_a_bad_shape_is_an_error_grade(
    tmp_path: Path, servers: list[VerdictServer], answers: list[Any], default: str, says: str
) -> None:
    judge = _serve(servers, default, answers)
    root = _project(tmp_path, judge=judge)
    done = _test(root, "-m", "python:bot:reply", *JUDGE, *ONE)
    assert done.returncode == EXIT_ALL_FAILED, done.stdout + done.stderr
    assert "internal error" not in done.stderr
    ((verdict, rationale),) = query(root, "SELECT verdict, rationale FROM grades")
    assert verdict == "error"
    assert says in str(rationale)
    assert _run_status(root) == ["complete"]


def test_the_cache_is_kept_per_endpoint(tmp_path: Path, servers: list[VerdictServer]) -> None:
    live = _serve(servers, ANSWER)
    root = make_spec(tmp_path)
    args = ("-m", "openai:model", "--max-retries", "0")
    first = _test(root, *args, OPENAI_BASE_URL=live)
    assert f"{PROMPT_COUNT} new, 0 cached" in first.stdout, first.stdout + first.stderr
    again = _test(root, *args, OPENAI_BASE_URL=live)
    assert f"0 new, {PROMPT_COUNT} cached" in again.stdout, again.stdout + again.stderr

    dead = _test(root, *args, OPENAI_BASE_URL=_dead_url())
    assert f"{PROMPT_COUNT} new, 0 cached, {PROMPT_COUNT} errors" in dead.stdout, dead.stdout
    assert dead.returncode == EXIT_ALL_FAILED, dead.stdout + dead.stderr
    assert f"{PROMPT_COUNT} of {PROMPT_COUNT} samples failed" in dead.stderr
    assert f"{PROMPT_COUNT} model errors: openai:model:" in dead.stderr
    assert "every sample failed, nothing was graded" in dead.stderr


def test_resume_tries_failed_samples_again_unless_told_to_keep_them(
    tmp_path: Path, servers: list[VerdictServer]
) -> None:
    root = _project(tmp_path, model=_dead_url())
    failed = _test(root, "-m", "openai:model", "--max-retries", "0")
    assert failed.returncode == EXIT_ALL_FAILED, failed.stdout + failed.stderr
    ((run_id,),) = query(root, "SELECT id FROM runs")
    _project(root, model=_serve(servers, ANSWER))  # the endpoint is back

    kept = _test(root, "--resume", str(run_id), "--keep-errors")
    assert kept.returncode == EXIT_ALL_FAILED, kept.stdout + kept.stderr
    assert "0 new, 0 cached" in kept.stdout
    assert query(root, "SELECT COUNT(*) FROM samples WHERE error IS NOT NULL") == [(PROMPT_COUNT,)]

    retried = _test(root, "--resume", str(run_id))
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert f"{PROMPT_COUNT} new, 0 cached, 0 errors" in retried.stdout
    assert f"{PROMPT_COUNT} earlier failures tried again" in retried.stdout
    rows = query(root, "SELECT reply, error FROM samples WHERE run_id = ?", run_id)
    assert rows == [(ANSWER, None)] * PROMPT_COUNT
    assert query(root, "SELECT COUNT(*) FROM grades") == [(PROMPT_COUNT,)]


def test_resume_grades_again_what_the_judge_failed_to_grade(
    tmp_path: Path, servers: list[VerdictServer]
) -> None:
    root = _project(tmp_path, judge=_dead_url())
    failed = _test(root, "-m", "python:bot:reply", *JUDGE, *ONE, "--max-retries", "0")
    assert failed.returncode == EXIT_ALL_FAILED, failed.stdout + failed.stderr
    ((run_id,),) = query(root, "SELECT id FROM runs")
    _project(root, judge=_serve(servers, JUDGED_OK))

    retried = _test(root, "--resume", str(run_id))
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert query(root, "SELECT verdict, grader FROM grades") == [("comply", "judge:openai:judge")]
    assert query(root, "SELECT COUNT(*) FROM samples") == [(1,)]
