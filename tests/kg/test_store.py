"""kg/store.py, kg/pipeline.py and kg/sparql.py: named graphs, replacement, failed builds, bindings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from plankg.kg.errors import PlanError
from plankg.kg.pipeline import build_into, ensure_seeded, expand_sources
from plankg.kg.sparql import BindingError, bind_values
from plankg.kg.store import PlanStore, StoreError, default_store_path

SEED_TITLE = "九江市数字政府建设2025年工作要点"
SEED_PLAN = "https://w3id.org/plankg/id/plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
GANZHOU_TITLE = "赣州市推进政务服务“一网通办”提质增效实施方案"


def dump(store: PlanStore) -> list[bytes]:
    """The whole store as sorted N-Quads lines: equal dumps, equal stores."""
    return sorted(store.dump(ox.RdfFormat.N_QUADS).splitlines())


def built_plans(store: PlanStore) -> set[str]:
    """The plans built from a source file (the registries may describe other plans, which were not built)."""
    return {r["p"] for r in store.select("SELECT DISTINCT ?p WHERE { ?p a pk:Plan ; pk:sourceFile ?file }")}


def count(store: PlanStore, sparql: str, bindings=None) -> int:
    (row,) = store.select(sparql, bindings)
    return int(row["n"])


# ---- building and replacing --------------------------------------------------------------------


def test_rebuilding_a_plan_replaces_its_graph(empty_store: PlanStore, seed_path: Path) -> None:
    (built,) = build_into(empty_store, [seed_path])
    first = len(empty_store.store)
    before = sorted(empty_store.dump(ox.RdfFormat.N_QUADS, built.ids.graph).splitlines())
    build_into(empty_store, [seed_path])
    assert len(empty_store.store) == first
    assert sorted(empty_store.dump(ox.RdfFormat.N_QUADS, built.ids.graph).splitlines()) == before
    assert count(empty_store, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }") == 23


def test_rebuilding_from_a_changed_file_drops_the_old_triples(tmp_path: Path, data_dir: Path) -> None:
    store = PlanStore(tmp_path / "store")
    plan = tmp_path / "plan.txt"
    text = (data_dir / "no_lead_plan.txt").read_text(encoding="utf-8")
    plan.write_text(text, encoding="utf-8")
    build_into(store, [plan])
    assert count(store, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }") == 4
    plan.write_text(text.split("3.加强数据治理宣传培训")[0], encoding="utf-8")
    build_into(store, [plan])
    assert count(store, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }") == 2
    assert not store.ask('ASK { ?t rdfs:label "建立数据治理考核评价机制"@zh }')


def test_failed_build_leaves_the_store_as_it_was(empty_store: PlanStore, seed_path: Path, data_dir: Path,
                                                 tmp_path: Path) -> None:  # fmt: skip
    build_into(empty_store, [seed_path])
    before = dump(empty_store)
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是一个工作计划。\n没有任何编号。\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        build_into(empty_store, [data_dir / "ganzhou_implementation_gbk.txt", bad])
    assert info.value.path == str(bad)
    assert dump(empty_store) == before
    assert built_plans(empty_store) == {SEED_PLAN}


def test_a_bad_file_after_plans_were_bulk_loaded_leaves_the_store_as_it_was(
    empty_store: PlanStore, seed_path: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New plans are loaded in batches while later files compile; one bad file at the end takes them out again."""
    import plankg.kg.store as store_module

    build_into(empty_store, [seed_path])
    before = dump(empty_store)
    monkeypatch.setattr(store_module, "WRITE_BATCH", 2)
    loads = []
    bulk_load = store_module.PlanWriter._load_fresh
    monkeypatch.setattr(store_module.PlanWriter, "_load_fresh", lambda self: loads.append(1) or bulk_load(self))
    bad = tmp_path / "zz-bad.txt"
    bad.write_text("这不是一个工作计划。\n没有任何编号。\n", encoding="utf-8")
    new_plans = [data_dir / name for name in ("ganzhou_implementation_gbk.txt", "no_lead_plan.txt",
                                              "numbering_gap_plan.txt", "taipei_style_traditional.txt")]  # fmt: skip
    with pytest.raises(PlanError) as info:
        build_into(empty_store, [*new_plans, bad])
    assert info.value.path == str(bad)
    assert len(loads) == 2  # four new plans went into the store before the bad file was read
    assert dump(empty_store) == before
    assert built_plans(empty_store) == {SEED_PLAN}


