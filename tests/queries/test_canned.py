"""The canned queries in queries/*.rq: headers, parameters, and results on the seed plan.

Every query runs on a store holding the bundled seed plan, with the values of its `# example:`
lines, and must give exactly queries/expected/<name>.json (checked by hand against the seed plan
and shared/gold/seed.json). Multi-plan checks build the seed with other plans beside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.store import PlanStore
from plankg.queries import (
    PARAM_TYPES,
    CannedQuery,
    Param,
    QueryFileError,
    QueryParamError,
    load_queries,
    parse_query_file,
    queries_dir,
    query_variables,
)

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED = queries_dir() / "expected"
QUERIES = load_queries()
NAMES = sorted(QUERIES)
PK = "https://w3id.org/plankg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SEED_PLAN = "https://w3id.org/plankg/id/plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
PROVINCE_PLAN = "https://w3id.org/plankg/id/plan/jiang-xi-sheng-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
DATA_BUREAU = "https://w3id.org/plankg/id/unit/jiujiang/shi-fa-gai-wei-shi-shu-ju-ju"
HOSTILE = '市数据局"@zh } } UNION { ?s ?p ?o } FILTER("x" = "x") # {{ \' """ \\'

# A second, made-up 九江 plan naming some of the seed's units, for the units two plans share.
SECOND_JIUJIANG_PLAN = """九江市公共数据开发利用2025年工作要点
一、夯实数据基础
1.完善公共数据资源目录。梳理全市公共数据资源，编制公共数据资源目录。（牵头单位：市数据局，配合单位：市公安局、市财政局；完成时限：2025年6月底前）
2.推进赣通码数据共享。依托“赣通码”推动公共数据按需共享。（牵头单位：市公安局，配合单位：市数据局、各县（市、区）人民政府）
"""


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_kg(tmp_path_factory) -> PlanStore:
    store = PlanStore(tmp_path_factory.mktemp("seed") / "store")
    build_into(store, [bundled_seed()])
    return store


@pytest.fixture(scope="module")
def seed_stated_twice(tmp_path_factory) -> PlanStore:
    """The seed with its pk: statements and pk: types also in a second graph, as a reasoner's graph
    may restate them (kg/reason.py keeps exactly these kinds of triples).

    The default graph is the union of the named graphs, and Oxigraph's union keeps a triple once
    per graph that holds it: the canned queries must not count or list anything twice for that.
    """
    store = PlanStore(tmp_path_factory.mktemp("twice") / "store")
    build_into(store, [bundled_seed()])
    store.store.update(
        f"""INSERT {{ GRAPH <urn:plankg:test:restated> {{ ?s ?p ?o }} }}
        WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                FILTER(STRSTARTS(STR(?p), "{PK}") || (?p = <{RDF_TYPE}> && STRSTARTS(STR(?o), "{PK}"))) }}"""
    )
    return store


@pytest.fixture(scope="module")
def city_and_province(tmp_path_factory) -> PlanStore:
    """The seed plan (九江, municipal) and the provincial plan it carries out (江西省)."""
    store = PlanStore(tmp_path_factory.mktemp("province") / "store")
    build_into(store, [bundled_seed(), DATA / "jiangxi_province_2025.txt"])
    return store


@pytest.fixture(scope="module")
def three_city_plans(tmp_path_factory) -> PlanStore:
    """The seed, a second 九江 plan sharing units with it, and a plan with a task nobody leads (萍乡)."""
    folder = tmp_path_factory.mktemp("cities")
    second = folder / "jiujiang_public_data_2025.txt"
    second.write_text(SECOND_JIUJIANG_PLAN, encoding="utf-8")
    store = PlanStore(folder / "store")
    build_into(store, [bundled_seed(), second, DATA / "no_lead_plan.txt"])
    return store


# ---- helpers ----------------------------------------------------------------------------------


