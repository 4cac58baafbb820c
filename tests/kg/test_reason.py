"""kg/reason.py (`plankg reason`): HermiT through owlready2 and the OWL 2 RL fallback (owlrl).

Known answers: after reasoning, the 9 units that touch 赣通码 (tasks 11 and 20 of the seed, every unit
that leads or cooperates on one of them) come from pk:touchesPlatform alone; both engines infer
the same pk:touchesPlatform triples (173 on the seed: one per unit and platform of a task it is
involved in); what is inferred lives in a graph of its own per plan, which a rebuild drops.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from plankg.kg import reason
from plankg.kg.ids import inferred_graph
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.reason import InconsistentPlan, reason_plan, reason_store
from plankg.kg.store import PlanStore

DATA = Path(__file__).resolve().parents[1] / "data"
PK = "https://w3id.org/plankg/ontology#"
SEED_PLAN = "https://w3id.org/plankg/id/plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
SEED_GRAPH = "https://w3id.org/plankg/id/graph/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
TOUCHES = PK + "touchesPlatform"
GANTONGMA_UNITS = {
    "市公安局",
    "市发改委〔市数据局〕",
    "市民政局",
    "市住建局",
    "市行政审批局",
    "市文广旅局",
    "市人社局",
    "市卫健委",
    "各县〔市、区〕人民政府",
}
# The question asked with pk:touchesPlatform alone: no task, no role, no chain written out.
TOUCHING_GANTONGMA = """SELECT DISTINCT ?name WHERE {
  ?platform skos:prefLabel "赣通码"@zh .
  ?unit pk:touchesPlatform ?platform ; skos:prefLabel ?name .
  FILTER(LANG(?name) = "zh")
}"""
# What the property chain pk:involvedIn ∘ pk:mentionsPlatform gives, written out by hand.
CHAIN = "SELECT DISTINCT ?u ?p WHERE { GRAPH ?g { ?u pk:involvedIn ?t . ?t pk:mentionsPlatform ?p } }"


def seed_store(path: Path) -> PlanStore:
    store = PlanStore(path)
    build_into(store, [bundled_seed()])
    return store


def touches(store: PlanStore) -> set[tuple[str, str]]:
    return {(r["u"], r["p"]) for r in store.select("SELECT DISTINCT ?u ?p WHERE { ?u pk:touchesPlatform ?p }")}


def graph_triples(store: PlanStore, graph: str) -> set[ox.Triple]:
    return {q.triple for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


@pytest.fixture(scope="module")
def reasoned(tmp_path_factory) -> dict[str, PlanStore]:
    """The seed reasoned with each engine, each in a store of its own."""
    stores = {}
    for engine in ("hermit", "owlrl"):
        store = seed_store(tmp_path_factory.mktemp(engine) / "store")
        results = reason_store(store, engine)
        assert [r.plan for r in results] == ["九江市数字政府建设2025年工作要点"]
        stores[engine] = store
    return stores


# ---- known answers ------------------------------------------------------------------------------


def test_java_is_there_for_hermit():
    """.ci/run installs Java: without it the HermiT tests below would test the fallback twice."""
    assert shutil.which("java"), "no java on PATH: HermiT cannot run here"


def test_before_reasoning_no_unit_touches_a_platform(tmp_path):
    store = seed_store(tmp_path / "store")
    assert store.select(TOUCHING_GANTONGMA) == []


@pytest.mark.parametrize("engine", ["hermit", "owlrl"])
def test_the_nine_units_touching_gantongma_come_from_touches_platform_alone(reasoned, engine):
    names = {row["name"] for row in reasoned[engine].select(TOUCHING_GANTONGMA)}
    assert names == GANTONGMA_UNITS


@pytest.mark.parametrize("engine", ["hermit", "owlrl"])
def test_the_engine_is_the_one_asked_for(tmp_path, engine):
    result = reason_plan(reason._ontology_triples(), [], "empty", "urn:x", engine)
    assert result.engine == {"hermit": "HermiT", "owlrl": "OWL 2 RL (owlrl)"}[engine]
    assert result.note == ""


def test_both_engines_give_the_same_touches_platform_triples(reasoned):
    hermit, owlrl = touches(reasoned["hermit"]), touches(reasoned["owlrl"])
    assert hermit == owlrl
    chain = {(r["u"], r["p"]) for r in reasoned["hermit"].select(CHAIN)}
    assert hermit == chain
    assert len(hermit) == 173


def test_what_is_inferred_is_in_the_plans_inferred_graph_only(reasoned):
    store = reasoned["hermit"]
    inferred = graph_triples(store, inferred_graph(SEED_GRAPH))
    assert inferred and all(t.predicate.value.startswith(PK) or t.object.value.startswith(PK) for t in inferred)
    assert {t.predicate.value for t in inferred} == {TOUCHES}
    graphs = {r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?u pk:touchesPlatform ?p } }")}
    assert graphs == {inferred_graph(SEED_GRAPH)}
    # nothing the plan states is repeated there
    assert not inferred & graph_triples(store, SEED_GRAPH)


def test_reasoning_twice_changes_nothing(tmp_path):
    store = seed_store(tmp_path / "store")
    reason_store(store, "owlrl")
    before = store.dump(ox.RdfFormat.N_QUADS)
    reason_store(store, "owlrl")
    assert sorted(store.dump(ox.RdfFormat.N_QUADS).splitlines()) == sorted(before.splitlines())
    reason_store(store, "hermit")  # and the other engine writes the very same graph
    assert sorted(store.dump(ox.RdfFormat.N_QUADS).splitlines()) == sorted(before.splitlines())


def test_rebuilding_the_plan_drops_its_inferred_graph(tmp_path):
    store = seed_store(tmp_path / "store")
    reason_store(store, "owlrl")
    graph = ox.NamedNode(inferred_graph(SEED_GRAPH))
    assert len(graph_triples(store, graph.value)) == 173
    build_into(store, [bundled_seed()])
    assert not graph_triples(store, graph.value)
    assert store.select(TOUCHING_GANTONGMA) == []


# ---- without Java --------------------------------------------------------------------------------


def test_without_java_it_falls_back_to_owlrl_and_says_so(tmp_path, monkeypatch):
    store = seed_store(tmp_path / "store")
    monkeypatch.setattr(reason.shutil, "which", lambda name, *args, **kwargs: None)
    seen = []
    results = reason_store(store, "hermit", on_done=seen.append)
    assert seen == results
    assert results[0].engine == "OWL 2 RL (owlrl)"
    assert "Java is not installed" in results[0].note and "owlrl" in results[0].note
    assert {row["name"] for row in store.select(TOUCHING_GANTONGMA)} == GANTONGMA_UNITS


def test_a_reasoner_that_fails_to_run_falls_back_too(tmp_path, monkeypatch):
    store = seed_store(tmp_path / "store")

    def broken(*args, **kwargs):
        raise OSError("java: cannot execute binary file")

    monkeypatch.setattr(reason, "_hermit", broken)
    [result] = reason_store(store, "hermit")
    assert result.engine == "OWL 2 RL (owlrl)"
    assert "HermiT could not run" in result.note and "cannot execute" in result.note
    assert len(touches(store)) == 173


def plankg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [shutil.which("plankg")] if shutil.which("plankg") else [sys.executable, "-m", "plankg"]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})  # fmt: skip


def closed_seed_store(path: Path, update: str | None = None) -> Path:
    """A seed store on disk, closed again so that a `plankg` process can open it."""
    store = seed_store(path)
    if update:
        store.store.update(update)
    store.flush()
    del store
    gc.collect()
    return path


def test_the_command_without_java_on_path_says_so(tmp_path):
    store = closed_seed_store(tmp_path / "store")
    no_java = tmp_path / "bin"  # a PATH with neither java nor anything else on it
    no_java.mkdir()
    done = plankg("reason", "--store", store, env={"PATH": str(no_java)})
    assert done.returncode == 0, done.stderr
    assert "Java is not installed" in done.stderr and "owlrl" in done.stderr
    assert "reasoned 九江市数字政府建设2025年工作要点 with OWL 2 RL (owlrl): 173 pk:touchesPlatform" in done.stderr


# ---- contradictions ------------------------------------------------------------------------------

TWO_NUMBERS = f"INSERT DATA {{ GRAPH <{SEED_GRAPH}> {{ <{SEED_PLAN}/task/1> <{PK}number> 99 }} }}"
TASK_AND_UNIT = f"INSERT DATA {{ GRAPH <{SEED_GRAPH}> {{ <{SEED_PLAN}/task/2> a <{PK}Unit> }} }}"


@pytest.mark.parametrize("engine", ["hermit", "owlrl"])
@pytest.mark.parametrize(
    ("update", "words"),
    [
        (TWO_NUMBERS, ["task “健全数字化项目管理机制”", "2 different values of pk:number (1, 99)", "takes one"]),
        (TASK_AND_UNIT, ["task 2 “加强存量数字化项目处置应用”", "both pk:Task and pk:Unit", "disjoint"]),
    ],
    ids=["two-numbers", "task-and-unit"],
)
def test_a_contradiction_is_reported_in_plain_words(tmp_path, engine, update, words):
    store = seed_store(tmp_path / "store")
    store.store.update(update)
    with pytest.raises(InconsistentPlan) as caught:
        reason_store(store, engine)
    message = str(caught.value)
    assert message.startswith("九江市数字政府建设2025年工作要点: the plan contradicts the ontology: ")
    for word in words:
        assert word in message
    assert "Traceback" not in message and "owlready2" not in message


def test_the_other_plans_are_still_reasoned_and_the_contradictory_one_keeps_no_inferred_graph(tmp_path):
    store = seed_store(tmp_path / "store")
    reason_store(store, "owlrl")
    build_into(store, [DATA / "jiangxi_province_2025.txt"])
    store.store.update(TWO_NUMBERS)
    done = []
    with pytest.raises(InconsistentPlan):
        reason_store(store, "owlrl", on_done=done.append)
    assert [r.plan for r in done] == ["江西省数字政府建设2025年工作要点"]
    assert not graph_triples(store, inferred_graph(SEED_GRAPH))  # what it held came from the plan as it was
    assert len(touches(store)) == 71


@pytest.mark.parametrize("engine", ["hermit", "owlrl"])
def test_the_command_reports_a_contradiction_with_exit_1_and_no_traceback(tmp_path, engine):
    store = closed_seed_store(tmp_path / "store", TWO_NUMBERS)
    done = plankg("reason", "--store", store, "--engine", engine)
    assert done.returncode == 1
    assert "error:" in done.stderr and "contradicts the ontology" in done.stderr
    assert "2 different values of pk:number" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_an_unknown_engine_is_refused(tmp_path):
    done = plankg("reason", "--store", closed_seed_store(tmp_path / "store"), "--engine", "pellet")
    assert done.returncode == 1 and "expected hermit or owlrl" in done.stderr
