"""A real `plankg serve` (subprocess, 127.0.0.1, free port): standard SPARQL clients, the time limit,
the row cap, many clients at once, updates with a token, and schemathesis over the OpenAPI."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from plankg.kg.store import PlanStore
from rdflib import Graph, Literal
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from schemathesis.checks import not_a_server_error
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .conftest import EXPLOSIVE_QUERY, GANTONGMA_QUERY, GANTONGMA_UNITS, build_store, start_server, stop_server

CONSTRUCT = "CONSTRUCT { ?p skos:prefLabel ?l } WHERE { ?p a pk:Platform ; skos:prefLabel ?l FILTER(LANG(?l) = 'zh') }"


def wrapper(server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setTimeout(30)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(server, method):
    results = wrapper(server, GANTONGMA_QUERY, JSON, method).query().convert()
    assert {row["name"]["value"] for row in results["results"]["bindings"]} == GANTONGMA_UNITS


def test_sparqlwrapper_other_result_formats(server):
    xml = wrapper(server, GANTONGMA_QUERY, XML).query().convert()  # a DOM document
    names = {node.firstChild.data for node in xml.getElementsByTagName("literal")}
    assert names == GANTONGMA_UNITS
    csv_text = wrapper(server, GANTONGMA_QUERY, CSV).query().convert().decode("utf-8")
    assert all(name in csv_text for name in GANTONGMA_UNITS)
    tsv_text = wrapper(server, GANTONGMA_QUERY, TSV).query().convert().decode("utf-8")
    assert tsv_text.startswith("?unit\t?name")
    assert all(f'"{name}"@zh' in tsv_text for name in GANTONGMA_UNITS)
    ask = wrapper(server, "ASK { ?t a pk:Task }", JSON).query().convert()
    assert ask["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD, XML])
def test_sparqlwrapper_graph_formats(server, fmt):
    result = wrapper(server, CONSTRUCT, fmt).query().convert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    labels = {str(o) for o in graph.objects()}
    assert "赣通码" in labels and "赣服通" in labels


def test_rdflib_sparqlstore(server):
    graph = Graph(store=SPARQLStore(query_endpoint=server.url + "/sparql", returnFormat="xml"))
    rows = list(graph.query(GANTONGMA_QUERY))
    assert {str(row.name) for row in rows} == GANTONGMA_UNITS
    assert all(isinstance(row.name, Literal) and row.name.language == "zh" for row in rows)
    json_graph = Graph(store=SPARQLStore(query_endpoint=server.url + "/sparql", returnFormat="json"))
    assert {str(row.name) for row in json_graph.query(GANTONGMA_QUERY)} == GANTONGMA_UNITS
    assert bool(graph.query("ASK { ?t a pk:Task }")) is True


def test_a_runaway_query_is_stopped_while_others_are_answered(server):
    """--timeout 1: the cross join gets 503; /api/units answers meanwhile; the next query right after."""
    outcome: dict = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(server.url + "/sparql", params={"query": EXPLOSIVE_QUERY}, timeout=60)
        outcome["runaway_seconds"] = time.monotonic() - started
        outcome["runaway_done"] = time.monotonic()

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    units = server.get("/api/units")
    units_done = time.monotonic()
    thread.join(30)
    right_after = server.get("/sparql", params={"query": GANTONGMA_QUERY})

    assert units.status_code == 200 and len(units.json()) > 30
    assert units_done < outcome["runaway_done"]  # answered while the runaway query was still running
    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit of 1 s" in response.text
    assert outcome["runaway_seconds"] < 5
    assert right_after.status_code == 200
    assert {r["name"]["value"] for r in right_after.json()["results"]["bindings"]} == GANTONGMA_UNITS
    # the killed worker is replaced
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = server.get("/api/status").json()
        if status["workers_alive"] == 2 and status["restarts"] >= 1:
            break
        time.sleep(0.2)
    assert status["workers_alive"] == 2 and status["timeouts"] >= 1


def test_row_cap_cuts_and_says_so(server):
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for fmt in ("json", "csv", "tsv", "xml"):
        response = server.get("/sparql", params={"query": everything, "format": fmt})
        assert response.status_code == 200
        assert response.headers["x-plankg-truncated"] == "true"
        assert response.headers["x-plankg-rows"] == "1000"
        assert response.headers["x-plankg-row-cap"] == "1000"
    document = server.get("/sparql", params={"query": everything}).json()
    assert len(document["results"]["bindings"]) == 1000
    graph = server.get("/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"})
    assert graph.headers["x-plankg-truncated"] == "true"
    small = server.get("/sparql", params={"query": "SELECT * WHERE { ?s a pk:Task } LIMIT 5"})
    assert small.headers["x-plankg-truncated"] == "false"


def test_twenty_clients_at_once(server):
    def ask(i: int) -> set[str]:
        if i % 4 == 3:
            units = httpx.get(server.url + "/api/units", timeout=60).json()
            return {"units"} if any(u["name"] == "市公安局" for u in units) else set()
        response = httpx.post(server.url + "/sparql", data={"query": GANTONGMA_QUERY}, timeout=60)
        assert response.status_code == 200, response.text
        return {row["name"]["value"] for row in response.json()["results"]["bindings"]}

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, range(20)))
    for i, answer in enumerate(answers):
        assert answer == ({"units"} if i % 4 == 3 else GANTONGMA_UNITS)


def test_updates_with_the_token(tmp_path):
    store = build_store(tmp_path / "store", hostile=False)
    live = start_server(store, "--update-token", "s3cret", "--timeout", "5")
    try:
        update = 'INSERT DATA { GRAPH <urn:plankg:test> { <urn:plankg:a> <urn:plankg:b> "新的" } }'
        ask = {"query": 'ASK { <urn:plankg:a> <urn:plankg:b> "新的" }'}
        assert live.post("/sparql", data={"update": update}).status_code == 403
        wrong = live.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer wrong"})
        assert wrong.status_code == 403
        assert live.get("/sparql", params=ask).json()["boolean"] is False
        bad = live.post("/sparql", data={"update": "INSERT NONSENSE"}, headers={"Authorization": "Bearer s3cret"})
        assert bad.status_code == 400
        headers = {"Authorization": "Bearer s3cret", "Content-Type": "application/sparql-update"}
        done = live.post("/sparql", content=update.encode(), headers=headers)
        assert done.status_code == 204
        for _ in range(4):  # every worker has the new graph
            assert live.get("/sparql", params=ask).json()["boolean"] is True
        assert {r["name"]["value"] for r in live.get("/sparql", params={"query": GANTONGMA_QUERY}).json()[
            "results"]["bindings"]} == GANTONGMA_UNITS
        description = live.get("/sparql").text
        assert "SPARQL11Update" in description
    finally:
        stop_server(live.process)
    on_disk = PlanStore(store)
    assert on_disk.ask('ASK { GRAPH <urn:plankg:test> { <urn:plankg:a> <urn:plankg:b> "新的" } }')


# ---- schemathesis over the OpenAPI, bounded -----------------------------------------------------


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def _sparql_text(ctx, value):
    return (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")


@pytest.fixture(scope="module")
def api_schema(server):
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case):
    case.call_and_validate(checks=[not_a_server_error], timeout=30)
