"""The data behind the views, against known answers on the seed (九江市数字政府建设2025年工作要点) and
against independent SPARQL counts."""

from __future__ import annotations

from collections import Counter

import pytest
from plankg.viz import data as vdata

BIG = "市发改委〔市数据局〕"
BIG_IRI = "https://w3id.org/plankg/id/unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju"
GANTONGMA_UNITS = {
    "市公安局",
    "市发改委〔市数据局〕",
    "各县〔市、区〕人民政府",
    "市人社局",
    "市住建局",
    "市卫健委",
    "市文广旅局",
    "市民政局",
    "市行政审批局",
}


def test_snapshot_of_the_seed(seed_snapshot) -> None:
    assert len(seed_snapshot.plans) == 1
    assert len(seed_snapshot.chapters) == 5
    assert len(seed_snapshot.tasks) == 23
    assert len(seed_snapshot.units) == 38
    assert len(seed_snapshot.assignments) == 121  # plankg stats: 121 assignments
    assert sorted(t.number for t in seed_snapshot.tasks.values()) == list(range(1, 24))


def test_unit_types_are_the_ontology_s(seed_snapshot) -> None:
    """Every pk:Unit subclass of the ontology has a colour here, under the ontology's own label."""
    assert seed_snapshot.type_labels, "the ontology's unit types are in the store"
    for key, label in seed_snapshot.type_labels.items():
        assert key in vdata.UNIT_TYPES, f"pk:{key} has no colour in viz/data.py UNIT_TYPES"
        assert vdata.UNIT_TYPES[key][0] == label
    colours = [colour for _, colour in vdata.UNIT_TYPES.values()]
    assert len(set(colours)) == len(colours)


def test_coordination_has_38_units_and_the_data_bureau_is_largest(seed_snapshot) -> None:
    graph = vdata.coordination(seed_snapshot)
    assert graph.view == "coordination" and graph.aggregated is None
    assert len(graph.nodes) == 38
    assert all(n["kind"] == "unit" for n in graph.nodes)
    largest = max(graph.nodes, key=lambda n: n["value"])
    assert largest["label"] == BIG
    assert largest["id"] == BIG_IRI
    assert (largest["lead"], largest["cooperating"], largest["responsible"]) == (14, 7, 0)
    assert largest["load"] == 2 * 14 + 7 == largest["value"]
    assert largest["href"] == "/id/unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju"
    assert graph.node("各县〔市、区〕人民政府")["type"] == "Collective"
    assert graph.node("市委网信办")["type"] == "PartyOrgan"


def test_loads_match_sparql_counts(viz_seed_store, seed_snapshot) -> None:
    rows = viz_seed_store.select(
        """SELECT ?u (COUNT(DISTINCT ?l) AS ?lead) (COUNT(DISTINCT ?c) AS ?coop) (COUNT(DISTINCT ?r) AS ?resp)
           WHERE { ?t pk:involvedUnit ?u . OPTIONAL { ?l pk:leadUnit ?u } OPTIONAL { ?c pk:cooperatingUnit ?u }
                   OPTIONAL { ?r pk:responsibleUnit ?u } } GROUP BY ?u"""
    )
    expected = {r["u"]: 2 * int(r["lead"]) + int(r["coop"]) + 1.5 * int(r["resp"]) for r in rows}
    graph = vdata.coordination(seed_snapshot)
    assert {n["id"]: n["load"] for n in graph.nodes} == expected


def test_edges_are_the_pairs_sharing_tasks(viz_seed_store, seed_snapshot) -> None:
    rows = viz_seed_store.select(
        """SELECT ?a ?b (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t pk:involvedUnit ?a , ?b FILTER(STR(?a) < STR(?b)) }
           GROUP BY ?a ?b"""
    )
    expected = {(r["a"], r["b"]): int(r["n"]) for r in rows}
    graph = vdata.coordination(seed_snapshot)
    got = {(min(e["from"], e["to"]), max(e["from"], e["to"])): e["weight"] for e in graph.edges}
    assert got == expected
    assert len(graph.edges) == len(expected) == 259
    counties = graph.node("各县〔市、区〕人民政府")["id"]
    assert got[tuple(sorted((BIG_IRI, counties)))] == 15
    for edge in graph.edges:
        assert edge["value"] == edge["weight"] == len(edge["tasks"])
        assert all(f["chapter"] in {c["id"] for c in graph.chapters} for f in edge["facts"])
        assert all(set(f["roles"]) <= {"lead", "cooperating", "responsible"} for f in edge["facts"])


