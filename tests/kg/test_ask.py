"""kg/ask.py: questions in Chinese → a canned query with bound parameters, answered on the seed plan.

Every question below names the canned query it must choose, the parameters it must bind and an answer
known from the seed plan (shared/seeds/000_1f569bf571d472ec.txt): which tasks, which units, which row
comes first. The phrasings were written before the patterns, many of them not the ones the patterns
were drawn from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from plankg.kg.ask import Gazetteer, Interpretation, answer, interpret, normalise_question
from plankg.kg.cli import app
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.store import PlanStore
from typer.testing import CliRunner

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_PLAN = "https://w3id.org/plankg/id/plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
PROVINCE_PLAN = "https://w3id.org/plankg/id/plan/jiang-xi-sheng-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
TASK = SEED_PLAN + "/task/"
DATA_BUREAU = "市发改委〔市数据局〕"
COUNTIES = "各县〔市、区〕人民政府"
# units_touching.赣通码 of shared/gold/seed.json: every unit of tasks 11 and 20.
GANTONGMA_UNITS = ["市公安局", DATA_BUREAU, "市民政局", "市住建局", "市行政审批局", "市文广旅局", "市人社局",
                   "市卫健委", COUNTIES]  # fmt: skip
# task 6 names 赣服通: its two lead and seven cooperating units.
GANFUTONG_UNITS = ["市行政审批局", DATA_BUREAU, "市政府办公室", "市财政局", "市科技局", "市工信局", "市市场监管局",
                   "市商务局", COUNTIES]  # fmt: skip
PROVINCE_TASKS = [3, 5, 6, 7, 9, 11, 14, 15, 20, 23]  # tasks_referring_to_province on the seed


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_kg(tmp_path_factory) -> PlanStore:
    store = PlanStore(tmp_path_factory.mktemp("ask-seed") / "store")
    build_into(store, [bundled_seed()])
    return store


@pytest.fixture(scope="module")
def gazetteer(seed_kg) -> Gazetteer:
    return Gazetteer.from_store(seed_kg)


@pytest.fixture(scope="module")
def city_and_province(tmp_path_factory) -> PlanStore:
    """The seed plan (九江, municipal) beside the provincial plan it carries out (江西省)."""
    store = PlanStore(tmp_path_factory.mktemp("ask-province") / "store")
    build_into(store, [bundled_seed(), DATA / "jiangxi_province_2025.txt"])
    return store


# ---- what a result holds ----------------------------------------------------------------------


def column(result: dict, var: str) -> list[str | None]:
    return [b[var]["value"] if var in b else None for b in result["results"]["bindings"]]


def distinct(values: list) -> list:
    return list(dict.fromkeys(values))


def tasks(*numbers: int) -> Callable[[dict], None]:
    """The task numbers of the rows, each once, in row order."""

    def check(result: dict) -> None:
        assert [int(n) for n in distinct(column(result, "number"))] == list(numbers)

    return check


def names(var: str, *expected: str) -> Callable[[dict], None]:
    """The set of values of `var` (order aside)."""

    def check(result: dict) -> None:
        assert sorted(distinct(column(result, var))) == sorted(expected)

    return check


def first(var: str, value: str, *, rows: int | None = None) -> Callable[[dict], None]:
    """The first row's `var` (the answer to a question asking for the most), and the row count."""

    def check(result: dict) -> None:
        assert column(result, var)[0] == value
        if rows is not None:
            assert len(result["results"]["bindings"]) == rows

    return check


def count(rows: int) -> Callable[[dict], None]:
    def check(result: dict) -> None:
        assert len(result["results"]["bindings"]) == rows

    return check


def both(*checks: Callable[[dict], None]) -> Callable[[dict], None]:
    def check(result: dict) -> None:
        for each in checks:
            each(result)

    return check


def ordered_desc(var: str) -> Callable[[dict], None]:
    def check(result: dict) -> None:
        values = [float(v) for v in column(result, var)]
        assert values == sorted(values, reverse=True)

    return check


def ordered_asc(var: str) -> Callable[[dict], None]:
    def check(result: dict) -> None:
        values = [float(v) for v in column(result, var)]
        assert values == sorted(values)

    return check


