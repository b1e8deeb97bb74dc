"""Training data from a spec: the demo spec, the split, the leak guard, the citation check,
the exported formats and the reward (charter.train, `charter export`)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from charter.grade import ChecksGrader, Grade, GradeInput, run_check
from charter.model import Message
from charter.precedent import Precedent, from_examples, write_precedent
from charter.run import RunStore, Selection, plan, store_path
from charter.run._store import SampleRecord
from charter.spec import load_project
from charter.train import (
    Reward,
    TrainError,
    build_export,
    split_prompts,
    train_prompts,
    write_export,
)
from charter.train._split import seeded_split, user_text

REPO = Path(__file__).resolve().parents[1]
CONCIERGE = REPO / "examples" / "concierge"


def _charter(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "charter", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def concierge(tmp_path: Path) -> Path:
    root = tmp_path / "concierge"
    shutil.copytree(CONCIERGE, root, ignore=shutil.ignore_patterns(".charter", "__pycache__"))
    return root


def test_demo_spec_has_checkable_clauses_and_enough_prompts() -> None:
    project = load_project(CONCIERGE)
    clause_ids = {clause.id for clause in project.spec.clauses}
    assert 6 <= len(clause_ids) <= 10
    prompts = split_prompts(project.spec, 0, 0.3)
    splits = [item.split for item in prompts]
    assert splits.count("train") >= 200
    assert splits.count("eval") >= 100
    assert all(item.challenge.checks for item in prompts)
    assert {item.challenge.clause_id for item in prompts} == clause_ids
    # every clause is tested in both splits
    for clause_id in clause_ids:
        mine = {item.split for item in prompts if item.challenge.clause_id == clause_id}
        assert mine == {"train", "eval"}, clause_id


def test_demo_prompts_are_generated_deterministically(tmp_path: Path) -> None:
    sys.path.insert(0, str(CONCIERGE))
    try:
        import generate
    finally:
        sys.path.remove(str(CONCIERGE))
    counts = generate.write_cases(tmp_path)
    shipped = sorted((CONCIERGE / "cases").glob("*.md"))
    assert [p.name for p in shipped] == sorted(p.name for p in (tmp_path / "cases").glob("*.md"))
    for path in shipped:
        assert (tmp_path / "cases" / path.name).read_bytes() == path.read_bytes(), path.name
    assert counts["train"] >= 200 and counts["eval"] >= 100


def test_no_prompt_is_in_both_splits() -> None:
    prompts = split_prompts(load_project(CONCIERGE).spec, 0, 0.3)
    train = {user_text(p.challenge.messages) for p in prompts if p.split == "train"}
    held = {user_text(p.challenge.messages) for p in prompts if p.split != "train"}
    assert train and held and not train & held


def test_demo_inline_replies_agree_with_the_prompt_file_checks() -> None:
    """A GOOD reply passes every check of its section's clauses; a BAD reply fails one."""
    project = load_project(CONCIERGE)
    spec = project.spec
    for case in from_examples(spec):
        checks = [
            check
            for clause_id in case.clause_ids
            if (prompt_file := spec.prompt_file(clause_id)) is not None
            for check in prompt_file.front_matter["checks"]
            if clause_id != "json-status"  # no inline example asks for JSON
        ]
        passed = all(run_check(check, case.reply)[0] for check in checks)
        assert passed == (case.verdict == "comply"), case.id


def test_seeded_split_is_reproducible_and_near_the_fraction() -> None:
    draws = [seeded_split(7, "c", f"{n:064x}", 0.3) for n in range(2000)]
    assert draws == [seeded_split(7, "c", f"{n:064x}", 0.3) for n in range(2000)]
    assert 0.25 < draws.count("eval") / len(draws) < 0.35
    assert draws != [seeded_split(8, "c", f"{n:064x}", 0.3) for n in range(2000)]


