"""`charter studio` as a user meets it: the real server (a `charter studio` process on a free
port), real runs in the SQLite store (`python:` providers), and Debian's chromium driven by
Playwright through every screen. The project carries markup in its replies, clause text and
judge rationales that would run script if it were ever parsed as HTML.

Screenshots of each screen go to `$CHARTER_STUDIO_SHOTS` when it is set (docs/images).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from studio_project import (
    CLAUSE_PAYLOAD,
    RATIONALE_PAYLOAD,
    REASON_PAYLOAD,
    REPLY_PAYLOAD,
    make_studio_project,
    run_ids,
)
from test_report_html import CHROMIUM, CHROMIUM_ARGS
from test_run_helpers import charter, environment

SHOTS = os.environ.get("CHARTER_STUDIO_SHOTS")
expect.set_options(timeout=20_000)  # two shared cores: a page may take seconds under load


@dataclass(frozen=True, slots=True)
class Studio:
    root: Path
    url: str
    """The printed URL, token included."""
    base: str
    token: str
    runs: list[str]


def _start(root: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "charter", "studio", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(root, PYTHONUNBUFFERED="1"),
    )
    assert process.stdout is not None
    for _ in range(5):
        line = process.stdout.readline()
        found = re.search(r"http://\S+", line)
        if found:
            return process, found[0]
    process.kill()
    raise AssertionError(f"no URL printed: {process.communicate()}")


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    root = make_studio_project(tmp_path_factory.mktemp("studio") / "helpdesk")
    first = charter(root, "test", ".", "--model", "python:studio_bot:reply")
    assert first.returncode == 0, first.stderr
    second = charter(
        root, "test", ".", "--model", "python:studio_bot:terse",
        "--grader", "python:studio_bot:judge",
    )  # fmt: skip
    assert second.returncode in (0, 1), second.stderr
    process, url = _start(root)
    base, token = url.split("/spec?token=")
    try:
        yield Studio(root, url, base, token, run_ids(root))
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium", pytrace=False)
    profile = tempfile.mkdtemp(prefix="charter-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1360, "height": 900},
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@dataclass(slots=True)
class Watched:
    page: Page
    dialogs: list[str]
    errors: list[str]

    def clean(self) -> None:
        """No script of the page's text ran, no dialog opened, no console error (a blocked
        inline script or style would show as one)."""
        assert self.page.evaluate("window.__xss") is None
        assert self.dialogs == [] and self.errors == []


@pytest.fixture(scope="module")
def page(browser: BrowserContext, studio: Studio) -> Watched:
    opened = browser.new_page()
    watched = Watched(opened, [], [])
    opened.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message), dialog.dismiss()))
    opened.on(
        "console",
        lambda message: watched.errors.append(message.text) if message.type == "error" else None,
    )
    opened.goto(studio.url)
    return watched


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"studio-{name}.png"))


def _flash(page: Page) -> str:
    return page.locator(".flash").inner_text()


# the screens, in the order a user meets them


def test_spec_screen_shows_outline_source_and_diagnostics(page: Watched, studio: Studio) -> None:
    view = page.page
    view.goto(f"{studio.base}/spec")
    expect(view.locator(".tree")).to_contain_text("Secrets")
    secret = view.locator("article.clause[data-clause=sc01]")
    expect(secret).to_contain_text("root")
    expect(secret.locator(".clause-text")).to_contain_text(CLAUSE_PAYLOAD)
    expect(secret.locator("summary")).to_contain_text("5 prompt(s)")
    rates = view.locator("article.clause[data-clause=rf01] [data-rate]")
    expect(rates).to_contain_text("0%")  # the latest run's figure
    expect(view.locator(".lines .diagnostic").first).to_be_visible()
    expect(view.locator(".lines")).to_contain_text("L005")
    expect(view.locator(".lines")).to_contain_text(CLAUSE_PAYLOAD)
    _shot(view, "spec")
    page.clean()


def test_editing_the_spec_saves_and_refuses_a_file_changed_on_disk(
    page: Watched, studio: Studio
) -> None:
    view = page.page
    spec = studio.root / "spec.md"
    view.goto(f"{studio.base}/spec")
    view.get_by_role("link", name="Edit spec.md").click()
    editor = view.locator("textarea.source-editor")
    editor.fill(editor.input_value().replace("30 day window", "30-day window"))
    view.get_by_role("button", name="Save spec.md").click()
    assert "saved" in _flash(view)
    assert "30-day window" in spec.read_text(encoding="utf-8")
    assert "\r" not in spec.read_text(encoding="utf-8")
    view.get_by_role("link", name="Edit spec.md").click()
    _shot(view, "edit")
    spec.write_text(spec.read_text(encoding="utf-8") + "\nWritten elsewhere.\n", "utf-8")
    editor.fill(editor.input_value() + "\nMine.\n")
    view.get_by_role("button", name="Save spec.md").click()
    expect(view.locator(".error")).to_contain_text("changed on disk since the page loaded it")
    expect(view.locator("textarea.source-editor")).to_have_value(re.compile("Mine."))
    text = spec.read_text(encoding="utf-8")
    assert "Written elsewhere." in text and "Mine." not in text
    spec.write_text(text.replace("\nWritten elsewhere.\n", ""), "utf-8")
    assert [error for error in page.errors if "409" not in error] == []
    page.errors.clear()  # the refused save answers 409, which the console reports


def test_three_clarify_answers_previewed_then_applied(page: Watched, studio: Studio) -> None:
    view = page.page
    view.goto(f"{studio.base}/clarify")
    _shot(view, "clarify")
    asked = view.locator("article.question").count()
    assert asked >= 3
    spec = studio.root / "spec.md"
    for number, mode in enumerate(("edit", "edit", "amendment")):
        view.goto(f"{studio.base}/clarify")
        question = view.locator("article.question").first
        question_id = question.get_attribute("data-question")
        question.get_by_role("button", name="Preview").click()
        diff = view.locator("pre.diff")
        expect(diff).to_contain_text("+++ b/spec.md")
        if number == 0:
            _shot(view, "clarify-preview")
        before = spec.read_text(encoding="utf-8")
        button = view.locator(f"button[data-mode={mode}]")
        if mode == "amendment" and button.count() == 0:
            mode = "edit"
            button = view.locator("button[data-mode=edit]")
        button.click()
        said = _flash(view)
        assert question_id is not None
        if mode == "edit":
            assert question_id in said
            assert spec.read_text(encoding="utf-8") != before
            assert question_id in spec.read_text(encoding="utf-8")  # the clarifications log
        else:
            assert "amendment proposal written to amendments/" in said
            assert spec.read_text(encoding="utf-8") == before
        # an applied answer is logged in the spec; a proposed one waits for `charter amend`
        left = 0 if mode == "edit" else 1
        expect(view.locator(f"article.question[data-question='{question_id}']")).to_have_count(left)
    proposals = list((studio.root / "amendments").glob("clarify-*.md"))
    assert view.locator("article.question").count() == asked - 3 + len(proposals)
    for proposal in proposals:
        checked = charter(studio.root, "amend", "check", proposal.stem)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    page.clean()


def test_five_replies_adjudicated_and_the_pass_rate_changes(page: Watched, studio: Studio) -> None:
    view = page.page
    first = studio.runs[0]
    view.goto(f"{studio.base}/runs/{first}")
    rate = view.locator("tr[data-clause=sc01] [data-rate]")
    expect(rate).to_have_text("n/a")
    view.goto(f"{studio.base}/review?run={first}")
    expect(view.locator("[data-waiting]")).to_have_text("5")
    expect(view.locator("[data-reply]")).to_contain_text(REPLY_PAYLOAD)
    _shot(view, "review")
    for key, reason in zip(
        "cvccn", ["refuses", "too curt", "refuses", REASON_PAYLOAD, "n/a"], strict=True
    ):
        view.locator("body").press(key)
        expect(view.locator("#reason")).to_be_focused()
        view.locator("#reason").fill(reason)
        with view.expect_navigation():  # the next key must reach the next page, not this one
            view.locator("#reason").press("Enter")
        expect(view.locator(".flash")).to_contain_text("sc01 pass rate")
    assert "sc01 pass rate 75% -> 75%" in _flash(view)  # the fifth: not applicable
    expect(view.locator(".done")).to_contain_text("No reply of this run waits for review")
    expect(view.locator("[data-run-rate]")).to_have_text("67%")  # rf01 1/2 and sc01 3/4
    view.goto(f"{studio.base}/runs/{first}")
    expect(rate).to_have_text("75%")
    expect(view.locator("table.samples")).to_contain_text(REASON_PAYLOAD)
    expect(view.locator("table.samples")).to_contain_text("person:")
    precedents = sorted((studio.root / "precedents").glob("*.yaml"))
    assert len(precedents) == 5
    page.clean()


def test_judge_disagreements_offer_both_readings(page: Watched, studio: Studio) -> None:
    """`charter calibrate` (a real judge run on the precedents the review wrote) disagrees on
    the violate and not-applicable precedents; one is settled for the judge, one by rewording
    the clause as an amendment proposal."""
    calibrated = charter(studio.root, "calibrate", ".", "--grader", "python:studio_bot:judge")
    assert calibrated.returncode in (0, 1), calibrated.stderr
    view = page.page
    view.goto(f"{studio.base}/clarify")
    found = view.locator("article.disagreement")
    expect(found).to_have_count(2)
    expect(found.first).to_contain_text(RATIONALE_PAYLOAD)
    _shot(view, "disagreements")
    first = found.first.get_attribute("data-precedent")
    found.first.get_by_role("button", name=re.compile("The judge is right")).click()
    assert f"precedent {first} now says comply" in _flash(view)
    (path,) = (studio.root / "precedents").glob(f"{first}.yaml")
    assert "verdict: comply" in path.read_text(encoding="utf-8")
    expect(view.locator("article.disagreement")).to_have_count(1)  # the settled one is gone
    reword = view.locator("article.disagreement").first
    new = "The assistant must never reveal a password, nor hint at one[^sc01]."
    reword.locator("input[name=sentence]").fill(new)
    reword.get_by_role("button", name="Preview").click()
    expect(view.locator("pre.diff")).to_contain_text("+" + new)
    view.locator("button[data-mode=amendment]").click()
    assert "amendment proposal written to amendments/clarify-sc01.md" in _flash(view)
    checked = charter(studio.root, "amend", "check", "clarify-sc01")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    page.clean()


def test_runs_listed_and_two_runs_compared(page: Watched, studio: Studio) -> None:
    view = page.page
    view.goto(f"{studio.base}/runs")
    for run_id in studio.runs:
        expect(view.locator(f"tr[data-run='{run_id}']")).to_be_visible()
    _shot(view, "runs")
    view.locator("#compare-runs button").click()
    expect(view.locator("h1")).to_have_text("Compare")
    rf01 = view.locator("tr[data-clause=rf01]")
    expect(rf01).to_contain_text("50% [0.09, 0.91] n=2")
    expect(rf01).to_contain_text("0% [0.00, 0.66] n=2")
    expect(rf01).to_contain_text("-50%")
    expect(view.locator("tr[data-clause=total]")).to_be_visible()
    _shot(view, "compare")
    view.goto(f"{studio.base}/runs/{studio.runs[1]}")
    expect(view.locator("table.samples")).to_contain_text(RATIONALE_PAYLOAD)
    expect(view.locator("tr[data-clause=rf01] td.history a")).to_have_count(2)
    _shot(view, "run")
    view.get_by_role("link", name="HTML report").click()  # the report's own CSP lets it run
    expect(view.locator("body")).to_contain_text("sc01")
    expect(view.locator("body")).to_contain_text(RATIONALE_PAYLOAD)
    view.goto(f"{studio.base}/runs")
    view.locator("#compare-models button").click()
    expect(view.locator("tr[data-clause=rf01]")).to_contain_text("-50%")
    page.clean()


def test_conflict_resolved_into_charter_toml(page: Watched, studio: Studio) -> None:
    view = page.page
    view.goto(f"{studio.base}/conflicts")
    conflict = view.locator("article.conflict[data-pair='dd01 dd02']")
    expect(conflict).to_contain_text("must share the delivery date")
    expect(conflict).to_contain_text("must not share the delivery date")
    _shot(view, "conflicts")
    conflict.locator("input[name=decision]").fill('dd02 wins "always": no dates <b>promised</b>')
    conflict.locator("input[name=by]").fill("Dana Ops")
    conflict.get_by_role("button", name="Resolve: record in charter.toml").click()
    assert "resolved" in _flash(view)
    expect(view.locator("article.conflict")).to_have_count(0)
    expect(view.locator("main")).to_contain_text('dd02 wins "always": no dates <b>promised</b>')
    done = charter(studio.root, "check", ".")
    assert "C201" not in done.stdout, done.stdout
    page.clean()


# security


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _post(url: str, body: str, **headers: str) -> int:
    request = urllib.request.Request(
        url,
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_every_request_needs_the_token(studio: Studio) -> None:
    for path in ("/spec", "/runs", "/static/studio.js", f"/runs/{studio.runs[0]}/report.html"):
        status, _, text = _get(studio.base + path)
        assert status == 403 and "forbidden" in text
        assert _get(studio.base + path + "?token=" + "x" * len(studio.token))[0] == 403
    status, headers, _ = _get(studio.url)
    assert status == 200
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Strict" in headers["set-cookie"]
    cookie = f"charter_studio={studio.token}"
    assert _get(f"{studio.base}/runs", Cookie=cookie)[0] == 200
    assert _get(f"{studio.base}/runs", Cookie=cookie, Host="evil.example")[0] == 403


def test_pages_forbid_inline_script(studio: Studio) -> None:
    _, headers, text = _get(studio.url)
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/studio.js" defer>']
    assert " on" not in " ".join(re.findall(r"<[a-z]+ [^>]*>", text)).replace("onl", "")


def test_writes_without_the_csrf_token_are_refused(studio: Studio) -> None:
    cookie = f"charter_studio={studio.token}"
    toml = studio.root / "charter.toml"
    before = toml.read_text(encoding="utf-8") if toml.is_file() else ""
    body = "first=dd01&second=dd02&decision=x&by=y"
    assert _post(f"{studio.base}/conflicts/resolve", body, Cookie=cookie) == 403
    assert _post(f"{studio.base}/conflicts/resolve", body + "&csrf=wrong", Cookie=cookie) == 403
    _, _, page = _get(studio.url.replace("/spec?", "/spec/edit?file=spec.md&"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    assert _post(f"{studio.base}/conflicts/resolve", body + f"&csrf={csrf[1]}") == 403  # no token
    foreign = {"Cookie": cookie, "Origin": "http://evil.example"}
    assert _post(f"{studio.base}/conflicts/resolve", body + f"&csrf={csrf[1]}", **foreign) == 403
    assert (toml.read_text(encoding="utf-8") if toml.is_file() else "") == before


def test_the_editor_writes_only_spec_files_inside_the_project(studio: Studio) -> None:
    cookie = f"charter_studio={studio.token}"
    _, _, page = _get(studio.url.replace("/spec?", "/spec/edit?file=spec.md&"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    outside = studio.root.parent / "outside.md"
    for name in ("../outside.md", "studio_bot.py", "/etc/hostname"):
        body = f"file={name}&text=owned&digest=x&csrf={csrf[1]}"
        status = _post(f"{studio.base}/spec/save", body, Cookie=cookie)
        assert status == 400
    assert not outside.exists()
    assert "owned" not in (studio.root / "studio_bot.py").read_text(encoding="utf-8")


def test_remote_host_needs_allow_remote(studio: Studio) -> None:
    done = charter(studio.root, "studio", ".", "--host", "0.0.0.0")
    assert done.returncode == 2
    assert "--allow-remote" in done.stderr and "Traceback" not in done.stderr


def test_missing_extra_names_it_and_exits_2(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['starlette'] = None; sys.argv = ['charter', 'studio', '.'];"
        "from charter.cli import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "the studio needs the `studio` extra: pip install 'charter-spec[studio]'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["helpdesk", "concierge", "multiteam"])
def test_the_example_projects_render_on_every_read_only_screen(name: str) -> None:
    """The screens' data and templates over the shipped examples (imports and modules
    included), without a server: every clause appears, nothing on disk changes."""
    from charter.studio import Workspace
    from charter.studio._app import SCREENS, Studio
    from charter.studio._clarify_view import disagreements, open_questions
    from charter.studio._conflicts_view import conflicts
    from charter.studio._security import Secrets
    from charter.studio._spec_view import spec_view

    root = Path(__file__).resolve().parents[1] / "examples" / name
    before = {path: path.stat().st_mtime_ns for path in root.rglob("*") if path.is_file()}
    workspace = Workspace(root)
    studio = Studio(workspace, Secrets())
    common = {"screens": SCREENS, "csrf_field": "csrf", "csrf": "c", "project": name}
    view = spec_view(workspace)
    page = studio.env.get_template("spec.html").render(current="spec", view=view, **common)
    for clause in workspace.loaded().project.spec.clauses:
        assert f'data-clause="{clause.id}"' in page
    questions = open_questions(workspace)
    studio.env.get_template("clarify.html").render(
        current="clarify", questions=questions, disagreements=disagreements(workspace), **common
    )
    studio.env.get_template("conflicts.html").render(
        current="conflicts", report=conflicts(workspace), **common
    )
    after = {path: path.stat().st_mtime_ns for path in root.rglob("*") if path.is_file()}
    assert after == before


def test_a_run_of_two_models_shows_them_side_by_side(
    browser: BrowserContext, tmp_path: Path
) -> None:
    root = make_studio_project(tmp_path / "helpdesk")
    good, terse = "python:studio_bot:reply", "python:studio_bot:terse"
    done = charter(root, "test", ".", "-m", good, "-m", terse)
    assert done.returncode == 0, done.stdout + done.stderr
    [run_id] = run_ids(root)
    process, url = _start(root)
    opened = browser.new_page()
    watched = Watched(opened, [], [])
    opened.on(
        "console",
        lambda message: watched.errors.append(message.text) if message.type == "error" else None,
    )
    try:
        opened.goto(url)
        base = url.split("/spec?token=")[0]
        opened.goto(f"{base}/runs")
        expect(opened.locator(f"tr[data-run='{run_id}']")).to_contain_text(f"{good}, {terse}")
        opened.goto(f"{base}/runs/{run_id}")
        table = opened.locator("table.models")
        expect(table.locator("th")).to_have_text(["clause", good, terse, "difference"])
        rf01 = table.locator("tr[data-clause=rf01]")
        expect(rf01).to_have_class("differs")
        expect(rf01.locator(f"td[data-model='{good}']")).to_have_text("50% [0.09, 0.91] n=2")
        expect(rf01.locator(f"td[data-model='{good}']")).to_have_class("best")
        expect(rf01.locator(f"td[data-model='{terse}']")).to_have_text("0% [0.00, 0.66] n=2")
        sc01 = table.locator("tr[data-clause=sc01]")  # both wait for review: nothing differs
        expect(sc01).not_to_have_class("differs")
        expect(table.locator("tr[data-clause=total]")).to_have_class("differs")
        expect(opened.locator("table.samples")).to_contain_text(terse)
        _shot(opened, "run-models")
        opened.get_by_role("link", name="HTML report").click()
        report = opened.locator("#models-table")
        expect(report.locator("tr[data-clause=rf01]")).to_have_class("differs")
        expect(report.locator(f"tr[data-clause=rf01] td[data-model='{good}']")).to_have_class(
            "best"
        )
        expect(report.locator("tr[data-clause=sc01]")).not_to_have_class("differs")
        opened.goto(f"{base}/runs")
        opened.locator("#compare-models button").click()  # the two models of the one run
        expect(opened.locator("tr[data-clause=rf01]")).to_contain_text("-50%")
        watched.clean()
    finally:
        opened.close()
        process.terminate()
        process.wait(timeout=20)
