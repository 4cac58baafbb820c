"""The HTML page, read as text: self-contained, no other host named, plan text only as escaped JSON."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from plankg.viz import data as vdata
from plankg.viz import network, views


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


@pytest.fixture(scope="module")
def seed_page(seed_snapshot) -> str:
    return network.render(vdata.coordination(seed_snapshot))


def test_json_for_html_escapes_markup() -> None:
    text = network.json_for_html({"a": "</script><img src=x onerror=alert(1)>&amp;\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><img src=x onerror=alert(1)>&amp;\u2028"}


def test_page_is_self_contained(seed_page) -> None:
    tags = parse(seed_page)
    names = [t for t, _ in tags.tags]
    assert names.count("script") == 3  # the data (JSON), vis-network, the page's own
    assert "link" not in names and "iframe" not in names and "img" not in names
    for _, attrs in tags.tags:
        for key in ("src", "href"):
            assert not attrs.get(key, "#").startswith(("http:", "https:", "//")), attrs
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", seed_page)
    for host in ("unpkg.com", "jsdelivr", "cdnjs", "bootstrapcdn", "googleapis", "cloudflare"):
        assert host not in seed_page, host
    assert "@import" not in seed_page and "url(http" not in seed_page


def test_content_security_policy_allows_only_the_two_scripts(seed_page) -> None:
    tags = parse(seed_page)
    csp = next(a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert (
        "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    )
    hashes = set(re.findall(r"'sha256-([^']+)'", csp))
    executable = [
        s
        for (t, a), s in zip([x for x in tags.tags if x[0] == "script"], tags.scripts, strict=True)
        if not a.get("type")
    ]
    assert len(executable) == 2
    for code in executable:
        assert base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() in hashes


def test_data_block_holds_the_graph(seed_snapshot, seed_page) -> None:
    tags = parse(seed_page)
    payload = json.loads(tags.scripts[0])
    graph = vdata.coordination(seed_snapshot)
    assert len(payload["vis"]["nodes"]) == len(graph.nodes) == 38
    assert len(payload["vis"]["edges"]) == len(graph.edges) + len(graph.alt_edges)
    assert payload["vis"]["options"]["physics"]["stabilization"]["enabled"] is True
    assert set(payload["nodes"]) == {n["id"] for n in graph.nodes}
    assert payload["title"] == graph.title


def test_vis_network_is_the_one_pyvis_ships(seed_page) -> None:
    from pathlib import Path

    import pyvis

    js, css = network.vis_assets()
    shipped = {p.read_text(encoding="utf-8") for p in Path(pyvis.__file__).parent.rglob("vis-network.min.js")}
    assert js in shipped
    assert "vis-network" in js[:400] and js in seed_page and css in seed_page


@pytest.mark.parametrize(
    "view",
    [
        "coordination",
        "plan",
        "unit/市委网信办<img src=x onerror=alert(1)>",
        "unit/市数据局<script>window.__pwned=4</script>",
        "platform/政务云",
    ],
)
def test_hostile_text_never_reaches_the_markup(hostile_store, view) -> None:
    html = views.page_html(hostile_store, view)
    for raw in ("<script>alert", "<img src", "<svg onload", "<b onmouseover", "<iframe", "</textarea"):
        assert raw not in html.replace(network.vis_assets()[0], ""), raw
    tags = parse(html)
    assert [t for t, _ in tags.tags].count("script") == 3
    assert not [t for t, _ in tags.tags if t in ("img", "svg", "iframe", "b", "textarea")]
    payload = json.loads(tags.scripts[0])
    labels = {n["label"] for n in payload["nodes"].values()}
    assert any("<" in label for label in labels)  # the names are there, verbatim, as data
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and ">" not in title


def test_views_parse_and_default_names() -> None:
    assert views.parse_view("platform/赣通码") == ("platform", "赣通码")
    assert views.parse_view(" Coordination ") == ("coordination", None)
    assert views.parse_view("plan") == ("plan", None)
    assert [str(p) for p in views.default_outputs("platform/赣通码")] == ["platform-gan-tong-ma.html"]
    assert [str(p) for p in views.default_outputs("matrix")] == ["matrix.svg", "matrix.png"]
    for bad in ("bogus", "unit", "platform/", "coordination/x", "matrix/x"):
        with pytest.raises(vdata.ViewError):
            views.parse_view(bad)
