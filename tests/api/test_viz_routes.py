"""The views and exports in the service: /viz/... and /exports/..., rendered over the engine through
the EngineRows adapter, kept per generation of the graph, linked from the pages, and drawn in a real
browser under the service's headers with nothing asked of any other host."""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest

from .conftest import SEED_PLAN_ID, build_store
from .test_pages import BROWSER, assert_offline, links_of

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

SEED_KEY = SEED_PLAN_ID.rsplit("/", 1)[-1]
BIG = "市发改委〔市数据局〕"
BIG_IRI = "https://w3id.org/plankg/id/unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju"
HTML = "text/html; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROUTES = {  # path → content type
    "/viz/coordination": HTML,
    "/viz/coordination?aggregate=type": HTML,
    "/viz/platform/赣通码": HTML,
    "/viz/platform/赣服通": HTML,
    "/viz/unit/市数据局": HTML,  # an alias
    "/viz/unit/市公安局": HTML,
    "/viz/unit/unit/jiujiang/shi-gong-an-ju": HTML,  # a pkid path
    "/viz/plan": HTML,
    f"/viz/plan?plan={SEED_KEY}": HTML,
    "/viz/plan?plan=九江市数字政府建设2025年工作要点": HTML,
    "/viz/matrix.svg": "image/svg+xml",
    "/viz/matrix.png": "image/png",
    "/viz/load.svg": "image/svg+xml",
    "/viz/load.png": "image/png",
    "/exports/plankg.xlsx": XLSX,
    "/exports/coordination.graphml": "application/graphml+xml",
    "/exports/coordination.gexf": "application/gexf+xml",
    "/exports/matrix.csv": "text/csv; charset=utf-8",
}
TOKEN = "viz-test-token"
DATA = re.compile(r'<script type="application/json" id="plankg-data">(.*?)</script>', re.S)
META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def page_data(html: str) -> dict:
    return json.loads(DATA.search(html).group(1))


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Iterator:
    """The service over the seed plan alone (38 units, 23 tasks), with an update token."""
    from fastapi.testclient import TestClient
    from plankg.api.app import create_app
    from plankg.api.settings import Settings
    from plankg.kg.store import PlanStore

    path = build_store(tmp_path_factory.mktemp("viz") / "store", hostile=False)
    store = PlanStore(path)
    stats = store.stats()
    del store
    app = create_app(Settings(store_path=path, timeout=10, workers=2, update_token=TOKEN))
    with TestClient(app) as client:
        client.stats = stats
        yield client


# ---- every route ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(ROUTES))
def test_route_answers_with_its_media_type(seed, path):
    response = seed.get(path, headers=BROWSER)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == ROUTES[path]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["etag"].startswith('"g')
    body = response.content
    if path.startswith("/exports/"):
        name = urlsplit(path).path.rsplit("/", 1)[-1]
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    if ROUTES[path] == HTML:
        html = response.text
        assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html
        assert '<a id="plankg-home" href="/">' in html  # back to the service
        assert len(links_of(html).scripts) == 3  # the data, vis-network, the page's own
        # the page's own policy as a header, not the service's (which would stop its inline script)
        policy = response.headers["content-security-policy"]
        assert policy == META_CSP.search(html).group(1).replace("&#39;", "'") + "; frame-ancestors 'none'"
        assert "script-src 'self'" not in policy and "connect-src 'none'" in policy
        assert_offline(html, data_urls=True)
        assert page_data(html)["vis"]["nodes"]
    elif ROUTES[path] == "image/svg+xml":
        assert body.lstrip().startswith(b"<?xml") and b"<svg" in body and b"<script" not in body
        assert "default-src 'none'" in response.headers["content-security-policy"]
    elif ROUTES[path] == "image/png":
        assert body.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_coordination_page_draws_every_unit(seed):
    data = page_data(seed.get("/viz/coordination").text)
    assert seed.stats["units"] == 38
    assert len(data["vis"]["nodes"]) == len(data["nodes"]) == seed.stats["units"]
    assert not data["aggregated"]
    loads = {n["id"]: n["size"] for n in data["vis"]["nodes"]}
    assert max(loads, key=loads.get) == BIG_IRI
    assert data["nodes"][BIG_IRI]["href"] == "/id/unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju"