def _held_out_prompts(root: Path) -> list[str]:
    project = load_project(root)
    return [
        item.challenge.messages[-1].content
        for item in split_prompts(project.spec, 0, 0.3)
        if item.split != "train"
    ]


def _precedent(
    pid: str, prompt: str, reply: str, verdict: str, clause_ids: tuple[str, ...], **extra: str
) -> Precedent:
    return Precedent(
        id=pid,
        verdict=verdict,
        reply=reply,
        conversation=(Message("user", prompt),),
        clause_ids=clause_ids,
        decided_by="a reviewer",
        **extra,  # type: ignore[arg-type]
    )


def test_leak_guard_keeps_eval_and_eval_only_prompts_out_of_every_export(
    concierge: Path, tmp_path: Path
) -> None:
    # one prompt of the train split is marked eval-only in its prompt file
    brief = concierge / "cases" / "brief.md"
    text = brief.read_text(encoding="utf-8")
    project = load_project(concierge)
    first_train = next(
        item.challenge
        for item in split_prompts(project.spec, 0, 0.3)
        if item.split == "train" and item.challenge.clause_id == "brief"
    )
    marker = f"  {first_train.title}:\n    split: train\n"
    assert marker in text
    brief.write_text(
        text.replace(marker, f"  {first_train.title}:\n    split: eval-only\n"), "utf-8"
    )
    held = _held_out_prompts(concierge)
    assert first_train.messages[-1].content in held
    eval_prompt = held[0]
    # precedents (comply and violate) on held-out prompts, one under an added system message
    cases = [
        _precedent("leak-good", eval_prompt, "Hello. Fine.\nBest, Aria", "comply", ("greet",)),
        _precedent("leak-bad", eval_prompt, "Sure!", "violate", ("greet",)),
        _precedent(
            "eval-only-good",
            first_train.messages[-1].content,
            "Hello. Short.\nBest, Aria",
            "comply",
            ("brief",),
        ),
    ]
    for case in cases:
        write_precedent(concierge, case)
    disguised = Precedent(
        id="leak-system",
        verdict="comply",
        reply="Hello. Fine.\nBest, Aria",
        conversation=(Message("system", "Be nice."), Message("user", "  " + eval_prompt.upper())),
        clause_ids=("greet",),
        decided_by="a reviewer",
    )
    write_precedent(concierge, disguised)
    write_precedent(
        concierge,
        _precedent(
            "train-good",
            "Is the spa open late?",
            "Hello. Until 9.\nBest, Aria",
            "comply",
            ("greet",),
        ),
    )
    project = load_project(concierge)
    sft = build_export(project, "sft")
    dpo = build_export(project, "dpo")
    assert sft.withheld_eval == dpo.withheld_eval
    assert sft.withheld_eval >= 4
    assert any(row.source == "precedent train-good" for row in sft.rows)
    for result, fmt in ((sft, "hf"), (dpo, "openai"), (sft, "openai"), (dpo, "hf")):
        out = tmp_path / f"{result.kind}-{fmt}"
        written = write_export(result, out if fmt == "hf" else out.with_suffix(".jsonl"), fmt)
        blob = "".join(path.read_text(encoding="utf-8") for path in written).casefold()
        for prompt in held:
            assert json.dumps(prompt.casefold())[1:-1] not in blob, prompt
    # the held-out prompts are not scored by the reward either
    reward = Reward.from_project(concierge)
    with pytest.raises(TrainError):
        reward(eval_prompt, "Hello.")
    with pytest.raises(TrainError):
        reward(first_train.messages[-1].content, "Hello.")


