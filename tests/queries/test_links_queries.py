"""The canned queries about plans of different levels, on the seed with the test provincial plan beside
it: task_alignments, alignment_gaps and local_initiatives (after `plankg link`), plan_citations and
tasks_relying_on_higher_level. On the seed alone (queries/expected/*.json, tests/queries/test_canned.py)
the first four are empty: the seed cites nothing and has nothing to be aligned with.

Known answers from tests/data/jiangxi_province_2025.alignment.json: the right seed task of each
provincial task; the two provincial tasks with none; seed tasks 9-14 with no provincial counterpart.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from plankg.kg.link import link_store
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.store import PlanStore
from plankg.queries import load_queries

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_PLAN = "https://w3id.org/plankg/id/plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
PROVINCE_PLAN = "https://w3id.org/plankg/id/plan/jiang-xi-sheng-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
NATIONAL_GUIDELINE = (
    "https://w3id.org/plankg/id/plan/guo-wu-yuan-guan-yu-jia-qiang-shu-zi-zheng-fu-jian-she-de-zhi-dao-yi-jian"
)
GOLD = json.loads((DATA / "jiangxi_province_2025.alignment.json").read_text(encoding="utf-8"))["alignment"]
QUERIES = load_queries()
LINK_QUERIES = ["task_alignments", "alignment_gaps", "local_initiatives"]


def run(store: PlanStore, name: str) -> list[dict]:
    return store.select(QUERIES[name].sparql)


@pytest.fixture(scope="module")
def city_and_province(tmp_path_factory) -> PlanStore:
    store = PlanStore(tmp_path_factory.mktemp("links") / "store")
    build_into(store, [bundled_seed(), DATA / "jiangxi_province_2025.txt"])
    return store


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> PlanStore:
    store = PlanStore(tmp_path_factory.mktemp("linked") / "store")
    build_into(store, [bundled_seed(), DATA / "jiangxi_province_2025.txt"])
    link_store(store)
    return store


@pytest.mark.parametrize("name", LINK_QUERIES)
def test_nothing_is_aligned_before_link_runs(city_and_province, name):
    assert run(city_and_province, name) == []


def test_task_alignments_give_the_right_city_task_for_every_provincial_one(linked):
    rows = run(linked, "task_alignments")
    assert {(r["higherPlan"], r["lowerPlan"]) for r in rows} == {(PROVINCE_PLAN, SEED_PLAN)}
    confident = {r["higherTitle"]: int(r["lowerNumber"]) for r in rows if r["confident"] == "true"}
    assert confident == {title: number for title, number in GOLD.items() if number is not None}
    for row in rows:
        assert 0 <= float(row["score"]) <= 1 and row["evidence"] and row["alignment"]
    # in the provincial plan's order: chapter, then number (numbering restarts in each chapter)
    order = [(int(r["higherChapter"]), int(r["higherNumber"])) for r in rows]
    assert order == sorted(order)
    assert rows[0]["higherTitle"] == "完善数字化项目统筹管理制度" and rows[0]["lowerNumber"] == "1"


def test_alignment_gaps_are_the_two_provincial_tasks_without_a_counterpart(linked):
    rows = run(linked, "alignment_gaps")
    assert [(r["title"], r["lowerPlan"]) for r in rows] == [
        ("推进数字乡村建设", SEED_PLAN),  # 二、(六)
        ("推进公共数据资源授权运营", SEED_PLAN),  # 三、(二)
    ]
    assert {title for title, number in GOLD.items() if number is None} == {r["title"] for r in rows}
    assert all(r["plan"] == PROVINCE_PLAN and float(r["bestScore"]) < 0.3 for r in rows)


def test_local_initiatives_are_seed_tasks_9_to_14(linked):
    rows = run(linked, "local_initiatives")
    assert [int(r["number"]) for r in rows] == [9, 10, 11, 12, 13, 14]
    assert {r["plan"] for r in rows} == {SEED_PLAN}
    assert rows[0]["title"] == "加强空间治理数字能力"


def test_the_provincial_plan_cites_the_national_guideline_from_the_registry(linked):
    rows = run(linked, "plan_citations")
    assert rows == [{
        "plan": PROVINCE_PLAN,
        "planTitle": "江西省数字政府建设2025年工作要点",
        "cited": NATIONAL_GUIDELINE,
        "citedTitle": "国务院关于加强数字政府建设的指导意见",
        "identifier": "国发〔2022〕14号",
        "levelName": "国家级",
        "inRegistry": "true",
    }]  # fmt: skip


def test_only_the_city_relies_on_higher_level_platforms(linked):
    rows = run(linked, "tasks_relying_on_higher_level")
    assert {r["plan"] for r in rows} == {SEED_PLAN}
    assert sorted({int(r["number"]) for r in rows}) == [7, 9, 14, 15, 20, 23]
    assert sorted({int(r["number"]) for r in rows if r["platform"]}) == [7, 9, 15, 23]
    by_platform = {r["platformName"]: r["levelName"] for r in rows if r["platform"]}
    assert by_platform == {
        "全省企业群众诉求统一受理平台": "省级",
        "省政务地理空间信息支撑平台": "省级",
        "省应急管理综合应用平台": "省级",
        "一体化应急指挥平台": None,  # the registry gives it no level
        "国家网络安全协调指挥平台": "国家级",
    }


@pytest.mark.parametrize("name", [*LINK_QUERIES, "plan_citations", "tasks_relying_on_higher_level"])
def test_linking_again_changes_no_answer(linked, name):
    before = run(linked, name)
    link_store(linked)
    assert run(linked, name) == before


def test_a_triple_stated_twice_counts_once(tmp_path):
    """The links graph restated in a second graph (as a copy of the store might): same answers."""
    store = PlanStore(tmp_path / "store")
    build_into(store, [bundled_seed(), DATA / "jiangxi_province_2025.txt"])
    link_store(store)
    answers = {name: run(store, name) for name in LINK_QUERIES}
    store.store.update("""INSERT { GRAPH <urn:plankg:test:restated> { ?s ?p ?o } }
                          WHERE { GRAPH <https://w3id.org/plankg/id/graph/links> { ?s ?p ?o } }""")
    assert len(list(store.store.quads_for_pattern(None, None, None, ox.NamedNode("urn:plankg:test:restated"))))
    for name, rows in answers.items():
        assert run(store, name) == rows