def run(store: PlanStore, name: str, **values: str) -> dict:
    """The SPARQL 1.1 results JSON of a canned query, with its example values unless given."""
    query = QUERIES[name]
    bindings = query.bindings({**query.examples, **values})
    solutions = store.query(query.sparql, bindings)
    return json.loads(solutions.serialize(format=ox.QueryResultsFormat.JSON))


def rows(document: dict) -> list[dict]:
    """Bindings as a list of {variable: term} dicts, blank-node ids left out."""
    return [
        {var: ({"type": "bnode"} if term["type"] == "bnode" else term) for var, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]


def values(document: dict, var: str) -> list[str | None]:
    return [b[var]["value"] if var in b else None for b in document["results"]["bindings"]]


def expected(name: str) -> dict:
    return json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))


def write_query(tmp_path: Path, header: str, body: str = "SELECT ?x WHERE { ?x ?p ?o }") -> Path:
    path = tmp_path / "broken.rq"
    path.write_text(header + "\n" + body + "\n", encoding="utf-8")
    return path


# ---- every .rq loads --------------------------------------------------------------------------


def test_there_are_at_least_18_canned_queries():
    assert len(QUERIES) >= 18


@pytest.mark.parametrize("name", NAMES)
def test_header_has_titles_in_chinese_and_english(name):
    query = QUERIES[name]
    assert re.search(r"[\u4e00-\u9fff]", query.title_zh), query.title_zh
    assert re.search(r"[A-Za-z]", query.title_en) and not re.search(r"[\u4e00-\u9fff]", query.title_en)
    assert query.description
    assert re.fullmatch(r"[a-z][a-z0-9_]*", name)


@pytest.mark.parametrize("name", NAMES)
def test_params_are_variables_of_the_query_and_each_has_an_example(name):
    query = QUERIES[name]
    variables = query_variables(query.sparql)
    for param in query.params:
        assert param.type in PARAM_TYPES
        assert param.name in variables
        assert param.description
    assert set(query.examples) == {p.name for p in query.params}
    query.example_bindings()  # every example fits its parameter's type


@pytest.mark.parametrize("name", NAMES)
def test_query_states_its_prefixes_and_an_order(name):
    """Self-contained for remote endpoints, and deterministic: an ORDER BY with a tie-breaker."""
    sparql = re.sub(r"(?m)^#.*$", "", QUERIES[name].sparql)
    for prefix in set(re.findall(r"\b([a-z]+):[A-Za-z]", sparql)) - {"http", "https"}:
        assert re.search(rf"PREFIX\s+{prefix}:", sparql), f"{name} uses {prefix}: without a PREFIX line"
    assert "ORDER BY" in sparql


def test_every_query_has_an_expected_file_and_every_file_a_query():
    assert {p.stem for p in EXPECTED.glob("*.json")} == set(NAMES)


# ---- results on the seed plan -----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_result_on_the_seed_equals_the_expected_file(seed_kg, name):
    got, want = run(seed_kg, name), expected(name)
    assert got["head"]["vars"] == want["head"]["vars"]
    assert rows(got) == rows(want)


@pytest.mark.parametrize("name", NAMES)
def test_a_triple_stated_in_two_graphs_counts_once(seed_stated_twice, name):
    assert rows(run(seed_stated_twice, name)) == rows(expected(name))


def test_units_touching_gantongma_are_the_nine_of_the_gold(seed_kg):
    # units_touching.赣通码 of shared/gold/seed.json: tasks 11 and 20 of the seed.
    gold = ["市公安局", "市发改委〔市数据局〕", "市民政局", "市住建局", "市行政审批局", "市文广旅局", "市人社局",
            "市卫健委", "各县〔市、区〕人民政府"]  # fmt: skip
    names = values(run(seed_kg, "units_touching_platform"), "name")
    assert sorted(names) == sorted(gold)
    # An alias finds the platform: 赣服通 is named by task 6 only, whose nine units all count one task.
    assert sorted(values(run(seed_kg, "units_touching_platform", platform="赣服通平台"), "name")) == sorted([
        "市行政审批局", "市发改委〔市数据局〕", "市政府办公室", "市财政局", "市科技局", "市工信局", "市市场监管局",
        "市商务局", "各县〔市、区〕人民政府"])  # fmt: skip


