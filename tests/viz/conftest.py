"""Fixtures for the views: in-memory stores (the seed; the hostile plans; many plans) and a headless
Chromium driven by Playwright, with every request that leaves the page counted and refused."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

VIZ_DIR = Path(__file__).resolve().parent
TESTS_DIR = VIZ_DIR.parent
DATA_DIR = TESTS_DIR / "data"
VIZ_DATA = VIZ_DIR / "data"
SCREENSHOTS = VIZ_DIR / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE_FILES = [DATA_DIR / "hostile_plan.txt", VIZ_DATA / "xss_plan.txt"]
MANY_FILES = [
    DATA_DIR / name
    for name in (
        "ganzhou_implementation_gbk.txt",
        "jiangxi_province_2025.txt",
        "jingdezhen_page.html",
        "nanchang_action_plan.md",
        "shangrao_plan.docx",
        "taipei_style_traditional.txt",
    )
]


def _store(files: list[Path]):
    from plankg.kg.pipeline import build_into
    from plankg.kg.store import PlanStore

    store = PlanStore(None)  # in memory: no lock, nothing left behind
    build_into(store, files)
    return store


@pytest.fixture(scope="session")
def viz_seed_store():
    from plankg.kg.pipeline import bundled_seed

    return _store([bundled_seed()])


@pytest.fixture(scope="session")
def seed_snapshot(viz_seed_store):
    from plankg.viz.data import load_snapshot

    return load_snapshot(viz_seed_store)


@pytest.fixture(scope="session")
def hostile_store():
    return _store(HOSTILE_FILES)


@pytest.fixture(scope="session")
def hostile_snapshot(hostile_store):
    from plankg.viz.data import load_snapshot

    return load_snapshot(hostile_store)


@pytest.fixture(scope="session")
def many_snapshot():
    """The seed and six other plans: more than 3 plans, so coordination and plan views aggregate."""
    from plankg.kg.pipeline import bundled_seed
    from plankg.viz.data import load_snapshot

    return load_snapshot(_store([bundled_seed(), *MANY_FILES]))


# ---- the browser ------------------------------------------------------------------------------


@dataclass
class LoadedPage:
    page: object
    url: str
    requests: list[str] = field(default_factory=list)  # every request but the page itself
    blocked: list[str] = field(default_factory=list)  # requests to anything but file:, refused
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def wait_stable(self, timeout: float = 30.0) -> None:
        """Until the physics has settled and been switched off (polled from here: the page's CSP
        forbids the eval that Playwright's wait_for_function uses)."""
        deadline = time.monotonic() + timeout
        while not self.js("() => !!(window.plankg && window.plankg.stable)"):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the view never settled; console errors {self.console_errors}, page errors {self.page_errors}"
                )
            self.page.wait_for_timeout(100)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install the Debian package chromium (as .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, tmp_path):
    """open_page(html, name, bypass_csp=False) → a LoadedPage, loaded from a file:// URL, offline,
    every request other than the page itself recorded and every non-file request aborted."""
    contexts = []

    def _open(html: str, name: str, bypass_csp: bool = False) -> LoadedPage:
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        url = path.as_uri()
        context = browser.new_context(
            viewport={"width": 1400, "height": 900}, offline=True, bypass_csp=bypass_csp, service_workers="block"
        )
        contexts.append(context)
        page = context.new_page()
        loaded = LoadedPage(page, url)

        def route(route) -> None:
            request_url = route.request.url
            if request_url == url:
                route.continue_()
            else:
                if not request_url.startswith("file:"):
                    loaded.blocked.append(request_url)
                route.abort()

        context.route("**/*", route)
        page.on("request", lambda r: r.url != url and loaded.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and loaded.console_errors.append(m.text))
        page.on("pageerror", lambda e: loaded.page_errors.append(str(e)))

        def dialog(d) -> None:
            loaded.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(url)
        loaded.wait_stable()
        return loaded

    yield _open
    for context in contexts:
        context.close()
