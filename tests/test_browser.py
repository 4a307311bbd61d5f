"""`hint serve` in a real browser: the system's headless Chromium, driven by Playwright.

Playwright's Python package talks to the Chromium that Debian installs
(``apt-get install chromium fonts-ipafont-gothic``); it never downloads a
browser (`playwright install` is not needed). Without the package or the
browser these tests skip, except under ``CI=true``, where they fail.

Screenshots of the search and scene pages, and the printed PDF, are written to
``$HINT_SCREENSHOTS`` (else a pytest temporary folder, printed) for review.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import IN_CI
from test_web import EXPECTED_HEADING, QUERY, Running, start

from hintcli import store

CHROMIUM = os.environ.get("HINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEBOUNCE_WAIT = 1.0  # seconds: well past search.js's 250 ms debounce


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return "Chromium is not installed (apt-get install chromium fonts-ipafont-gothic)"
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False).stdout
        if not fonts.strip():
            return "no Japanese font: every character would be a box (apt-get install fonts-ipafont-gothic)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if IN_CI:
            pytest.fail(f"CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site() -> Iterator[Running]:
    store.clear()
    running = start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("HINT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture
def page(browser: Any, site: Running) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: problems.append(f"off-site: {r.url}") if not r.url.startswith(_base(site)) else None,
    )
    page.problems = problems
    yield page
    context.close()
    # No script error, no CSP violation, no request anywhere but this server.
    assert [p for p in problems if "favicon" not in p and "404" not in p] == []


def _base(site: Running) -> str:
    return f"http://127.0.0.1:{site.port}"


def api_requests(page: Any) -> list[str]:
    found: list[str] = []
    page.on("request", lambda r: found.append(r.url) if "/api/" in r.url else None)
    return found


def test_typing_a_japanese_query_shows_the_letter_hints_and_leads_to_its_scene(
    page: Any, site: Running, shots: Path
) -> None:
    page.goto(_base(site) + "/")
    sent = api_requests(page)
    page.focus("#q")
    page.keyboard.insert_text(QUERY)
    result = page.locator(".result", has=page.locator("a.id", has_text="s1-h8"))
    result.wait_for()
    assert len(sent) == 1 and parse_qs(urlsplit(sent[0]).query)["q"] == [QUERY]
    assert page.locator(".result").count() == 5
    assert "場面1の委員からのサジェスション" in page.inner_text("main")
    assert result.locator("mark").count() >= 1
    # The address follows the query, so a reload or a bookmark shows the same page.
    assert parse_qs(urlsplit(page.url).query)["q"] == [QUERY]
    # The handout downloads follow what is on screen.
    assert page.locator(".downloads").is_visible()
    hrefs = [a.get_attribute("href") for a in page.locator(".downloads a").all()]
    assert [parse_qs(urlsplit(h).query)["format"] for h in hrefs] == [["html"], ["md"], ["csv"]]
    assert all(parse_qs(urlsplit(h).query)["q"] == [QUERY] for h in hrefs)
    page.screenshot(path=str(shots / "search.png"), full_page=True)

    result.locator("a.id").click()
    page.wait_for_url("**/entry/s1-h8")
    page.locator(".place a").click()
    page.wait_for_url("**/scene/1")
    assert page.locator("h1").inner_text().startswith("場面1")
    assert EXPECTED_HEADING in page.inner_text("main")
    page.screenshot(path=str(shots / "scene.png"), full_page=False)
    page.goto(_base(site) + "/scene/3")
    assert page.locator("h1").inner_text().startswith("場面3")
    page.screenshot(path=str(shots / "scene3.png"), full_page=False)


def test_no_request_while_composing_and_one_after_the_composition_ends(page: Any, site: Running) -> None:
    page.goto(_base(site) + "/")
    sent = api_requests(page)
    page.focus("#q")
    cdp = page.context.new_cdp_session(page)
    for text in ("ほ", "ほんにん", "本人", "本人にあえない", "本人に会えない"):
        cdp.send(
            "Input.imeSetComposition", {"text": text, "selectionStart": len(text), "selectionEnd": len(text)}
        )
        page.wait_for_timeout(150)
    page.wait_for_timeout(DEBOUNCE_WAIT * 1000)
    assert page.input_value("#q") == "本人に会えない"  # the composition is in the box ...
    assert sent == []  # ... and nothing was asked for while it was composed
    cdp.send("Input.insertText", {"text": "本人に会えない"})  # the IME commits: compositionend
    page.locator(".result", has_text=f"「{EXPECTED_HEADING}」").first.wait_for()
    page.wait_for_timeout(DEBOUNCE_WAIT * 1000)
    assert len(sent) == 1, sent
    assert parse_qs(urlsplit(sent[0]).query)["q"] == [QUERY]


def test_typing_fast_sends_one_request_after_a_short_pause(page: Any, site: Running) -> None:
    page.goto(_base(site) + "/")
    sent = api_requests(page)
    page.focus("#q")
    page.keyboard.type("visit", delay=40)  # keystrokes 40 ms apart: inside the debounce
    page.wait_for_timeout(DEBOUNCE_WAIT * 1000)
    assert len(sent) == 1 and parse_qs(urlsplit(sent[0]).query)["q"] == ["visit"]


def test_the_form_works_with_javascript_off(browser: Any, site: Running) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(_base(site) + "/")
        page.fill("#q", QUERY)
        page.press("#q", "Enter")
        page.wait_for_url(f"**/?q={quote(QUERY)}**")
        assert f"「{EXPECTED_HEADING}」" in page.inner_text("main")
    finally:
        context.close()


def test_query_markup_is_shown_as_text_in_the_live_results(page: Any, site: Running) -> None:
    page.goto(_base(site) + "/")
    page.focus("#q")
    query = '手紙<img src=x onerror="document.title=1">'
    page.keyboard.insert_text(query)
    page.locator("main h1", has_text="検索結果").wait_for()
    assert query[:20] in page.inner_text("main h1")
    assert page.locator("main img").count() == 0 and page.title() != "1"


def test_print_is_a4_without_navigation_and_makes_a_pdf(page: Any, site: Running, shots: Path) -> None:
    page.goto(_base(site) + f"/?q={quote(QUERY)}")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator(".downloads").is_visible()
    assert page.locator(".result").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    pdf = page.pdf(format="A4", print_background=True)
    (shots / "search.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert b"/MediaBox [0 0 595" in pdf  # A4: 595 x 842 points


def test_a_phone_screen_needs_no_sideways_scrolling(browser: Any, site: Running, shots: Path) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    try:
        page = context.new_page()
        for path, name in ((f"/?q={quote(QUERY)}", "phone-search.png"), ("/scene/3", None), ("/list", None)):
            page.goto(_base(site) + path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
            if name:
                page.screenshot(path=str(shots / name))
    finally:
        context.close()