# (question, canned query, bound parameters, check of the result on the seed)
CASES = [
    # who touches a platform
    ("哪些单位涉及赣通码？", "units_touching_platform", {"platform": "赣通码"}, names("name", *GANTONGMA_UNITS)),
    ("赣通码跟哪些部门有关", "units_touching_platform", {"platform": "赣通码"}, names("name", *GANTONGMA_UNITS)),
    ("谁在用赣服通", "units_touching_platform", {"platform": "赣服通"}, names("name", *GANFUTONG_UNITS)),
    ("赣通码都有哪些单位参与？", "units_touching_platform", {"platform": "赣通码"}, names("name", *GANTONGMA_UNITS)),
    ("涉及“赣通码”的部门有哪些", "units_touching_platform", {"platform": "赣通码"}, count(9)),
    ("赣通码由哪些部门负责推进？", "units_touching_platform", {"platform": "赣通码"}, count(9)),
    ("赣通码", "units_touching_platform", {"platform": "赣通码"}, count(9)),
    ("与赣通码相关的牵头单位", "units_touching_platform", {"platform": "赣通码"}, count(9)),
    ("赣服通谁在管", "units_touching_platform", {"platform": "赣服通"}, names("name", *GANFUTONG_UNITS)),
    # which tasks mention a platform, a technology, an initiative
    ("哪些任务提到赣通码", "tasks_mentioning_platform", {"platform": "赣通码"}, tasks(11, 20)),
    ("赣服通平台相关的任务有哪些", "tasks_mentioning_platform", {"platform": "赣服通"}, tasks(6)),
    ("哪些地方提到了赣政通", "tasks_mentioning_platform", {"platform": "赣政通"}, tasks(5)),
    ("哪些任务用到区块链", "tasks_mentioning_technology", {"technology": "区块链"}, tasks(3)),
    ("有没有任务用到区块链技术？", "tasks_mentioning_technology", {"technology": "区块链"}, tasks(3)),
    ("人工智能用在了哪些工作上？", "tasks_mentioning_technology", {"technology": "人工智能"}, tasks(3, 6, 7, 8)),
    ("数字孪生相关任务", "tasks_mentioning_technology", {"technology": "数字孪生"}, tasks(10, 13)),
    ("提到高效办成一件事的任务", "tasks_mentioning_initiative", {"initiative": "高效办成一件事"}, tasks(6)),
    ("一表同享是哪些任务提到的", "tasks_mentioning_initiative", {"initiative": "一表同享"}, tasks(4)),
    ("哪些单位在做人工智能相关的工作", "units_touching_technology", {"technology": "人工智能"},
     first("name", DATA_BUREAU, rows=23)),
    ("哪些部门参与了高效办成一件事改革", "units_touching_initiative", {"initiative": "高效办成一件事"},
     names("name", *GANFUTONG_UNITS)),
    ("公安局涉及哪些平台", "platforms_touched_by_unit", {"unit": "市公安局"},
     both(first("platformName", "赣通码"), count(10))),
    # who leads, who cooperates, what a unit does
    ("公安局牵头哪些任务？", "tasks_led_by_unit", {"unit": "市公安局"}, tasks(11, 21)),
    ("哪些任务由市数据局牵头", "tasks_led_by_unit", {"unit": DATA_BUREAU},
     tasks(1, 2, 3, 4, 5, 6, 16, 17, 18, 19, 20, 21, 22, 23)),
    ("市委网信办牵头了什么工作", "tasks_led_by_unit", {"unit": "市委网信办"}, tasks(2, 4, 21, 22, 23)),
    ("九江市发展和改革委员会牵头的任务", "tasks_led_by_unit", {"unit": DATA_BUREAU}, count(14)),
    ("由网信办牵头负责的任务", "tasks_led_by_unit", {"unit": "市委网信办"}, count(5)),
    ("公安局配合哪些任务", "tasks_cooperated_on_by_unit", {"unit": "市公安局"}, tasks(1, 3, 7, 15, 16, 20)),
    ("市财政局需要配合做什么？", "tasks_cooperated_on_by_unit", {"unit": "市财政局"}, tasks(1, 6)),
    ("列出市数据局作为配合单位的任务", "tasks_cooperated_on_by_unit", {"unit": DATA_BUREAU},
     tasks(7, 8, 9, 10, 11, 12, 13)),
    ("数据局负责什么", "tasks_involving_unit", {"unit": DATA_BUREAU}, count(21)),
    ("公安局有哪些工作", "tasks_involving_unit", {"unit": "市公安局"}, tasks(1, 3, 7, 11, 15, 16, 20, 21)),
    ("市卫健委参与了哪些任务", "tasks_involving_unit", {"unit": "市卫健委"}, tasks(14, 20)),
    ("港航局要干啥", "tasks_involving_unit", {"unit": "市港航局"}, tasks(3, 12, 17)),
    ("发改委", "tasks_involving_unit", {"unit": DATA_BUREAU}, count(21)),
    ("各县区政府要做哪些事", "tasks_involving_unit", {"unit": COUNTIES},
     tasks(2, 3, 4, 5, 6, 7, 10, 14, 16, 17, 18, 19, 20, 21, 22, 23)),
    # what two units share; who works most with whom
    ("公安局和数据局有哪些共同任务", "tasks_shared_by_units", {"unit_a": "市公安局", "unit_b": DATA_BUREAU},
     tasks(1, 3, 7, 11, 16, 20, 21)),
    ("市住建局与市公安局一起参与了哪些任务？", "tasks_shared_by_units", {"unit_a": "市住建局", "unit_b": "市公安局"},
     tasks(7, 11)),
    ("医保局和卫健委一起干什么", "tasks_shared_by_units", {"unit_a": "市医保局", "unit_b": "市卫健委"}, tasks(14)),
    ("公安局和谁合作最多", "unit_partners", {"unit": "市公安局"}, first("partnerName", DATA_BUREAU)),
    ("跟市行政审批局协同的单位有哪些", "unit_partners", {"unit": "市行政审批局"}, ordered_desc("sharedTasks")),
    ("与公安局协作最密切的是哪个单位", "unit_partners", {"unit": "市公安局"}, first("sharedTasks", "7")),
    ("哪两个单位协同最多", "coordination_matrix", {}, first("sharedTasks", "15")),
    ("哪些部门之间配合最频繁？", "coordination_matrix", {}, ordered_desc("sharedTasks")),
    ("协同最多的两个单位是谁", "coordination_matrix", {}, first("sharedTasks", "15")),
    # who is busiest, by the column the question means
    ("哪个单位任务最多", "coordination_load", {}, both(first("unitName", DATA_BUREAU), ordered_desc("tasks"))),
    ("谁最忙", "coordination_load", {}, both(first("unitName", DATA_BUREAU), ordered_desc("weightedLoad"))),
    ("牵头最多的是哪个部门", "coordination_load", {}, both(first("lead", "14"), ordered_desc("lead"))),
    ("配合任务最多的单位是哪个？", "coordination_load", {},
     both(first("unitName", COUNTIES), ordered_desc("cooperating"))),
    ("各单位的工作量排名", "coordination_load", {}, ordered_desc("weightedLoad")),
    ("哪个部门压力最大", "coordination_load", {}, first("unitName", DATA_BUREAU)),
    ("哪个单位最闲", "coordination_load", {}, both(first("weightedLoad", "1"), ordered_asc("weightedLoad"))),
    ("任务最少的单位", "coordination_load", {}, both(first("tasks", "1"), ordered_asc("tasks"))),
    # what a chapter holds
    ("第五章有哪些任务", "tasks_of_chapter", {"chapter": "5"}, tasks(21, 22, 23)),
    ("安全保障这一部分包括什么", "tasks_of_chapter", {"chapter": "强化数字政府安全保障"}, tasks(21, 22, 23)),
    ("第三部分讲了什么？", "tasks_of_chapter", {"chapter": "3"}, tasks(16, 17)),
    ("“夯实数字政府基础底座”下面有哪些工作", "tasks_of_chapter", {"chapter": "夯实数字政府基础底座"},
     tasks(18, 19, 20)),
    ("第2章包含哪些任务", "tasks_of_chapter", {"chapter": "2"}, tasks(*range(4, 16))),
    ("第一章讲的是什么", "tasks_of_chapter", {"chapter": "1"}, tasks(1, 2, 3)),
    ("“提升政府数字履职能力”这章有几项任务", "tasks_of_chapter", {"chapter": "提升政府数字履职能力"}, count(12)),
    ("最后一章讲什么", "tasks_of_chapter", {"chapter": "5"}, tasks(21, 22, 23)),
    ("第五章由哪些单位负责", "units_of_chapter", {"chapter": "5"},
     names("unitName", DATA_BUREAU, "市委网信办", COUNTIES, "市公安局", "市委保密机要局")),
    ("安全保障这部分涉及哪些部门", "units_of_chapter", {"chapter": "强化数字政府安全保障"}, count(5)),
    # platforms by level; tasks relying on the province
    ("有哪些省级平台", "platforms_by_level", {"level": "省级"}, both(first("platformName", "赣通码"), count(9))),
    ("省里的平台有哪些？", "platforms_by_level", {"level": "省级"}, count(9)),
    ("国家级平台有哪些", "platforms_by_level", {"level": "国家级"}, count(2)),
    ("市级平台", "platforms_by_level", {"level": "市级"}, count(4)),
    ("哪些任务依托省级平台", "tasks_referring_to_province", {}, tasks(*PROVINCE_TASKS)),
    ("哪些工作要落实省里的要求？", "tasks_referring_to_province", {}, tasks(*PROVINCE_TASKS)),
    ("哪些任务对接了省里的平台", "tasks_referring_to_province", {}, tasks(*PROVINCE_TASKS)),
    # tasks without a lead; deadlines (the seed states none)
    ("哪些任务没有牵头单位", "tasks_without_lead", {}, count(0)),
    ("有没有没人负责的任务？", "tasks_without_lead", {}, count(0)),
    ("哪些任务还没有明确牵头单位", "tasks_without_lead", {}, count(0)),
    ("哪些任务还没确定牵头单位", "tasks_without_lead", {}, count(0)),
    ("6月底前要完成什么", "tasks_due_in_month", {"month": "2025-06"}, count(0)),
    ("2025年12月到期的任务", "tasks_due_in_month", {"month": "2025-12"}, count(0)),
    ("今年年底要完成哪些任务", "tasks_due_in_month", {"month": "2025-12"}, count(0)),
    ("九月份之前要做完的工作", "tasks_due_in_month", {"month": "2025-09"}, count(0)),
    ("年内要完成的任务", "tasks_due_in_month", {"month": "2025-12"}, count(0)),
    ("哪些任务6月前完成", "tasks_due_in_month", {"month": "2025-06"}, count(0)),  # 任务6 is not read here
    ("三季度到期的任务", "tasks_due_in_month", {"month": "2025-09"}, count(0)),
    ("各项任务的完成时限是什么时候", "tasks_by_deadline_month", {}, count(0)),
    # units by type
    ("有哪些党委部门", "units_by_type", {"type": "党委部门"},
     names("unitName", "市委网信办", "市委保密机要局", "市委信访局", "市委政法委")),
    ("参与的群团组织有哪些", "units_by_type", {"type": "群团组织"}, names("unitName", "团市委", "市妇联")),
    ("垂管单位有哪几个", "units_by_type", {"type": "垂直管理单位"},
     names("unitName", "市气象局", "九江出入境边防检查站", "九江海事局", "九江海关")),
    ("党委机关都有谁", "units_by_type", {"type": "党委部门"}, count(4)),
    # a task's detail
    ("任务11是什么", "task_detail", {"task": TASK + "11"}, first("title", "深化公共安全数字应用")),
    ("深化公共安全数字应用这项任务谁牵头", "task_detail", {"task": TASK + "11"}, first("itemName", "市公安局")),
    ("第二十项任务的内容", "task_detail", {"task": TASK + "20"}, first("title", "健全公共支撑应用体系")),
    ("第23项由谁负责？", "task_detail", {"task": TASK + "23"}, first("itemName", "市委网信办")),
    ("11号任务", "task_detail", {"task": TASK + "11"}, first("number", "11")),
    ("任务１１是什么？", "task_detail", {"task": TASK + "11"}, first("number", "11")),
    ("公共安全数字应用那项工作谁来牵头", "task_detail", {"task": TASK + "11"}, first("itemName", "市公安局")),
    # the plan
    ("这个计划有多少项任务", "plan_overview", {}, both(first("tasks", "23"), first("units", "38"))),
    ("计划概况", "plan_overview", {}, first("chapters", "5")),
    ("库里有哪些计划", "plan_overview", {}, count(1)),
    ("总共有多少个单位参与了这个计划", "plan_overview", {}, first("units", "38")),
    ("九江市数字政府建设2025年工作要点有哪些章节", "chapters_of_plan", {"title": "九江市数字政府建设2025年工作要点"},
     names("chapterTitle", "强化数字化项目建设管理", "提升政府数字履职能力", "深化政务数据开发利用",
           "夯实数字政府基础底座", "强化数字政府安全保障")),
    ("这份文件分几章", "chapters_of_plan", {"title": "九江市数字政府建设2025年工作要点"}, count(5)),
    ("一共有哪些单位参与", "unit_list", {}, count(38)),
    ("列出所有参与的部门", "unit_list", {}, count(38)),
    ("这个工作要点包括哪些内容", "chapters_of_plan", {"title": "九江市数字政府建设2025年工作要点"}, count(5)),
    ("计划里提到了哪些平台", "platforms_mentioned", {}, both(first("platformName", "赣通码"), count(28))),
    # traditional characters and full-width forms
    ("哪些單位涉及贛通碼？", "units_touching_platform", {"platform": "赣通码"}, names("name", *GANTONGMA_UNITS)),
    ("公安局牽頭哪些任務？", "tasks_led_by_unit", {"unit": "市公安局"}, tasks(11, 21)),
    ("第五章有哪些任務", "tasks_of_chapter", {"chapter": "5"}, tasks(21, 22, 23)),
    ("誰最忙？", "coordination_load", {}, first("unitName", DATA_BUREAU)),
]