def test_named_views_draw_what_they_name(seed):
    platform = page_data(seed.get("/viz/platform/赣通码").text)
    assert platform["title"] == "平台：赣通码"
    units = {n["label"] for n in platform["nodes"].values() if n["kind"] == "unit"}
    assert len(units) == 9 and "市公安局" in units
    unit = page_data(seed.get("/viz/unit/市数据局").text)
    assert unit["title"] == f"单位：{BIG}"
    by_path = page_data(seed.get("/viz/unit/" + quote("unit/jiujiang/shi-gong-an-ju", safe="")).text)
    assert by_path["title"] == "单位：市公安局"
    plan = page_data(seed.get(f"/viz/plan?plan={SEED_KEY}").text)
    assert sum(1 for n in plan["nodes"].values() if n["kind"] == "task") == 23


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/viz/unit/市宇宙局", "没有名为“市宇宙局”的单位"),
        ("/viz/platform/不存在的平台", "没有名为“不存在的平台”的平台"),
        ("/viz/plan?plan=不存在的计划", "没有名为“不存在的计划”的计划"),
        ("/viz/unit/%20", "的单位"),
        ("/viz/unit/" + "长" * 400, "的单位"),
        ("/viz/platform/<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
)
def test_unknown_names_get_a_page_in_chinese(seed, path, words):
    for accept in (BROWSER, {"Accept": "*/*"}):
        response = seed.get(path, headers=accept)
        assert response.status_code == 404
        assert response.headers["content-type"] == HTML
        assert '<html lang="zh-CN">' in response.text and words in response.text
        assert "<script>alert" not in response.text
        assert "script-src 'self'" in response.headers["content-security-policy"]  # the service's own page


def test_a_bad_aggregate_is_refused(seed):
    assert seed.get("/viz/coordination?aggregate=everything", headers=BROWSER).status_code == 422


# ---- the exports ---------------------------------------------------------------------------------


def test_the_workbook_is_the_responsibility_table(seed):
    from openpyxl import load_workbook
    from plankg.viz.exports import LOAD_SHEET, TABLE_HEADER

    workbook = load_workbook(io.BytesIO(seed.get("/exports/plankg.xlsx").content))
    assert len(workbook.sheetnames) == 2 and workbook.sheetnames[1] == LOAD_SHEET
    sheet = workbook[workbook.sheetnames[0]]
    assert sheet["A1"].value == "九江市数字政府建设2025年工作要点"
    assert tuple(c.value for c in sheet[2]) == TABLE_HEADER
    tasks = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] is not None]
    assert len(tasks) == 23
    assert [row[0] for row in tasks] == list(range(1, 24))
    assert all(row[2] and row[3] for row in tasks)  # a title and a lead unit on every row
    assert workbook[LOAD_SHEET].max_row == 1 + 38


def test_the_networks_open_in_networkx(seed):
    import networkx as nx

    graphml = nx.read_graphml(io.BytesIO(seed.get("/exports/coordination.graphml").content))
    gexf = nx.read_gexf(io.BytesIO(seed.get("/exports/coordination.gexf").content))
    for g in (graphml, gexf):
        assert g.number_of_nodes() == 38
        assert g.number_of_edges() == graphml.number_of_edges() > 38
    labels = {d["label"] for _, d in graphml.nodes(data=True)}
    assert BIG in labels and "市公安局" in labels
    assert max(graphml.nodes(data=True), key=lambda nd: nd[1]["load"])[1]["label"] == BIG


