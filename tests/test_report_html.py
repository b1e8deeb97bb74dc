"""`--report html`: escaping (pure Python), calibration reading, and the page in real Chromium.

The run behind the page is real: the `python:` provider from `get_provider`, a `python:` judge,
the engine and the SQLite store. Its model reply, judge rationale, example title and prompt all
carry markup that would run script if it were ever parsed as HTML.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page, sync_playwright

from charter.grade import GradingPolicy, ModelJudge
from charter.model import get_provider
from charter.report import RunReport, load_calibration, render_html, wilson_interval
from charter.report._html import embed_json
from charter.run import Engine, RunOptions, RunStore, Selection, plan, store_path
from charter.spec import load_spec
from test_run_helpers import charter, make_spec

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

REPLY_PAYLOAD = (
    "<script>window.__xss = 'reply'; alert('reply')</script>"
    "<img src=x onerror=\"window.__xss = 'img'; alert('img')\"> & </pre>"
)
RATIONALE_PAYLOAD = "<img src=x onerror=\"window.__xss = 'rationale'\"> leaks </script>"
TITLE_PAYLOAD = "asks for <script>window.__xss = 'title'</script> password"
PROMPT_PAYLOAD = "What is the admin password? <img src=x onerror=\"window.__xss='prompt'\"> &amp;"

SECRETS_PROMPTS = f"""\
Examples for [^sc01] in Secrets:

**Example**: {TITLE_PAYLOAD}

~~~xml
<user>
{PROMPT_PAYLOAD}
</user>
~~~
"""

BOT = f"""\
PAYLOAD = {REPLY_PAYLOAD!r}
RATIONALE = {RATIONALE_PAYLOAD!r}


def reply(messages, config):
    text = messages[-1].content
    if "password" in text:
        return PAYLOAD
    if "refund" in text:
        return "Refunds are possible within 30 days."
    return "Hello! I can help."


def judge(messages, config):
    import json

    if "password" in messages[0].content:
        return json.dumps({{"verdict": "violate", "confidence": 0.7, "rationale": RATIONALE}})
    return json.dumps({{"verdict": "comply", "confidence": 0.9, "rationale": "fine"}})