@pytest.mark.parametrize(("question", "query", "params", "check"), CASES, ids=[c[0] for c in CASES])
def test_question_gets_the_right_query_params_and_result(seed_kg, gazetteer, question, query, params, check):
    got = answer(seed_kg, question, gazetteer)
    assert got["query"] == query, got.get("why") or got.get("suggestions")
    assert got["params"] == params
    assert got["question"] == question
    assert got["results"]["head"]["vars"]
    check(got["results"])


def test_there_are_many_questions_in_many_forms():
    assert len(CASES) >= 40
    assert len({query for _, query, _, _ in CASES}) >= 20


def test_the_busiest_pair_is_the_data_bureau_and_the_counties(seed_kg, gazetteer):
    top = answer(seed_kg, "哪两个单位协同最多", gazetteer)["results"]["results"]["bindings"][0]
    assert {top["unitAName"]["value"], top["unitBName"]["value"]} == {DATA_BUREAU, COUNTIES}


def test_answer_has_the_documented_keys_and_runs_the_bound_query(seed_kg, gazetteer):
    got = answer(seed_kg, "哪些单位涉及赣通码？", gazetteer)
    assert {"question", "query", "title", "sparql", "params", "results"} <= set(got)
    assert got["title"].startswith("涉及某平台的单位")
    assert "VALUES (?platform)" in got["sparql"] and '"赣通码"@zh' in got["sparql"]
    json.dumps(got, ensure_ascii=False)  # plain JSON all through
    # the SPARQL it shows is the query it ran
    rerun = seed_kg.select(got["sparql"])
    assert [r["name"] for r in rerun] == column(got["results"], "name")