def test_failed_first_build_leaves_an_empty_store(empty_store: PlanStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><p>没有计划</p></body></html>", encoding="utf-8")
    with pytest.raises(PlanError):
        build_into(empty_store, [bad])
    assert len(empty_store.store) == 0
    assert empty_store.is_empty()


def test_the_same_plan_twice_in_one_build_is_refused(empty_store: PlanStore, seed_path: Path,
                                                     tmp_path: Path) -> None:  # fmt: skip
    copy = tmp_path / "copy.txt"
    shutil.copy(seed_path, copy)
    with pytest.raises(PlanError) as info:
        build_into(empty_store, [seed_path, copy])
    assert info.value.path == str(copy)
    assert len(empty_store.store) == 0


def test_two_plans_two_named_graphs(empty_store: PlanStore, seed_path: Path, data_dir: Path) -> None:
    built = build_into(empty_store, [seed_path, data_dir / "ganzhou_implementation_gbk.txt"])
    graphs = {item.ids.graph for item in built}
    assert len(graphs) == 2
    assert {(item.plan.title, item.ids.graph) for item in built} <= {(p.title, p.graph) for p in empty_store.plans()}
    assert built_plans(empty_store) == {item.ids.plan for item in built}
    in_graph = "SELECT (COUNT(?t) AS ?n) WHERE { GRAPH ?g { ?t a pk:Task } }"
    tasks = {item.plan.title: count(empty_store, in_graph, {"g": ox.NamedNode(item.ids.graph)}) for item in built}
    assert tasks == {SEED_TITLE: 23, GANZHOU_TITLE: 10}
    # a plan's graph holds nothing of the other plan
    seed_graph = next(item.ids.graph for item in built if item.plan.title == SEED_TITLE)
    assert not empty_store.ask(
        f'ASK {{ GRAPH <{seed_graph}> {{ ?p rdfs:label "{GANZHOU_TITLE}"@zh }} }}'
    )


def test_union_default_graph_answers_across_plans(empty_store: PlanStore, seed_path: Path, data_dir: Path) -> None:
    build_into(empty_store, [seed_path, data_dir / "taipei_style_traditional.txt"])
    assert count(empty_store, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pk:Task }") == 34
    rows = empty_store.select(
        """SELECT ?title (COUNT(?t) AS ?n) WHERE { ?t a pk:Task ; pk:plan ?p . ?p rdfs:label ?title }
           GROUP BY ?title ORDER BY ?title"""
    )
    assert {(r["title"], int(r["n"])) for r in rows} == {(SEED_TITLE, 23), ("修水县数字政府建设2025年工作要点", 11)}
    # the 赣通码 question over both plans: the registry's labels, the seed's units and the county's
    rows = empty_store.select(
        """SELECT DISTINCT ?name WHERE { ?platform skos:prefLabel|skos:altLabel "赣通码"@zh .
             ?task pk:mentionsPlatform ?platform ; pk:involvedUnit ?unit . ?unit skos:prefLabel ?name }"""
    )
    names = {r["name"] for r in rows}
    assert {"市公安局", "市住建局", "县数据局", "县卫健委"} <= names


def test_stats(seed_store: PlanStore) -> None:
    stats = seed_store.stats()
    assert stats["plans"] == 1  # plans built from a file, not the higher-level plans a registry describes
    assert stats["chapters"] == 5
    assert stats["sections"] == 0
    assert stats["tasks"] == 23
    assert stats["units"] == 38
    assert stats["assignments"] == 121
    assert stats["triples"] == len(seed_store.store)


def test_loading_the_ontology_twice_changes_nothing(empty_store: PlanStore) -> None:
    """load_ontology skips a registry file whose checksum the store already holds (no rewrite, same blank nodes)."""
    empty_store.load_ontology()
    before = dump(empty_store)
    assert before
    empty_store.load_ontology()
    assert dump(empty_store) == before


def test_a_store_holding_only_the_ontology_is_seeded(empty_store: PlanStore) -> None:
    """`an empty or absent store is filled with the bundled seed plan on first use`: the ontology and
    registries alone (left by an earlier run) do not make the store hold a plan."""
    empty_store.load_ontology()
    assert empty_store.is_empty()
    assert ensure_seeded(empty_store) is True
    assert built_plans(empty_store) == {SEED_PLAN}


def test_ensure_seeded(empty_store: PlanStore) -> None:
    assert ensure_seeded(empty_store) is True
    assert built_plans(empty_store) == {SEED_PLAN}
    assert SEED_TITLE in {p.title for p in empty_store.plans()}
    size = len(empty_store.store)
    assert ensure_seeded(empty_store) is False
    assert len(empty_store.store) == size


def test_store_path_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "store"
    path.write_text("not a store")
    with pytest.raises(StoreError, match="store"):
        PlanStore(path)


def test_store_already_open(seed_store: PlanStore) -> None:
    with pytest.raises(StoreError) as info:
        PlanStore(seed_store.path)
    assert str(seed_store.path) in str(info.value)


def test_default_store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANKG_STORE", str(tmp_path / "from-env"))
    assert default_store_path() == tmp_path / "from-env"
    monkeypatch.delenv("PLANKG_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "plankg" / "store"


def test_expand_sources(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "plans"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(data_dir / "no_lead_plan.txt", folder / "b.txt")
    shutil.copy(data_dir / "jingdezhen_page.html", folder / "sub" / "a.html")
    (folder / "notes.json").write_text("{}")
    assert expand_sources([folder]) == [folder / "b.txt", folder / "sub" / "a.html"]
    with pytest.raises(PlanError) as info:
        expand_sources([tmp_path / "missing.txt"])
    assert info.value.path == str(tmp_path / "missing.txt")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(PlanError):
        expand_sources([empty])


# ---- binding values into SPARQL ----------------------------------------------------------------

HOSTILE_VALUES = [
    '"}} ; DROP ALL ; #',
    "'}} ; DROP ALL ; #",
    '""" } DROP ALL ; INSERT DATA { <a:b> <a:b> <a:b> } #',
    "back\\slash \\\" \\u0022 \\n",
    "line one\nline two\r\n\ttab",
    "}{)(><#?$.;,",
    "市发改委〔市数据局〕“赣通码”",
    "",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=[f"value-{i}" for i in range(len(HOSTILE_VALUES))])
def test_bound_literal_comes_back_unchanged(seed_store: PlanStore, value: str) -> None:
    size = len(seed_store.store)
    rows = seed_store.select("SELECT ?x WHERE { }", {"x": ox.Literal(value)})
    assert [r["x"] for r in rows] == [value]
    rows = seed_store.select("SELECT ?x WHERE { }", {"x": ox.Literal(value, language="zh")})
    assert [r["x"] for r in rows] == [value]
    assert len(seed_store.store) == size


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=[f"value-{i}" for i in range(len(HOSTILE_VALUES))])
def test_injection_attempt_matches_nothing_and_changes_nothing(seed_store: PlanStore, value: str) -> None:
    before = dump(seed_store)
    sparql = "SELECT ?t WHERE { ?t rdfs:label ?title }"
    assert seed_store.select(sparql, {"title": ox.Literal(value, language="zh")}) == []
    assert not seed_store.ask("ASK { ?t rdfs:label ?title }", {"title": ox.Literal(value)})
    assert dump(seed_store) == before


def test_bound_literal_matches_what_it_should(seed_store: PlanStore) -> None:
    rows = seed_store.select(
        "SELECT ?p WHERE { ?p a pk:Plan ; rdfs:label ?title }", {"title": ox.Literal(SEED_TITLE, language="zh")}
    )
    assert len(rows) == 1
    rows = seed_store.select(
        "SELECT ?n WHERE { ?t pk:number ?n ; pk:plan ?p }",
        {"n": ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))},
    )
    assert len(rows) == 1


