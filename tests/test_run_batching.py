"""The engine's per-sample work, batched: one cache lookup per plan, one commit per loop step,
cache keys in their recorded format. Real SQLite stores and the engine; the model is the test
provider of `test_run_engine`."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from pathlib import Path

from charter.grade import GradingPolicy
from charter.model import GenerateConfig, Message, get_provider
from charter.run import (
    Engine,
    RunOptions,
    RunStore,
    Selection,
    cache_key,
    plan,
    store_path,
)
from charter.run._engine import parameters
from charter.run._store import SampleRecord
from charter.spec import load_spec
from test_run_engine import Scripted
from test_run_helpers import PROMPT_COUNT, make_spec

EPOCHS = 100


def _statements(store: RunStore) -> list[str]:
    seen: list[str] = []
    store.db.set_trace_callback(seen.append)
    return seen


def _new_run(root: Path, store: RunStore, epochs: int) -> str:
    spec, _ = load_spec(root)
    return store.create_run(
        project=str(root), model="scripted:test", grader=None, settings={},
        plan=plan(spec, Selection()), epochs=epochs,
    )  # fmt: skip


def test_cache_keys_keep_the_format_stored_runs_were_keyed_with() -> None:
    provider = get_provider("openai:m", base_url="http://127.0.0.1:8080/v1")
    params = parameters(GenerateConfig(temperature=0.5, stop=("END",)), provider)
    messages = [Message("system", "Sé breve."), Message("user", "hi", name="ann")]
    payload = {
        "model": provider.spec,
        "provider": provider.reply_settings(),
        "parameters": params,
        "conversation": [
            {"role": "system", "content": "Sé breve."},
            {"role": "user", "content": "hi", "name": "ann"},
        ],
        "epoch": 3,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    assert cache_key(provider, params, messages, 3) == hashlib.sha256(text.encode()).hexdigest()


def test_a_cached_rerun_looks_up_the_cache_once_not_once_per_sample(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    samples = EPOCHS * PROMPT_COUNT
    with RunStore(store_path(root)) as store:
        options = RunOptions(concurrency=8, epochs=EPOCHS)
        first = Engine(store, _new_run(root, store, EPOCHS), Scripted(), GradingPolicy(), options)
        assert asyncio.run(first.run()).new == samples
        seen = _statements(store)
        provider = Scripted()
        again = Engine(store, _new_run(root, store, EPOCHS), provider, GradingPolicy(), options)
        outcome = asyncio.run(again.run())
    assert outcome.cached == samples and provider.calls == 0
    lookups = [sql for sql in seen if "FROM samples WHERE cache_key" in sql]
    assert len(lookups) == 1, f"{len(lookups)} cache queries for {samples} samples"


def test_a_run_commits_once_per_loop_step_not_once_per_row(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    samples = EPOCHS * PROMPT_COUNT
    with RunStore(store_path(root)) as store:
        seen = _statements(store)
        options = RunOptions(concurrency=50, epochs=EPOCHS)
        engine = Engine(
            store, _new_run(root, store, EPOCHS), Scripted(delay=0.001), GradingPolicy(), options
        )
        outcome = asyncio.run(engine.run())
    assert outcome.stored == samples
    commits = sum(sql == "COMMIT" for sql in seen)
    inserts = sum(sql.startswith("INSERT INTO samples") for sql in seen)
    assert inserts == samples
    assert 1 <= commits <= samples // 4, f"{commits} commits for {samples} samples"


def _record(run_id: str, index: int) -> SampleRecord:
    return SampleRecord(
        run_id=run_id, clause_id="rf01", prompt_index=index, prompt_hash="h", epoch=0,
        conversation=[{"role": "user", "content": "hi"}], model="scripted:test", parameters={},
        reply="Refunds within 30 days.", latency=0.1, input_tokens=1, output_tokens=1,
        error=None, cache_key=f"k{index}",
    )  # fmt: skip


def test_a_loop_step_writes_are_committed_at_the_start_of_the_next(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    path = store_path(root)

    def visible() -> int:
        with sqlite3.connect(path) as other:
            count: int = other.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
        return count

    async def steps(store: RunStore, run_id: str) -> list[int]:
        counts = []
        with store.batched():
            store.add_sample(_record(run_id, 0))
            store.add_sample(_record(run_id, 1))
            assert store.add_sample(_record(run_id, 1)) is None  # a repeat is still refused
            counts.append(visible())  # the step is not over: nothing committed yet
            await asyncio.sleep(0)
            counts.append(visible())
            store.add_sample(_record(run_id, 2))
            counts.append(visible())
        counts.append(visible())  # leaving the block commits the rest
        return counts

    with RunStore(path) as store:
        run_id = _new_run(root, store, 1)
        assert asyncio.run(steps(store, run_id)) == [0, 2, 2, 3]