def test_most_and_least_say_which_way_the_rows_go(seed_kg, gazetteer):
    busiest = answer(seed_kg, "牵头最多的是哪个部门", gazetteer)
    assert busiest["order_by"] == [{"column": "lead", "descending": True}]
    assert "lead" in busiest["why"]
    idlest = answer(seed_kg, "哪个单位最闲", gazetteer)
    assert idlest["order_by"] == [{"column": "weightedLoad", "descending": False}]
    assert answer(seed_kg, "公安局牵头哪些任务", gazetteer)["order_by"] == []


def test_every_question_form_answers_its_own_examples(gazetteer):
    from plankg.kg.ask import INTENTS, example_questions
    from plankg.queries import load_queries

    assert {intent.query for intent in INTENTS} <= set(load_queries())
    assert len(INTENTS) >= 20
    # every example of every form, filled with names from the store, is understood as that form (only the
    # units two plans share need two plans)
    examples = example_questions(gazetteer)
    expected = [i.query for i in INTENTS for _ in i.examples if i.query != "units_shared_by_plans"]
    assert sorted(query for query, _ in examples) == sorted(expected)
    for query, question in examples:
        assert interpret(question, gazetteer).query == query


def test_with_two_plans_the_units_they_share_can_be_asked(city_and_province):
    from plankg.kg.ask import example_questions

    gazetteer = Gazetteer.from_store(city_and_province)
    question = dict(example_questions(gazetteer))["units_shared_by_plans"]
    got = answer(city_and_province, question, gazetteer)
    assert got["query"] == "units_shared_by_plans"
    assert set(got["params"].values()) == {"九江市数字政府建设2025年工作要点", "江西省数字政府建设2025年工作要点"}
    assert got["results"]["results"]["bindings"] == []  # a city's bureaus and the province's are different units


