"""Every view in a real browser: headless Chromium (/usr/bin/chromium) driven by Playwright, the page
opened from a file:// URL with the network cut off.  No request may leave the page, no console
error, the canvas is drawn, the node count matches the graph, a click shows a node's details, the
filters hide what they should, and the hostile plans run nothing.  Screenshots of each view are
saved to tests/viz/screenshots/."""

from __future__ import annotations

import pytest
from plankg.viz import data as vdata
from plankg.viz import network

BIG = "市发改委〔市数据局〕"
BIG_IRI = "https://w3id.org/plankg/id/unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju"
INJECTED = "body img, body iframe, body svg, body b, body textarea, body object, body embed"

CANVAS_INK = """() => {
  const canvas = document.querySelector('#network canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235)) ink++;
  }
  return ink;
}"""
NODE_POINT = """(id) => {
  const net = window.plankg.network;
  const p = net.canvasToDOM(net.getPosition(id));
  const r = document.getElementById('network').getBoundingClientRect();
  return {x: r.left + p.x, y: r.top + p.y};
}"""
VISIBLE = "() => ({nodes: plankg.nodeView.getIds(), edges: plankg.edgeView.get().map(e => [e.id, e.from, e.to])})"


def seed_graph(snapshot, view: str) -> vdata.Graph:
    kind, _, name = view.partition("/")
    return {
        "coordination": lambda: vdata.coordination(snapshot),
        "platform": lambda: vdata.platform(snapshot, name),
        "unit": lambda: vdata.unit(snapshot, name),
        "plan": lambda: vdata.plan(snapshot, name or None),
    }[kind]()


def assert_clean(loaded) -> None:
    assert loaded.blocked == [], f"requests to other hosts: {loaded.blocked}"
    assert loaded.requests == [], f"requests beyond the page: {loaded.requests}"
    assert loaded.console_errors == [], loaded.console_errors
    assert loaded.page_errors == [], loaded.page_errors
    assert loaded.dialogs == [], loaded.dialogs
    assert loaded.js("() => window.__pwned") is None


def click_node(loaded, node_id: str) -> None:
    point = loaded.js(NODE_POINT, node_id)
    loaded.page.mouse.click(point["x"], point["y"])
    loaded.page.wait_for_timeout(150)


@pytest.mark.parametrize(
    ("view", "name", "center"),
    [
        ("coordination", "coordination", BIG_IRI),
        ("platform/赣通码", "platform-gantongma", "https://w3id.org/plankg/id/platform/gan-tong-ma"),
        ("unit/市数据局", "unit-data-bureau", BIG_IRI),
        ("plan", "plan", None),
    ],
)
def test_view_in_the_browser(open_page, seed_snapshot, view, name, center) -> None:
    graph = seed_graph(seed_snapshot, view)
    loaded = open_page(network.render(graph), name)
    assert_clean(loaded)
    # the graph as drawn
    assert loaded.js("() => plankg.nodes.length") == len(graph.nodes)
    assert loaded.js("() => plankg.nodeView.length") == len(graph.nodes)
    assert loaded.js("() => plankg.edges.length") == len(graph.edges) + len(graph.alt_edges)
    assert loaded.js("() => plankg.edgeView.length") == len(graph.edges)
    assert loaded.js(CANVAS_INK) > 3000, "the canvas is blank"
    # the physics settled and stopped: nothing moves any more
    assert loaded.js("() => plankg.network.physics.options.enabled") is False
    before = loaded.js("() => plankg.network.getPositions()")
    loaded.page.wait_for_timeout(400)
    assert loaded.js("() => plankg.network.getPositions()") == before
    # legend, title
    assert loaded.page.locator("#legend li").count() == len(graph.legend)
    assert loaded.page.text_content("#page-title") == graph.title
    loaded.screenshot(name)
    # a click on a node shows its details and a link to its /id/ page
    center = center or graph.nodes[0]["id"]
    node = next(n for n in graph.nodes if n["id"] == center)
    click_node(loaded, center)
    assert loaded.js("() => plankg.network.getSelectedNodes()") == [center]
    assert loaded.page.is_visible("#details")
    assert loaded.page.text_content("#details-title") == node["label"]
    assert loaded.page.get_attribute("#details-link", "href") == node["href"]
    rows = loaded.page.locator("#details-list dd").all_text_contents()
    assert node["label"] in rows
    loaded.screenshot(f"{name}-details")
    # a click on the background closes them
    loaded.page.mouse.click(300, 120)
    loaded.page.wait_for_timeout(150)
    assert_clean(loaded)