def test_bound_iri(seed_store: PlanStore, seed_gold: dict) -> None:
    want = sum("市公安局" in t.get("lead", []) + t.get("cooperating", []) for t in seed_gold["tasks"])
    unit = ox.NamedNode("https://w3id.org/plankg/id/unit/jiujiang/shi-gong-an-ju")
    assert count(seed_store, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t pk:involvedUnit ?u }", {"u": unit}) == want


def test_bind_values_places_values_in_the_real_where_group() -> None:
    sparql = (
        '# WHERE { ?x ?y ?z } in a comment\n'
        'SELECT ?x WHERE { ?s <http://e/WHERE{> ?x FILTER(STR(?x) != "WHERE {") }'
    )
    bound = bind_values(sparql, {"x": ox.Literal('a"b')})
    assert bound.startswith("# WHERE { ?x ?y ?z } in a comment\nSELECT ?x WHERE {\n  VALUES (?x) {")
    assert '"a\\"b"' in bound
    assert bound.count("VALUES") == 1


def test_bound_variable_joins_inside_nested_groups(seed_store: PlanStore) -> None:
    """A binding joins like a VALUES variable: triple patterns inside GRAPH { } see it
    (store.load_ontology relies on this to skip unchanged files), and so does a top-level FILTER."""
    title = ox.Literal(SEED_TITLE, language="zh")
    assert seed_store.ask("ASK { GRAPH ?g { ?p a pk:Plan ; rdfs:label ?want } }", {"want": title})
    other = ox.Literal("没有这个计划", language="zh")
    assert not seed_store.ask("ASK { GRAPH ?g { ?p a pk:Plan ; rdfs:label ?want } }", {"want": other})
    rows = seed_store.select("SELECT ?p WHERE { ?p a pk:Plan ; rdfs:label ?l FILTER(?l = ?want) }", {"want": title})
    assert len({r["p"] for r in rows}) == 1


