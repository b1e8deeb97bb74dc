"""Several models in one run (`charter test -m A -m B`): every sample keyed by model in the
store, the cache and resume per model, the estimate and the gate per model, the reports' side by
side comparison, and the refusals that come before anything is sent.

The real models: the packaged SmolLM2 in-process (`local:smollm2`) and the same weights behind
llama.cpp's OpenAI-compatible server (`openai:smollm2`), two providers with two caches. Verdicts
come from the prompt files' checks on what each model actually replied. The `python:` bots
drive the cases where the replies must differ (the gate, the highlighted difference)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import write_tree

import charter
from charter.report import RunReport, compare_models
from charter.run import SettingsError, open_store
from charter.session._test import distinct_specs
from servers.llama_server import LlamaServer
from test_run_helpers import PROMPT_COUNT, make_spec, query
from test_run_helpers import charter as run_charter
from test_run_openai_server import PROMPTS, SPEC

REAL = ("local:smollm2", "openai:smollm2")
GOOD, BAD = "python:bot:reply", "python:bot:hopeless_judge"
"""Two bots that answer differently: the second fails every check."""


@pytest.fixture
def bots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = make_spec(tmp_path)
    monkeypatch.syspath_prepend(str(root))
    yield root
    sys.modules.pop("bot", None)


def _desk(root: Path, base_url: str) -> Path:
    toml = f'[models."openai:smollm2"]\nbase_url = "{base_url}"\n'
    return write_tree(root, {"spec.md": SPEC, "charter.toml": toml, **PROMPTS})


def test_two_real_models_in_one_run_each_sample_once_per_model_then_cached_per_model(
    tmp_path: Path, llama_server: LlamaServer
) -> None:
    root = _desk(tmp_path / "desk", llama_server.url)
    args = ("test", ".", "-m", REAL[0], "-m", REAL[1], "--max-tokens", "16")
    first = run_charter(root, *args, "--report", "json", "--output", "report.json")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Traceback" not in first.stderr
    rows = query(root, "SELECT model, clause_id, prompt_index, epoch, cached_from FROM samples")
    assert sorted(row[:4] for row in rows) == sorted(
        (model, clause, 0, 0) for model in REAL for clause in ("gr01", "pw01")
    )
    assert all(row[4] is None for row in rows)
    [(models, planned)] = query(root, "SELECT models, planned FROM runs")
    assert (json.loads(str(models)), planned) == (list(REAL), 4)
    for model in REAL:
        assert f"  {model}: 2 new, 0 cached, 0 errors; pass rate" in first.stdout
    # the report's figures are each model's own verdicts, as stored
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    verdicts = dict(
        query(
            root,
            "SELECT s.model, g.verdict FROM samples s JOIN grades g ON g.sample_id = s.id"
            " WHERE s.clause_id = 'gr01'",
        )
    )
    [greeting] = [row for row in report["models"]["clauses"] if row["clause"] == "gr01"]
    for model in REAL:
        assert greeting["models"][model]["passed"] == (verdicts[model] == "comply")
        assert greeting["models"][model]["failed"] == (verdicts[model] == "violate")
    assert greeting["differs"] == (verdicts[REAL[0]] != verdicts[REAL[1]])
    assert report["run"]["models"] == list(REAL)

    again = run_charter(root, *args)
    assert again.returncode == 0, again.stdout + again.stderr
    for model in REAL:
        assert f"  {model}: 0 new, 2 cached, 0 errors" in again.stdout
    # each cached reply comes from the same model's earlier sample, never the other's
    cached = query(
        root,
        "SELECT s.model, source.model FROM samples s JOIN samples source"
        " ON source.id = s.cached_from",
    )
    assert len(cached) == 4 and all(model == source for model, source in cached)


def test_a_cancelled_run_of_two_models_resumes_each_sample_exactly_once(
    bots: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_DELAY", "0.2")
    models = ["python:bot:slow", GOOD]
    run = charter.TestRun(bots, charter.TestOptions(model=models, concurrency=1))

    def stop_after_the_first(event: charter.RunEvent) -> None:
        if isinstance(event, charter.SampleFinished):
            run.cancel()

    first = run.run(stop_after_the_first)
    assert first.interrupted
    stored = query(bots, "SELECT COUNT(*) FROM samples")[0][0]
    assert isinstance(stored, int) and 0 < stored < 2 * PROMPT_COUNT
    resumed = charter.TestRun(bots, charter.TestOptions(resume=first.run_id)).run()
    assert resumed.outcome.status == "complete"
    assert resumed.outcome.stored == 2 * PROMPT_COUNT
    rows = query(bots, "SELECT model, clause_id, prompt_index, epoch FROM samples")
    assert len(rows) == len(set(rows)) == 2 * PROMPT_COUNT
    assert {row[0] for row in rows} == set(models)
    assert resumed.outcomes is not None and list(resumed.outcomes) == models


def test_the_gate_and_the_comparison_are_per_model(bots: Path) -> None:
    result = charter.TestRun(bots, charter.TestOptions(model=[GOOD, BAD], fail_under=0.5)).run()
    assert not result.gate.passed
    assert len(result.gate.lines) == 2
    assert result.gate.lines[0].startswith(f"{GOOD}: gate passed: pass rate 66.7%")
    assert result.gate.lines[1].startswith(f"{BAD}: gate failed: overall pass rate 0.0%")
    models = compare_models(result.report)
    assert models is not None and models.models == [GOOD, BAD]
    rows = {row.clause_id: row for row in models.rows}
    assert rows["rf01"].differs and rows["rf01"].best == [GOOD]
    assert not rows["sc01"].differs  # both wait for review: no rate to differ
    assert models.total.differs
    per_model = result.report.per_model()
    assert [own.total.total for own in per_model.values()] == [PROMPT_COUNT, PROMPT_COUNT]


def test_one_model_has_no_comparison_and_its_report_is_unchanged(bots: Path) -> None:
    result = charter.TestRun(bots, charter.TestOptions(model=GOOD)).run()
    assert compare_models(result.report) is None
    assert result.report.models == (GOOD,)
    assert result.model_lines() == []
    with open_store(bots, must_exist=True) as store:
        again = RunReport.load(store, result.run_id)
    assert again.total.as_json() == result.report.total.as_json()


def test_the_estimate_prices_each_model(bots: Path) -> None:
    dry = charter.TestRun(bots, charter.TestOptions(model=[GOOD, BAD], epochs=2)).estimate()
    assert list(dry.budgets) == [GOOD, BAD]
    assert all(len(budget.calls) == 2 * PROMPT_COUNT for budget in dry.budgets.values())
    lines = dry.lines()
    assert f"{2 * PROMPT_COUNT} calls to {GOOD}: " in "\n".join(lines)
    assert f"{2 * PROMPT_COUNT} calls to {BAD}: " in "\n".join(lines)
    assert lines[-1].startswith(f"{4 * PROMPT_COUNT} calls to 2 models in all; cost: ")


def test_charter_toml_may_name_several_models(bots: Path) -> None:
    (bots / "charter.toml").write_text(f'[test]\nmodel = ["{GOOD}", "{BAD}"]\n', encoding="utf-8")
    run = charter.TestRun(bots)
    assert run.models == [GOOD, BAD]


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ((GOOD, BAD, GOOD), f"--model names `{GOOD}` twice; a run tests each model once"),
        ((GOOD, "nope:x"), "unknown provider `nope` in `nope:x`"),
    ],
)
def test_bad_models_are_refused_before_anything_is_sent(
    bots: Path, models: tuple[str, ...], message: str
) -> None:
    args = [part for model in models for part in ("-m", model)]
    done = run_charter(bots, "test", ".", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (bots / ".charter" / "runs.db").exists()  # no run recorded, nothing sent


def test_two_names_of_the_same_model_are_refused() -> None:
    assert distinct_specs(["a:x", "b:y"], ["a:x", "b:y"]) == ["a:x", "b:y"]
    with pytest.raises(SettingsError, match="`a:x` and `a:x ` are the same model"):
        distinct_specs(["a:x", "a:x "], ["a:x", "a:x"])


def test_changed_since_with_several_models_is_refused(bots: Path) -> None:
    with pytest.raises(SettingsError, match="--changed-since carries one model's"):
        charter.TestRun(bots, charter.TestOptions(model=[GOOD, BAD], changed_since="HEAD"))


def test_a_run_of_several_models_is_never_the_base_a_later_run_carries_from(
    tmp_path: Path,
) -> None:
    with open_store(tmp_path, must_exist=False) as store:
        made = {
            models: store.create_run(
                project=str(tmp_path),
                model=models[0],
                grader=None,
                settings={},
                plan=[],
                epochs=1,
                models=models,
            )
            for models in ((GOOD, BAD), (GOOD,))
        }
        for run_id in made.values():
            store.set_status(run_id, "complete")
        found = store.latest_complete_run(GOOD, None)
        assert found is not None and found.id == made[(GOOD,)]
        assert store.run(made[(GOOD, BAD)]).models == (GOOD, BAD)
        store.set_status(made[(GOOD,)], "interrupted")
        assert store.latest_complete_run(GOOD, None) is None