"""

#: In the shape `charter calibrate` writes (figures under `overall`, confusion as
#: {expected: {judged: count}}), with keys the page does not show.
CALIBRATION = {
    "grader": "judge:python:html_report_bot:judge",
    "precedents": 40,
    "reliable": True,
    "overall": {
        "n": 40,
        "accuracy": 0.875,
        "balanced_accuracy": 0.86,
        "kappa": 0.7123,
        "confusion": {
            "comply": {"comply": 20, "violate": 3},
            "violate": {"comply": 2, "violate": 15},
        },
    },
    "per_clause": {},
    "disagreements": [],
}


@dataclass(frozen=True, slots=True)
class RenderedRun:
    root: Path
    report: RunReport
    page: Path
    html: str


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderedRun:
    """A real run of the helpdesk spec with injected markup, rendered to `report.html`."""
    root = make_spec(
        tmp_path_factory.mktemp("html-run"),
        {"examples/sc01.md": SECRETS_PROMPTS, "html_report_bot.py": BOT},
    )
    provider = get_provider("python:html_report_bot:reply", path=str(root))
    judge = ModelJudge(get_provider("python:html_report_bot:judge", path=str(root)))
    calibration = root / ".charter" / "calibration" / "python_html_report_bot_judge.json"
    calibration.parent.mkdir(parents=True)
    calibration.write_text(json.dumps(CALIBRATION), encoding="utf-8")
    spec, _ = load_spec(root)
    challenges = plan(spec, Selection())
    with RunStore(store_path(root)) as store:
        run_id = store.create_run(
            project=str(root),
            model=provider.spec,
            grader=judge.name,
            settings={"epochs": 1, "temperature": 0.0},
            plan=challenges,
            epochs=1,
        )
        engine = Engine(store, run_id, provider, GradingPolicy(judge), RunOptions())
        outcome = asyncio.run(engine.run())
        assert outcome.status == "complete"
        report = RunReport.load(store, run_id)
    text = render_html(report)
    page = root / "report.html"
    page.write_text(text, encoding="utf-8")
    return RenderedRun(root, report, page, text)


# pure Python: the page's text


def test_embed_json_escapes_markup_and_line_separators() -> None:
    data = {"reply": "</script><!-- <img src=x onerror=alert(1)> & \u2028 \u2029 -->", "<k>": 1}
    text = embed_json(data)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == data


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _csp_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_run_text_never_becomes_markup(rendered: RenderedRun) -> None:
    parser = _Tags()
    parser.feed(rendered.html)
    names = [tag for tag, _ in parser.tags]
    assert names.count("script") == 2
    assert "img" not in names
    handlers = [name for _, attrs in parser.tags for name in attrs if name.startswith("on")]
    assert handlers == []
    data = json.loads(parser.scripts[0])
    samples = {sample["clause"]: sample for sample in data["samples"]}
    assert samples["sc01"]["reply"] == REPLY_PAYLOAD
    assert samples["sc01"]["rationale"] == RATIONALE_PAYLOAD
    assert samples["sc01"]["title"] == TITLE_PAYLOAD
    assert samples["sc01"]["conversation"] == [{"role": "user", "content": PROMPT_PAYLOAD}]
    assert "<script>window.__xss" not in rendered.html
    assert "<img" not in rendered.html


def test_policy_admits_only_the_page_own_script_and_style(rendered: RenderedRun) -> None:
    parser = _Tags()
    parser.feed(rendered.html)
    metas = [attrs for tag, attrs in parser.tags if tag == "meta"]
    (policy,) = [m["content"] for m in metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert policy is not None and "default-src 'none'" in policy
    style = re.search(r"<style>(.*?)</style>", rendered.html, re.S)
    assert style is not None
    assert f"style-src {_csp_source(style[1])}" in policy
    assert f"script-src {_csp_source(parser.scripts[1])}" in policy
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in parser.scripts[1]


def test_placeholders_in_run_text_are_not_filled(tmp_path: Path, rendered: RenderedRun) -> None:
    run = rendered.report.run
    name = "python:{{data}}{{script}}"
    odd = type(run)(**{**_fields(run), "model": name, "models": (name,)})
    report = RunReport(odd, rendered.report.clauses, rendered.report.samples, rendered.report.total)
    text = render_html(report, project_root=tmp_path)
    assert "<title>Charter run " in text
    assert f"Charter run {run.id}: python:{{{{data}}}}{{{{script}}}}</title>" in text


def _fields(record: object) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]


# the calibration slot


def test_calibration_absent_for_no_file_or_no_grader(tmp_path: Path) -> None:
    assert load_calibration(tmp_path, "judge:openai:gpt-4o") is None
    assert load_calibration(tmp_path, None) is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            {
                "accuracy": 0.9,
                "cohen_kappa": 0.8,
                "labels": ["a", "b"],
                "confusion": [[3, 1], [0, 4]],
            },
            {"accuracy": 0.9, "kappa": 0.8, "labels": ["a", "b"], "matrix": [[3, 1], [0, 4]]},
        ),
        (
            {"confusion_matrix": {"labels": ["x", "y"], "matrix": [[1, 2], [3, 4]]}},
            {"accuracy": None, "kappa": None, "labels": ["x", "y"], "matrix": [[1, 2], [3, 4]]},
        ),
        (
            {"overall": {"accuracy": 0.5}, "confusion": {"comply": {"violate": 2}}},
            {"accuracy": 0.5, "labels": ["comply", "violate"], "matrix": [[0, 2], [0, 0]]},
        ),
        ({"kappa": "high", "confusion": [[1]]}, {"kappa": None, "accuracy": None}),
    ],
)
def test_calibration_reader_is_tolerant(
    tmp_path: Path, content: dict[str, object], expected: dict[str, object]
) -> None:
    folder = tmp_path / ".charter" / "calibration"
    folder.mkdir(parents=True)
    (folder / "openai_gpt-4o.json").write_text(json.dumps(content), encoding="utf-8")
    found = load_calibration(tmp_path, "judge:openai:gpt-4o")
    assert found is not None
    for key, value in expected.items():
        assert found.get(key) == value, key
    if "labels" not in expected:
        assert "matrix" not in found


def test_unreadable_calibration_is_reported_not_raised(tmp_path: Path) -> None:
    folder = tmp_path / ".charter" / "calibration"
    folder.mkdir(parents=True)
    (folder / "m.json").write_text("{not json", encoding="utf-8")
    found = load_calibration(tmp_path, "judge:m")
    assert found is not None and found["problem"].startswith("unreadable")


def test_cli_writes_the_html_report(tmp_path: Path) -> None:
    root = make_spec(tmp_path)
    out = root / "out.html"
    done = charter(root, "test", ".", "-m", "python:bot:reply", "--report", "html", "-o", out)
    assert done.returncode == 0, done.stderr
    assert f"html report written to {out}" in done.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert '<script type="application/json" id="charter-data">' in text
    assert json.loads(text.split('id="charter-data">')[1].split("</script>")[0])["run"][
        "model"
    ] == ("python:bot:reply")


# the page in headless Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium", pytrace=False)
    profile = tempfile.mkdtemp(prefix="charter-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@dataclass(slots=True)
class OpenedPage:
    page: Page
    dialogs: list[str]
    requests: list[str]
    errors: list[str]


def _open(browser: BrowserContext, path: Path) -> OpenedPage:
    page = browser.new_page()
    opened = OpenedPage(page, [], [], [])

    def on_dialog(dialog: Dialog) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_selector("#shown:has-text('Showing')")
    return opened


@pytest.fixture
def opened(browser: BrowserContext, rendered: RenderedRun) -> Iterator[OpenedPage]:
    result = _open(browser, rendered.page)
    yield result
    result.page.close()
    assert result.errors == []


def _visible_verdicts(page: Page) -> list[str | None]:
    rows = page.locator("article.sample:visible")
    return [rows.nth(i).get_attribute("data-verdict") for i in range(rows.count())]


def test_a_bar_per_clause_with_its_interval(opened: OpenedPage, rendered: RenderedRun) -> None:
    page = opened.page
    bars = page.locator(".bar-row")
    assert bars.count() == len(rendered.report.clauses) == 3
    rf01 = page.locator(".bar-row[data-clause='rf01']")
    track = rf01.locator(".track").bounding_box()
    fill = rf01.locator(".fill").bounding_box()
    band = rf01.locator(".ci").bounding_box()
    low, high = wilson_interval(1, 2) or (0.0, 0.0)
    inner = track["width"] - 2  # one-pixel border on each side
    assert fill["width"] == pytest.approx(0.5 * inner, abs=1.5)
    assert band["x"] - track["x"] - 1 == pytest.approx(low * inner, abs=1.5)
    assert band["width"] == pytest.approx((high - low) * inner, abs=1.5)
    assert "0/1 passed, 0.0% [0.00, 0.79] · 0 need review" in (
        page.locator(".bar-row[data-clause='sc01']").inner_text()
    )


def test_filters_hide_the_right_rows(opened: OpenedPage, rendered: RenderedRun) -> None:
    page = opened.page
    everything = sorted(s.sample.verdict or "needs_review" for s in rendered.report.samples)
    assert (
        sorted(_visible_verdicts(page))
        == everything
        == [
            "comply",
            "comply",
            "violate",
            "violate",
        ]
    )
    page.click("button.verdict-filter[data-verdict='violate']")
    assert _visible_verdicts(page) == ["comply", "comply"]
    assert page.locator("#shown").inner_text() == "Showing 2 of 4 samples"
    page.click("button.verdict-filter[data-verdict='violate']")
    page.check("#filter-failures")
    assert _visible_verdicts(page) == ["violate", "violate"]
    page.uncheck("#filter-failures")
    page.select_option("#filter-authority", "root")
    groups = page.locator("details.clause-group:visible")
    assert groups.count() == 1 and groups.get_attribute("data-clause") == "sc01"
    assert page.locator(".bar-row:visible").count() == 1


def test_search_matches_clause_ids_and_prompts(opened: OpenedPage) -> None:
    page = opened.page
    search = page.locator("#filter-search")
    search.fill("TN01")
    groups = page.locator("details.clause-group:visible")
    assert groups.count() == 1 and groups.get_attribute("data-clause") == "tn01"
    search.fill("returns work")
    rows = page.locator("article.sample:visible")
    assert rows.count() == 1 and "How do returns work?" in rows.inner_text()
    search.fill("30 days")  # only in a reply, and replies are not searched
    assert page.locator("#shown").inner_text() == "Showing 0 of 4 samples"
    search.fill("")
    assert page.locator("article.sample:visible").count() == 4


def _assert_inert(opened: OpenedPage, page_path: Path) -> None:
    page = opened.page
    secrets = page.locator("details.clause-group[data-clause='sc01'] article.sample")
    assert secrets.locator(".reply-text").inner_text() == REPLY_PAYLOAD
    assert secrets.locator(".rationale pre").inner_text() == RATIONALE_PAYLOAD
    assert secrets.locator(".title").inner_text() == TITLE_PAYLOAD
    assert secrets.locator(".turn pre").inner_text() == PROMPT_PAYLOAD
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    assert opened.dialogs == []
    assert opened.requests == [page_path.as_uri()]


def test_injected_markup_is_shown_as_text_and_never_runs(
    opened: OpenedPage, rendered: RenderedRun
) -> None:
    _assert_inert(opened, rendered.page)
    opened.page.screenshot(path=str(rendered.root / "report.png"), full_page=True)
    assert (rendered.root / "report.png").stat().st_size > 10_000


def test_escaping_holds_without_the_content_security_policy(
    browser: BrowserContext, rendered: RenderedRun
) -> None:
    """The policy is a second wall: with it removed, nothing from the run runs either."""
    bare = rendered.root / "report-no-csp.html"
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", rendered.html)
    assert "Content-Security-Policy" not in text
    bare.write_text(text, encoding="utf-8")
    opened = _open(browser, bare)
    try:
        _assert_inert(opened, bare)
        assert opened.errors == []
    finally:
        opened.page.close()


def test_calibration_section_shows_accuracy_kappa_and_matrix(opened: OpenedPage) -> None:
    page = opened.page
    section = page.locator("#calibration")
    assert section.is_visible()
    text = section.inner_text()
    assert "87.5%" in text and "0.712" in text and "40" in text and "Reliable\nyes" in text
    cells = section.locator("table.confusion tr").all_inner_texts()
    assert [re.split(r"\s+", row.strip()) for row in cells[1:]] == [
        ["comply", "20", "3"],
        ["violate", "2", "15"],
    ]


def test_page_without_calibration_hides_the_section(
    browser: BrowserContext, rendered: RenderedRun, tmp_path: Path
) -> None:
    page_path = tmp_path / "plain.html"
    page_path.write_text(render_html(rendered.report, project_root=tmp_path), encoding="utf-8")
    opened = _open(browser, page_path)
    try:
        assert not opened.page.locator("#calibration").is_visible()
        assert opened.page.locator(".bar-row").count() == 3
    finally:
        opened.page.close()