def test_unchanged_registry_files_are_not_rewritten(tmp_path) -> None:
    store = PlanStore(tmp_path / "store")
    store.load_ontology()
    before = store.dump(ox.RdfFormat.N_QUADS)
    store.load_ontology()  # blank nodes would get new ids if the graphs were rewritten
    assert store.dump(ox.RdfFormat.N_QUADS) == before


@pytest.mark.parametrize("sparql", ["SELECT ?x { ?x ?p ?o }", "ASK { ?x ?p ?o }", "select ?x where{ ?x ?p ?o }"])
def test_bind_values_without_where_keyword(seed_store: PlanStore, sparql: str) -> None:
    bound = bind_values(sparql, {"o": ox.Literal(SEED_TITLE, language="zh")})
    assert "VALUES (?o)" in bound
    result = seed_store.query(sparql, {"o": ox.Literal(SEED_TITLE, language="zh")})
    assert bool(result) if isinstance(result, ox.QueryBoolean) else len(list(result)) == 1  # the plan's rdfs:label


@pytest.mark.parametrize("name", ["x y", "x}", "", "x;DROP", "?x", "x-y", "名字"])
def test_bind_values_refuses_bad_variable_names(name: str) -> None:
    with pytest.raises(BindingError):
        bind_values("SELECT ?x WHERE { ?x ?p ?o }", {name: ox.Literal("v")})


def test_bind_values_refuses_a_query_without_a_group() -> None:
    with pytest.raises(BindingError):
        bind_values("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", {"o": ox.Literal("v")})