def test_citation_check_drops_rows_citing_unknown_or_unrelated_clauses(concierge: Path) -> None:
    before = build_export(load_project(concierge), "sft")
    assert before.dropped_citation == 0
    write_precedent(
        concierge,
        _precedent(
            "unknown-id",
            "Where is the lift?",
            "Hello. Left.\nBest, Aria",
            "comply",
            ("greet",),
            rationale="As [^no-such-clause] says.",
        ),
    )
    write_precedent(
        concierge,
        _precedent(
            "unrelated",
            "Where is the bar?",
            "Hello. Right.\nBest, Aria",
            "comply",
            ("greet",),
            rationale="Also [^json-status].",
        ),
    )
    write_precedent(
        concierge,
        _precedent("no-clause", "Where is the gym?", "Hello. Up.\nBest, Aria", "comply", ()),
    )
    write_precedent(
        concierge,
        _precedent(
            "sound",
            "Where is the pool?",
            "Hello. Down.\nBest, Aria",
            "comply",
            ("greet", "sign-off"),
            rationale="Greets per [^greet].",
        ),
    )
    after = build_export(load_project(concierge), "sft")
    assert after.dropped_citation == 3
    assert len(after.rows) == len(before.rows) + 1
    (row,) = [r for r in after.rows if r.source == "precedent sound"]
    assert "[^greet] applies:" in row.reasoning and "[^sign-off] applies:" in row.reasoning


def _graded_run(root: Path) -> tuple[str, int]:
    """A run of the no-code-word prompts with replies graded by the checks: one comply and one
    violate reply per prompt (two epochs). Returns the run id and its held-out prompt count."""
    project = load_project(root)
    challenges = plan(project.spec, Selection(select=["no-code-word"]))
    splits = {
        item.challenge.prompt_hash: item.split for item in split_prompts(project.spec, 0, 0.3)
    }
    store = RunStore(store_path(root))
    try:
        run_id = store.create_run(
            project=str(root),
            model="local:smollm2",
            grader=None,
            settings={},
            plan=challenges,
            epochs=2,
        )
        grader = ChecksGrader()
        for challenge in challenges:
            for epoch, reply in enumerate(("Hello. I cannot say it.", "Hello. It is BLUEBIRD.")):
                sample_id = store.add_sample(
                    SampleRecord(
                        run_id,
                        challenge.clause_id,
                        challenge.prompt_index,
                        challenge.prompt_hash,
                        epoch,
                        [],
                        "local:smollm2",
                        {},
                        reply,
                        0.1,
                        None,
                        None,
                        None,
                        f"key-{challenge.prompt_index}-{epoch}",
                    )
                )
                assert sample_id is not None
                grade: Grade = grader.grade_now(
                    GradeInput(
                        challenge.clause_id, "", challenge.messages, reply, checks=challenge.checks
                    )
                )
                store.add_grade(sample_id, grade)
    finally:
        store.close()
    held = sum(1 for c in challenges if splits[c.prompt_hash] != "train")
    return run_id, held


def test_run_samples_graded_by_checks_become_rows_and_pairs(concierge: Path) -> None:
    run_id, held = _graded_run(concierge)
    project = load_project(concierge)
    train = sum(1 for item in train_prompts(project) if item.challenge.clause_id == "no-code-word")
    sft = build_export(project, "sft", [run_id])
    dpo = build_export(project, "dpo", [run_id])
    assert sft.sources["run"] == train
    assert dpo.sources["run"] == train
    assert all("BLUEBIRD" not in row.reply for row in sft.rows)
    assert all("BLUEBIRD" in row.rejected for row in dpo.rows if row.source.startswith("run"))
    assert sft.withheld_eval == 2 * held + build_export(project, "sft").withheld_eval


def test_reward_scores_by_the_prompt_checks(concierge: Path) -> None:
    reward = Reward.from_project(concierge)
    project = load_project(concierge)
    item = next(i for i in train_prompts(project) if i.challenge.clause_id == "no-card-echo")
    prompt = item.challenge.messages[-1].content
    assert reward(prompt, "Hello. Card ending 1111 noted.") == 1.0
    assert reward(prompt, "Hello. Card 4111 1111 1111 1111 noted.") == 0.0
    conversational = [{"role": "user", "content": prompt}]
    scores = reward.trl(
        [conversational, prompt],
        [[{"role": "assistant", "content": "ok"}], "4111111111111111"],
    )
    assert scores == [1.0, 0.0]
    with pytest.raises(TrainError):
        reward("a prompt the spec never had", "Hello.")
    saved = concierge / "reward.json"
    reward.save(saved)
    assert Reward.load(saved)(prompt, "Hello.") == 1.0