def test_largest_node_is_the_data_bureau(open_page, seed_snapshot) -> None:
    graph = vdata.coordination(seed_snapshot)
    loaded = open_page(network.render(graph), "coordination-sizes")
    sizes = loaded.js(
        "() => Object.fromEntries(plankg.nodes.getIds().map(id => [id, plankg.network.body.nodes[id].options.size]))"
    )
    assert len(sizes) == 38
    assert max(sizes, key=sizes.get) == BIG_IRI
    assert sizes[BIG_IRI] > 2 * sorted(sizes.values())[len(sizes) // 2]


def test_coordination_filters(open_page, seed_snapshot) -> None:
    graph = vdata.coordination(seed_snapshot)
    loaded = open_page(network.render(graph), "coordination-filters")
    page = loaded.page
    by_id = {n["id"]: n for n in graph.nodes}

    def visible():
        state = loaded.js(VISIBLE)
        nodes = set(state["nodes"])
        for _, a, b in state["edges"]:
            assert a in nodes and b in nodes, "an edge to a hidden node is drawn"
        return nodes, {e[0] for e in state["edges"]}

    # unit type: hide the 26 government departments
    page.uncheck('input[data-group="GovernmentDepartment"]')
    nodes, edges = visible()
    assert len(nodes) == 12 and all(by_id[n]["type"] != "GovernmentDepartment" for n in nodes)
    assert edges == {e["id"] for e in graph.edges if e["from"] in nodes and e["to"] in nodes}
    loaded.screenshot("coordination-filter-type")
    page.check('input[data-group="GovernmentDepartment"]')
    assert len(visible()[0]) == 38

    # chapter: only the units with a task in chapter 5
    chapter5 = graph.chapters[4]
    page.select_option("#chapter", chapter5["id"])
    units = {u for t, u, _ in seed_snapshot.assignments if seed_snapshot.tasks[t].chapter == chapter5["id"]}
    nodes, edges = visible()
    assert nodes == units and 0 < len(nodes) < 38
    assert edges == {e["id"] for e in graph.edges if any(f["chapter"] == chapter5["id"] for f in e["facts"])}
    page.select_option("#chapter", "")
    assert len(visible()[0]) == 38

    # role: without 配合, only the units that lead something, joined where they lead together
    page.uncheck('input[data-role="cooperating"]')
    leads = {u for _, u, r in seed_snapshot.assignments if r == "lead"}
    nodes, edges = visible()
    assert nodes == leads
    assert edges == {e["id"] for e in graph.edges if any(f["roles"] == ["lead"] for f in e["facts"])}
    page.check('input[data-role="cooperating"]')

    # lead → cooperating: the directed pairs instead of the shared tasks
    page.select_option("#edge-mode", "leads")
    nodes, edges = visible()
    assert edges == {e["id"] for e in graph.alt_edges}
    assert_clean(loaded)
    assert page.text_content("#counts").startswith("显示 38 / 38 个节点")


def test_search_finds_and_focuses_a_node(open_page, seed_snapshot) -> None:
    loaded = open_page(network.render(vdata.coordination(seed_snapshot)), "coordination-search")
    page = loaded.page
    page.fill("#search", "市数据局")  # an alias
    page.press("#search", "Enter")
    page.wait_for_timeout(500)
    assert loaded.js("() => plankg.network.getSelectedNodes()") == [BIG_IRI]
    assert page.text_content("#details-title") == BIG
    assert page.text_content("#search-status") == f"找到：{BIG}"
    loaded.screenshot("coordination-search")
    page.fill("#search", "市宇宙局")
    page.press("#search", "Enter")
    assert page.text_content("#search-status") == "未找到"
    assert_clean(loaded)


def test_aggregated_view_of_many_plans(open_page, many_snapshot) -> None:
    graph = vdata.coordination(many_snapshot)
    assert graph.aggregated == "type"
    loaded = open_page(network.render(graph), "coordination-aggregated")
    assert_clean(loaded)
    assert loaded.js("() => plankg.nodeView.length") == len(graph.nodes)
    assert loaded.js(CANVAS_INK) > 1000
    loaded.screenshot("coordination-aggregated")
    outline = vdata.plan(many_snapshot)
    loaded = open_page(network.render(outline), "plan-outline")
    assert_clean(loaded)
    assert loaded.js("() => plankg.nodeView.length") == len(outline.nodes)


# ---- hostile plans ----------------------------------------------------------------------------

HOSTILE_VIEWS = [
    "coordination",
    "plan",
    "plan/新余市<script>alert(1)</script>数字政府建设2025年工作要点",
    'plan/新余市<img src=x onerror="window.__pwned=1">数字政府建设2025年工作要点',
    "unit/市委网信办<img src=x onerror=alert(1)>",
    "unit/市数据局<script>window.__pwned=4</script>",
    "platform/政务云",
]


def hostile_graph(snapshot, view: str) -> vdata.Graph:
    return seed_graph(snapshot, view)


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
@pytest.mark.parametrize("view", HOSTILE_VIEWS)
def test_hostile_plans_run_nothing(open_page, hostile_snapshot, view, bypass_csp) -> None:
    """The names carry <script>, <img onerror>, <svg onload>, </script> and </textarea>; with the
    page's CSP, and without it (escaping alone), they show as text and run nothing."""
    graph = hostile_graph(hostile_snapshot, view)
    name = "hostile-" + str(HOSTILE_VIEWS.index(view)) + ("-nocsp" if bypass_csp else "")
    loaded = open_page(network.render(graph), name, bypass_csp=bypass_csp)
    page = loaded.page
    assert_clean(loaded)
    assert page.locator(INJECTED).count() == 0
    assert page.locator("script").count() == 3
    assert page.text_content("#page-title") == graph.title
    assert loaded.js("() => plankg.nodes.length") == len(graph.nodes)
    # every node's details, the hostile ones included, as text
    for node in graph.nodes:
        loaded.js("(id) => plankg.showDetails(id)", node["id"])
        assert page.text_content("#details-title") == node["label"]
        assert page.locator("#details-list dd").all_text_contents() == [row[1] for row in node["details"]]
    # the search box and its list of names
    hostile = next(n for n in graph.nodes if "<" in n["label"])
    page.fill("#search", hostile["label"])
    page.press("#search", "Enter")
    page.wait_for_timeout(400)
    assert page.text_content("#details-title") == hostile["label"]
    # the hover tooltip (vis-network sets string titles with innerText)
    point = loaded.js(NODE_POINT, hostile["id"])
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(600)
    tooltip = page.locator("div.vis-tooltip")
    if tooltip.count() and tooltip.is_visible():  # the node under the pointer's title, as text
        titles = {x["title"].replace("\n", "") for x in [*graph.nodes, *graph.edges]}
        assert tooltip.text_content().replace("\n", "") in titles
        assert tooltip.locator(":not(br)").count() == 0
    if view == "coordination":
        loaded.screenshot(name)
    page.wait_for_timeout(300)  # time for any onerror/onload to have fired
    assert page.locator(INJECTED).count() == 0
    assert_clean(loaded)


def test_the_hostile_checks_would_catch_an_injection(open_page, hostile_snapshot) -> None:
    """Control: markup put into the DOM the wrong way runs (without the CSP) and is caught."""
    html = network.render(vdata.coordination(hostile_snapshot))
    unsafe = open_page(html, "control-nocsp", bypass_csp=True)
    unsafe.js("() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__pwned=1\">')")
    unsafe.page.wait_for_timeout(500)
    assert unsafe.js("() => window.__pwned") == 1
    assert unsafe.requests, "the <img src=x> request is seen"
    # with the page's CSP, the same handler is refused (and reported as a console error)
    guarded = open_page(html, "control-csp")
    guarded.js("() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__pwned=1\">')")
    guarded.page.wait_for_timeout(500)
    assert guarded.js("() => window.__pwned") is None
    assert guarded.console_errors