def test_answer_builds_its_own_gazetteer_when_given_none(seed_kg):
    assert answer(seed_kg, "第五章有哪些任务")["query"] == "tasks_of_chapter"


# ---- interpret: a pure function --------------------------------------------------------------


def test_interpret_is_pure_and_says_why(gazetteer):
    one = interpret("公安局牵头哪些任务？", gazetteer)
    assert isinstance(one, Interpretation)
    assert one == interpret("公安局牵头哪些任务？", gazetteer)
    assert one.query == "tasks_led_by_unit" and one.params == {"unit": "市公安局"}
    assert "公安局" in one.why and "牵头" in one.why


def test_longest_match_wins_over_the_names_inside_it(gazetteer):
    # 一表同享 (an initiative) inside 一表同享系统 (a platform); 数据局 inside 市发改委〔市数据局〕
    assert interpret("哪些单位涉及一表同享系统", gazetteer).params == {"platform": "一表同享系统"}
    assert interpret("市发改委〔市数据局〕牵头哪些任务", gazetteer).params == {"unit": DATA_BUREAU}
    assert interpret("九江市公安局牵头哪些任务", gazetteer).params == {"unit": "市公安局"}


def test_nothing_to_interpret_gives_none(gazetteer):
    for question in ("", "   ", "今天天气怎么样？", "hello", "？？？"):
        assert interpret(question, gazetteer) is None


