"""kg/check.py (`plankg check`): the SHACL rules of ontology/shapes.ttl over every plan in the store.

Known answers: the seed breaks no rule; tests/data/no_lead_plan.txt has a task nobody is
responsible for (任务 3); tests/data/numbering_gap_plan.txt numbers the tasks of its second chapter
（一）（二）（四）; tests/data/deadline_outside_year_plan.txt, a 2025 plan, gives task 2 a deadline in
2026; an alias given to a second unit of the same city names two units.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from plankg.kg.check import REGISTRY, Violation, check_store
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.store import PlanStore

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_TITLE = "九江市数字政府建设2025年工作要点"
SEED_PLAN = "https://w3id.org/plankg/id/plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
SEED_GRAPH = "https://w3id.org/plankg/id/graph/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
UNIT = "https://w3id.org/plankg/id/unit/jiujiang/"
NO_LEAD = ("任务须有牵头或责任单位", "a task has a lead or responsible unit")
NUMBERING = ("任务编号须连续", "tasks are numbered without gaps")
CHAPTERS = ("章节编号须连续", "chapters are numbered without gaps")
DEADLINE = ("完成时限须在计划年度内", "a deadline lies within the plan's year")
ALIAS = ("一个别名只指一个单位", "an alias names one unit only")
LABEL = ("任务须有中文标题", "a task has a Chinese label")
FIELDS = {"plan", "focus", "element", "rule_zh", "rule_en", "message_zh", "message_en"}


def build(path: Path, *files: Path) -> PlanStore:
    store = PlanStore(path)
    build_into(store, list(files))
    return store


def closed(store: PlanStore) -> Path:
    """Close a store so that a `plankg` process can open it."""
    path = store.path
    store.flush()
    del store
    gc.collect()
    return path


def plankg(*args: str) -> subprocess.CompletedProcess:
    command = [shutil.which("plankg")] if shutil.which("plankg") else [sys.executable, "-m", "plankg"]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "250"})  # fmt: skip


def rule(v: Violation) -> tuple[str, str]:
    return (v.rule_zh, v.rule_en)


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> list[Violation]:
    """The seed, the provincial plan and the three plans written to break one rule each, checked together."""
    store = build(tmp_path_factory.mktemp("many") / "store", bundled_seed(), DATA / "jiangxi_province_2025.txt",
                  DATA / "no_lead_plan.txt", DATA / "numbering_gap_plan.txt", DATA / "deadline_outside_year_plan.txt")
    return check_store(store)


def of_plan(violations: list[Violation], title: str) -> list[Violation]:
    return [v for v in violations if v.plan == title]


# ---- the seed passes -------------------------------------------------------------------------------


def test_the_seed_breaks_no_rule(seed_store):
    assert check_store(seed_store) == []


def test_the_command_passes_the_seed_with_exit_0(tmp_path):
    done = plankg("check", "--store", closed(build(tmp_path / "store", bundled_seed())))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all 1 plan(s) pass every check" in done.stderr


def test_plans_that_break_no_rule_are_not_named(many):
    named = {v.plan for v in many}
    assert SEED_TITLE not in named
    assert "江西省数字政府建设2025年工作要点" not in named  # task numbers restart in each chapter: no gap
    assert REGISTRY not in named


# ---- each rule ------------------------------------------------------------------------------------


def test_a_task_nobody_is_responsible_for(many):
    [v] = of_plan(many, "萍乡市政务数据治理2025年工作要点")
    assert rule(v) == NO_LEAD
    assert v.element == "任务 3 加强数据治理宣传培训"
    assert v.focus.endswith("/task/3")
    assert (v.message_zh, v.message_en) == ("任务没有牵头单位或责任单位", "the task has no lead or responsible unit")


def test_a_gap_in_the_numbering_of_the_second_chapter(many):
    [v] = of_plan(many, "宜春市政务服务数字化2025年工作要点")
    assert rule(v) == NUMBERING
    # the plan numbers its tasks from （一） in each chapter, so the task is named with its chapter;
    # the first chapter has a task 3, which does not fill the gap in the second
    assert v.element == "第二章 任务 4 推进政务服务好差评"
    assert (v.message_zh, v.message_en) == ("任务编号 4 之前缺少编号 3", "task number 4 has no task 3 before it")


def test_a_deadline_outside_the_plans_year(many):
    [v] = of_plan(many, "鹰潭市数据要素市场化配置2025年工作要点")
    assert rule(v) == DEADLINE
    assert v.element == "任务 2 开展公共数据授权运营试点"
    assert v.message_zh == "完成时限 2026-06-30 不在计划年度 2025 内"
    assert v.message_en == "the deadline 2026-06-30 lies outside the plan's year 2025"


def test_every_violation_is_named_in_both_languages(many):
    assert len(many) == 3
    for v in many:
        assert set(v.as_dict()) == FIELDS
        assert all(v.as_dict().values())
        assert any("\u4e00" <= c <= "\u9fff" for c in v.rule_zh + v.message_zh)
        assert v.rule_en.isascii() and v.message_en.replace("’", "'").isascii()


def test_an_alias_shared_by_two_units_of_one_city(tmp_path):
    store = build(tmp_path / "store", bundled_seed())
    store.store.update(f"""INSERT DATA {{ GRAPH <{SEED_GRAPH}> {{
        <{UNIT}shi-min-zheng-ju> <http://www.w3.org/2004/02/skos/core#altLabel> "市公安局"@zh }} }}""")
    violations = check_store(store)
    assert {rule(v) for v in violations} == {ALIAS}
    by_focus = {v.focus: v for v in violations}
    assert set(by_focus) == {UNIT + "shi-min-zheng-ju", UNIT + "shi-gong-an-ju"}
    added = by_focus[UNIT + "shi-min-zheng-ju"]
    assert added.plan == SEED_TITLE  # the plan whose graph gives the alias
    assert added.element == "单位 市民政局"
    assert added.message_zh == f"名称“市公安局”同时指向另一单位“市公安局”（{UNIT}shi-gong-an-ju）"
    assert "also names another unit" in added.message_en
    assert "“市民政局”" in by_focus[UNIT + "shi-gong-an-ju"].message_zh


def test_the_same_name_in_two_cities_is_no_clash(tmp_path):
    """市公安局 of 九江 and of 萍乡 are two units with one name: units are local to their region."""
    store = build(tmp_path / "store", bundled_seed(), DATA / "no_lead_plan.txt")
    assert {rule(v) for v in check_store(store)} == {NO_LEAD}


def test_a_gap_in_the_chapters_and_a_task_without_a_chinese_title(tmp_path):
    store = build(tmp_path / "store", bundled_seed())
    store.store.update(f"""
        PREFIX pk: <https://w3id.org/plankg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        DELETE {{ GRAPH <{SEED_GRAPH}> {{ <{SEED_PLAN}/chapter/3> pk:number ?n }} }}
        INSERT {{ GRAPH <{SEED_GRAPH}> {{ <{SEED_PLAN}/chapter/3> pk:number 9 }} }}
        WHERE {{ GRAPH <{SEED_GRAPH}> {{ <{SEED_PLAN}/chapter/3> pk:number ?n }} }} ;
        DELETE WHERE {{ GRAPH <{SEED_GRAPH}> {{ <{SEED_PLAN}/task/5> rdfs:label ?l }} }}
    """)
    violations = check_store(store)
    chapters = sorted(v.message_en for v in violations if rule(v) == CHAPTERS)
    assert chapters == ["chapter number 4 has no chapter 3 before it", "chapter number 9 has no chapter 8 before it"]
    [label] = [v for v in violations if rule(v) == LABEL]
    assert label.focus == f"{SEED_PLAN}/task/5" and label.plan == SEED_TITLE
    assert label.element.startswith("任务 5")


# ---- the command ----------------------------------------------------------------------------------


def test_the_command_names_the_task_and_the_rule_and_exits_1(tmp_path):
    done = plankg("check", "--store", closed(build(tmp_path / "store", DATA / "no_lead_plan.txt")))
    assert done.returncode == 1
    for words in ("萍乡市政务数据治理2025年工作要点", "任务 3", "加强数据治理宣传培训", *NO_LEAD):
        assert words in done.stdout
    assert "1 violation(s)" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_json_report(tmp_path):
    store = closed(build(tmp_path / "store", DATA / "no_lead_plan.txt", DATA / "deadline_outside_year_plan.txt"))
    done = plankg("check", "--store", store, "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert isinstance(report, list) and len(report) == 2
    assert all(set(item) == FIELDS for item in report)
    assert [(item["plan"], item["element"], item["rule_en"]) for item in report] == [
        ("萍乡市政务数据治理2025年工作要点", "任务 3 加强数据治理宣传培训", NO_LEAD[1]),
        ("鹰潭市数据要素市场化配置2025年工作要点", "任务 2 开展公共数据授权运营试点", DEADLINE[1]),
    ]
    passing = plankg("check", "--store", closed(build(tmp_path / "seed", bundled_seed())), "--format", "json")
    assert passing.returncode == 0 and json.loads(passing.stdout) == []
