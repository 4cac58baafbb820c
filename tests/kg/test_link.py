"""kg/link.py (`plankg link`), upward references and citations: the city's plan under the province's.

Known answers: tests/data/jiangxi_province_2025.alignment.json gives, for each task of the test
provincial plan, the seed task that carries it out (chosen by hand by topic), or null for the two
provincial tasks the seed has no counterpart for; seed tasks 9-14 have no provincial counterpart.
Seed tasks 7, 9, 15 and 23 rely on provincial or national platforms; 14 and 20 on provincial
requirements naming no platform. The provincial plan cites 国发〔2022〕14号, which is in the registry
of higher-level plans (ontology/plans.ttl).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from plankg.kg.link import LINKS_GRAPH, PairReport, best_counterparts, link_store
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.registry import ontology_dir
from plankg.kg.store import PlanStore

DATA = Path(__file__).resolve().parents[1] / "data"
PK = "https://w3id.org/plankg/ontology#"
SEED_PLAN = "https://w3id.org/plankg/id/plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
PROVINCE_PLAN = "https://w3id.org/plankg/id/plan/jiang-xi-sheng-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
GOLD = json.loads((DATA / "jiangxi_province_2025.alignment.json").read_text(encoding="utf-8"))["alignment"]
WITH_COUNTERPART = {title: number for title, number in GOLD.items() if number is not None}
WITHOUT_COUNTERPART = {title for title, number in GOLD.items() if number is None}


def build(path: Path, *files: Path) -> PlanStore:
    store = PlanStore(path)
    build_into(store, list(files))
    return store


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> tuple[PlanStore, PairReport]:
    store = build(tmp_path_factory.mktemp("linked") / "store", bundled_seed(), DATA / "jiangxi_province_2025.txt")
    [report] = link_store(store)
    return store, report


def links_graph(store: PlanStore) -> set[ox.Triple]:
    return {q.triple for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(LINKS_GRAPH))}


# ---- the alignment's known answers ----------------------------------------------------------------


def test_the_gold_file_is_the_one_described():
    assert len(GOLD) == 19 and len(WITH_COUNTERPART) == 17 and len(WITHOUT_COUNTERPART) == 2


def test_one_pair_the_city_below_the_province(linked):
    _, report = linked
    assert (report.lower_plan, report.higher_plan) == (SEED_PLAN, PROVINCE_PLAN)


def test_the_best_city_task_of_nearly_every_provincial_task_is_the_right_one(linked):
    _, report = linked
    best = {m.higher.title: m for m in best_counterparts(report).values()}
    assert set(best) == set(GOLD)  # every provincial task has a best candidate
    right = [title for title, number in WITH_COUNTERPART.items() if best[title].lower.number == number]
    wrong = {title: (best[title].lower.number, number) for title, number in WITH_COUNTERPART.items()
             if title not in right}  # fmt: skip
    assert len(right) >= 16, f"wrong (found, right): {wrong}"
    # measured: all 17, each also confident (pk:alignedWith)
    assert all(best[title].confident for title in right)


def test_the_provincial_tasks_without_a_counterpart_are_gaps(linked):
    _, report = linked
    best = {m.higher.title: m for m in best_counterparts(report).values()}
    for title in WITHOUT_COUNTERPART:
        assert not best[title].confident
    assert {t.title for t in report.gaps} == WITHOUT_COUNTERPART


def test_the_city_tasks_with_no_provincial_counterpart_are_local_initiatives(linked):
    _, report = linked
    assert sorted(t.number for t in report.local) == [9, 10, 11, 12, 13, 14]


def test_evidence_names_shared_platforms_and_wording(linked):
    _, report = linked
    best = {m.higher.title: m for m in best_counterparts(report).values()}
    gantongma = best["拓展“赣通码”应用场景"]
    assert gantongma.lower.number == 20
    assert gantongma.evidence.startswith("共同提及 shared mentions: ")
    assert "赣通码" in gantongma.evidence and "相近表述 shared wording: " in gantongma.evidence
    appeals = best["完善企业群众诉求统一受理平台"]
    assert "企业群众诉求统一受理平台" in appeals.evidence  # the longest wording both share, whole


# ---- what is written ------------------------------------------------------------------------------


def test_alignment_nodes_have_from_to_score_and_evidence(linked):
    store, report = linked
    rows = store.select("""SELECT ?a ?from ?to ?score ?evidence WHERE {
        GRAPH ?g { ?a a pk:Alignment ; pk:fromTask ?from ; pk:toTask ?to ; pk:score ?score ; pk:evidence ?evidence }
    }""")
    assert len(rows) == len(report.matches) >= 19
    assert len({r["a"] for r in rows}) == len(rows)  # one of each, no more
    for row in rows:
        assert row["from"].startswith(SEED_PLAN + "/task/") and row["to"].startswith(PROVINCE_PLAN + "/task/")
        assert 0.0 <= float(row["score"]) <= 1.0 and row["evidence"]
    kinds = store.select("SELECT DISTINCT ?dt ?lang WHERE { ?a pk:score ?s ; pk:evidence ?e BIND(DATATYPE(?s) AS ?dt) "
                         "BIND(LANG(?e) AS ?lang) }")  # fmt: skip
    assert kinds == [{"dt": "http://www.w3.org/2001/XMLSchema#decimal", "lang": "zh"}]


def test_aligned_with_only_for_the_confident_ones(linked):
    store, report = linked
    aligned = {(r["a"], r["b"]) for r in store.select("SELECT ?a ?b WHERE { ?a pk:alignedWith ?b }")}
    confident = {(m.lower.iri, m.higher.iri) for m in report.matches if m.confident}
    assert aligned == confident
    assert len(aligned) == 17
    weak = {(m.lower.iri, m.higher.iri) for m in report.matches if not m.confident}
    assert weak and not weak & aligned
    # every pk:alignedWith has its pk:Alignment node
    for lower, higher in aligned:
        assert store.ask("ASK { ?x a pk:Alignment ; pk:fromTask ?l ; pk:toTask ?h }",
                         {"l": ox.NamedNode(lower), "h": ox.NamedNode(higher)})  # fmt: skip


def test_everything_goes_to_the_links_graph(linked):
    store, _ = linked
    graphs = {r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a a pk:Alignment } }")}
    assert graphs == {LINKS_GRAPH}
    graphs = {r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a pk:alignedWith ?b } }")}
    assert graphs == {LINKS_GRAPH}


def test_linking_twice_leaves_the_same_graph(tmp_path):
    store = build(tmp_path / "store", bundled_seed(), DATA / "jiangxi_province_2025.txt")
    link_store(store)
    first = links_graph(store)
    before = sorted(store.dump(ox.RdfFormat.N_QUADS).splitlines())
    link_store(store)
    assert links_graph(store) == first
    assert sorted(store.dump(ox.RdfFormat.N_QUADS).splitlines()) == before


def test_one_plan_alone_links_nothing(tmp_path):
    store = build(tmp_path / "store", bundled_seed())
    assert link_store(store) == []
    assert links_graph(store) == set()


def test_plans_of_one_level_are_not_compared(tmp_path):
    store = build(tmp_path / "store", bundled_seed(), DATA / "no_lead_plan.txt")  # 九江 and 萍乡, both cities
    assert link_store(store) == []


def test_a_county_plan_is_compared_with_its_own_city_not_another(tmp_path):
    """修水县 lies in 九江市: its plan carries out 九江's, not 南昌's (all three regions are in the registry)."""
    store = build(tmp_path / "store", bundled_seed(), DATA / "taipei_style_traditional.txt",
                  DATA / "nanchang_action_plan.md")  # fmt: skip
    county = "https://w3id.org/plankg/id/plan/xiu-shui-xian-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
    assert {(r.lower_plan, r.higher_plan) for r in link_store(store)} == {(county, SEED_PLAN)}


def plankg(*args: str) -> subprocess.CompletedProcess:
    command = [shutil.which("plankg")] if shutil.which("plankg") else [sys.executable, "-m", "plankg"]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "250"})  # fmt: skip


def closed(store: PlanStore) -> Path:
    path = store.path
    store.flush()
    del store
    gc.collect()
    return path


def test_the_command_with_one_plan_says_there_is_nothing_to_link(tmp_path):
    done = plankg("link", "--store", closed(build(tmp_path / "store", bundled_seed())))
    assert done.returncode == 0
    assert "no two plans of different levels" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_lists_pairs_gaps_and_local_tasks(tmp_path):
    store = closed(build(tmp_path / "store", bundled_seed(), DATA / "jiangxi_province_2025.txt"))
    done = plankg("link", "--store", store)
    assert done.returncode == 0, done.stderr
    assert "江西省数字政府建设2025年工作要点 ← 九江市数字政府建设2025年工作要点" in done.stdout
    assert "gaps (上级任务无对应): " in done.stdout and "推进数字乡村建设" in done.stdout
    assert "local (本级特色任务): 9 加强空间治理数字能力" in done.stdout


# ---- upward references ----------------------------------------------------------------------------


UPWARD = """SELECT ?number ?wording ?platform ?level WHERE {
  ?task pk:plan ?plan ; pk:number ?number ; pk:upwardReference ?wording .
  OPTIONAL { ?task pk:reliesOnPlatform ?platform OPTIONAL { ?platform pk:level ?level } }
}"""


def test_seed_tasks_relying_on_provincial_or_national_platforms(seed_store):
    rows = seed_store.select(UPWARD, {"plan": ox.NamedNode(SEED_PLAN)})
    relying = {int(r["number"]) for r in rows if r["platform"]}
    assert relying == {7, 9, 15, 23}
    higher = {int(r["number"]) for r in rows if r["level"] in (PK + "Provincial", PK + "National")}
    assert higher == {7, 9, 15, 23}
    levels = {int(r["number"]): r["level"] for r in rows if r["level"]}
    assert levels[7] == levels[9] == levels[15] == PK + "Provincial" and levels[23] == PK + "National"
    wording = {int(r["number"]): set() for r in rows}
    for r in rows:
        wording[int(r["number"])].add(r["wording"])
    assert wording[7] == {"依托全省企业群众诉求统一受理平台"}
    assert "承接使用省应急管理综合应用平台、一体化应急指挥平台" in wording[15]


def test_seed_tasks_with_upward_wording_but_no_platform(seed_store):
    rows = seed_store.select(UPWARD, {"plan": ox.NamedNode(SEED_PLAN)})
    without = {int(r["number"]) for r in rows} - {int(r["number"]) for r in rows if r["platform"]}
    assert without == {14, 20}
    wording = {int(r["number"]): r["wording"] for r in rows if int(r["number"]) in without}
    assert wording == {14: "按照省级“三医联动”有关要求", 20: "按照省级统一部署"}


# ---- citations ------------------------------------------------------------------------------------


def registry_plan(identifier: str) -> str:
    graph = rdflib.Graph().parse(ontology_dir() / "plans.ttl", format="turtle")
    [subject] = graph.subjects(rdflib.URIRef(PK + "identifier"), rdflib.Literal(identifier))
    return str(subject)


def test_the_provincial_plan_cites_the_national_guideline_by_its_registry_iri(linked):
    store, _ = linked
    national = registry_plan("国发〔2022〕14号")
    assert national == "https://w3id.org/plankg/id/plan/guo-wu-yuan-guan-yu-jia-qiang-shu-zi-zheng-fu-jian-she-de-zhi-dao-yi-jian"
    cited = {r["c"] for r in store.select("SELECT ?c WHERE { ?p pk:cites ?c }", {"p": ox.NamedNode(PROVINCE_PLAN)})}
    assert cited == {national}
    [row] = store.select("""SELECT DISTINCT ?title ?level WHERE { GRAPH <https://w3id.org/plankg/id/graph/ontology/plans>
        { ?c a pk:Plan ; rdfs:label ?title ; pk:level ?level } }""", {"c": ox.NamedNode(national)})  # fmt: skip
    assert row == {"title": "国务院关于加强数字政府建设的指导意见", "level": PK + "National"}


def test_the_provincial_plan_has_its_level(linked):
    store, _ = linked
    assert store.ask("ASK { ?p pk:level pk:Provincial }", {"p": ox.NamedNode(PROVINCE_PLAN)})
    assert store.ask("ASK { ?p pk:level pk:Municipal }", {"p": ox.NamedNode(SEED_PLAN)})
