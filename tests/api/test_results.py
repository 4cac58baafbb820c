"""The result writers, content negotiation and term parsing: pure functions, tested without a server."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from plankg.api.engine import parse_term
from plankg.api.formats import FormatError, negotiate, parse_accept, wants_html
from plankg.api.results import write_boolean, write_graph, write_solutions

XSD = "http://www.w3.org/2001/XMLSchema#"
VARIABLES = ["s", "label", "n", "blank", "missing"]
ROWS = [
    [
        ox.NamedNode("https://w3id.org/plankg/id/unit/jiujiang/shi-gong-an-ju"),
        ox.Literal("市公安局", language="zh"),
        ox.Literal("2", datatype=ox.NamedNode(XSD + "integer")),
        ox.BlankNode("b0"),
        None,
    ],
    [
        ox.NamedNode("https://w3id.org/plankg/id/unit/x"),
        ox.Literal('<script>alert("x")</script> & \'quotes\'\ttab\nnew line, comma; 〔括号〕'),
        ox.Literal("2025-06-30", datatype=ox.NamedNode(XSD + "date")),
        None,
        ox.Literal("plain"),
    ],
]


def _parsed(data: bytes, fmt: ox.QueryResultsFormat) -> list[list]:
    solutions = ox.parse_query_results(data, format=fmt)
    names = [v.value for v in solutions.variables]
    assert names == VARIABLES
    return [[row[name] for name in names] for row in solutions]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML), ("tsv", ox.QueryResultsFormat.TSV)],
)
def test_solutions_read_back_by_oxigraph(name, fmt):
    data = write_solutions(name, VARIABLES, ROWS)
    assert _parsed(data, fmt) == ROWS


def test_json_is_the_standard_document():
    document = json.loads(write_solutions("json", VARIABLES, ROWS))
    assert document["head"]["vars"] == VARIABLES
    first = document["results"]["bindings"][0]
    assert first["label"] == {"type": "literal", "value": "市公安局", "xml:lang": "zh"}
    assert first["n"] == {"type": "literal", "value": "2", "datatype": XSD + "integer"}
    assert "missing" not in first
    assert document["results"]["bindings"][1]["missing"] == {"type": "literal", "value": "plain"}


def test_csv_has_plain_values_and_crlf():
    data = write_solutions("csv", VARIABLES, ROWS).decode("utf-8")
    assert data.startswith("s,label,n,blank,missing\r\n")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows[1] == ["https://w3id.org/plankg/id/unit/jiujiang/shi-gong-an-ju", "市公安局", "2", "_:b0", ""]
    assert rows[2][1] == ROWS[1][1].value


def test_empty_answer():
    for name, fmt in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                      ("tsv", ox.QueryResultsFormat.TSV)):
        solutions = ox.parse_query_results(write_solutions(name, ["x"], []), format=fmt)
        assert [v.value for v in solutions.variables] == ["x"]
        assert list(solutions) == []


@pytest.mark.parametrize("value", [True, False])
def test_booleans(value):
    for name, fmt in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)):
        assert bool(ox.parse_query_results(write_boolean(name, value), format=fmt)) is value
    assert write_boolean("csv", value) == (b"true" if value else b"false")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD),
     ("rdfxml", ox.RdfFormat.RDF_XML)],
)
def test_graphs_read_back(name, fmt):
    triples = [
        ox.Triple(ox.NamedNode("https://w3id.org/plankg/id/unit/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                  ox.Literal("市<公安>局 \"&\"", language="zh")),
        ox.Triple(ox.NamedNode("https://w3id.org/plankg/id/unit/a"), ox.NamedNode("https://w3id.org/plankg/ontology#number"),
                  ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))),
    ]
    data = write_graph(name, triples, {"pk": "https://w3id.org/plankg/ontology#"})
    assert {q.triple for q in ox.parse(data, format=fmt)} == set(triples)


def test_parse_term_round_trips_and_refuses_injection():
    for term in (ox.NamedNode("https://w3id.org/plankg/id/x"), ox.Literal("赣通码", language="zh"),
                 ox.Literal('a "quoted" } ; DROP ALL', datatype=ox.NamedNode(XSD + "string")),
                 ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))):
        assert parse_term(str(term)) == term
    for bad in ('"x" . <urn:a> <urn:b> <urn:c>', "} DROP ALL {", "?x", ""):
        with pytest.raises(ValueError):
            parse_term(bad)


def test_accept_ordering_and_q_values():
    ranges = parse_accept("text/csv;q=0.5, application/sparql-results+xml, */*;q=0.1")
    assert [r.type for r in ranges] == ["application/sparql-results+xml", "text/csv", "*/*"]


@pytest.mark.parametrize(
    ("accept", "fmt", "expected"),
    [
        (None, None, ("json", "turtle")),
        ("*/*", None, ("json", "turtle")),
        ("application/sparql-results+xml", None, ("xml", "turtle")),
        ("text/csv", None, ("csv", "turtle")),
        ("text/tab-separated-values", None, ("tsv", "turtle")),
        ("application/n-triples", None, ("json", "ntriples")),
        ("application/ld+json", None, ("json", "jsonld")),
        ("application/json", None, ("json", "jsonld")),
        ("application/sparql-results+xml, application/rdf+xml", None, ("xml", "rdfxml")),
        ("text/turtle;q=0.2, application/ld+json;q=0.9", None, ("json", "jsonld")),
        ("text/*", None, ("csv", "turtle")),
        ("application/sparql-results+json,application/json,text/javascript,application/javascript", None,
         ("json", "jsonld")),
        ("text/csv", "json", ("json", "jsonld")),
        (None, "tsv", ("tsv", None)),
        (None, "ttl", (None, "turtle")),
        (None, ["tsv", "text/tab-separated-values"], ("tsv", None)),
        (None, "text/csv", ("csv", None)),
        (None, "json-ld", (None, "jsonld")),
        (None, "rdf+xml", (None, "rdfxml")),
    ],
)
def test_negotiate(accept, fmt, expected):
    assert negotiate(accept, fmt) == expected


def test_unknown_format_is_refused():
    with pytest.raises(FormatError, match="unknown format"):
        negotiate(None, "pdf")


def test_wants_html():
    assert wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not wants_html("*/*")
    assert not wants_html(None)
    assert not wants_html("text/turtle, text/html;q=0.5")
    assert not wants_html("text/html;q=0, text/turtle")