def test_lead_to_cooperating_pairs(viz_seed_store, seed_snapshot) -> None:
    rows = viz_seed_store.select(
        """SELECT ?a ?b (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t pk:leadUnit ?a ; pk:cooperatingUnit ?b FILTER(?a != ?b) }
           GROUP BY ?a ?b"""
    )
    graph = vdata.coordination(seed_snapshot)
    assert {(e["from"], e["to"]): e["weight"] for e in graph.alt_edges} == {(r["a"], r["b"]): int(r["n"]) for r in rows}
    assert all(e["arrows"] == "to" for e in graph.alt_edges)


def test_legend_filters_and_facts(seed_snapshot) -> None:
    graph = vdata.coordination(seed_snapshot)
    counts = Counter(n["group"] for n in graph.nodes)
    assert counts == {
        "GovernmentDepartment": 26,
        "PartyOrgan": 4,
        "VerticallyManaged": 4,
        "PeoplesOrganisation": 2,
        "DevelopmentZone": 1,
        "Collective": 1,
    }
    assert [item["key"] for item in graph.legend] == [k for k in vdata.UNIT_TYPES if k in counts]
    assert [c["label"][:2] for c in graph.chapters] == ["一、", "二、", "三、", "四、", "五、"]
    assert [r["id"] for r in graph.roles] == ["lead", "cooperating"]  # the seed has no 责任单位
    big = graph.node(BIG)
    assert len([f for f in big["facts"] if f["role"] == "lead"]) <= 14
    assert {t["role"] for t in big["tasks"]} == {"牵头", "配合"}
    assert len(big["tasks"]) == 21


def test_platform_view_of_gantongma(seed_snapshot) -> None:
    graph = vdata.platform(seed_snapshot, "赣通码")
    assert graph.title == "平台：赣通码"
    tasks = [n for n in graph.nodes if n["kind"] == "task"]
    assert sorted(seed_snapshot.tasks[t["id"]].number for t in tasks) == [11, 20]
    units = {n["label"] for n in graph.nodes if n["kind"] == "unit"}
    assert units == GANTONGMA_UNITS
    assert [n["kind"] for n in graph.nodes].count("platform") == 1
    mentions = [e for e in graph.edges if e["kind"] == "mentions"]
    assert len(mentions) == 2
    roles = Counter(e["role"] for e in graph.edges if e["kind"].startswith("role-"))
    assert sum(roles.values()) == 11  # task 11: 2 units, task 20: 9 units (市公安局 and 市发改委 on both)


def test_platform_by_alias_and_unknown(seed_snapshot) -> None:
    assert vdata.platform(seed_snapshot, "赣服通平台").title == "平台：赣服通"
    assert vdata.platform(seed_snapshot, "“赣服通”平台").title == "平台：赣服通"
    with pytest.raises(vdata.ViewError, match="no platform named"):
        vdata.platform(seed_snapshot, "不存在的平台")


def test_unit_view_by_alias_and_full_name(seed_snapshot) -> None:
    for name in (
        "市数据局",
        "市发改委(市数据局)",
        "九江市发展和改革委员会",
        BIG_IRI,
        "unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju",
    ):
        graph = vdata.unit(seed_snapshot, name)
        assert graph.title == f"单位：{BIG}", name
    graph = vdata.unit(seed_snapshot, "市数据局")
    center = graph.nodes[0]
    assert center["id"] == BIG_IRI and center["shape"] == "star"
    assert (center["lead"], center["cooperating"]) == (14, 7)
    tasks = [n for n in graph.nodes if n["kind"] == "task"]
    assert len(tasks) == 21
    partners = [n for n in graph.nodes if n["kind"] == "unit" and n["id"] != BIG_IRI]
    assert len(partners) == 35  # every other unit but two works with the data bureau
    counties = next(n for n in partners if n["label"] == "各县〔市、区〕人民政府")
    assert counties["shared"] == 15
    with pytest.raises(vdata.ViewError, match="no unit named"):
        vdata.unit(seed_snapshot, "市宇宙局")


def test_plan_view(viz_seed_store, seed_snapshot) -> None:
    graph = vdata.plan(seed_snapshot)
    kinds = Counter(n["kind"] for n in graph.nodes)
    platforms = viz_seed_store.select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?t pk:mentionsPlatform ?p }")
    technologies = viz_seed_store.select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?t pk:mentionsTechnology ?p }")
    assert kinds == {
        "plan": 1,
        "chapter": 5,
        "task": 23,
        "unit": 38,
        "platform": int(platforms[0]["n"]),
        "technology": int(technologies[0]["n"]),
    }
    contains = [e for e in graph.edges if e["kind"] == "contains"]
    assert len(contains) == 5 + 23
    assert len([e for e in graph.edges if e["kind"].startswith("role-")]) == 121
    assert len({n["id"] for n in graph.nodes}) == len(graph.nodes)
    assert vdata.plan(seed_snapshot, "九江市数字政府建设2025年工作要点").title == graph.title
    with pytest.raises(vdata.ViewError, match="no plan"):
        vdata.plan(seed_snapshot, "不存在的计划")


