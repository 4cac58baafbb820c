"""/api and /id through the app (TestClient)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from plankg.queries import load_queries

from .conftest import GANTONGMA_UNITS, SEED_PLAN_ID

PKID = "https://w3id.org/plankg/id/"
POLICE = "unit/jiujiang/shi-gong-an-ju"
TASK_11 = f"{SEED_PLAN_ID}/task/11"


def test_queries_are_listed_with_links_that_run(client):
    listed = client.get("/api/queries").json()
    assert {q["name"] for q in listed} == set(load_queries())
    touching = next(q for q in listed if q["name"] == "units_touching_platform")
    assert touching["title_zh"] and touching["title_en"]
    assert [p["name"] for p in touching["params"]] == ["platform"]
    for link in touching["links"].values():
        assert client.get(link).status_code == 200


def test_every_canned_query_runs_with_its_example(client):
    for query in load_queries().values():
        response = client.get(f"/api/queries/{query.name}", params=dict(query.examples))
        assert response.status_code == 200, (query.name, response.text)
        body = response.json()
        assert body["row_count"] == len(body["rows"])
        assert body["truncated"] is False


def test_canned_query_twins(client):
    params = {"platform": "赣通码"}
    plain = client.get("/api/queries/units_touching_platform", params=params).json()
    as_json = client.get("/api/queries/units_touching_platform.json", params=params).json()
    assert plain == as_json
    names = {row["name"] for row in plain["rows"]}
    assert names == GANTONGMA_UNITS
    assert all(isinstance(row["tasks"], int) for row in plain["rows"])
    as_csv = client.get("/api/queries/units_touching_platform.csv", params=params)
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(as_csv.text, newline="")))
    assert {row["name"] for row in rows} == GANTONGMA_UNITS


def test_canned_query_parameter_errors(client):
    missing = client.get("/api/queries/units_touching_platform")
    assert missing.status_code == 400
    assert "platform" in missing.json()["detail"]
    unknown = client.get("/api/queries/units_touching_platform", params={"platform": "赣通码", "x": "1"})
    assert unknown.status_code == 400
    integer = next((q for q in load_queries().values() if any(p.type == "integer" for p in q.params)), None)
    if integer is not None:
        values = dict(integer.examples)
        name = next(p.name for p in integer.params if p.type == "integer")
        values[name] = "twelve"
        assert client.get(f"/api/queries/{integer.name}", params=values).status_code == 400
    assert client.get("/api/queries/no_such_query").status_code == 404
    assert client.get("/api/queries/no_such_query.csv").status_code == 404


def test_units(client):
    units = client.get("/api/units").json()
    by_id = {u["id"]: u for u in units}
    police = by_id[POLICE]
    assert police["name"] == "市公安局"
    assert police["lead"] >= 1 and police["cooperating"] >= 1
    assert police["level"] == "Municipal"
    assert any(t["type"] == "GovernmentDepartment" for t in police["types"])
    involved = client.get("/api/units", params={"involved": "true"}).json()
    assert all(u["tasks"] > 0 for u in involved)
    assert len(involved) < len(units)
    assert units[0]["tasks"] >= units[-1]["tasks"]  # busiest first


def test_unit_detail(client):
    unit = client.get(f"/api/units/{POLICE}").json()
    assert unit["name"] == "市公安局"
    assert unit["full_name"] == "九江市公安局"
    led = {t["number"] for t in unit["tasks"]["lead"]}
    assert 11 in led
    assert unit["lead"] == len(unit["tasks"]["lead"])
    assert any(p["name"] == "赣通码" for p in unit["platforms"])
    assert unit["partners"] and all(p["shared_tasks"] >= 1 for p in unit["partners"])
    # the kind may be left out of the id
    assert client.get("/api/units/jiujiang/shi-gong-an-ju").json()["iri"] == PKID + POLICE


def test_platform_and_task_detail(client):
    platform = client.get("/api/platforms/platform/gan-tong-ma").json()
    assert platform["name"] == "赣通码"
    assert {t["number"] for t in platform["tasks"]} == {11, 20}
    assert {u["name"] for u in platform["units"]} == GANTONGMA_UNITS
    task = client.get(f"/api/tasks/{TASK_11}").json()
    assert task["number"] == 11
    assert [u["name"] for u in task["units"]["lead"]] == ["市公安局"]
    assert "赣通码" in {p["name"] for p in task["mentions"]["platforms"]}
    assert task["span"]["excerpt"].startswith("11.")
    assert task["title"] in task["span"]["excerpt"] and "牵头单位" in task["span"]["excerpt"]
    assert task["span"]["end"] > task["span"]["start"]


def test_coordination(client):
    data = client.get("/api/coordination").json()
    assert data["pairs"] and data["load"]
    assert all(p["shared_tasks"] >= 1 for p in data["pairs"])
    shared = [p["shared_tasks"] for p in data["pairs"]]
    assert shared == sorted(shared, reverse=True)
    police = next(row for row in data["load"] if row["unit"]["id"] == POLICE)
    assert police["weighted_load"] == 2 * police["lead"] + police["cooperating"] + 1.5 * police["responsible"]
    strong = client.get("/api/coordination", params={"min_shared": 3}).json()
    assert all(p["shared_tasks"] >= 3 for p in strong["pairs"])


def test_plans_and_search(client):
    plans = client.get("/api/plans").json()
    seed = next(p for p in plans if p["id"] == SEED_PLAN_ID)
    assert seed["task_count"] == 23
    assert len(seed["chapters"]) == 5
    assert sum(len(c["tasks"]) for c in seed["chapters"]) + len(seed["tasks_outside_chapters"]) == 23
    hits = client.get("/api/search", params={"q": "赣通码"}).json()
    assert any(h["kind"] == "platform" and h["name"] == "赣通码" for h in hits)
    assert client.get("/api/search").status_code == 422


@pytest.mark.parametrize(
    "path", ["/api/units/unit/nowhere/nobody", "/api/platforms/platform/none", "/api/tasks/plan/none/task/1",
             f"/api/units/{TASK_11}", "/api/units/%3Cscript%3E"],
)
def test_unknown_ids_get_404_with_a_message(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "detail" in response.json()


def test_status(client):
    status = client.get("/api/status").json()
    assert status["status"] == "ok"
    assert status["workers"] == 2
    assert status["triples"] > 4000
    assert status["read_only"] is True
    assert 0 <= status["workers_in_memory"] <= 2  # the workers load the graph into memory after answering starts
    assert status["worker_memory_mib"] is None  # the test settings set no limit


# ---- Linked Data -------------------------------------------------------------------------------


def test_id_gives_turtle_by_default_with_labels_of_what_it_links_to(client):
    response = client.get(f"/id/{POLICE}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    triples = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    police = ox.NamedNode(PKID + POLICE)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert ox.Triple(police, label, ox.Literal("市公安局", language="zh")) in triples
    task = ox.NamedNode(PKID + TASK_11)
    assert ox.Triple(task, label, ox.Literal("深化公共安全数字应用", language="zh")) in triples


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "rdf_format"),
    [("application/ld+json", None, "application/ld+json", ox.RdfFormat.JSON_LD),
     (None, "jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
     ("application/n-triples", None, "application/n-triples", ox.RdfFormat.N_TRIPLES),
     ("application/rdf+xml", None, "application/rdf+xml", ox.RdfFormat.RDF_XML),
     ("text/turtle", None, "text/turtle", ox.RdfFormat.TURTLE)],
)
def test_id_negotiates_rdf(client, accept, fmt, media, rdf_format):
    headers = {"Accept": accept} if accept else {}
    params = {"format": fmt} if fmt else {}
    response = client.get(f"/id/{TASK_11}", headers=headers, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    triples = {q.triple for q in ox.parse(response.content, format=rdf_format)}
    assert any(t.subject == ox.NamedNode(PKID + TASK_11) for t in triples)
    if media == "application/ld+json":
        assert json.loads(response.text)


def test_id_gives_html_to_a_browser(client):
    response = client.get(f"/id/{POLICE}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "市公安局" in response.text


def test_unknown_iri_gets_404(client):
    assert client.get("/id/unit/nowhere/nobody").status_code == 404
    assert client.get("/id/unit/nowhere/nobody", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/id/").status_code == 404
