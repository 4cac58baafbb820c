"""kg/build.py: the triples of one plan's named graph (checked on the triples and in the seed store)."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from plankg.kg.ids import PKID
from plankg.kg.pipeline import compile_file

PK = "https://w3id.org/plankg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
XSD = "http://www.w3.org/2001/XMLSchema#"
ROLES = ("leadUnit", "cooperatingUnit", "responsibleUnit")
SEED_PLAN_IRI = PKID + "plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
SEED_GRAPH_IRI = PKID + "graph/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"


class Graph:
    """The built triples, indexed: subject → predicate → objects."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples
        self.index: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self.index[t.subject.value][t.predicate.value].append(t.object)

    def subjects(self, cls: str) -> list[str]:
        return [s for s, props in self.index.items() if any(o.value == PK + cls for o in props[RDF_TYPE])]

    def one(self, subject: str, prop: str):
        values = self.index[subject][prop]
        assert len(values) == 1, (subject, prop, values)
        return values[0]

    def values(self, subject: str, prop: str) -> list:
        return self.index[subject][prop]


@pytest.fixture(scope="module")
def built_plans():
    cache = {}

    def get(path: Path):
        if path not in cache:
            item = compile_file(path)
            cache[path] = (item, Graph(item.triples))
        return cache[path]

    return get


def iris_of(triples: list[ox.Triple]) -> set[str]:
    found = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
            elif isinstance(term, ox.Literal):
                found.add(term.datatype.value)
    return found


# ---- the plan --------------------------------------------------------------------------------


def test_seed_plan_node(built_plans, seed_path: Path, seed_doc) -> None:
    item, g = built_plans(seed_path)
    assert item.ids.plan == SEED_PLAN_IRI and item.ids.graph == SEED_GRAPH_IRI
    plan = SEED_PLAN_IRI
    assert plan in g.subjects("Plan")
    label = g.one(plan, RDFS_LABEL)
    assert (label.value, label.language) == ("九江市数字政府建设2025年工作要点", "zh")
    issued = g.one(plan, PK + "issued")
    assert (issued.value, issued.datatype.value) == ("2025-05-23", XSD + "date")
    assert g.one(plan, PK + "approvedBy").value == "市政府第63次常务会议"
    assert g.one(plan, PK + "region").value == PKID + "region/jiujiang"
    assert g.one(plan, PK + "level").value == PK + "Municipal"
    assert g.one(plan, PK + "checksum").value == seed_doc.checksum
    assert g.one(plan, PK + "sourceText").value == seed_doc.text
    assert g.one(plan, PK + "sourceFile").value == seed_path.name
    assert g.one(plan, "http://www.w3.org/ns/prov#wasDerivedFrom").value == seed_path.resolve().as_uri()
    addressees = {a.value for a in g.values(plan, PK + "addressee")}
    assert addressees == {"各县(市、区)人民政府", "市政府有关部门", "市直及驻市有关单位"}


def test_seed_chapters_and_tasks(built_plans, seed_path: Path, seed_gold) -> None:
    _item, g = built_plans(seed_path)
    chapters = sorted(g.subjects("Chapter"), key=lambda c: int(g.one(c, PK + "number").value))
    assert [g.one(c, RDFS_LABEL).value for c in chapters] == [c["title"] for c in seed_gold["chapters"]]
    tasks = g.subjects("Task")
    assert len(tasks) == 23
    by_number = {int(g.one(t, PK + "number").value): t for t in tasks}
    assert sorted(by_number) == list(range(1, 24))
    for gold in seed_gold["tasks"]:
        task = by_number[gold["number"]]
        assert g.one(task, RDFS_LABEL).value == gold["title"]
        assert g.one(task, PK + "chapter").value == chapters[gold["chapter"] - 1]
        assert g.one(task, PK + "plan").value == SEED_PLAN_IRI
        assert g.one(task, PK + "number").datatype.value == XSD + "integer"
        assert "牵头单位" not in g.one(task, PK + "text").value


# ---- units -----------------------------------------------------------------------------------


def test_seed_data_bureau_is_one_unit_with_both_labels(seed_store) -> None:
    rows = seed_store.select(
        """SELECT DISTINCT ?u WHERE {
             ?t pk:involvedUnit ?u . ?u skos:prefLabel|skos:altLabel ?l .
             FILTER(STR(?l) IN ("市发改委", "市数据局", "市发改委〔市数据局〕")) }"""
    )
    assert len(rows) == 1
    unit = rows[0]["u"]
    labels = {r["l"] for r in seed_store.select("SELECT ?l WHERE { ?u skos:prefLabel|skos:altLabel ?l }",
                                                {"u": ox.NamedNode(unit)})}  # fmt: skip
    assert {"市发改委", "市数据局"} <= labels