def test_data_bureau_by_any_alias_is_the_unit_with_the_heaviest_load(seed_kg):
    load = run(seed_kg, "coordination_load")
    top = load["results"]["bindings"][0]
    assert top["unit"]["value"] == DATA_BUREAU
    assert (top["lead"]["value"], top["cooperating"]["value"], top["weightedLoad"]["value"]) == ("14", "7", "35")
    for alias in ("市数据局", "市发改委", "九江市发展和改革委员会", "市发改委（市数据局）", "市发改委〔市数据局〕"):
        found = run(seed_kg, "tasks_involving_unit", unit=alias)
        assert set(values(found, "involvedUnit")) == {DATA_BUREAU}
        assert len(found["results"]["bindings"]) == 21


def test_zh_parameter_matches_plain_and_tagged_literals(seed_kg):
    query = QUERIES["tasks_led_by_unit"]
    tagged = seed_kg.select(query.sparql, {"unit": ox.Literal("市数据局", language="zh")})
    plain = seed_kg.select(query.sparql, {"unit": ox.Literal("市数据局")})
    assert tagged == plain and len(plain) == 14


@pytest.mark.parametrize("chapter", ["五", "5", "第五章", "五、", "强化数字政府安全保障", "安全保障"])
def test_a_chapter_by_number_numeral_or_title(seed_kg, chapter):
    assert values(run(seed_kg, "tasks_of_chapter", chapter=chapter), "number") == ["21", "22", "23"]


def test_technology_includes_narrower_concepts(seed_kg):
    found = run(seed_kg, "tasks_mentioning_technology", technology="AI")
    assert values(found, "number") == ["3", "6", "7", "8", "8"]
    assert "智能体" in values(found, "mentionedName") and "大模型" in values(found, "mentionedName")
    assert values(run(seed_kg, "tasks_mentioning_technology", technology="大模型"), "number") == ["8"]


def test_no_task_of_the_seed_lacks_a_lead(seed_kg):
    assert run(seed_kg, "tasks_without_lead")["results"]["bindings"] == []


# ---- parameters are bound, never pasted -------------------------------------------------------


TEXT_PARAMS = [(q.name, p.name) for q in QUERIES.values() for p in q.params if p.type in ("zh", "string")]


@pytest.mark.parametrize(("name", "param"), TEXT_PARAMS)
def test_quotes_and_braces_in_a_value_are_bound_safely(seed_kg, name, param):
    before = len(seed_kg.store)
    found = run(seed_kg, name, **{param: HOSTILE})
    assert found["results"]["bindings"] == []
    assert len(seed_kg.store) == before


def test_an_iri_parameter_refuses_what_is_not_an_iri():
    param = next(p for p in QUERIES["task_detail"].params if p.name == "task")
    with pytest.raises(QueryParamError):
        param.term('https://w3id.org/plankg/id/x> } ; DROP ALL ; { <a "b"')
    assert param.term("<https://w3id.org/plankg/id/x>") == ox.NamedNode("https://w3id.org/plankg/id/x")


def test_bindings_name_missing_unknown_and_ill_typed_values():
    query = QUERIES["units_shared_by_plans"]
    with pytest.raises(QueryParamError, match="title_b"):
        query.bindings({"title_a": "九江"})
    with pytest.raises(QueryParamError, match="nonsense"):
        query.bindings({"title_a": "a", "title_b": "b", "nonsense": "c"})
    with pytest.raises(QueryParamError, match="integer"):
        Param("n", "integer", "").term("3.5")
    assert CannedQuery("q", "问", "Q", "", (), "", Path("q.rq")).bindings({}) == {}


# ---- malformed headers fail at load time with file:line ---------------------------------------