def test_bind_values_without_bindings_is_the_identity() -> None:
    assert bind_values("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


def _homophone_plans(folder: Path, data_dir: Path) -> tuple[Path, Path]:
    """Two plans whose titles differ only in 福 / 抚, both fu in toneless pinyin."""
    text = (data_dir / "no_lead_plan.txt").read_text(encoding="utf-8")
    folder.mkdir(exist_ok=True)
    paths = []
    for place in ("福州市", "抚州市"):
        path = folder / f"{place}.txt"
        path.write_text(text.replace("萍乡市", place), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def test_homophone_titles_get_two_plans_built_together_or_apart(tmp_path: Path, data_dir: Path) -> None:
    fuzhou, fuzhou_jx = _homophone_plans(tmp_path / "plans", data_dir)
    tasks_per_graph = "SELECT ?g (COUNT(?t) AS ?n) WHERE { GRAPH ?g { ?t a pk:Task } } GROUP BY ?g"

    together = PlanStore(tmp_path / "together")
    built = build_into(together, [fuzhou, fuzhou_jx])
    assert len({item.ids.plan for item in built}) == 2
    titles = {"福州市政务数据治理2025年工作要点", "抚州市政务数据治理2025年工作要点"}
    assert {p.title for p in together.plans()} >= titles
    assert sorted(int(r["n"]) for r in together.select(tasks_per_graph)) == [4, 4]

    apart = PlanStore(tmp_path / "apart")
    (first,) = build_into(apart, [fuzhou])
    (second,) = build_into(apart, [fuzhou_jx])
    assert first.ids.plan != second.ids.plan
    assert second.ids.key.startswith(first.ids.key + "-")
    # rebuilding either finds its own key again and replaces only its own graph
    assert build_into(apart, [fuzhou_jx])[0].ids.plan == second.ids.plan
    assert build_into(apart, [fuzhou])[0].ids.plan == first.ids.plan
    assert sorted(int(r["n"]) for r in apart.select(tasks_per_graph)) == [4, 4]


def test_an_edited_title_in_the_same_file_replaces_the_plan(tmp_path: Path, data_dir: Path) -> None:
    fuzhou, _ = _homophone_plans(tmp_path / "plans", data_dir)
    store = PlanStore(tmp_path / "store")
    (first,) = build_into(store, [fuzhou])
    fuzhou.write_text(fuzhou.read_text(encoding="utf-8").replace("福州市", "抚州市"), encoding="utf-8")
    (again,) = build_into(store, [fuzhou])  # a typo in the title fixed: the same plan, a new version
    assert again.ids.plan == first.ids.plan
    assert [p.title for p in store.plans() if p.graph == first.ids.graph] == ["抚州市政务数据治理2025年工作要点"]
    assert count(store, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }") == 4


class _FailsAt:
    """The store's engine, with the n-th write (update, load, bulk_load) interrupted as Ctrl-C would."""

    def __init__(self, inner: ox.Store, at: int) -> None:
        self.inner, self.at, self.calls = inner, at, 0

    def __getattr__(self, name: str):
        attribute = getattr(self.inner, name)
        if name not in ("update", "load", "bulk_load"):
            return attribute

        def write(*args, **kwargs):
            self.calls += 1
            if self.calls == self.at:
                raise KeyboardInterrupt
            return attribute(*args, **kwargs)

        return write


def test_a_build_that_adds_and_replaces_plans_lands_whole_or_not_at_all(tmp_path: Path, seed_path: Path,
                                                                        data_dir: Path) -> None:  # fmt: skip
    """Interrupted at each of its writes in turn, a build of two changed plans and one new one leaves the
    store exactly as before or exactly as after it, never the changed plans without the new one."""
    import gc

    folder = tmp_path / "plans"
    folder.mkdir()
    old_files = [folder / "seed.txt", folder / "no_lead.txt"]
    shutil.copy(seed_path, old_files[0])
    shutil.copy(data_dir / "no_lead_plan.txt", old_files[1])
    base = PlanStore(tmp_path / "base")
    build_into(base, old_files)
    before = dump(base)
    del base
    gc.collect()  # closed, so that its folder can be copied: copies keep the blank nodes' labels
    for path in old_files:  # the same plans, changed
        path.write_text(path.read_text(encoding="utf-8").replace("推进", "加快推进"), encoding="utf-8")
    plans = [*old_files, data_dir / "numbering_gap_plan.txt"]
    shutil.copytree(tmp_path / "base", tmp_path / "after")
    after_store = PlanStore(tmp_path / "after")
    build_into(after_store, plans)
    after = dump(after_store)
    assert after != before

    outcomes = []
    for at in range(1, 12):
        shutil.copytree(tmp_path / "base", tmp_path / f"try-{at}")
        store = PlanStore(tmp_path / f"try-{at}")
        failing = _FailsAt(store.store, at)
        store.store = failing
        try:
            build_into(store, plans)
            outcomes.append("finished")
        except KeyboardInterrupt:
            outcomes.append("interrupted")
        store.store = failing.inner
        now = dump(store)
        assert now in (before, after), f"interrupted at write {at}: the store is neither as before nor as after"
        if outcomes[-1] == "finished":
            assert now == after
            break
    assert "interrupted" in outcomes and outcomes[-1] == "finished"