def test_every_edge_joins_drawn_nodes(seed_snapshot) -> None:
    for graph in (
        vdata.coordination(seed_snapshot),
        vdata.platform(seed_snapshot, "政务云"),
        vdata.unit(seed_snapshot, "市公安局"),
        vdata.plan(seed_snapshot),
    ):
        ids = {n["id"] for n in graph.nodes}
        assert len(ids) == len(graph.nodes), graph.view
        for edge in [*graph.edges, *graph.alt_edges]:
            assert edge["from"] in ids and edge["to"] in ids, (graph.view, edge["id"])
        assert len({e["id"] for e in [*graph.edges, *graph.alt_edges]}) == len(graph.edges) + len(graph.alt_edges)


def test_many_plans_aggregate(many_snapshot) -> None:
    assert len(many_snapshot.plans) == 7
    graph = vdata.coordination(many_snapshot)
    assert graph.aggregated == "type"
    assert {n["id"] for n in graph.nodes} == {f"type:{t}" for t in {u.type for u in many_snapshot.units.values()}}
    assert sum(n["members"] for n in graph.nodes) == len(many_snapshot.units)
    total = sum(
        vdata.weighted_load(*(1 if r == role else 0 for role in vdata.ROLES)) for _, _, r in many_snapshot.assignments
    )
    assert sum(n["load"] for n in graph.nodes) == total
    by_plan = vdata.coordination(many_snapshot, aggregate="plan")
    assert by_plan.aggregated == "plan" and len(by_plan.nodes) == 7
    full = vdata.coordination(many_snapshot, aggregate="none")
    assert len(full.nodes) == len({u for _, u, _ in many_snapshot.assignments})
    outline = vdata.plan(many_snapshot)
    assert outline.aggregated == "outline"
    assert {n["kind"] for n in outline.nodes} == {"plan", "chapter"}
    one = vdata.plan(many_snapshot, "南昌市数据赋能民生服务行动计划(2025—2026年)")
    assert one.aggregated is None and Counter(n["kind"] for n in one.nodes)["plan"] == 1
    with pytest.raises(vdata.ViewError):
        vdata.coordination(many_snapshot, aggregate="bogus")


def test_same_name_in_several_cities_picks_the_busiest(many_snapshot) -> None:
    graph = vdata.unit(many_snapshot, "各县〔市、区〕人民政府")
    held = Counter(u for _, u, _ in many_snapshot.assignments)
    candidates = [
        u for u in many_snapshot.units.values() if u.label in ("各县〔市、区〕人民政府", "各县(市、区)人民政府")
    ]
    if len(candidates) > 1:
        assert "同名" in graph.subtitle
    assert held[graph.nodes[0]["id"]] == max(held[u.iri] for u in candidates)


def test_hostile_names_stay_verbatim_in_the_data(hostile_snapshot) -> None:
    graph = vdata.coordination(hostile_snapshot)
    labels = {n["label"] for n in graph.nodes}
    assert "市委网信办<img src=x onerror=alert(1)>" in labels
    assert "市数据局<script>window.__pwned=4</script>" in labels
    plan = vdata.plan(hostile_snapshot, "新余市<script>alert(1)</script>数字政府建设2025年工作要点")
    assert plan.nodes[0]["label"] == "新余市<script>alert(1)</script>数字政府建设2025年工作要点"


def test_matrix_and_load_table(seed_snapshot) -> None:
    rows, matrix = vdata.coordination_matrix(seed_snapshot)
    assert len(rows) == len(matrix) == 38
    assert rows[0].label == BIG and rows[0].load == 35
    assert matrix[0][0] == 21  # the data bureau's own tasks
    assert all(matrix[i][j] == matrix[j][i] for i in range(38) for j in range(38))
    top, small = vdata.coordination_matrix(seed_snapshot, top=5)
    assert len(top) == 5 and [r.label for r in top] == [r.label for r in rows[:5]]
    assert small[0][:5] == matrix[0][:5]


def test_small_helpers() -> None:
    assert [vdata.chinese_numeral(n) for n in (1, 5, 10, 11, 20, 23)] == ["一", "五", "十", "十一", "二十", "二十三"]
    assert vdata.id_href("https://w3id.org/plankg/id/platform/gan-tong-ma") == "/id/platform/gan-tong-ma"
    assert vdata.id_href("http://example.org/x") is None
    assert vdata.weighted_load(1, 1, 1) == 4.5