# ---- the gazetteer: names from the store ------------------------------------------------------


def entity_values(gazetteer: Gazetteer, surface: str, kind: str) -> list[str]:
    return sorted({e.value for e in gazetteer.lookup(surface) if e.kind == kind})


@pytest.mark.parametrize(
    ("surface", "kind", "value"),
    [
        ("市公安局", "unit", "市公安局"),
        ("公安局", "unit", "市公安局"),
        ("九江市公安局", "unit", "市公安局"),
        ("发改委", "unit", DATA_BUREAU),
        ("数据局", "unit", DATA_BUREAU),
        ("市数据局", "unit", DATA_BUREAU),
        ("发展和改革委员会", "unit", DATA_BUREAU),
        ("网信办", "unit", "市委网信办"),
        ("海关", "unit", "九江海关"),
        ("各县人民政府", "unit", COUNTIES),
        ("各县区政府", "unit", COUNTIES),
        ("赣服通平台", "platform", "赣服通"),
        ("智慧环保", "platform", "智慧环保平台"),
        ("AI", "technology", "人工智能"),
        ("一件事", "initiative", "高效办成一件事"),
        ("第五章", "chapter", "5"),
        ("第5章", "chapter", "5"),
        ("第五部分", "chapter", "5"),
        ("五、", "chapter", "5"),
        ("最后一章", "chapter", "5"),
        ("强化数字政府安全保障", "chapter", "强化数字政府安全保障"),
        ("任务11", "task", TASK + "11"),
        ("第11项", "task", TASK + "11"),
        ("第十一项任务", "task", TASK + "11"),
        ("11号任务", "task", TASK + "11"),
        ("深化公共安全数字应用", "task", TASK + "11"),
        ("九江市数字政府建设2025年工作要点", "plan", "九江市数字政府建设2025年工作要点"),
        ("九江市", "plan", "九江市数字政府建设2025年工作要点"),
        ("省级", "level", "省级"),
        ("省里", "level", "省级"),
        ("省级的", "level", "省级"),
        ("党委部门", "unit_type", "党委部门"),
        ("党委机关", "unit_type", "党委部门"),
        ("垂管单位", "unit_type", "垂直管理单位"),
        ("开发区", "unit_type", "开发区管理机构"),
        ("6月", "month", "2025-06"),
        ("2025年6月", "month", "2025-06"),
        ("六月", "month", "2025-06"),
        ("年底", "month", "2025-12"),
        ("十一月", "month", "2025-11"),
    ],
)
def test_gazetteer_knows_names_short_forms_numbers_and_months(gazetteer, surface, kind, value):
    assert entity_values(gazetteer, surface, kind) == [value]


