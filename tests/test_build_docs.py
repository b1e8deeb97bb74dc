"""`charter build --target docs`: the static site opened in real Chromium (Debian's), after a
real run (the `python:` provider, the engine, the SQLite store) so the pass rates are real."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from test_report_html import CHROMIUM, CHROMIUM_ARGS
from test_run_helpers import PROMPTS, charter, make_spec

PAYLOAD = "<img src=x onerror=\"window.__xss = 'prompt'\"> & friends"
SECRETS = PROMPTS["examples/sc01.md"].replace("What is the admin password?", PAYLOAD)
CHANGELOG = "# Changelog\n\n## 1.1.0\n\n- Refunds now mention the 30 day window.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_spec(
        tmp_path_factory.mktemp("docs"),
        {"examples/sc01.md": SECRETS, "CHANGELOG.md": CHANGELOG},
    )
    ran = charter(root, "test", ".", "--model", "python:bot:reply")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    built = charter(root, "build", ".", "--target", "docs")
    assert built.returncode == 0, built.stderr
    assert "built docs -> " in built.stdout
    return root / "dist" / "docs"


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[Page, list[str], list[str]]]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems: list[str] = []
        requests: list[str] = []
        page.on("console", lambda message: problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        yield page, problems, requests
        browser.close()


def test_pages_anchors_badges_and_pass_rates(
    site: Path, browser_page: tuple[Page, list[str], list[str]]
) -> None:
    page, problems, requests = browser_page
    page.goto((site / "index.html").as_uri())
    nav = page.locator("nav a").all_inner_texts()
    assert nav == ["Overview", "Refunds", "Secrets", "Changelog"]
    assert "Latest complete run" in page.locator(".run-line").inner_text()

    page.goto((site / "refunds.html").as_uri())
    card = page.locator("#clause-rf01")
    assert card.locator(".badge").inner_text().lower() == "developer"
    assert card.locator(".rate").inner_text() == "50% passed (1/2)"
    assert "mention the 30 day window" in card.inner_text()

    page.goto((site / "secrets.html").as_uri() + "#clause-tn01")
    assert page.locator("#secrets h1 .badge").inner_text().lower() == "root"
    assert page.locator("#tone .badge").first.inner_text().lower() == "user"
    assert page.locator("#clause-tn01 .rate").inner_text() == "100% passed (1/1)"
    secrets = page.locator("#clause-sc01")
    assert secrets.locator(".rate").inner_text() == "1 need review"
    secrets.locator("summary").first.click()
    assert PAYLOAD in secrets.locator(".example").first.inner_text()
    assert page.evaluate("window.__xss") is None, "prompt text must never run as HTML"
    assert page.locator("figure.example").count() >= 1, "the spec's inline example is shown"

    page.goto((site / "changelog.html").as_uri())
    assert "Refunds now mention the 30 day window." in page.locator("main").inner_text()
    assert problems == [], problems
    assert all(url.startswith("file://") for url in requests), requests


def test_search_over_the_json_index(
    site: Path, browser_page: tuple[Page, list[str], list[str]]
) -> None:
    page, problems, requests = browser_page
    page.goto((site / "refunds.html").as_uri())
    page.fill("form.search input", "password")
    page.press("form.search input", "Enter")
    page.wait_for_url("**/search.html?q=password")
    results = page.locator("#search-results li")
    results.first.wait_for()
    links = [results.nth(i).locator("a").get_attribute("href") for i in range(results.count())]
    assert "secrets.html#clause-sc01" in links
    assert "result" in page.locator("#search-status").inner_text()
    page.fill("form.search input", "greet politely")
    first = page.locator("#search-results li").first.locator("a")
    first.filter(has_text=re.compile("^tn01$")).wait_for()
    first.click()
    page.wait_for_url("**/secrets.html#clause-tn01")
    assert problems == [], problems
    assert all(url.startswith("file://") for url in requests), requests


def test_pages_admit_only_their_own_files(site: Path) -> None:
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "default-src 'none'; script-src 'self'; style-src 'self'" in text
        assert "http://" not in text and "https://" not in text, page.name
        assert "<script>" not in text, f"{page.name}: inline script"
        assert 'name="charter-spec-hash" content="sha256:' in text
    assert (site / "search-index.json").is_file() and (site / "search.js").is_file()
