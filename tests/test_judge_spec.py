"""The spec-aware judge: context in the prompt, JSON verdicts, panels, checks plus judge, and
structured output against real local servers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.grade import (
    Grade,
    GradeInput,
    GradingPolicy,
    Panel,
    SpecJudge,
    Verdict,
    spec_contexts,
)
from charter.grade._calibrate import grade_input
from charter.model import Message, get_provider
from charter.model._local import model_path
from charter.precedent import from_examples
from charter.spec import Spec, load_project
from judge_helpers import make_project
from servers.llama_server import LlamaServer


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Spec:
    root = make_project(tmp_path)
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.chdir(root)
    return load_project(root).spec


def _judge(spec: Spec, name: str, **options: object) -> SpecJudge:
    return SpecJudge(
        get_provider(f"python:judges:{name}"),
        spec_contexts(spec),
        precedents=from_examples(spec),
        **options,  # type: ignore[arg-type]
    )


def _item(reply: str, holdout: str | None = None) -> GradeInput:
    conversation = (Message("user", "Summarise the report."),)
    return GradeInput("amb1", "", conversation, reply, clause_ids=("amb1",), holdout=holdout)


def test_prompt_carries_clause_section_authority_definitions_and_precedents(
    project: Spec,
) -> None:
    prompt = _judge(project, "lenient").prompt(_item("Profit doubled."))
    assert "The assistant should keep replies short when giving a summary." in prompt
    assert "(authority: developer)" in prompt
    assert 'Section "Brevity"' in prompt
    assert "- Summary: a reply of at most three sentences" in prompt
    assert '<precedent verdict="comply">' in prompt and "Sales rose." in prompt
    assert "<reply>\nProfit doubled.\n</reply>" in prompt


def test_holdout_keeps_the_case_own_precedents_out(project: Spec) -> None:
    judge = _judge(project, "lenient")
    case = next(p for p in from_examples(project) if p.reply.startswith("Sales"))
    shown = judge.prompt(grade_input(case, holdout=True))
    assert "page by page" not in shown  # the BAD reply to the same conversation
    assert shown.count("<precedent") == 1  # only the other example's GOOD reply under amb1
    assert "It worked." in shown
    leaked = judge.prompt(grade_input(case, holdout=False))
    assert "page by page" in leaked


def test_json_verdict_with_clause_ids_and_unreadable_is_error(project: Spec) -> None:
    grade = asyncio.run(_judge(project, "lenient").grade(_item("Sales rose.")))
    assert (grade.verdict, grade.clause_ids, grade.confidence) == (
        Verdict.COMPLY,
        ("amb1",),
        0.9,
    )
    hopeless = SpecJudge(get_provider("python:judges:prose"), spec_contexts(project))
    failed = asyncio.run(hopeless.grade(_item("Sales rose.")))
    assert failed.verdict is Verdict.ERROR
    assert "unreadable after one repair attempt" in failed.rationale


def test_panel_majority_and_recorded_disagreement(project: Spec) -> None:
    long_reply = "Sales rose by a lot this year."
    two = Panel([_judge(project, "literal"), _judge(project, "lenient")])
    tied = asyncio.run(two.grade(_item(long_reply)))
    assert tied.verdict is Verdict.NEEDS_REVIEW
    assert "judges disagree" in tied.rationale and len(tied.votes) == 2
    three = Panel(
        [_judge(project, "literal"), _judge(project, "lenient"), _judge(project, "prompts")]
    )
    decided = asyncio.run(three.grade(_item(long_reply)))
    assert decided.verdict is Verdict.COMPLY
    assert decided.rationale.startswith("2 of 3 judges: comply; disagreement:")
    assert [vote.verdict for vote in decided.votes] == [
        Verdict.VIOLATE,
        Verdict.COMPLY,
        Verdict.COMPLY,
    ]


def test_checks_decide_when_they_fail_else_the_judge_with_both_reasons(project: Spec) -> None:
    policy = GradingPolicy(_judge(project, "literal"))
    checks = ({"contains": "Sales"},)
    base = _item("Sales rose.")
    item = GradeInput(base.clause_id, "", base.conversation, "Costs fell.", checks, (), ("amb1",))
    failed = asyncio.run(policy.grade(item))
    assert (failed.verdict, failed.grader) == (Verdict.VIOLATE, "checks")
    passed = asyncio.run(
        policy.grade(
            GradeInput("amb1", "", base.conversation, "Sales rose.", checks, (), ("amb1",))
        )
    )
    assert passed.verdict is Verdict.COMPLY
    assert passed.rationale.startswith("checks passed (")
    assert "; judge: length" in passed.rationale
    assert [vote.grader for vote in passed.votes] == ["checks", "judge:python:judges:literal"]


def test_an_unreliable_judge_leaves_the_sample_for_review(project: Spec) -> None:
    policy = GradingPolicy(_judge(project, "lenient"), unreliable="kappa 0.02 on 372 precedents")
    grade = asyncio.run(policy.grade(_item("Sales rose.")))
    assert grade.verdict is Verdict.NEEDS_REVIEW
    assert grade.rationale.startswith("unreliable judge (kappa 0.02 on 372 precedents) said comply")


def test_pairwise_preference_both_orders(project: Spec) -> None:
    judge = _judge(project, "pair")
    good, bad = "Sales rose.", "Here is everything, page by page."
    assert asyncio.run(judge.prefer(_item(good), good, bad))[0] == "A"
    assert asyncio.run(judge.prefer(_item(good), bad, good))[0] == "B"


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = LlamaServer(model_path("smollm2"), tmp_path_factory.mktemp("llama") / "server.log")
    try:
        yield server
    finally:
        server.stop()


def test_structured_output_from_llama_cpp_server(project: Spec, llama_server: LlamaServer) -> None:
    provider = get_provider("openai:smollm2", base_url=llama_server.url, structured="json_object")
    judge = SpecJudge(provider, spec_contexts(project), mode="json", shots=0)
    judge.config = judge.config.__class__(temperature=0.0, max_tokens=60)
    grade = asyncio.run(judge.grade(_item("Sales rose.")))
    # the mechanics, not the quality: a schema-held answer parses into one of the verdicts
    # (or is cut at max_tokens and recorded as an error, never as a pass)
    assert grade.verdict in (Verdict.COMPLY, Verdict.VIOLATE, Verdict.NOT_APPLICABLE, Verdict.ERROR)
    if grade.verdict is Verdict.ERROR:
        assert "unreadable" in grade.rationale


def test_openai_body_asks_for_the_schema() -> None:
    provider = get_provider("openai:x", base_url="http://127.0.0.1:9", structured="json_schema")
    assert provider.structured_output
    off = get_provider("openai:x", base_url="http://127.0.0.1:9", structured="off")
    assert not off.structured_output


def test_local_judge_reads_next_token_probabilities(project: Spec) -> None:
    judge = SpecJudge(get_provider("local:smollm2"), spec_contexts(project))
    assert judge.mode == "logprob"
    prompt = judge.prompt(_item("Sales rose."))
    assert prompt.endswith("Does the reply follow the rule? Answer yes or no.\n")
    grade: Grade = asyncio.run(judge.grade(_item("Sales rose.")))
    assert grade.verdict in (Verdict.COMPLY, Verdict.VIOLATE)
    assert grade.rationale.startswith("next-token P(yes)=")
    assert grade.confidence is not None and 0.5 <= grade.confidence <= 1.0
    json.dumps(grade.rationale)