def test_gazetteer_comes_from_the_store_not_from_code(gazetteer, city_and_province):
    assert entity_values(gazetteer, "省数据局", "unit") == []  # no provincial plan in the seed store
    both_plans = Gazetteer.from_store(city_and_province)
    assert entity_values(both_plans, "省数据局", "unit") == ["省数据局"]
    assert entity_values(both_plans, "市数据局", "unit") == [DATA_BUREAU]
    # 数据局 is now short for two units: not a name any more, only a pointer to both
    assert entity_values(both_plans, "数据局", "unit") == []
    assert sorted(e.value for e in both_plans.ambiguous.get("数据局", ())) == sorted([DATA_BUREAU, "省数据局"])


def test_a_month_number_in_a_longer_number_is_not_a_month(gazetteer):
    assert [m.entities[0].value for m in gazetteer.mentions("11月") if m.entities[0].kind == "month"] == ["2025-11"]
    assert not [m for m in gazetteer.mentions("任务111") if m.entities[0].kind == "task"]


def test_questions_are_normalised_like_documents():
    assert normalise_question("哪些單位涉及贛通碼？") == "哪些单位涉及赣通码?"
    assert normalise_question(" 任务１１ 是什么 ") == "任务11是什么"


# ---- questions it cannot answer get suggestions ------------------------------------------------


@pytest.mark.parametrize("question", ["今天天气怎么样？", "", "赣通码的预算是多少", "公安局局长是谁", "请问", "xyz"])
def test_an_unanswerable_question_gets_suggestions_it_can_answer(seed_kg, gazetteer, question):
    got = answer(seed_kg, question, gazetteer)
    assert got["query"] is None and got["results"] is None
    assert got["question"] == question
    suggestions = got["suggestions"]
    assert 1 <= len(suggestions) <= 8 and len(set(suggestions)) == len(suggestions)
    for suggestion in suggestions:
        assert interpret(suggestion, gazetteer) is not None, suggestion


def test_suggestions_use_what_the_question_did_name(seed_kg, gazetteer):
    assert "赣通码" in answer(seed_kg, "赣通码的预算是多少", gazetteer)["suggestions"][0]
    assert "公安局" in answer(seed_kg, "公安局局长是谁", gazetteer)["suggestions"][0]


def test_suggestions_are_ranked_by_likeness_to_the_question(seed_kg, gazetteer):
    got = answer(seed_kg, "哪些单位在负责赣通码的预算", gazetteer)
    assert got["query"] is None
    assert answer(seed_kg, got["suggestions"][0], gazetteer)["query"] == "units_touching_platform"


def test_an_ambiguous_short_name_suggests_each_unit_it_could_mean(city_and_province):
    gazetteer = Gazetteer.from_store(city_and_province)
    got = answer(city_and_province, "数据局负责什么", gazetteer)
    assert got["query"] is None
    text = " ".join(got["suggestions"])
    assert DATA_BUREAU in text and "省数据局" in text


# ---- more than one plan -----------------------------------------------------------------------


def test_tasks_due_in_june_in_the_provincial_plan(city_and_province):
    gazetteer = Gazetteer.from_store(city_and_province)
    got = answer(city_and_province, "6月底前要完成什么", gazetteer)
    assert got["params"] == {"month": "2025-06"}
    assert column(got["results"], "title") == ["推动“赣政通”协同办公迭代升级", "强化数据安全防护"]


def test_a_task_number_two_plans_share_is_settled_by_naming_the_plan(city_and_province):
    gazetteer = Gazetteer.from_store(city_and_province)
    assert answer(city_and_province, "任务11是什么", gazetteer)["params"] == {"task": TASK + "11"}  # the seed's only
    unsettled = answer(city_and_province, "任务3是什么", gazetteer)
    assert unsettled["query"] is None
    assert "九江市的任务3是什么？" in unsettled["suggestions"]
    assert answer(city_and_province, "九江市的任务3是什么", gazetteer)["params"] == {"task": TASK + "3"}
    title = "九江市数字政府建设2025年工作要点第3项是谁牵头的"
    assert answer(city_and_province, title, gazetteer)["params"] == {"task": TASK + "3"}
    # the provincial plan numbers its tasks afresh in each chapter: 第二章第3项 is its sixth task
    assert answer(city_and_province, "江西省的任务3是什么", gazetteer)["query"] is None
    got = answer(city_and_province, "江西省第二章第3项是什么", gazetteer)
    assert got["params"] == {"task": PROVINCE_PLAN + "/task/6"}
    assert column(got["results"], "title")[0] == "深化“高效办成一件事”改革"


