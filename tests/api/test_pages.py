"""The pages: they render in Chinese, escape what documents say, link only to themselves, work offline."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import SEED_PLAN_ID

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
POLICE = "unit/jiujiang/shi-gong-an-ju"
PAGES = [
    "/",
    "/units",
    "/platforms",
    "/coordination",
    "/search?q=%E8%B5%A3%E9%80%9A%E7%A0%81",  # 赣通码
    "/search?q=script",
    "/ask",
    "/query",
    f"/id/{POLICE}",
    "/id/platform/gan-tong-ma",
    f"/id/{SEED_PLAN_ID}",
    f"/id/{SEED_PLAN_ID}/chapter/2",
    f"/id/{SEED_PLAN_ID}/task/11",
    "/id/technology/da-shu-ju",
    "/id/region/jiujiang",
    "/id/{hostile_plan}",
    "/id/{hostile_plan}/task/3",
    "/id/{hostile_unit}",
]


@pytest.fixture(scope="module")
def hostile(client) -> dict[str, str]:
    """The ids of the hostile plan and of its unit whose name carries an <img onerror> tag."""
    plan = next(p for p in client.get("/api/plans").json() if "<script>" in p["title"])
    unit = next(u for u in client.get("/api/units").json() if "<img" in (u["name"] or ""))
    return {"hostile_plan": plan["id"], "hostile_unit": unit["id"]}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[dict] = []
        self.attribute_values: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag != "meta":
            self.attribute_values += [v for k, v in attrs if v and k not in ("value", "placeholder", "data-text")]
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])
        if tag == "script":
            self.scripts.append(attributes)


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def assert_safe(html: str) -> None:
    """No markup from the documents: the only scripts are our own files and inert JSON data."""
    for script in links_of(html).scripts:
        assert (script.get("src") or "").startswith("/static/") or script.get("type") == "application/json", script
    # the only images are the service's own charts (the coordination page's heat map and load chart)
    for image in re.findall(r"<img\b[^>]*>", html):
        assert re.fullmatch(r'<img src="/viz/(?:matrix|load)\.svg" alt="[^"<>]*" loading="lazy">', image), image
    assert "<b>数据</b>" not in html


def assert_offline(html: str, *, data_urls: bool = False) -> None:
    """Nothing loaded or linked from another host: no attribute names one, no CSS url() does.

    The w3id.org IRIs of the graph may be shown as text. With data_urls, other addresses may too,
    as text only: a plan registry records the web page a plan was published on (a fact about it).
    """
    parser = Links()
    parser.feed(html)
    for value in parser.attribute_values:
        assert not re.match(r"\s*(?:https?:)?//", value, re.IGNORECASE), value
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", html, re.IGNORECASE)
    if not data_urls:
        for url in re.findall(r"https?://[^\s\"'<>]*", html):
            assert url.startswith("https://w3id.org/plankg/"), url


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_chinese_safely_and_offline(client, hostile, path):
    response = client.get(path.format(**hostile), headers=BROWSER)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="zh-CN">' in html
    assert re.search(r"[\u4e00-\u9fff]", html)
    assert "content-security-policy" in response.headers
    assert_safe(html)
    assert_offline(html)


def test_home_shows_the_plans_chapters_and_tasks(client):
    html = client.get("/", headers=BROWSER).text
    assert "九江市数字政府建设2025年工作要点" in html
    assert "提升政府数字履职能力" in html  # chapter 2
    assert "深化公共安全数字应用" in html  # task 11
    assert 'type="search"' in html
    assert 'href="/api/plans"' in html  # its machine-readable twin


def test_hostile_names_are_escaped(client, hostile):
    html = client.get("/", headers=BROWSER).text
    assert "新余市&lt;script&gt;alert(1)&lt;/script&gt;数字政府建设2025年工作要点" in html
    assert "<script>alert(1)</script>" not in html
    unit = client.get(f"/id/{hostile['hostile_unit']}", headers=BROWSER).text
    assert "市委网信办&lt;img src=x onerror=alert(1)&gt;" in unit
    task = client.get(f"/id/{hostile['hostile_plan']}/task/2", headers=BROWSER).text
    assert "&lt;b&gt;数据&lt;/b&gt;&amp;共享应用" in task


def test_resource_pages_show_their_links(client):
    unit = client.get(f"/id/{POLICE}", headers=BROWSER).text
    assert "牵头的任务" in unit and "配合的任务" in unit and "协同单位" in unit
    assert f'href="/id/{SEED_PLAN_ID}/task/11"' in unit
    assert f'href="/api/units/{POLICE}"' in unit and f'href="/id/{POLICE}?format=ttl"' in unit
    platform = client.get("/id/platform/gan-tong-ma", headers=BROWSER).text
    assert "市行政审批局" in platform and "健全公共支撑应用体系" in platform
    task = client.get(f"/id/{SEED_PLAN_ID}/task/11", headers=BROWSER).text
    assert "牵头单位" in task and "市公安局" in task and "赣通码" in task
    assert "原文位置" in task and "(牵头单位:市公安局" in task
    assert f'href="/api/tasks/{SEED_PLAN_ID}/task/11"' in task


def _internal(link: str) -> bool:
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and link.startswith("/")


@pytest.mark.parametrize("start", ["/", f"/id/{POLICE}"])
def test_every_internal_link_answers(client, start):
    html = client.get(start, headers=BROWSER).text
    links = sorted({urljoin(start, link).split("#")[0] for link in links_of(html).links if _internal(link)})
    assert len(links) > 10
    failures = []
    for link in links:
        response = client.get(link, headers=BROWSER)
        if response.status_code != 200:
            failures.append((link, response.status_code))
        elif response.headers["content-type"].startswith("text/html"):
            assert_offline(response.text, data_urls=True)
    assert not failures


def test_the_editor_carries_the_canned_queries(client):
    from plankg.queries import load_queries

    html = client.get("/query", headers=BROWSER).text
    data = re.search(r'<script type="application/json" id="examples-data">(.*?)</script>', html, re.S).group(1)
    examples = json.loads(data)
    assert {e["name"] for e in examples} == set(load_queries())
    touching = next(e for e in examples if e["name"] == "units_touching_platform")
    assert '"赣通码"@zh' in touching["sparql"]  # the example parameter, bound through VALUES
    assert "<textarea" in html and 'src="/static/editor.js"' in html
    for asset in ("/static/editor.js", "/static/table.js", "/static/plankg.css", "/static/filter.js", "/static/ask.js"):
        assert client.get(asset).status_code == 200


def test_the_question_box_posts_to_the_answerer(client):
    html = client.get("/ask", headers=BROWSER).text
    assert 'action="/api/ask"' in html
    assert "问答功能尚未安装" not in html


GANTONGMA_UNITS = {"市公安局", "市发改委〔市数据局〕", "市民政局", "市住建局", "市行政审批局", "市文广旅局", "市人社局",
                   "市卫健委", "各县〔市、区〕人民政府"}  # fmt: skip


def test_api_ask_answers_the_gantongma_question(client):
    data = client.get("/api/ask", params={"q": "哪些单位涉及赣通码？"}).json()
    assert data["query"] == "units_touching_platform"
    assert {b["name"]["value"] for b in data["results"]["results"]["bindings"]} == GANTONGMA_UNITS
    assert "VALUES" in data["sparql"] and data["results"]["head"]["vars"]


def test_api_ask_orders_the_busiest_first(client):
    data = client.get("/api/ask", params={"q": "哪个单位任务最多？"}).json()
    first = data["results"]["results"]["bindings"][0]
    assert any(term["value"] == "市发改委〔市数据局〕" for term in first.values())


def test_api_ask_suggests_for_what_it_cannot_answer(client):
    data = client.get("/api/ask", params={"q": "今天天气怎么样？"}).json()
    assert data["query"] is None and data["results"] is None
    assert data["suggestions"] and all(isinstance(s, str) for s in data["suggestions"])


def test_api_ask_refuses_an_empty_or_overlong_question(client):
    assert client.get("/api/ask", params={"q": ""}).status_code == 422
    assert client.get("/api/ask", params={"q": "赣" * 501}).status_code == 422


def test_docs_work_offline(client):
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert_offline(html)
    assets = [link for link in links_of(html).links]
    assert "/static/docs/swagger-ui-bundle.js" in assets and "/static/docs/swagger-ui.css" in assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "openapi.json" in html
    assert client.get("/openapi.json").json()["paths"]["/sparql"]
    redoc = client.get("/redoc").text
    assert_offline(redoc)
    assert client.get("/static/docs/redoc.standalone.js").status_code == 200


def test_html_errors_for_browsers_json_for_clients(client):
    page = client.get("/id/unit/nowhere", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "unit/nowhere" in page.text
    api = client.get("/api/units/unit/nowhere", headers=BROWSER)
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
