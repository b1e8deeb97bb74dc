"""The conflict judge (`[conflicts] judge`) against real servers on 127.0.0.1.

llama.cpp's server with SmolLM2-135M is the real judge: its verdicts mean nothing (a 135M model
cannot adjudicate contradictions), so those tests check mechanics only: a JSON
verdict is asked for, parsed and recorded with its reason, and a reply that is no verdict is
reported as "could not be adjudicated", never turned into one. A scripted OpenAI-compatible
server (`servers/verdicts.py`) returns fixed verdicts, so the effect of each kind of answer on
`charter check` findings, its exit code and `charter publish` is asserted exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write_tree

from charter.check import check_path
from charter.cli import app
from charter.cli._errors import run_safely
from charter.conflict import CONFLICT, POSSIBLE, ConflictReport, conflict_report
from charter.conflict._judge import SYSTEM, adjudicate
from charter.spec import load_project
from servers.llama_server import LlamaServer
from servers.verdicts import (
    CONFLICT as SAYS_CONFLICT,
)
from servers.verdicts import (
    GARBAGE,
    NO_CONFLICT,
    VerdictServer,
    start_verdict_server,
)

pytest.importorskip("sentence_transformers", reason="semantic candidates need the embeddings extra")

#: Three pairs MiniLM puts at cosine 0.62-0.76, every other pair of them at 0.52 or less; none is
#: settled by the modality test, so with threshold 0.58 exactly these three go to the judge.
CLAUSES = {
    "exclaim": "Replies should use exclamation marks to sound upbeat",
    "calm": "Replies must keep a calm tone with plain punctuation",
    "summary": "Replies should include a short summary at the end",
    "recap": "Replies must end with a brief recap of the answer",
    "cite": "The assistant must cite a source for every fact it states",
    "link": "The assistant must link to the help centre article that backs the answer",
}
SCRIPT: dict[str, str | None] = {
    "exclamation+calm": SAYS_CONFLICT,
    "summary+recap": NO_CONFLICT,
    "cite+link": GARBAGE,
}
RESOLUTION = """
[[resolutions]]
clauses = ["exclaim", "calm"]
decision = "calm wins: plain punctuation"
by = "Dana (support lead)"
"""


def _project(root: Path, clauses: dict[str, str], judge: str, options: str) -> Path:
    sections = "".join(
        f"## {cid.title()} {{#{cid}-section}}\n\n{text}[^{cid}].\n\n"
        for cid, text in clauses.items()
    )
    files = {
        "spec.md": f"---\nname: tone\nversion: 0.1.0\n---\n# Tone {{#tone authority=developer}}"
        f"\n\n{sections}",
        "charter.toml": f'[conflicts]\nsemantic = true\nthreshold = 0.58\njudge = "{judge}"\n\n'
        f'[models."{judge}"]\n{options}',
        **{
            f"cases/{cid}.md": f"**Example**: {cid}\n\n~~~xml\n<user>\nhello\n</user>\n~~~\n"
            for cid in clauses
        },
    }
    return write_tree(root, files)


def _report(root: Path) -> ConflictReport:
    return conflict_report(load_project(root).spec)


def _verdicts(report: ConflictReport) -> dict[frozenset[str], Any]:
    return {frozenset((a.id, b.id)): verdict for a, b, verdict in report.judged}


def _cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run_safely(app, args=[str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def scripted() -> Iterator[VerdictServer]:
    server = start_verdict_server(SCRIPT)
    yield server
    server.stop()


# The scripted judge: exact effects.


def test_each_kind_of_verdict_is_recorded_and_has_its_effect(
    tmp_path: Path, scripted: VerdictServer
) -> None:
    root = _project(tmp_path / "p", CLAUSES, "openai:scripted", f'base_url = "{scripted.url}/v1"\n')
    before = len(scripted.requests)
    report = _report(root)

    assert report.candidates == 3
    verdicts = _verdicts(report)
    assert set(verdicts) == {
        frozenset(("exclaim", "calm")),
        frozenset(("summary", "recap")),
        frozenset(("cite", "link")),
    }
    conflict = verdicts[frozenset(("exclaim", "calm"))]
    assert (conflict.conflict, conflict.reason, conflict.judge) == (
        True,
        "one asks for exclamation marks, one bans them",
        "openai:scripted",
    )
    dismissed = verdicts[frozenset(("summary", "recap"))]
    assert (dismissed.conflict, dismissed.reason) == (False, "both keep replies free of emoji")
    garbage = verdicts[frozenset(("cite", "link"))]
    assert (garbage.conflict, garbage.reason, garbage.reply) == (
        None,
        "the judge's reply is not valid JSON",
        GARBAGE,
    )

    found = {conflict.ids: conflict for conflict in report.conflicts}
    assert set(found) == {frozenset(("exclaim", "calm")), frozenset(("cite", "link"))}
    confirmed = found[frozenset(("exclaim", "calm"))]
    assert confirmed.status == CONFLICT
    assert confirmed.evidence == (
        "judge openai:scripted (not calibrated): one asks for exclamation marks, one bans them"
    )
    undecided = found[frozenset(("cite", "link"))]
    assert undecided.status == POSSIBLE
    assert "could not be adjudicated by openai:scripted: the judge's reply is not valid JSON" in (
        undecided.evidence
    )

    # What the judge was sent: the JSON schema (structured output) and both rules, at temperature 0.
    sent = scripted.requests[before:]
    assert len(sent) == 3
    for request in sent:
        assert request["path"] == "/v1/chat/completions"
        body = request["json"]
        assert body["model"] == "scripted" and body["temperature"] == 0.0
        assert body["response_format"]["type"] == "json_schema"
        schema = body["response_format"]["json_schema"]["schema"]
        assert schema["required"] == ["conflict", "reason"]
        system, user = body["messages"]
        assert system == {"role": "system", "content": SYSTEM}
        assert user["content"].startswith("Rule A: ") and "Rule B: " in user["content"]


def test_check_exit_code_and_publish_follow_the_verdicts(
    tmp_path: Path, scripted: VerdictServer, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "p", CLAUSES, "openai:scripted", f'base_url = "{scripted.url}/v1"\n')
    code, out, err = _cli(capsys, "check", root)
    assert code == 1, out + err
    assert re.search(r"C201 \[error\] `(calm|exclaim)` .* contradicts `(calm|exclaim)`", out), out
    said = "judge openai:scripted (not calibrated): one asks for exclamation marks, one bans them"
    assert said in out
    assert re.search(r"C202 \[note\] `(cite|link)` .* may conflict with `(cite|link)`", out), out
    assert "could not be adjudicated by openai:scripted" in out
    assert "`recap`" not in out and "`summary`" not in out  # judged: no conflict
    assert "C201 x1" in out and "C202" in out

    code, out, _ = _cli(capsys, "publish", root, "--output", tmp_path / "dist")
    assert code == 1
    assert "Not published: 2 reason(s)." in out and "unresolved conflict: spec.md:" in out
    assert "conflict candidate neither judged nor resolved: spec.md:" in out

    # The decision settles the confirmed conflict; the undecided pair stays a note.
    config = root / "charter.toml"
    config.write_text(config.read_text() + RESOLUTION)
    result = check_path(root)
    assert result.exit_code == 0
    assert [d.code for d in result.diagnostics if d.code.startswith("C2")] == ["C202"]
    # ... and publishing waits until a person decides the pair the judge could not.
    code, out, _ = _cli(capsys, "publish", root, "--output", tmp_path / "dist")
    assert code == 1 and "Not published: 1 reason(s)." in out
    assert "conflict candidate neither judged nor resolved" in out
    config.write_text(
        config.read_text()
        + '\n[[resolutions]]\nclauses = ["cite", "link"]\ndecision = "Both hold."\nby = "QA"\n'
    )
    code, out, err = _cli(capsys, "publish", root, "--output", tmp_path / "dist")
    assert code == 0, out + err
    assert (tmp_path / "dist" / "tone-0.1.0.json").is_file()


def test_a_failing_judge_leaves_the_pair_undecided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = start_verdict_server({}, default=None)  # HTTP 500 for every request
    try:
        clauses = {key: CLAUSES[key] for key in ("exclaim", "calm")}
        root = _project(tmp_path / "p", clauses, "openai:broken", f'base_url = "{broken.url}/v1"\n')
        ((_, _, verdict),) = _report(root).judged
        code, out, err = _cli(capsys, "check", root)
    finally:
        broken.stop()
    assert verdict.conflict is None and verdict.reply == ""
    assert verdict.reason.startswith("the judge failed: openai:broken: HTTP 500")
    assert "\n" not in verdict.reason
    assert code == 0, out + err  # a note, not an error: nothing was decided
    assert "C202 [note]" in out and "could not be adjudicated by openai:broken" in out
    assert "C201" not in out


@pytest.mark.parametrize("failures", [[429, 429], [502, 503]], ids=["rate-limited", "5xx"])
def test_the_conflict_judge_is_retried_like_every_model_call(failures: list[int]) -> None:
    server = start_verdict_server({}, default=SAYS_CONFLICT, answers=failures)
    try:
        pair = (CLAUSES["exclaim"], CLAUSES["calm"])
        (verdict,) = adjudicate("openai:judge", [pair], {"base_url": f"{server.url}/v1"})
    finally:
        server.stop()
    assert verdict.conflict is True, verdict.reason
    assert len(server.requests) == 3


def test_a_judge_that_cannot_be_set_up_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHARTER_TEST_NO_SUCH_KEY", raising=False)
    clauses = {key: CLAUSES[key] for key in ("exclaim", "calm")}
    root = _project(
        tmp_path / "p",
        clauses,
        "openai:scripted",
        'base_url = "http://127.0.0.1:9/v1"\napi_key_env = "CHARTER_TEST_NO_SUCH_KEY"\n',
    )
    code, out, err = _cli(capsys, "check", root)
    assert code == 2, out + err
    assert err.strip() == (
        "charter: error: [conflicts] judge openai:scripted: openai:scripted: the environment "
        "variable CHARTER_TEST_NO_SUCH_KEY is not set"
    )


# The real judge: llama.cpp's server with SmolLM2 (mechanics, not verdict quality).

PAIR = {key: CLAUSES[key] for key in ("exclaim", "calm")}


def test_llama_cpp_judge_verdict_is_parsed_and_recorded(
    tmp_path: Path, llama_server: LlamaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # llama-cpp-python's server takes the schema in the `json_object` form.
    options = f'base_url = "{llama_server.url}"\nstructured = "json_object"\n'
    root = _project(tmp_path / "p", PAIR, "openai:smollm2", options)
    report = _report(root)
    assert report.candidates == 1
    ((first, second, verdict),) = report.judged
    assert {first.id, second.id} == {"exclaim", "calm"} and verdict.judge == "openai:smollm2"
    # The grammar holds the reply to the schema: it parses, and the verdict is the model's own.
    answer = json.loads(verdict.reply)
    assert isinstance(answer["conflict"], bool) and verdict.conflict is answer["conflict"]
    assert verdict.reason and "\n" not in verdict.reason
    if verdict.conflict:
        ((finding,),) = [report.conflicts]
        assert finding.status == CONFLICT
        assert finding.evidence == f"judge openai:smollm2 (not calibrated): {verdict.reason}"
    else:
        assert report.conflicts == []

    code, out, err = _cli(capsys, "check", root)
    assert code == (1 if verdict.conflict else 0), out + err
    assert ("judge openai:smollm2 (not calibrated): " in out) is verdict.conflict


def test_llama_cpp_judge_without_structured_output_is_never_invented(
    tmp_path: Path, llama_server: LlamaServer
) -> None:
    # Without the schema, SmolLM2 answers in prose: a verdict counts only if it wrote one.
    options = f'base_url = "{llama_server.url}"\nstructured = "off"\n'
    root = _project(tmp_path / "p", PAIR, "openai:smollm2", options)
    report = _report(root)
    ((_, _, verdict),) = report.judged
    assert verdict.reply.strip()
    if verdict.conflict is None:
        ((finding,),) = [report.conflicts]
        assert finding.status == POSSIBLE
        assert f"could not be adjudicated by openai:smollm2: {verdict.reason}" in finding.evidence
        assert verdict.reason.startswith("the judge's ")
    else:
        written = "true" if verdict.conflict else "false"
        assert re.search(rf'"conflict"\s*:\s*{written}', verdict.reply), verdict.reply