def test_cli_export_writes_both_formats_and_counts(concierge: Path, tmp_path: Path) -> None:
    done = _charter("export", "sft", concierge, "-o", tmp_path / "sft", "--format", "hf")
    assert done.returncode == 0, done.stderr
    assert "sft rows" in done.stdout and "dropped by the citation check" in done.stdout
    card = (tmp_path / "sft" / "README.md").read_text(encoding="utf-8")
    assert "version **1.0.0**" in card and "content hash `sha256:" in card
    rows = (tmp_path / "sft" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(rows[0])
    assert set(first) == {"prompt", "reasoning", "completion", "clause_ids", "source"}
    done = _charter("export", "dpo", concierge, "-o", tmp_path / "dpo.jsonl", "-f", "openai")
    assert done.returncode == 0, done.stderr
    pair = json.loads((tmp_path / "dpo.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(pair) == {"input", "preferred_output", "non_preferred_output"}
    done = _charter("export", "reward", concierge, "-o", tmp_path / "reward.json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads((tmp_path / "reward.json").read_text("utf-8"))["prompts"]) >= 200


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("no-rows", "no trainable sft rows"),
        ("unknown-run", "no run `nope`"),
        ("bad-split", "cases/greet.md:1: front matter examples[`greet 01`].split"),
        ("bad-setting", "charter.toml [train] split-sed: unknown setting"),
    ],
)
def test_cli_export_bad_input_is_one_line_exit_2(
    concierge: Path, setup: str, expected: str
) -> None:
    args: list[str | Path] = ["export", "sft", concierge]
    if setup == "no-rows":
        spec = concierge / "spec" / "concierge.md"
        spec.write_text(spec.read_text("utf-8").split("**Example**")[0], "utf-8")
    elif setup == "unknown-run":
        _graded_run(concierge)
        args += ["--run", "nope"]
    elif setup == "bad-split":
        greet = concierge / "cases" / "greet.md"
        text = re.sub(r"split: \w+", "split: tran", greet.read_text("utf-8"), count=1)
        greet.write_text(text, "utf-8")
    else:
        toml = concierge / "charter.toml"
        toml.write_text(toml.read_text("utf-8").replace("split-seed", "split-sed"), "utf-8")
    done = _charter(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert expected in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.corpora
def test_model_spec_exports(release_0912: Path) -> None:
    project = load_project(release_0912)
    sft = build_export(project, "sft")
    dpo = build_export(project, "dpo")
    assert sft.rows and dpo.rows
    assert sft.dropped_citation > 0  # examples in sections without clauses cite nothing
    known = {clause.id for clause in project.spec.clauses}
    for row in sft.rows:
        assert set(row.clause_ids) <= known
    assert sft.prompts["eval"] > 0 and sft.prompts["train"] > 0


def test_charter_test_split_runs_only_that_split() -> None:
    project = load_project(CONCIERGE)
    prompts = split_prompts(project.spec, 0, 0.3)
    counts = {name: sum(1 for p in prompts if p.split == name) for name in ("train", "eval")}
    for split, expected in counts.items():
        done = _charter("test", CONCIERGE, "--split", split, "--dry-run")
        assert done.returncode == 0, done.stderr
        assert f"\n{expected} calls to local:smollm2" in done.stdout
    done = _charter("test", CONCIERGE, "--split", "bogus", "--dry-run")
    assert done.returncode == 2 and "--split must be train or eval" in done.stderr
