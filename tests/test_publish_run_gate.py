"""`charter publish` with `[publish] require-run = true`: real runs made by `charter test` with a
`python:` provider decide; a run under `fail-under` refuses, a passing one publishes, and an
interrupted run does not count however good its stored samples are."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import write_tree

from test_run_helpers import charter, environment, query

SPEC = """\
---
name: desk
version: 1.2.0
---
# Desk {#desk authority=root}

## Refunds {#refunds authority=developer}

The assistant must mention the 30 day window when asked about refunds[^rf01].

## Tone {#tone authority=user}

The assistant should greet the user politely[^tn01].
"""

PROMPTS = {
    "examples/rf01.md": """\
---
checks:
  - contains: "30 day"
---
Examples for [^rf01] in Refunds:

**Example**: asks for a refund

~~~xml
<user>
Can I get a refund?
</user>
~~~

**Example**: asks about a refund on sale items

~~~xml
<user>
Is there a refund for sale items?
</user>
~~~
""",
    "examples/tn01.md": """\
---
checks:
  - regex: "(?i)hello"
---
Examples for [^tn01] in Tone:

**Example**: says hi

~~~xml
<user>
hi
</user>
~~~

**Example**: says good morning

~~~xml
<user>
good morning
</user>
~~~
""",
}

#: BOT_MODE=bad forgets the 30 day window on sale items: 3 of 4 checks pass (75%).
BOT = """\
import os
import time


def reply(messages, config):
    time.sleep(float(os.environ.get("BOT_DELAY", "0")))
    text = messages[-1].content
    if "refund" in text:
        if "sale" in text and os.environ.get("BOT_MODE") == "bad":
            return "Sale items cannot be returned."
        return "Refunds are possible within 30 days."
    return "Hello! How can I help?"
"""

CONFIG = "[publish]\nrequire-run = true\nfail-under = 0.9\n"
TEST = ("test", ".", "--model", "python:bot:reply")


def _project(root: Path) -> Path:
    files = {"spec.md": SPEC, "bot.py": BOT, "charter.toml": CONFIG, **PROMPTS}
    return write_tree(root, files)


def _latest_run(root: Path) -> tuple[str, str]:
    rows = query(root, "SELECT id, status FROM runs ORDER BY rowid DESC LIMIT 1")
    ((run_id, status),) = rows
    return str(run_id), str(status)


def _interrupt_a_run(root: Path) -> str:
    """Start a slow passing run, stop it with Ctrl-C (SIGINT) after its first sample."""
    process = subprocess.Popen(
        [sys.executable, "-m", "charter", *TEST, "--no-cache", "--concurrency", "1"],
        cwd=root,
        env=environment(root, BOT_MODE="good", BOT_DELAY="0.5"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, "the run ended before it could be interrupted"
            try:
                rows = query(
                    root,
                    "SELECT COUNT(*) FROM samples s JOIN runs r ON r.id = s.run_id"
                    " WHERE r.status = 'running'",
                )
            except sqlite3.OperationalError:  # locked for a moment by the writer
                rows = [(0,)]
            if rows[0][0]:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 130, stderr
    run_id, status = _latest_run(root)
    assert status == "interrupted"
    assert f"--resume {run_id}" in stderr
    return run_id


def test_publish_waits_for_a_complete_run_over_the_threshold(tmp_path: Path) -> None:
    root = _project(tmp_path / "desk")
    out = tmp_path / "dist"

    below = charter(root, *TEST, BOT_MODE="bad")
    assert below.returncode == 0, below.stderr  # no gate on `charter test` itself
    low_id, status = _latest_run(root)
    assert status == "complete"
    verdicts = query(
        root,
        "SELECT g.verdict, COUNT(*) FROM grades g JOIN samples s ON s.id = g.sample_id"
        " WHERE s.run_id = ? GROUP BY g.verdict",
        low_id,
    )
    assert sorted(verdicts) == [("comply", 3), ("violate", 1)]

    refused = charter(root, "publish", ".", "--output", out)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Not published: 1 reason(s)." in refused.stdout
    assert f"latest run {low_id}: " in refused.stdout
    assert "overall pass rate 75.0%" in refused.stdout and "90.0%" in refused.stdout
    assert not out.exists()

    # The bot changed behind the same model name: --no-cache, or the stored replies come back.
    above = charter(root, *TEST, "--no-cache", BOT_MODE="good")
    assert above.returncode == 0, above.stderr
    high_id, status = _latest_run(root)
    assert status == "complete" and high_id != low_id

    published = charter(root, "publish", ".", "--output", out)
    assert published.returncode == 0, published.stdout + published.stderr
    assert "Published desk 1.2.0" in published.stdout
    bundle = json.loads((out / "desk-1.2.0.json").read_text(encoding="utf-8"))
    assert bundle["version"] == "1.2.0"
    assert {clause["id"] for clause in bundle["spec"]["clauses"]} == {"rf01", "tn01"}


def test_an_interrupted_run_does_not_count(tmp_path: Path) -> None:
    root = _project(tmp_path / "desk")
    out = tmp_path / "dist"
    passing = charter(root, *TEST, BOT_MODE="good")
    assert passing.returncode == 0, passing.stderr
    assert charter(root, "publish", ".", "--output", out).returncode == 0

    # Newer than the passing run, and every sample it stored complies: still no evidence.
    run_id = _interrupt_a_run(root)
    stored = query(
        root,
        "SELECT g.verdict FROM grades g JOIN samples s ON s.id = g.sample_id WHERE s.run_id = ?",
        run_id,
    )
    assert stored and {row[0] for row in stored} == {"comply"}
    assert len(stored) < 4
    refused = charter(root, "publish", ".", "--output", out)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert f"latest run {run_id} is interrupted, not complete" in refused.stdout

    # Finished with --resume, the same run is complete and counts.
    resumed = charter(root, "test", ".", "--resume", run_id, BOT_MODE="good")
    assert resumed.returncode == 0, resumed.stderr
    assert _latest_run(root) == (run_id, "complete")
    again = charter(root, "publish", ".", "--output", out)
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_run_of_some_clauses_or_of_older_prompts_does_not_count(tmp_path: Path) -> None:
    root = _project(tmp_path / "desk")
    out = tmp_path / "dist"
    subset = charter(root, *TEST, "--select", "rf01", BOT_MODE="good")
    assert subset.returncode == 0, subset.stderr
    run_id, status = _latest_run(root)
    assert status == "complete"  # complete for its own plan, at 100%, but tn01 never ran
    refused = charter(root, "publish", ".", "--output", out)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert f"latest run {run_id} did not run the current prompts of 1 clause(s) (tn01)" in (
        refused.stdout
    )

    whole = charter(root, *TEST, BOT_MODE="good")
    assert whole.returncode == 0, whole.stderr
    assert charter(root, "publish", ".", "--output", out).returncode == 0

    # A prompt edited after the run: the run no longer speaks for the spec.
    prompt = root / "examples" / "tn01.md"
    prompt.write_text(prompt.read_text().replace("good morning", "good evening"))
    stale = charter(root, "publish", ".", "--output", out)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "did not run the current prompts of 1 clause(s) (tn01)" in stale.stdout