def test_the_matrix_csv_opens_in_excel(seed):
    import csv

    text = seed.get("/exports/matrix.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 39 and len(rows[0]) == 39 and rows[0][0] == "单位"
    assert all(int(rows[i][i]) > 0 for i in range(1, 39))  # the diagonal: each unit's own tasks


# ---- links from the pages ------------------------------------------------------------------------


def _internal_links(client, page: str) -> list[str]:
    html = client.get(page, headers=BROWSER).text
    return sorted({urljoin(page, link).split("#")[0] for link in links_of(html).links
                   if link.startswith("/") and not link.startswith("//")})


def _follow(client, links: list[str]) -> None:
    failures = [(link, r.status_code) for link in links if (r := client.get(link, headers=BROWSER)).status_code != 200]
    assert not failures


def test_the_home_page_links_to_every_view_and_download(seed):
    links = _internal_links(seed, "/")
    wanted = {"/viz/coordination", "/viz/plan", f"/viz/plan?plan={SEED_KEY}", "/viz/matrix.svg", "/viz/matrix.png",
              "/viz/load.svg", "/viz/load.png", "/exports/plankg.xlsx", "/exports/coordination.graphml",
              "/exports/coordination.gexf", "/exports/matrix.csv"}
    assert wanted <= set(links)
    _follow(seed, [link for link in links if link.startswith(("/viz", "/exports"))])
    html = seed.get("/", headers=BROWSER).text
    assert 'href="/exports/plankg.xlsx" download="plankg.xlsx"' in html


def test_unit_and_platform_pages_link_to_their_views(seed):
    police = seed.get("/id/unit/jiujiang/shi-gong-an-ju", headers=BROWSER).text
    assert f'href="/viz/unit/{quote("市公安局", safe="")}"' in police
    platform = seed.get("/id/platform/gan-tong-ma", headers=BROWSER).text
    assert f'href="/viz/platform/{quote("赣通码", safe="")}"' in platform
    plan = seed.get(f"/id/{SEED_PLAN_ID}", headers=BROWSER).text
    assert f'href="/viz/plan?plan={SEED_KEY}"' in plan
    for page, title in (("/id/unit/jiujiang/shi-gong-an-ju", "单位：市公安局"),
                        ("/id/platform/gan-tong-ma", "平台：赣通码"),
                        (f"/id/{SEED_PLAN_ID}", "九江市数字政府建设2025年工作要点")):
        views = [link for link in _internal_links(seed, page) if link.startswith("/viz/")]
        assert len(views) == 1, views
        response = seed.get(views[0], headers=BROWSER)
        assert response.status_code == 200 and title in page_data(response.text)["title"]


def test_every_unit_and_platform_view_link_answers(seed):
    units = seed.get("/api/units").json()
    busy = [u for u in units if u["lead"] or u["cooperating"] or u["responsible"]]
    platforms = [p for p in seed.get("/api/platforms").json() if p.get("tasks")]
    assert len(busy) == 38 and platforms
    views = []
    for item in [*busy, *platforms]:
        links = [link for link in _internal_links(seed, item["page"]) if link.startswith("/viz/")]
        assert len(links) == 1, (item["page"], links)
        views.append(links[0])
    _follow(seed, views)
    # a unit of the registry with no task in any plan: nothing to draw, so no link
    idle = next(u for u in units if u not in busy)
    assert not [link for link in _internal_links(seed, idle["page"]) if link.startswith("/viz/")]


def test_the_coordination_page_shows_the_charts_and_downloads(seed):
    html = seed.get("/coordination", headers=BROWSER).text
    parsed = links_of(html)
    assert "/viz/coordination" in parsed.links
    assert '<img src="/viz/matrix.svg"' in html and '<img src="/viz/load.svg"' in html
    for name in ("plankg.xlsx", "coordination.graphml", "coordination.gexf", "matrix.csv"):
        assert f"/exports/{name}" in parsed.links
    _follow(seed, sorted({link for link in parsed.links if link.startswith(("/viz", "/exports"))}))


def test_a_view_links_home_and_the_home_answers(seed):
    html = seed.get("/viz/unit/市数据局").text
    assert '<a id="plankg-home" href="/">' in html
    assert seed.get("/", headers=BROWSER).status_code == 200
    # the details panel of each node links to its page in the service
    data = page_data(html)
    hrefs = sorted({n["href"] for n in data["nodes"].values() if n["href"]})
    assert len(hrefs) > 10 and all(h.startswith("/id/") for h in hrefs)
    _follow(seed, hrefs[:12])


# ---- kept per generation of the graph --------------------------------------------------------------


def test_a_view_is_rendered_once_per_generation(seed):
    first = seed.get("/viz/platform/赣服通")
    again = seed.get("/viz/platform/赣服通")
    assert again.headers["x-plankg-cache"] == "hit"
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    unchanged = seed.get("/viz/platform/赣服通", headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304 and not unchanged.content


def _select(client, sparql: str) -> list[dict]:
    response = client.get("/sparql", params={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def _update(client, sparql: str) -> None:
    response = client.post("/sparql", data={"update": sparql}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code in (200, 204), response.text


def test_an_update_makes_the_views_render_again(seed):
    before = seed.get("/viz/coordination")
    assert len(page_data(before.text)["nodes"]) == 38
    assert seed.get("/viz/coordination").headers["x-plankg-cache"] == "hit"
    task = _select(seed, "SELECT ?t WHERE { ?t a pk:Task ; pk:number 1 }")[0]["t"]["value"]
    unit = "<https://w3id.org/plankg/id/unit/test/ce-shi-ju>"
    _update(seed, f"""INSERT DATA {{ GRAPH <urn:plankg:viz-test> {{
        <{task}> pk:cooperatingUnit {unit} ; pk:involvedUnit {unit} .
        {unit} a pk:GovernmentDepartment ; skos:prefLabel "测试局"@zh . }} }}""")
    try:
        after = seed.get("/viz/coordination")
        assert after.headers["x-plankg-cache"] == "miss"
        assert after.headers["etag"] != before.headers["etag"]
        data = page_data(after.text)
        assert len(data["nodes"]) == 39 and "测试局" in {n["label"] for n in data["nodes"].values()}
        assert seed.get("/viz/unit/测试局").status_code == 200
        assert seed.get("/viz/coordination", headers={"If-None-Match": before.headers["etag"]}).status_code == 200
    finally:
        _update(seed, "DROP SILENT GRAPH <urn:plankg:viz-test>")
    restored = seed.get("/viz/coordination")
    assert restored.headers["x-plankg-cache"] == "miss"
    assert len(page_data(restored.text)["nodes"]) == 38
    assert seed.get("/viz/unit/测试局").status_code == 404


def test_the_event_loop_answers_while_a_chart_renders(seed):
    from plankg.api.viewcache import ViewCache

    seed.app.state.view_cache = ViewCache()  # nothing rendered yet
    done: dict = {}

    def render() -> None:
        started = time.perf_counter()
        done["status"] = seed.get("/viz/matrix.png").status_code
        done["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=render)
    worker.start()
    time.sleep(0.05)
    waits = []
    while worker.is_alive():
        started = time.perf_counter()
        assert seed.get("/api/status").status_code == 200
        waits.append(time.perf_counter() - started)
        time.sleep(0.02)
    worker.join()
    assert done["status"] == 200
    assert len(waits) >= 3, (done, waits)  # the chart took a while, and the service answered meanwhile
    assert max(waits) < max(0.5, done["seconds"] / 2), (done, waits)


# ---- the cache and the adapter on their own ------------------------------------------------------


class FakeEngine:
    def __init__(self, rows: int = 2, truncated: bool = False) -> None:
        self.generation = 0
        self.calls = 0
        self.rows = rows
        self.truncated = truncated

    async def query(self, sparql, bindings=None, *, formats=None, row_cap=None):
        from plankg.api.engine import Result

        self.calls += 1
        await asyncio.sleep(0.01)
        document = {"head": {"vars": ["x", "y"]},
                    "results": {"bindings": [{"x": {"type": "literal", "value": f"v{i}"}} for i in range(self.rows)]}}
        return Result(json.dumps(document).encode(), "application/sparql-results+json", "solutions", self.rows,
                      self.truncated, 0.0, "json")


def test_the_cache_renders_once_for_many_waiters_and_forgets_failures():
    from plankg.api.viewcache import ViewCache

    async def scenario():
        cache, engine = ViewCache(max_entries=3), FakeEngine()
        renders = []

        def render(rows):
            renders.append(rows.select("SELECT ?x ?y {}"))
            time.sleep(0.05)
            return b"drawn", "text/plain"

        answers = await asyncio.gather(*(cache.get(engine, "view", render) for _ in range(6)))
        assert len(renders) == 1 and engine.calls == 1
        assert [hit for _, hit in answers] == [False] + [True] * 5
        assert renders[0] == [{"x": "v0", "y": None}, {"x": "v1", "y": None}]
        # another view of the same generation reads its rows from the memo
        await cache.get(engine, "other", render)
        assert len(renders) == 2 and engine.calls == 1

        def broken(rows):
            raise ValueError("no such thing")

        for _ in range(2):
            with pytest.raises(ValueError):
                await cache.get(engine, "broken", broken)
        assert "broken" not in cache.entries
        # bounded: the least recently used goes first
        for key in ("a", "b", "c"):
            await cache.get(engine, key, render)
        assert list(cache.entries) == ["a", "b", "c"]
        # a new generation of the graph: everything again, the rows too
        engine.generation = 1
        _, hit = await cache.get(engine, "view", render)
        assert not hit and engine.calls == 2 and list(cache.entries) == ["view"]

    asyncio.run(scenario())


def test_the_adapter_refuses_the_event_loop_thread_and_a_truncated_answer():
    from plankg.api.rows import EngineRows, RowsTruncated

    async def scenario():
        loop = asyncio.get_running_loop()
        rows = EngineRows(FakeEngine(), loop)
        with pytest.raises(RuntimeError, match="thread"):
            rows.select("SELECT ?x {}")
        assert await asyncio.to_thread(rows.select, "SELECT ?x {}") == [{"x": "v0", "y": None}, {"x": "v1", "y": None}]
        cut = EngineRows(FakeEngine(truncated=True), loop)
        with pytest.raises(RowsTruncated):
            await asyncio.to_thread(cut.select, "SELECT ?x {}")

    asyncio.run(scenario())


# ---- a hostile plan, served -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_views(client) -> dict[str, str]:
    plan = next(p for p in client.get("/api/plans").json() if "<script>" in p["title"])
    unit = next(u for u in client.get("/api/units").json() if "<img" in (u["name"] or ""))
    return {"plan": plan, "unit": unit}


def test_a_hostile_plan_is_served_as_text(client, hostile_views):
    plan, unit = hostile_views["plan"], hostile_views["unit"]
    key = plan["id"].rsplit("/", 1)[-1]
    plan_page = client.get(f"/id/{plan['id']}", headers=BROWSER).text
    assert f'href="/viz/plan?plan={key}"' in plan_page
    unit_page = client.get(f"/id/{unit['id']}", headers=BROWSER).text
    view = next(link for link in links_of(unit_page).links if link.startswith("/viz/unit/"))
    assert "<" not in view and ">" not in view and '"' not in view
    for path in (f"/viz/plan?plan={key}", view, "/viz/coordination", "/viz/plan?plan=" + quote(plan["title"])):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 200, path
        html = response.text
        assert len(links_of(html).scripts) == 3
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>数据</b>" not in html
        data = page_data(html)
        labels = [n["label"] for n in data["nodes"].values()] + [data["title"]]
        assert any("<" in label for label in labels), path  # the names, as data, intact
    title = page_data(client.get(f"/viz/plan?plan={key}").text)["title"]
    assert "<script>alert(1)</script>" in title


# ---- in a real browser, under the service ---------------------------------------------------------

NODE_POINT = """(id) => {
  const net = window.plankg.network;
  const p = net.canvasToDOM(net.getPosition(id));
  const r = document.getElementById('network').getBoundingClientRect();
  return {x: r.left + p.x, y: r.top + p.y};
}"""
INJECTED = "body img, body iframe, body svg, body b, body textarea, body object, body embed"


@pytest.fixture(scope="module")
def browser_page(server):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install the Debian package chromium (as .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
        elsewhere: list[str] = []
        requests: list[str] = []
        errors: list[str] = []
        dialogs: list[str] = []

        def route(request_route):
            url = request_route.request.url
            if url.startswith(server.url + "/"):
                request_route.continue_()
            else:
                elsewhere.append(url)
                request_route.abort()

        context.route("**/*", route)
        tab = context.new_page()
        tab.on("request", lambda r: requests.append(r.url))
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

        def dialog(d) -> None:
            dialogs.append(d.message)
            d.dismiss()

        tab.on("dialog", dialog)
        tab.elsewhere, tab.requests, tab.errors, tab.dialogs = elsewhere, requests, errors, dialogs
        yield tab
        browser.close()


def _open_view(page, url: str, timeout: float = 30.0) -> None:
    page.requests.clear()
    response = page.goto(url)
    assert response.status == 200
    deadline = time.monotonic() + timeout
    while not page.evaluate("() => !!(window.plankg && window.plankg.stable)"):  # no wait_for_function: CSP
        assert time.monotonic() < deadline, ("the view never settled", page.errors)
        page.wait_for_timeout(100)


def _assert_clean(page, server) -> None:
    assert page.elsewhere == [], page.elsewhere
    assert page.errors == [], page.errors
    assert page.dialogs == [], page.dialogs
    assert all(url.startswith(server.url + "/") for url in page.requests), page.requests
    assert page.evaluate("() => window.__pwned") is None


def test_the_coordination_view_in_a_browser(server, browser_page):
    page = browser_page
    units = server.get("/sparql", params={"query": "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?t pk:involvedUnit ?u }"},
                       headers={"Accept": "application/sparql-results+json"}).json()
    expected = int(units["results"]["bindings"][0]["n"]["value"])
    _open_view(page, server.url + "/viz/coordination")
    assert [urlsplit(u).path for u in page.requests] == ["/viz/coordination"]  # one request: the page
    assert page.evaluate("() => plankg.nodes.length") == expected > 38  # the seed's 38 and the hostile plan's
    assert page.evaluate("() => plankg.network.physics.options.enabled") is False
    ink = page.evaluate("""() => { const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) n++;
        return n; }""")
    assert ink > 3000, "the canvas is blank"
    # a click on the largest node shows its details, with a link to its page in the service
    assert not page.is_visible("#details")
    point = page.evaluate(NODE_POINT, BIG_IRI)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(200)
    assert page.evaluate("() => plankg.network.getSelectedNodes()") == [BIG_IRI]
    assert page.is_visible("#details")
    assert page.text_content("#details-title") == BIG
    href = page.get_attribute("#details-link", "href")
    assert href == "/id/unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "served-coordination.png"))
    _assert_clean(page, server)
    # the link home, and the details link, lead into the service
    page.click("#plankg-home")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/" and "工作计划" in page.title()
    assert server.get(href, headers=BROWSER).status_code == 200
    page.errors.clear()  # the service's own pages are tested in test_browser.py


def test_the_service_pages_show_the_charts(server, browser_page):
    page = browser_page
    page.goto(server.url + "/coordination")
    page.wait_for_load_state("load")
    for src in ("/viz/matrix.svg", "/viz/load.svg"):
        image = page.locator(f'img[src="{src}"]')
        image.scroll_into_view_if_needed()
        deadline = time.monotonic() + 30
        while not page.evaluate("(s) => { const i = document.querySelector(`img[src='${s}']`);"
                                " return i.complete && i.naturalWidth > 0; }", src):
            assert time.monotonic() < deadline, f"{src} never loaded"
            page.wait_for_timeout(100)
        assert image.bounding_box()["width"] > 300
    assert page.elsewhere == [] and page.errors == [], (page.elsewhere, page.errors)


def test_a_hostile_plan_view_in_a_browser_runs_nothing(server, browser_page):
    page = browser_page
    plan = next(p for p in server.get("/api/plans").json() if "<script>" in p["title"])
    _open_view(page, server.url + "/viz/plan?plan=" + quote(plan["id"].rsplit("/", 1)[-1]))
    assert page.text_content("#page-title") == "计划结构：" + plan["title"]
    assert "<script>alert(1)</script>" in page.text_content("#page-title")
    assert page.locator(INJECTED).count() == 0
    assert page.locator("script").count() == 3
    ids = page.evaluate("() => plankg.nodes.getIds()")
    hostile = [i for i in ids if "<" in page.evaluate("(id) => plankg.nodes.get(id).label", i)]
    assert hostile
    for node in hostile:
        page.evaluate("(id) => plankg.showDetails(id)", node)
        assert "<" in page.text_content("#details-title")
    page.wait_for_timeout(300)  # time for any onerror/onload to have fired
    assert page.locator(INJECTED).count() == 0
    page.screenshot(path=str(SCREENSHOTS / "served-hostile-plan.png"))
    _assert_clean(page, server)


def test_views_are_whole_under_a_small_row_cap(tmp_path):
    """The client's row cap is for clients: the views' own reads are not cut by it (a cut read would
    draw a view that silently lacks part of the graph)."""
    from fastapi.testclient import TestClient
    from plankg.api.app import create_app
    from plankg.api.settings import Settings

    path = build_store(tmp_path / "store", hostile=False)
    with TestClient(create_app(Settings(store_path=path, row_cap=5, workers=1))) as small:
        capped = small.get("/sparql", params={"query": "SELECT ?u WHERE { ?t pk:involvedUnit ?u }"},
                           headers={"Accept": "application/sparql-results+json"})
        assert capped.headers["x-plankg-truncated"] == "true"
        assert len(page_data(small.get("/viz/coordination").text)["nodes"]) == 38
        assert small.get("/exports/matrix.csv").content.decode("utf-8-sig").count("\r\n") == 39
        assert small.get("/api/ask", params={"q": "哪些单位涉及赣通码？"}).status_code == 200
