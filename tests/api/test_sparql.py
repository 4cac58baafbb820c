"""/sparql through the app (TestClient): the protocol's three ways in, every format, the errors."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from .conftest import GANTONGMA_QUERY, GANTONGMA_UNITS, SEED_PLAN_ID

PKID = "https://w3id.org/plankg/id/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CONSTRUCT = (
    f"CONSTRUCT {{ ?t rdfs:label ?l }} WHERE {{ ?t pk:plan <{PKID}{SEED_PLAN_ID}> ; a pk:Task ; rdfs:label ?l }}"
)
SELECT_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_RESULTS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def names_from_json(text: str) -> set[str]:
    return {row["name"]["value"] for row in json.loads(text)["results"]["bindings"]}


def test_get_json_answers_the_gantongma_question(client):
    response = client.get("/sparql", params={"query": GANTONGMA_QUERY})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert names_from_json(response.text) == GANTONGMA_UNITS
    assert response.headers["x-plankg-truncated"] == "false"
    assert response.headers["x-plankg-rows"] == "9"


def test_post_form_and_post_query_give_the_same(client):
    form = client.post("/sparql", data={"query": GANTONGMA_QUERY})
    direct = client.post("/sparql", content=GANTONGMA_QUERY.encode(),
                         headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == direct.status_code == 200
    assert names_from_json(form.text) == names_from_json(direct.text) == GANTONGMA_UNITS


@pytest.mark.parametrize("media", list(SELECT_RESULTS))
def test_select_formats_by_accept(client, media):
    response = client.get("/sparql", params={"query": GANTONGMA_QUERY}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    solutions = ox.parse_query_results(response.content, format=SELECT_RESULTS[media])
    assert {row["name"].value for row in solutions} == GANTONGMA_UNITS


def test_select_csv(client):
    response = client.get("/sparql", params={"query": GANTONGMA_QUERY}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert {row["name"] for row in rows} == GANTONGMA_UNITS


@pytest.mark.parametrize("media", list(GRAPH_RESULTS))
def test_construct_formats_by_accept(client, media):
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    triples = list(ox.parse(response.content, format=GRAPH_RESULTS[media]))
    assert len(triples) == 23  # the seed's 23 task titles
    assert int(response.headers["x-plankg-rows"]) == 23


def test_describe_defaults_to_turtle(client):
    response = client.get("/sparql", params={"query": f"DESCRIBE <{PKID}platform/gan-tong-ma>"})
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(f"{PKID}platform/gan-tong-ma"), None, None) in graph


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
     ("tsv", "text/tab-separated-values")],
)
def test_format_parameter_overrides_accept(client, fmt, media):
    response = client.get("/sparql", params={"query": "ASK { ?s a pk:Task }", "format": fmt},
                          headers={"Accept": "application/sparql-results+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    if fmt in ("json", "xml"):
        fmt_enum = ox.QueryResultsFormat.JSON if fmt == "json" else ox.QueryResultsFormat.XML
        assert bool(ox.parse_query_results(response.content, format=fmt_enum)) is True
    else:
        assert response.text == "true"


def test_a_format_that_does_not_fit_gets_406(client):
    response = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert response.status_code == 406
    response = client.get("/sparql", params={"query": GANTONGMA_QUERY, "format": "ttl"})
    assert response.status_code == 406


def test_unknown_format_gets_400(client):
    response = client.get("/sparql", params={"query": GANTONGMA_QUERY, "format": "pdf"})
    assert response.status_code == 400
    assert "unknown format" in response.text


def test_malformed_query_gets_400_with_the_parsers_message(client):
    bad = "SELECT ?x WHERE { ?x ?y }"
    with pytest.raises(SyntaxError) as expected:
        ox.Store().query(bad)
    for response in (
        client.get("/sparql", params={"query": bad}),
        client.post("/sparql", data={"query": bad}),
        client.post("/sparql", content=bad, headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/plain")
        assert str(expected.value) in response.text


def test_empty_and_doubled_queries_get_400(client):
    assert client.get("/sparql", params={"query": "   "}).status_code == 400
    assert client.post("/sparql", data={"query": ["ASK {}", "ASK {}"]}).status_code == 400
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/sparql", content=b"", headers=form).status_code == 400
    assert client.post("/sparql", content=b"", headers={"Content-Type": "application/sparql-query"}).status_code == 400
    assert client.post("/sparql").status_code == 415


def test_unknown_body_type_gets_415(client):
    response = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_updates_are_refused_without_a_token(client):
    update = 'INSERT DATA { <urn:a> <urn:b> "c" }'
    responses = [
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer guess"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert "read-only" in responses[0].text
    assert client.get("/sparql", params={"update": update}).status_code == 400
    assert client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> \"c\" }"}).json()["boolean"] is False


def test_service_description(client):
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    assert graph.value(service, SD.endpoint) == URIRef("http://testserver/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph  # no token: read-only
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    named = {str(graph.value(g, SD.name)) for g in graph.objects(None, SD.namedGraph)}
    assert any(name.startswith(PKID + "graph/") for name in named)
    assert client.get("/sparql", headers={"Accept": "application/ld+json"}).headers["content-type"].startswith(
        "application/ld+json"
    )


def test_a_browser_is_sent_to_the_editor(client):
    response = client.get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/query"


def test_default_graph_uri_chooses_the_dataset(client):
    count = "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pk:Task }"
    union = client.get("/sparql", params={"query": count}).json()
    graph = f"{PKID}graph/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
    one = client.get("/sparql", params={"query": count, "default-graph-uri": graph}).json()
    assert int(one["results"]["bindings"][0]["n"]["value"]) == 23
    assert int(union["results"]["bindings"][0]["n"]["value"]) == 26  # with the hostile plan's 3
    named = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                          "named-graph-uri": graph}).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [graph]
    bad = client.get("/sparql", params={"query": count, "default-graph-uri": "not an iri"})
    assert bad.status_code == 400


def test_too_long_a_query_gets_413(client):
    response = client.post("/sparql", content=b"#" * 1_100_000, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_prefixes_are_predefined(client):
    response = client.get("/sparql", params={"query": "SELECT ?t WHERE { ?t a pk:Task } LIMIT 1"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["t"]["value"].startswith(PKID)


def test_federated_queries_are_refused(client):
    """SERVICE would make the server fetch from other hosts (and is a way into an intranet): 400."""
    federated = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": federated})
    assert response.status_code == 400
    assert "SERVICE" in response.text
    harmless = client.get("/sparql", params={"query": 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }'})
    assert harmless.status_code == 200