def test_seed_data_bureau_is_in_every_task_the_gold_names_it(seed_store, seed_gold) -> None:
    named = "市发改委〔市数据局〕"
    want = {t["number"] for t in seed_gold["tasks"] if named in t.get("lead", []) + t.get("cooperating", [])}
    rows = seed_store.select(
        """SELECT DISTINCT ?n WHERE { ?u skos:altLabel|skos:prefLabel "市数据局"@zh .
             ?u pk:involvedIn ?t . ?t pk:number ?n }"""
    )
    assert {int(r["n"]) for r in rows} == want


def test_collective_is_one_unit_in_the_store(seed_store) -> None:
    rows = seed_store.select(
        """SELECT DISTINCT ?u WHERE { ?t pk:involvedUnit ?u . ?u skos:prefLabel|skos:altLabel ?l .
             FILTER(STRSTARTS(STR(?l), "各县")) }"""
    )
    assert [r["u"] for r in rows] == [PKID + "unit/jiujiang/ge-xian-shi-qu-ren-min-zheng-fu"]


def test_seed_distinct_involved_units(seed_store) -> None:
    (row,) = seed_store.select("SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?t pk:involvedUnit ?u }")
    assert int(row["n"]) == 38


def test_new_units_are_described_in_the_plan_graph(built_plans, data_dir: Path) -> None:
    _item, g = built_plans(data_dir / "no_lead_plan.txt")
    units = {o.value for t in g.subjects("Task") for o in g.values(t, PK + "involvedUnit")}
    assert len(units) == 6
    for unit in units:
        assert unit.startswith(PKID + "unit/ping-xiang-shi/")
        types = {o.value for o in g.values(unit, RDF_TYPE)}
        assert PK + "Unit" in types and len(types - {PK + "Unit"}) >= 1  # and its kind of unit
        assert g.one(unit, SKOS_PREF).language == "zh"
        assert g.one(unit, PK + "region").value == PKID + "region/ping-xiang-shi"


def test_traditional_forms_are_kept_as_alt_labels(built_plans, data_dir: Path) -> None:
    _item, g = built_plans(data_dir / "taipei_style_traditional.txt")
    unit = PKID + "unit/xiu-shui-xian/xian-shu-ju-ju"
    assert g.one(unit, SKOS_PREF).value == "县数据局"
    alt = [(o.value, o.language.lower()) for o in g.values(unit, SKOS_ALT)]
    assert ("縣數據局", "zh-hant") in alt


def test_hostile_names_are_stored_verbatim(built_plans, data_dir: Path) -> None:
    _item, g = built_plans(data_dir / "hostile_plan.txt")
    labels = {t.object.value for t in g.triples if t.predicate.value in (RDFS_LABEL, SKOS_PREF)}
    assert "新余市<script>alert(1)</script>数字政府建设2025年工作要点" in labels
    assert "强化<img src=x onerror=alert(1)>基础支撑" in labels
    assert "推进<b>数据</b>&共享应用" in labels
    assert "市委网信办<img src=x onerror=alert(1)>" in labels


# ---- materialised roles, spans, IRIs -----------------------------------------------------------


def test_roles_materialise_involved_unit_and_involved_in(built_plans, plan_file: Path) -> None:
    item, g = built_plans(plan_file)
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in g.triples}
    roles = {(s, o) for s, p, o in triples if p in {PK + r for r in ROLES}}
    involved = {(s, o) for s, p, o in triples if p == PK + "involvedUnit"}
    inverse = {(o, s) for s, p, o in triples if p == PK + "involvedIn"}
    assert roles == involved == inverse
    assignments = sum(len(t.assignments) for t in item.plan.tasks)
    assert len(g.subjects("Assignment")) == assignments


def test_seed_store_materialises_roles(seed_store) -> None:
    assert not seed_store.ask(
        """ASK { ?t ?role ?u . VALUES ?role { pk:leadUnit pk:cooperatingUnit pk:responsibleUnit }
                 FILTER NOT EXISTS { ?t pk:involvedUnit ?u } }"""
    )
    assert not seed_store.ask("ASK { ?t pk:involvedUnit ?u FILTER NOT EXISTS { ?u pk:involvedIn ?t } }")
    assert not seed_store.ask("ASK { ?u pk:involvedIn ?t FILTER NOT EXISTS { ?t pk:involvedUnit ?u } }")
    (row,) = seed_store.select("SELECT (COUNT(*) AS ?n) WHERE { ?t pk:involvedUnit ?u }")
    assert int(row["n"]) == 121  # the seed's assignments, none lost to merged aliases


