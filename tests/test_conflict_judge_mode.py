"""Judge mode without embeddings: near-threshold modality pairs go to the judge, its verdicts are
cached in SQLite (a re-run sends nothing), and labelled pairs calibrate it.

The judges are real servers on 127.0.0.1: the scripted OpenAI-compatible one
(`servers/verdicts.py`) for exact effects, llama.cpp's server with SmolLM2 for the mechanics.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import write_tree

from charter.cli import app
from charter.cli._errors import run_safely
from charter.conflict import CONFLICT, POSSIBLE, ConflictReport, conflict_report
from charter.conflict._judge import BATCH, adjudicate
from charter.conflict._verdict_cache import CACHE_FILE, VerdictCache
from charter.spec import load_project
from servers.llama_server import LlamaServer
from servers.verdicts import CONFLICT as SAYS_CONFLICT
from servers.verdicts import GARBAGE, NO_CONFLICT, VerdictServer, completion, start_verdict_server

#: Opposite modality on acts alike at 0.50: below the 0.6 that decides, within the judge's margin.
NEAR = {
    "address": "The assistant must confirm the delivery address",
    "window": "The assistant must not confirm the delivery window by phone",
    "greet": "The assistant should greet the customer by name",
}
#: Ten labelled conflicts (`zulu`) and ten labelled non-conflicts (`yankee`).
LABELLED = "".join(
    f'[[pairs]]\nfirst = "The assistant must mention topic {k}."\n'
    f'second = "The assistant must not mention topic {k} {word}."\nconflict = {label}\n\n'
    for k in range(10)
    for word, label in (("zulu", "true"), ("yankee", "false"))
)
HONEST: dict[str, str | None] = {
    "address+window": SAYS_CONFLICT,
    "zulu": SAYS_CONFLICT,
    "yankee": NO_CONFLICT,
}


def _project(root: Path, clauses: dict[str, str], judge: str | None, extra: str = "") -> Path:
    sections = "".join(
        f"## {cid.title()} {{#{cid}-section}}\n\n{text}[^{cid}].\n\n"
        for cid, text in clauses.items()
    )
    settings = f'[conflicts]\njudge = "{judge}"\n{extra}' if judge else ""
    return write_tree(
        root,
        {
            "spec.md": "---\nname: orders\nversion: 0.1.0\n---\n# Orders {#orders "
            f"authority=developer}}\n\n{sections}",
            "charter.toml": settings,
            **{
                f"cases/{cid}.md": f"**Example**: {cid}\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"
                for cid in clauses
            },
        },
    )


def _scripted(root: Path, server: VerdictServer, extra: str = "") -> Path:
    options = f'\n[models."openai:scripted"]\nbase_url = "{server.url}/v1"\n'
    return _project(root, NEAR, "openai:scripted", extra + options)


def _report(root: Path) -> ConflictReport:
    return conflict_report(load_project(root).spec)


@pytest.fixture()
def honest() -> Iterator[VerdictServer]:
    server = start_verdict_server(HONEST, default=NO_CONFLICT)
    yield server
    server.stop()


def test_without_a_judge_near_threshold_pairs_stay_out(tmp_path: Path) -> None:
    assert _report(_project(tmp_path / "p", NEAR, None)).conflicts == []


def test_a_near_threshold_pair_is_judged_once_and_read_from_the_cache_after(
    tmp_path: Path, honest: VerdictServer
) -> None:
    root = _scripted(tmp_path / "p", honest)
    report = _report(root)
    assert report.candidates == 1 and len(honest.requests) == 1
    ((first, second, verdict),) = report.judged
    assert {first.id, second.id} == {"address", "window"} and not verdict.cached
    (finding,) = report.conflicts
    assert finding.status == CONFLICT
    assert finding.evidence == (
        "judge openai:scripted (not calibrated): one asks for exclamation marks, one bans them"
    )

    again = _report(root)
    assert len(honest.requests) == 1  # nothing sent: the verdict came from the cache
    ((_, _, cached),) = again.judged
    assert cached.cached and (cached.conflict, cached.reason) == (True, verdict.reason)
    assert [c.evidence for c in again.conflicts] == [finding.evidence]
    with sqlite3.connect(root / CACHE_FILE) as db:
        assert db.execute("SELECT judge, conflict FROM verdicts").fetchall() == [
            ("openai:scripted", 1)
        ]


def test_a_judged_non_conflict_is_kept_resolved_and_leaves_no_finding(tmp_path: Path) -> None:
    server = start_verdict_server({}, default=NO_CONFLICT)
    try:
        root = _scripted(tmp_path / "p", server)
        first, second = _report(root), _report(root)
    finally:
        server.stop()
    assert first.conflicts == [] and second.conflicts == []
    assert len(server.requests) == 1
    ((_, _, verdict),) = second.judged
    assert verdict.cached and verdict.conflict is False


def test_batches_keep_decided_verdicts_and_ask_only_the_undecided_again(tmp_path: Path) -> None:
    pairs = [
        (f"Replies must name colour {k}.", f"Replies must not name colour {k}.") for k in range(20)
    ]
    pairs.append(pairs[0][::-1])  # the same question in the other order is asked once
    decided = [completion(SAYS_CONFLICT)] * BATCH
    server = start_verdict_server({}, default=GARBAGE, answers=decided)
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    try:
        base = {"base_url": f"{server.url}/v1"}
        first = adjudicate("openai:scripted", pairs, base, cache)
        assert len(server.requests) == 20 and len(cache) == BATCH
        assert sum(v.conflict is True for v in first) == BATCH + 1  # the repeat shares a verdict
        assert [v.conflict for v in first].count(None) == 20 - BATCH
        server.default = NO_CONFLICT
        second = adjudicate("openai:scripted", pairs, base, cache)
    finally:
        cache.close()
        server.stop()
    assert len(server.requests) == 20 + (20 - BATCH)  # only the undecided were asked again
    assert all(v.conflict is not None for v in second)
    assert sum(v.cached for v in second) == BATCH + 1


def test_the_cache_key_holds_the_judge_and_its_endpoint(tmp_path: Path) -> None:
    pair = [("Replies must use emoji.", "Replies must not use emoji.")]
    one = start_verdict_server({}, default=SAYS_CONFLICT)
    two = start_verdict_server({}, default=NO_CONFLICT)
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    try:
        (a,) = adjudicate("openai:scripted", pair, {"base_url": f"{one.url}/v1"}, cache)
        (b,) = adjudicate("openai:scripted", pair, {"base_url": f"{two.url}/v1"}, cache)
        (c,) = adjudicate("openai:other", pair, {"base_url": f"{one.url}/v1"}, cache)
    finally:
        cache.close()
        one.stop()
        two.stop()
    assert (a.conflict, b.conflict, c.conflict) == (True, False, True)
    assert not (a.cached or b.cached or c.cached)
    assert len(one.requests) == 2 and len(two.requests) == 1


def test_a_calibrated_judge_reports_its_agreement_beside_its_verdict(
    tmp_path: Path, honest: VerdictServer
) -> None:
    root = _scripted(tmp_path / "p", honest, 'calibration = "pairs.toml"\n')
    (root / "pairs.toml").write_text(LABELLED, encoding="utf-8")
    report = _report(root)
    assert report.calibration is not None and report.calibration.reliable
    assert report.calibration.agreement.n == 20 and report.calibration.agreement.kappa == 1.0
    (finding,) = report.conflicts
    assert finding.status == CONFLICT
    assert finding.evidence.startswith(
        "judge openai:scripted (agrees on 20/20 labelled pairs of pairs.toml, kappa 1.00): "
    )
    sent = len(honest.requests)
    assert sent == 21
    _report(root)
    assert len(honest.requests) == sent  # calibration answers are cached too


def test_an_unreliable_judge_does_not_decide(tmp_path: Path) -> None:
    server = start_verdict_server({}, default=SAYS_CONFLICT)  # "conflict" whatever it is asked
    try:
        root = _scripted(tmp_path / "p", server, 'calibration = "pairs.toml"\n')
        (root / "pairs.toml").write_text(LABELLED, encoding="utf-8")
        report = _report(root)
    finally:
        server.stop()
    assert report.calibration is not None and not report.calibration.reliable
    assert report.calibration.agreement.kappa == 0.0
    (finding,) = report.conflicts
    assert finding.status == POSSIBLE
    assert "agrees on 10/20 labelled pairs of pairs.toml, kappa 0.00) says conflict" in (
        finding.evidence
    )
    assert "an unreliable judge does not decide" in finding.evidence


def test_a_malformed_labelled_pair_is_exit_2_with_its_line(
    tmp_path: Path, honest: VerdictServer, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _scripted(tmp_path / "p", honest, 'calibration = "pairs.toml"\n')
    bad = LABELLED.replace("conflict = false", 'conflict = "no"', 1)
    (root / "pairs.toml").write_text(bad, encoding="utf-8")
    capsys.readouterr()
    code = run_safely(app, args=["check", str(root)])
    captured = capsys.readouterr()
    assert code == 2, captured.out + captured.err
    assert "pairs.toml:6: labelled pair 2: `conflict` must be true or false" in captured.err
    assert "Traceback" not in captured.err


def test_llama_cpp_judge_answers_are_cached(tmp_path: Path, llama_server: LlamaServer) -> None:
    options = (
        f'\n[models."openai:smollm2"]\nbase_url = "{llama_server.url}"\n'
        'structured = "json_object"\n'
    )
    root = _project(tmp_path / "p", NEAR, "openai:smollm2", options)
    ((_, _, first),) = _report(root).judged
    assert not first.cached and isinstance(json.loads(first.reply)["conflict"], bool)
    ((_, _, second),) = _report(root).judged
    assert second.cached and (second.conflict, second.reason) == (first.conflict, first.reason)
