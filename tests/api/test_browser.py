"""The pages in a real browser (headless Chromium through Playwright), against a real server: the
scripts run under the pages' Content-Security-Policy, and nothing is asked of any other host."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import GANTONGMA_UNITS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def page(server):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install the Debian package chromium (as .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context()
        elsewhere: list[str] = []
        errors: list[str] = []

        def route(request_route):
            url = request_route.request.url
            if url.startswith(server.url):
                request_route.continue_()
            else:
                elsewhere.append(url)
                request_route.abort()

        context.route("**/*", route)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda msg: errors.append(msg.text)
               if msg.type == "error" and "Failed to load resource" not in msg.text else None)
        tab.elsewhere, tab.errors = elsewhere, errors
        yield tab
        browser.close()


def test_the_editor_runs_the_gantongma_question(server, page):
    page.goto(server.url + "/query")
    page.click("#run")
    page.wait_for_selector("#results table")
    cells = page.locator("#results table tbody tr td:nth-child(4)").all_inner_texts()
    assert {cell.split(" @")[0].strip() for cell in cells} == GANTONGMA_UNITS
    assert "行" in page.inner_text("#status")
    page.select_option("#example", label=next(o for o in page.locator("#example option").all_inner_texts()
                                              if "coordination_load" in o))
    assert "weightedLoad" in page.input_value("#query")
    page.fill("#query", "SELECT ?x WHERE { ?x }")
    page.click("#run")
    page.locator("#status", has_text="400").wait_for()  # (no wait_for_function: the CSP forbids eval)
    assert not page.elsewhere and not page.errors, (page.elsewhere, page.errors)


def test_the_home_filter_and_the_question_box(server, page):
    page.goto(server.url + "/")
    page.fill("#filter", "赣通码")
    page.wait_for_timeout(200)
    assert page.locator("ol.tasks li:visible").count() < page.locator("ol.tasks li").count()
    page.goto(server.url + "/ask")
    page.fill("#question", "哪些单位涉及赣通码？")
    page.click("#ask-form button[type=submit]")
    page.wait_for_selector("#answer table")
    assert "市公安局" in page.inner_text("#answer")
    assert not page.elsewhere, page.elsewhere


def test_the_api_docs_render_offline(server, page):
    page.goto(server.url + "/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "plankg" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/sparql")
    page.screenshot(path=str(Path(server.store).parent / "docs.png"))
    assert not page.elsewhere, page.elsewhere