def test_task_spans_slice_the_source_text(built_plans, plan_file: Path) -> None:
    item, g = built_plans(plan_file)
    source = g.one(item.ids.plan, PK + "sourceText").value
    for task in g.subjects("Task"):
        start, end = int(g.one(task, PK + "start").value), int(g.one(task, PK + "end").value)
        assert 0 <= start < end <= len(source)
        number = int(g.one(task, PK + "number").value)
        assert starts_with_number(source[start:end], number), (number, source[start : start + 10])
        assert g.one(task, RDFS_LABEL).value in source[start:end]
    for task in item.plan.tasks:
        for index, assignment in enumerate(task.assignments, start=1):
            record = f"{item.ids.plan}/task/{task.ordinal}/assignment/{index}"
            start, end = int(g.one(record, PK + "start").value), int(g.one(record, PK + "end").value)
            assert source[start:end] == assignment.name
            assert g.one(record, PK + "task").value == f"{item.ids.plan}/task/{task.ordinal}"
            assert g.one(record, PK + "role").value == PK + ROLES[("lead", "cooperating", "responsible")
                                                                   .index(assignment.role)]  # fmt: skip


def starts_with_number(text: str, number: int) -> bool:
    """`1.` / `1、` / `(一)` / `一、`: the task's printed number opens its span."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if number < 10:
        numeral = digits[number]
    else:
        numeral = ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    head = text.lstrip("(（")
    for form in (str(number), numeral):
        if head.startswith(form) and head[len(form) : len(form) + 1] in ("、", ".", ")", "）", " "):
            return True
    return False


def test_seed_store_task_spans(seed_store) -> None:
    rows = seed_store.select(
        """SELECT ?n ?s ?e ?src WHERE { ?t a pk:Task ; pk:number ?n ; pk:start ?s ; pk:end ?e ; pk:plan ?p .
             ?p pk:sourceText ?src }"""
    )
    assert len(rows) == 23
    for row in rows:
        assert row["src"][int(row["s"]) : int(row["e"])].startswith(row["n"] + ".")


def test_iris_are_ascii(built_plans, plan_file: Path) -> None:
    item, _g = built_plans(plan_file)
    for value in iris_of(item.triples):
        assert value.isascii(), value


def test_iris_are_stable_across_builds(seed_path: Path, data_dir: Path) -> None:
    for path in (seed_path, data_dir / "taipei_style_traditional.txt", data_dir / "hostile_plan.txt"):
        first, second = compile_file(path), compile_file(path)
        assert iris_of(first.triples) == iris_of(second.triples)
        assert set(first.triples) == set(second.triples)
    seed = compile_file(seed_path)
    assert PKID + "unit/jiujiang/shi-gong-an-ju" in iris_of(seed.triples)
    assert SEED_PLAN_IRI + "/task/1" in iris_of(seed.triples)


def test_source_iri_of_a_chinese_file_name_is_ascii(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "计划 文件"
    folder.mkdir()
    path = folder / "萍乡市工作要点.txt"
    shutil.copy(data_dir / "no_lead_plan.txt", path)
    item = compile_file(path)
    for value in iris_of(item.triples):
        assert value.isascii(), value


def test_deadlines(built_plans, data_dir: Path) -> None:
    _item, g = built_plans(data_dir / "ganzhou_implementation_gbk.txt")
    by_number = {int(g.one(t, PK + "number").value): t for t in g.subjects("Task")}
    first = by_number[1]
    deadline = g.one(first, PK + "deadline")
    assert (deadline.value, deadline.datatype.value) == ("2025-06-30", XSD + "date")
    assert g.one(first, PK + "deadlineText").value == "2025年6月底前"
    assert g.values(by_number[5], PK + "deadline") == []
    assert g.one(by_number[5], PK + "deadlineText").value == "长期坚持"


def test_sections_are_linked(built_plans, data_dir: Path) -> None:
    _item, g = built_plans(data_dir / "nanchang_action_plan.md")
    sections = g.subjects("Section")
    assert len(sections) == 8
    for section in sections:
        assert g.one(section, PK + "chapter").value in g.subjects("Chapter")
    for task in g.subjects("Task"):
        section = g.one(task, PK + "section").value
        assert g.one(section, PK + "chapter").value == g.one(task, PK + "chapter").value


def test_plan_without_chapters_has_no_chapter_links(built_plans, data_dir: Path) -> None:
    _item, g = built_plans(data_dir / "ganzhou_implementation_gbk.txt")
    assert g.subjects("Chapter") == []
    assert all(g.values(t, PK + "chapter") == [] for t in g.subjects("Task"))
    assert len(g.subjects("Task")) == 10
