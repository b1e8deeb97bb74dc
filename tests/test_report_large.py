"""The HTML report and the studio's run page of a large run stay small enough to open, and every
clause stays reachable.

A real run (the engine, the SQLite store, a `python:` model) of 40 clauses x 100 prompts; one
reply in seven misses the clause's check. The page embeds a share of each clause's samples,
failures first, and names the command that shows a clause in full (`--clause`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from benchmarks.synthetic_project import write_project
from playwright.sync_api import BrowserContext

from charter.grade import GradingPolicy
from charter.model import get_provider
from charter.report import RunReport, render_html
from charter.report._html import PAGE_SAMPLES, embed_json
from charter.run import Engine, RunOptions, RunStore, Selection, plan, store_path
from charter.spec import load_spec
from charter.studio._runs_view import SAMPLES_PER_PAGE
from test_report_html import _open, browser  # noqa: F401 - the fixture is used by name
from test_run_helpers import charter
from test_studio import _start

CLAUSES = 40
PROMPTS = 100
PAGE_BYTES = 1_000_000
"""The bound on the page of this 4,000-sample run (every sample embedded: some 1.7 MB)."""

BOT = """\
def reply(messages, config):
    text = messages[-1].content
    index = int(text.split("#")[1].split(" ")[0])
    return "No idea." if index % 7 == 0 else "Refunds are possible within 30 days."
"""


def _prompt(clause: int, index: int) -> str:
    return f"Can order #{index} be refunded?"


def _write_project(root: Path) -> None:
    write_project(root, clauses=CLAUSES, prompts=PROMPTS, prefix="p", prompt=_prompt)
    (root / "large_bot.py").write_text(BOT, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class LargeRun:
    root: Path
    run_id: str
    report: RunReport
    page: Path


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> LargeRun:
    root = tmp_path_factory.mktemp("large-run")
    _write_project(root)
    provider = get_provider("python:large_bot:reply", path=str(root))
    spec, _ = load_spec(root)
    challenges = plan(spec, Selection())
    assert len(challenges) == CLAUSES * PROMPTS
    with RunStore(store_path(root)) as store:
        run_id = store.create_run(
            project=str(root),
            model=provider.spec,
            grader=None,
            settings={"epochs": 1},
            plan=challenges,
            epochs=1,
        )
        engine = Engine(store, run_id, provider, GradingPolicy(), RunOptions(concurrency=64))
        assert asyncio.run(engine.run()).status == "complete"
        report = RunReport.load(store, run_id)
    page = root / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    return LargeRun(root, run_id, report, page)


def test_the_page_of_a_large_run_has_a_size_bound(large: LargeRun) -> None:
    every_sample = embed_json([item.as_json() for item in large.report.samples])
    size = large.page.stat().st_size
    assert len(every_sample.encode()) > 1.5 * PAGE_BYTES  # the bound is not met by a small run
    assert size < PAGE_BYTES, f"{size} bytes"


def test_every_clause_is_on_the_page_with_its_failures_first(
    browser: BrowserContext,  # noqa: F811 - the fixture
    large: LargeRun,
) -> None:
    opened = _open(browser, large.page)
    page = opened.page
    try:
        groups = page.locator("details.clause-group")
        assert groups.count() == CLAUSES
        share = PAGE_SAMPLES // CLAUSES
        failures = len([i for i in range(PROMPTS) if i % 7 == 0])
        for clause in (0, 17, CLAUSES - 1):
            group = page.locator(f"details.clause-group[data-clause='p{clause:02d}']")
            assert group.locator("article.sample").count() == share
            assert group.locator("article.sample[data-verdict='violate']").count() == failures
            note = group.locator("p.omitted")
            assert f"{share} of the clause's {PROMPTS} samples" in (note.text_content() or "")
            command = f"charter report {large.run_id} --clause p{clause:02d}"
            assert note.locator("code").text_content() == command
            counts = group.locator("summary .counts").inner_text()
            assert f"{PROMPTS} samples" in counts
            assert f"{PROMPTS - failures} comply, {failures} violate" in counts
        assert opened.errors == []
    finally:
        page.close()


def test_the_clause_command_shows_all_of_its_samples(
    browser: BrowserContext,  # noqa: F811 - the fixture
    large: LargeRun,
) -> None:
    target = large.root / "p05.html"
    done = charter(
        large.root, "report", large.run_id, "--clause", "p05", "-f", "html", "-o", target
    )
    assert done.returncode == 0, done.stderr
    opened = _open(browser, target)
    try:
        assert opened.page.locator("details.clause-group").count() == 1
        assert opened.page.locator("article.sample").count() == PROMPTS
        assert opened.page.locator("p.omitted").count() == 0
    finally:
        opened.page.close()


def test_a_clause_the_run_lacks_is_refused(large: LargeRun) -> None:
    done = charter(large.root, "report", large.run_id, "--clause", "p99", "-f", "html")
    assert done.returncode == 2
    assert f"run {large.run_id} has no clause `p99`" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_studio_run_page_shows_a_page_of_samples_at_a_time(
    browser: BrowserContext,  # noqa: F811 - the fixture
    large: LargeRun,
) -> None:
    process, url = _start(large.root)
    base = url.split("/spec?token=")[0]
    view = browser.new_page()
    try:
        view.goto(url)
        view.goto(f"{base}/runs/{large.run_id}")
        rows = view.locator("table.samples tr[data-sample]")
        pages = CLAUSES * PROMPTS // SAMPLES_PER_PAGE
        assert rows.count() == SAMPLES_PER_PAGE
        assert f"page 1 of {pages}" in view.locator("p.pager").inner_text()
        first_page = rows.first.get_attribute("data-sample")
        view.locator("p.pager a[rel=next]").click()
        view.wait_for_url(f"**/runs/{large.run_id}?page=2")
        assert rows.count() == SAMPLES_PER_PAGE
        assert rows.first.get_attribute("data-sample") != first_page
        assert view.locator("table.clauses tr[data-clause]").count() == CLAUSES
        view.locator("table.clauses tr[data-clause=p07] td").first.locator("a").click()
        view.wait_for_url("**?clause=p07")
        assert rows.count() == PROMPTS
        clauses = {rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())}
        assert clauses == {"p07"}
        view.goto(f"{base}/runs/{large.run_id}?page={pages + 5}")  # past the end: the last page
        assert f"page {pages} of {pages}" in view.locator("p.pager").inner_text()
    finally:
        view.close()
        process.terminate()
        process.wait(timeout=20)