@pytest.mark.parametrize(
    ("header", "line", "message"),
    [
        ("# title: 问 | Q\n# description: d\n# param: unit (chinese) a unit", 3, "type one of"),
        ("# title: 问 | Q\n# param: unit unit without a type", 2, "name (type)"),
        ("# title: 问 | Q\n# param: x (zh) a\n# example: x", 3, "name=value"),
        ("# title: 问 | Q\n# param: x (zh) a\n# example: y=1", 3, "'y'"),
        ("# title: 问 | Q\n# param: x (zh) a\n# param: x (zh) again", 3, "twice"),
        ("# title: 问 | Q\n# param: n (integer) a\n# example: n=three", 3, "integer"),
        ("# title: 问 | Q\n# param: d (date) a\n# example: d=2025-6", 3, "date"),
        ("# title: 问 | Q\n# description: d\n# param: unused (zh) never in the query", 3, "not a variable"),
        ("# description: no title", 1, "title"),
    ],
)
def test_a_malformed_header_names_file_and_line(tmp_path, header, line, message):
    path = write_query(tmp_path, header)
    with pytest.raises(QueryFileError) as caught:
        parse_query_file(path)
    assert f"{path}:{line}:" in str(caught.value)
    assert message in str(caught.value)


def test_a_variable_only_in_a_comment_or_string_does_not_count(tmp_path):
    body = 'SELECT ?x WHERE { ?x ?p "?unit" } # ?unit'
    with pytest.raises(QueryFileError, match="not a variable"):
        parse_query_file(write_query(tmp_path, "# title: 问 | Q\n# param: unit (zh) u\n# example: unit=a", body))


def test_a_well_formed_file_loads_with_its_examples(tmp_path):
    header = "# title: 问 | Question\n# description: d\n# param: unit (zh) u\n# example: unit=市数据局=别名"
    query = parse_query_file(write_query(tmp_path, header, "SELECT ?x WHERE { ?x ?p ?unit }"))
    assert (query.title_zh, query.title_en, query.examples) == ("问", "Question", {"unit": "市数据局=别名"})


# ---- several plans in one store ---------------------------------------------------------------


PER_PLAN = [name for name in NAMES if "plan" in expected(name)["head"]["vars"]]


@pytest.mark.parametrize("name", PER_PLAN)
def test_the_seed_rows_do_not_change_when_the_province_is_beside_it(city_and_province, name):
    """Per-plan answers group by plan: the seed's rows are the seed-only rows, in the same order."""
    got = run(city_and_province, name)
    seed_rows = [r for r in rows(got) if r["plan"]["value"] == SEED_PLAN]
    assert seed_rows == rows(expected(name))


def test_gantongma_is_listed_once_as_provincial(city_and_province):
    found = run(city_and_province, "platforms_by_level", level="省级")
    assert values(found, "platformName").count("赣通码") == 1
    row = next(b for b in found["results"]["bindings"] if b["platformName"]["value"] == "赣通码")
    assert (row["plans"]["value"], row["tasks"]["value"], row["levelName"]["value"]) == ("2", "3", "省级")
    assert values(run(city_and_province, "platforms_by_level", level="Provincial"), "platform") == values(
        found, "platform"
    )


def test_load_separates_the_two_plans_units(city_and_province):
    load = run(city_and_province, "coordination_load")["results"]["bindings"]
    plans_of: dict[str, set[str]] = {}
    for row in load:
        plans_of.setdefault(row["unit"]["value"], set()).add(row["plan"]["value"])
    assert all(len(plans) == 1 for plans in plans_of.values())
    province = [r for r in load if r["plan"]["value"] == PROVINCE_PLAN]
    assert all(r["unit"]["value"].startswith("https://w3id.org/plankg/id/unit/jiangxi/") for r in province)
    assert len(province) == 31  # distinct_units of tests/data/jiangxi_province_2025.gold.json
    top = province[0]
    # 省数据局 leads 12 of the 19 tasks and cooperates on 6 (tests/data/jiangxi_province_2025.gold.json).
    assert (top["unitName"]["value"], top["lead"]["value"], top["cooperating"]["value"]) == ("省数据局", "12", "6")
    assert top["weightedLoad"]["value"] == "30"
    seed = [r for r in load if r["plan"]["value"] == SEED_PLAN]
    assert seed[0]["unit"]["value"] == DATA_BUREAU
    weights = [float(r["weightedLoad"]["value"]) for r in province]
    assert weights == sorted(weights, reverse=True)