def test_naming_a_plan_keeps_the_rows_of_that_plan(city_and_province):
    gazetteer = Gazetteer.from_store(city_and_province)
    everywhere = answer(city_and_province, "谁最忙", gazetteer)["results"]
    assert set(column(everywhere, "plan")) == {SEED_PLAN, PROVINCE_PLAN}
    assert column(everywhere, "unitName")[0] == DATA_BUREAU  # 35 against 省数据局's 30
    in_province = answer(city_and_province, "江西省谁最忙", gazetteer)["results"]
    assert set(column(in_province, "plan")) == {PROVINCE_PLAN}
    assert column(in_province, "unitName")[0] == "省数据局"


# ---- nothing a user types is ever run as SPARQL ------------------------------------------------


INJECTIONS = [
    '哪些单位涉及赣通码"}} DROP ALL',
    '"}} DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> }',
    "赣通码'>} ; CLEAR DEFAULT ; #",
    '公安局牵头哪些任务 } UNION { ?s ?p ?o } FILTER("x"="x") #',
    "SELECT * WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("question", INJECTIONS)
def test_sparql_in_a_question_is_never_executed(seed_kg, gazetteer, question):
    before = len(seed_kg.store)
    got = answer(seed_kg, question, gazetteer)
    assert len(seed_kg.store) == before
    if got["query"] is None:
        assert got["suggestions"]
    else:
        for value in got["params"].values():
            assert not set(value) & set("\"'{}<>;#?")
        assert "DROP" not in got["sparql"] and "UNION { ?s ?p ?o }" not in got["sparql"]


def test_the_injected_question_about_gantongma_still_gets_its_nine_units(seed_kg, gazetteer):
    got = answer(seed_kg, INJECTIONS[0], gazetteer)
    assert got["query"] == "units_touching_platform"
    assert sorted(column(got["results"], "name")) == sorted(GANTONGMA_UNITS)


# ---- plankg ask ------------------------------------------------------------------------------


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory) -> Path:
    """A store folder for the command line (the module's own store stays open and locked)."""
    path = tmp_path_factory.mktemp("ask-cli") / "store"
    store = PlanStore(path)
    build_into(store, [bundled_seed()])
    del store
    return path


def test_cli_ask_json_prints_question_sparql_and_results(cli_store):
    result = runner().invoke(app, ["ask", "哪些单位涉及赣通码？", "--store", str(cli_store), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["question"] == "哪些单位涉及赣通码？"
    assert document["query"] == "units_touching_platform"
    assert "SELECT" in document["sparql"]
    assert sorted(column(document["results"], "name")) == sorted(GANTONGMA_UNITS)


def test_cli_ask_table_shows_the_title_and_the_rows(cli_store):
    result = runner().invoke(app, ["ask", "哪些单位涉及赣通码？", "--store", str(cli_store)])
    assert result.exit_code == 0, result.output
    assert "涉及某平台的单位" in result.stdout
    for name in GANTONGMA_UNITS:
        assert name in result.stdout


def test_cli_ask_unanswerable_exits_0_with_suggestions(cli_store):
    result = runner().invoke(app, ["ask", "今天天气怎么样？", "--store", str(cli_store)])
    assert result.exit_code == 0, result.output
    assert "？" in result.stdout or "?" in result.stdout
    as_json = runner().invoke(app, ["ask", "今天天气怎么样？", "--store", str(cli_store), "--format", "json"])
    document = json.loads(as_json.stdout)
    assert document["query"] is None and document["suggestions"]


def test_cli_ask_escapes_markup_in_the_question(cli_store):
    result = runner().invoke(app, ["ask", "[bold]赣通码[/bold] 跟哪些部门有关", "--store", str(cli_store)])
    assert result.exit_code == 0, result.output
    assert "市公安局" in result.stdout


def test_cli_ask_a_dead_endpoint_gets_a_clear_message(cli_store):
    """(A live endpoint is tested against a real oxigraph server in test_remote.py.)"""
    result = runner().invoke(app, ["ask", "谁最忙", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert result.exit_code == 1
    assert "cannot be reached" in result.stderr
