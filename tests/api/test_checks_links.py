"""/api/check, /api/alignments and the page /links: the check report and the links between plans,
on a store with the seed, the test provincial plan and the hostile plan (a 新余 plan whose names
carry markup), linked with `plankg link` before the service starts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from plankg.kg.link import link_store
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.store import PlanStore

from .conftest import HOSTILE_PLAN
from .test_pages import BROWSER, assert_offline, assert_safe

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_TITLE = "九江市数字政府建设2025年工作要点"
PROVINCE_TITLE = "江西省数字政府建设2025年工作要点"
CHECK_FIELDS = {"plan", "focus", "element", "rule_zh", "rule_en", "message_zh", "message_en"}


def serve(path: Path) -> Iterator:
    from fastapi.testclient import TestClient
    from plankg.api.app import create_app
    from plankg.api.settings import Settings

    with TestClient(create_app(Settings(store_path=path, workers=1))) as client:
        yield client


@pytest.fixture(scope="module")
def linked_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("linked") / "store"
    store = PlanStore(path)
    build_into(store, [bundled_seed(), DATA / "jiangxi_province_2025.txt", HOSTILE_PLAN])
    link_store(store)
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def linked(linked_store) -> Iterator:
    yield from serve(linked_store)


# ---- /api/check -----------------------------------------------------------------------------------


def test_check_passes_the_seed_and_names_every_rule(client):
    report = client.get("/api/check").json()
    assert report["conforms"] is True and report["violation_count"] == 0 and report["violations"] == []
    assert SEED_TITLE in report["plans"]
    rules = {rule["en"] for rule in report["rules"]}
    assert {"a task has a lead or responsible unit", "a deadline lies within the plan's year",
            "tasks are numbered without gaps", "an alias names one unit only",
            "a unit has a Chinese name"} <= rules  # fmt: skip
    assert all(rule["zh"] for rule in report["rules"])


def test_check_report_of_a_plan_with_a_task_nobody_leads(tmp_path):
    path = tmp_path / "store"
    store = PlanStore(path)
    build_into(store, [bundled_seed(), DATA / "no_lead_plan.txt"])
    del store
    for client in serve(path):
        response = client.get("/api/check")
        assert response.status_code == 200
        report = response.json()
        assert report["conforms"] is False and report["violation_count"] == 1
        [violation] = report["violations"]
        assert set(violation) == CHECK_FIELDS
        assert violation["plan"] == "萍乡市政务数据治理2025年工作要点"
        assert violation["element"] == "任务 3 加强数据治理宣传培训"
        assert violation["rule_zh"] == "任务须有牵头或责任单位"
        assert violation["rule_en"] == "a task has a lead or responsible unit"


def test_check_sees_the_store_as_it_is_now(tmp_path):
    """The store is not locked by the service: a build while it runs shows in the next report."""
    path = tmp_path / "store"
    store = PlanStore(path)
    build_into(store, [bundled_seed()])
    del store
    for client in serve(path):
        assert client.get("/api/check").json()["conforms"] is True
        store = PlanStore(path)  # the service holds no lock on it
        build_into(store, [DATA / "deadline_outside_year_plan.txt"])
        store.flush()
        report = client.get("/api/check").json()
        del store
        assert report["conforms"] is False
        assert [v["element"] for v in report["violations"]] == ["任务 2 开展公共数据授权运营试点"]


def test_check_is_documented(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/check" in paths and "/api/alignments" in paths


# ---- /api/alignments ------------------------------------------------------------------------------


def test_alignments_are_the_rows_of_task_alignments(linked):
    rows = linked.get("/api/alignments").json()
    assert rows and all(r["higherPlanTitle"] == PROVINCE_TITLE for r in rows)
    city = [r for r in rows if r["lowerPlanTitle"] == SEED_TITLE]
    confident = {r["higherTitle"]: r["lowerNumber"] for r in city if r["confident"] is True}
    assert len(confident) == 17
    assert confident["拓展“赣通码”应用场景"] == 20 and confident["构建全省应急管理“一张图”"] == 15
    for row in rows:
        assert isinstance(row["score"], float) and 0 <= row["score"] <= 1
        assert isinstance(row["confident"], bool) and row["evidence"]
    same = linked.get("/api/queries/task_alignments.json").json()
    assert same["row_count"] == len(rows)


def test_no_alignments_where_no_two_levels(client):
    assert client.get("/api/alignments").json() == []


# ---- /links ---------------------------------------------------------------------------------------


def test_links_page_shows_city_tasks_beside_provincial_tasks(linked):
    response = linked.get("/links", headers=BROWSER)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html and "上下级计划对应" in html
    assert f"{PROVINCE_TITLE}</a> ← <a" in html
    # an aligned pair: the provincial task, the city task beside it, its score and evidence
    row = re.search(r"<tr>\s*<td>.{0,300}?拓展“赣通码”应用场景.*?</tr>", html, re.S).group(0)
    assert "健全公共支撑应用体系" in row and "0.59" in row and "赣通码" in row
    assert "确定对应 17 对" in html
    gaps = re.search(r'<ul class="hits gaps">(.*?)</ul>', html, re.S).group(1)
    assert "推进数字乡村建设" in gaps and "推进公共数据资源授权运营" in gaps
    local = re.search(r'<ul class="hits local">(.*?)</ul>', html, re.S).group(1)
    assert all(title in local for title in ("加强空间治理数字能力", "促进医疗医保医药协同发展"))
    assert "依托全省企业群众诉求统一受理平台" in html  # a task relying on a provincial platform
    assert "国发〔2022〕14号" in html  # what the province cites
    assert 'href="/api/alignments"' in html


def test_links_page_escapes_what_plans_say_and_stays_offline(linked):
    html = linked.get("/links", headers=BROWSER).text
    assert "新余市&lt;script&gt;alert(1)&lt;/script&gt;数字政府建设2025年工作要点" in html  # linked below the province
    assert "<script>alert(1)</script>" not in html
    assert_safe(html)
    assert_offline(html)


def test_links_page_without_links_says_what_to_do(client):
    html = client.get("/links", headers=BROWSER).text
    assert "还没有上下级计划的对应关系" in html and "plankg link" in html
    assert "依托全省企业群众诉求统一受理平台" in html


def test_home_links_to_the_links_page_the_ontology_and_the_check(client):
    html = client.get("/", headers=BROWSER).text
    for href in ('href="/links"', 'href="/ontology"', 'href="/api/check"'):
        assert href in html