def test_overview_lists_both_plans(city_and_province):
    found = run(city_and_province, "plan_overview")["results"]["bindings"]
    summary = [
        (b["title"]["value"], b["levelName"]["value"], b["chapters"]["value"], b["tasks"]["value"]) for b in found
    ]
    assert summary == [
        ("九江市数字政府建设2025年工作要点", "市级", "5", "23"),
        ("江西省数字政府建设2025年工作要点", "省级", "5", "19"),
    ]


def test_a_chapter_number_finds_that_chapter_in_each_plan(city_and_province):
    found = run(city_and_province, "tasks_of_chapter", chapter="5")
    assert [(p, n) for p, n in zip(values(found, "plan"), values(found, "number"), strict=True)] == [
        (SEED_PLAN, "21"),
        (SEED_PLAN, "22"),
        (SEED_PLAN, "23"),
        (PROVINCE_PLAN, "1"),
        (PROVINCE_PLAN, "2"),
        (PROVINCE_PLAN, "3"),
    ]
    assert values(run(city_and_province, "chapters_of_plan", title="江西省"), "tasks") == ["3", "7", "3", "3", "3"]


@pytest.mark.parametrize("month", ["2025-06", "2025-6", "2025/06", "2025年6月", "2025-06-30"])
def test_tasks_due_in_june_in_any_spelling(city_and_province, month):
    found = run(city_and_province, "tasks_due_in_month", month=month)
    assert values(found, "title") == ["推动“赣政通”协同办公迭代升级", "强化数据安全防护"]
    assert values(found, "deadlineText") == ["2025年6月底前", "上半年"]


def test_tasks_by_deadline_month_in_month_order(city_and_province):
    found = run(city_and_province, "tasks_by_deadline_month")
    months = values(found, "month")
    assert months == sorted(months) and len(months) == 8
    assert set(values(found, "plan")) == {PROVINCE_PLAN}


def test_province_references_come_from_plans_below_the_province(city_and_province):
    found = run(city_and_province, "tasks_referring_to_province")
    assert set(values(found, "plan")) == {SEED_PLAN}
    via = {(n, v) for n, v in zip(values(found, "number"), values(found, "via"), strict=True)}
    assert {("11", "platform"), ("20", "platform"), ("14", "wording"), ("23", "wording")} <= via


def test_units_shared_by_two_plans_and_the_lead_nobody_has(three_city_plans):
    shared = run(three_city_plans, "units_shared_by_plans", title_a="九江市数字政府建设", title_b="公共数据开发利用")
    counts = {
        b["unitName"]["value"]: (b["tasksInA"]["value"], b["tasksInB"]["value"]) for b in shared["results"]["bindings"]
    }
    assert counts == {
        "市发改委〔市数据局〕": ("21", "2"),
        "市公安局": ("8", "2"),
        "各县〔市、区〕人民政府": ("16", "1"),
        "市财政局": ("3", "1"),
    }
    assert values(shared, "unitName")[0] == "市发改委〔市数据局〕"
    assert run(three_city_plans, "units_shared_by_plans", title_a="九江", title_b="萍乡")["results"]["bindings"] == []
    lacking = run(three_city_plans, "tasks_without_lead")["results"]["bindings"]
    assert [(b["title"]["value"], b["cooperatingUnits"]["value"]) for b in lacking] == [("加强数据治理宣传培训", "0")]
    units = run(three_city_plans, "unit_list")["results"]["bindings"]
    assert next(b for b in units if b["unit"]["value"] == DATA_BUREAU)["plans"]["value"] == "2"
