"""`charter test --executor batch` end to end: the command in a subprocess, the localhost batch
server in this one; Ctrl-C and a killed process re-attach to their batch on `--resume`."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.model import PriceTableError, parse_prices
from servers.batches import BatchServer
from test_run_helpers import PROMPT_COUNT, charter, environment, make_spec, query


@pytest.fixture
def server() -> Iterator[BatchServer]:
    batches = BatchServer(delay=0.5).start()
    yield batches
    batches.stop()


def _project(root: Path, server: BatchServer, run: str = "poll-seconds = 0.05\n") -> Path:
    make_spec(root)
    (root / "charter.toml").write_text(
        f"[run]\n{run}\n"
        f'[models."openai:gpt-test"]\nbase_url = "{server.url}/v1"\n\n'
        f'[models."anthropic:claude-test"]\nbase_url = "{server.url}"\n',
        encoding="utf-8",
    )
    return root


def _stored_once(root: Path) -> None:
    rows = query(root, "SELECT clause_id, prompt_index, epoch, error FROM samples")
    assert len(rows) == PROMPT_COUNT
    assert len({row[:3] for row in rows}) == PROMPT_COUNT
    assert all(row[3] is None for row in rows)


@pytest.mark.parametrize("model", ["openai:gpt-test", "anthropic:claude-test"])
def test_charter_test_runs_through_the_batch_endpoint(
    tmp_path: Path, server: BatchServer, model: str
) -> None:
    root = _project(tmp_path, server)
    done = charter(root, "test", ".", "--model", model, "--executor", "batch")
    assert done.returncode == 0, done.stderr
    assert "4 new, 0 cached, 0 errors" in done.stdout
    _stored_once(root)
    assert len(server.created) == 1
    assert server.batched == PROMPT_COUNT
    assert server.direct_calls == 0
    assert query(root, "SELECT id, status FROM batches") == [(server.created[0], "collected")]


def test_run_table_can_choose_the_batch_executor(tmp_path: Path, server: BatchServer) -> None:
    root = _project(tmp_path, server, 'executor = "batch"\npoll-seconds = 0.05\n')
    done = charter(root, "test", ".", "--model", "openai:gpt-test")
    assert done.returncode == 0, done.stderr
    assert len(server.created) == 1
    assert server.direct_calls == 0


def test_a_provider_without_a_batch_endpoint_stops_before_anything_is_sent(
    tmp_path: Path, server: BatchServer
) -> None:
    root = _project(tmp_path, server)
    done = charter(root, "test", ".", "--model", "local:smollm2", "--executor", "batch")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "charter: error: --executor batch needs a provider with a batch endpoint "
        "(openai:, anthropic:); local:smollm2 has none"
    ), done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / ".charter" / "runs.db").exists()
    assert server.created == []


@pytest.mark.parametrize(
    ("run", "message"),
    [
        ('poll-seconds = "fast"\n', "charter.toml:2: [run] poll-seconds must be a number"),
        ("poll-seconds = 0\n", "charter.toml:2: [run] poll-seconds must be more than 0"),
        ("cancel-on-interrupt = 1\n", "[run] cancel-on-interrupt must be true or false"),
        ('executor = "bach"\n', "--executor must be one of local, ray, batch, not `bach`"),
        ("pol-seconds = 1\n", "did you mean `poll-seconds`"),
    ],
)
def test_a_bad_run_setting_is_one_line_and_exit_2(
    tmp_path: Path, server: BatchServer, run: str, message: str
) -> None:
    root = _project(tmp_path, server, run)
    flags = [] if "executor" in run else ["--executor", "batch"]
    done = charter(root, "test", ".", "--model", "openai:gpt-test", *flags)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert server.created == []


def _start_then_stop(root: Path, server: BatchServer, how: signal.Signals) -> str:
    """Start `charter test --executor batch`, stop it with `how` once its batch is submitted;
    the run's id."""
    command = [sys.executable, "-m", "charter", "test", ".", "--model", "openai:gpt-test",
               "--executor", "batch"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=root, env=environment(root), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not server.created and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert server.created, "no batch was submitted"
    time.sleep(0.3)  # the batch id is recorded as soon as the provider answers
    process.send_signal(how)
    out, err = process.communicate(timeout=60)
    if how is signal.SIGINT:
        assert process.returncode == 130, err
        assert "--resume" in err + out
    else:
        assert process.returncode == -signal.SIGKILL
    [(run_id,)] = query(root, "SELECT id FROM runs")
    assert query(root, "SELECT id, status FROM batches") == [(server.created[0], "open")]
    return str(run_id)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_resume_after_an_interrupt_collects_the_batch_it_sent(
    tmp_path: Path, how: signal.Signals
) -> None:
    server = BatchServer(delay=4.0).start()
    try:
        root = _project(tmp_path, server)
        run_id = _start_then_stop(root, server, how)
        other = charter(root, "test", ".", "--resume", run_id, "--executor", "local")
        assert other.returncode == 2
        assert f"has batch {server.created[0]} still open" in other.stderr
        done = charter(root, "test", ".", "--resume", run_id)
        assert done.returncode == 0, done.stderr
    finally:
        server.stop()
    _stored_once(root)
    assert len(server.created) == 1  # paid for once
    assert server.direct_calls == 0
    assert server.cancelled == []
    assert query(root, "SELECT status FROM batches") == [("collected",)]


def _cost(lines: str) -> float:
    found = re.search(r"cost: at most \$([0-9.]+)", lines)
    assert found is not None, lines
    return float(found[1])


def test_the_dry_run_prices_the_batch_discount(tmp_path: Path, server: BatchServer) -> None:
    root = _project(tmp_path, server)
    args = ("test", ".", "--dry-run", "--model", "openai:gpt-4o")
    ordinary = charter(root, *args)
    batch = charter(root, *args, "--executor", "batch")
    assert batch.returncode == ordinary.returncode == 0, batch.stderr
    assert "batch endpoint: 50% of the ordinary price" in batch.stdout
    assert _cost(batch.stdout) == pytest.approx(_cost(ordinary.stdout) / 2, abs=1e-4)
    (root / "charter.toml").write_text(
        '[prices."openai:gpt-test"]\ninput = 1.0\noutput = 2.0\n', encoding="utf-8"
    )
    unknown = charter(root, "test", ".", "--dry-run", "--model", "openai:gpt-test",
                      "--executor", "batch")  # fmt: skip
    assert "has no `batch` share for openai:gpt-test" in unknown.stdout
    assert server.created == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"input": 1, "output": 2, "batch": 0}, "batch must be the share of the price"),
        ({"input": 1, "output": 2, "batch": 1.5}, "batch must be the share of the price"),
        ({"input": 1, "output": 2, "bacth": 0.5}, "has no setting `bacth`"),
    ],
)
def test_a_bad_batch_price_is_refused(entry: dict[str, float], message: str) -> None:
    with pytest.raises(PriceTableError, match=message):
        parse_prices({"openai:x": entry}, "prices.toml")
    assert parse_prices({"openai:x": {"input": 1, "output": 2, "batch": 0.5}}, "p")[
        "openai:x"
    ].batch == pytest.approx(0.5)
