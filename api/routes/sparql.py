"""/sparql: the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/).

- Query: GET ?query=, POST application/x-www-form-urlencoded (query=), POST application/sparql-query.
- Results by content negotiation (Accept), or by a `format` parameter that overrides it: SELECT/ASK
  as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle (default), N-Triples,
  JSON-LD or RDF/XML.
- default-graph-uri / named-graph-uri choose the dataset; without them the default graph is the
  union of all plans (plankg's convention) and every plan's graph is a named graph.
- GET /sparql with no query: the service description (sd:Service), or the query editor for a browser.
- Update: POST update= or application/sparql-update. Read-only unless the server was started with an
  update token and the request carries `Authorization: Bearer <token>` (else 403). An update is
  applied to the on-disk store; the query workers then reload the graph from it, and the response
  comes once they have.
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from plankg.api import results
from plankg.api.deps import EngineDep, SettingsDep
from plankg.api.formats import FormatError, negotiate, wants_html
from plankg.api.responses import media_type_header, result_response

router = APIRouter(tags=["SPARQL"])

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RESULT_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]

RESULTS_DOC = {
    200: {
        "description": "The answer: SPARQL results (SELECT/ASK) or an RDF graph (CONSTRUCT/DESCRIBE)",
        "content": {
            "application/sparql-results+json": {},
            "application/sparql-results+xml": {},
            "text/csv": {},
            "text/tab-separated-values": {},
            "text/turtle": {},
            "application/n-triples": {},
            "application/ld+json": {},
            "application/rdf+xml": {},
        },
    },
    400: {"description": "Malformed query (the parser's message) or a bad parameter", "content": {"text/plain": {}}},
    403: {"description": "An update without the server's update token", "content": {"text/plain": {}}},
    406: {"description": "The requested format does not fit the query's kind of answer"},
    413: {"description": "The query text is too long"},
    503: {"description": "The query ran over the time limit and was stopped, or the server is busy"},
}

POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string", "description": "A SPARQL 1.1 query"},
                        "update": {"type": "string", "description": "A SPARQL 1.1 update (needs the token)"},
                        "default-graph-uri": {"type": "string"},
                        "named-graph-uri": {"type": "string"},
                        "format": {"type": "string"},
                    },
                }
            },
            "application/sparql-query": {"schema": {"type": "string"}},
            "application/sparql-update": {"schema": {"type": "string"}},
        },
    }
}

GraphUris = Annotated[list[str] | None, Query(alias="default-graph-uri", description="Default graph(s) of the dataset")]
NamedUris = Annotated[list[str] | None, Query(alias="named-graph-uri", description="Named graph(s) of the dataset")]
FormatParam = Annotated[
    list[str] | None,
    Query(alias="format", description="Overrides Accept: json, xml, csv, tsv, ttl, nt, jsonld, rdfxml or a media type"),
]


@router.get("/sparql", responses=RESULTS_DOC, summary="SPARQL query (GET), or the service description")
async def sparql_get(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    query: Annotated[str | None, Query(description="A SPARQL 1.1 query")] = None,
    update: Annotated[str | None, Query(description="Not allowed by GET: send updates by POST")] = None,
    default_graph_uri: GraphUris = None,
    named_graph_uri: NamedUris = None,
    fmt: FormatParam = None,
) -> Response:
    if update is not None:
        raise HTTPException(400, "send a SPARQL update by POST (update= form field or application/sparql-update)")
    if query is None:
        if wants_html(request.headers.get("accept")) and not fmt:
            return RedirectResponse("/query", status_code=303)
        return await service_description(request, engine, settings, fmt)
    return await run_query(request, engine, settings, query, default_graph_uri or [], named_graph_uri or [], fmt)


@router.post("/sparql", responses=RESULTS_DOC, openapi_extra=POST_BODY,
             summary="SPARQL query or update (POST form, application/sparql-query or application/sparql-update)")
async def sparql_post(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    default_graph_uri: GraphUris = None,
    named_graph_uri: NamedUris = None,
    fmt: FormatParam = None,
) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _read_body(request, settings.max_query_bytes)
    text = _decode(body, request.headers.get("content-type", ""))
    graphs, named, formats = list(default_graph_uri or []), list(named_graph_uri or []), list(fmt or [])
    if content_type == "application/x-www-form-urlencoded":
        try:
            fields = parse_qsl(text, keep_blank_values=True, strict_parsing=False, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError) as exc:
            raise HTTPException(400, f"the form could not be read: {exc}") from exc
        queries = [v for k, v in fields if k == "query"]
        updates = [v for k, v in fields if k == "update"]
        graphs += [v for k, v in fields if k == "default-graph-uri"]
        named += [v for k, v in fields if k == "named-graph-uri"]
        formats += [v for k, v in fields if k == "format"]
        if len(queries) + len(updates) != 1:
            raise HTTPException(400, "send exactly one query= or update= field")
        if updates:
            return await run_update(request, engine, settings, updates[0])
        return await run_query(request, engine, settings, queries[0], graphs, named, formats)
    if content_type == "application/sparql-query":
        return await run_query(request, engine, settings, text, graphs, named, formats)
    if content_type == "application/sparql-update":
        return await run_update(request, engine, settings, text)
    raise HTTPException(
        415,
        "send a query as application/x-www-form-urlencoded (query=...) or application/sparql-query, "
        "an update as update=... or application/sparql-update",
    )


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request body is longer than {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the request body is longer than {limit} bytes")
    return body


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError) as exc:
        raise HTTPException(400, f"the request body is not valid {charset}: {exc}") from exc


def _graphs(iris: list[str], what: str) -> list[str]:
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise HTTPException(400, f"{what} {iri!r} is not an IRI") from exc
    return iris


async def run_query(
    request: Request, engine, settings, query: str, graphs: list[str], named: list[str], fmt: list[str] | None
) -> Response:
    if len(query.encode("utf-8")) > settings.max_query_bytes:
        raise HTTPException(413, f"the query is longer than {settings.max_query_bytes} bytes")
    if not query.strip():
        raise HTTPException(400, "the query is empty")
    try:
        formats = negotiate(request.headers.get("accept"), fmt)
    except FormatError as exc:
        raise HTTPException(400, str(exc)) from exc
    dataset = (_graphs(graphs, "default-graph-uri"), _graphs(named, "named-graph-uri")) if graphs or named else None
    result = await engine.query(query, formats=formats, dataset=dataset)
    return result_response(result, settings.row_cap)


async def run_update(request: Request, engine, settings, update: str) -> Response:
    token = settings.update_token
    if token is None:
        raise HTTPException(403, "this server is read-only: start it with --update-token to accept updates")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(403, "updates need the header 'Authorization: Bearer <the server's update token>'")
    if not update.strip():
        raise HTTPException(400, "the update is empty")
    await engine.update(update)
    return Response(status_code=204)


async def service_description(request: Request, engine, settings, fmt: list[str] | None) -> Response:
    from plankg.api.graph import select

    try:
        _, graph_format = negotiate(request.headers.get("accept"), fmt)
    except FormatError as exc:
        raise HTTPException(400, str(exc)) from exc
    if graph_format is None:
        raise HTTPException(406, "the service description is RDF: ask for Turtle, N-Triples, JSON-LD or RDF/XML")
    node = ox.BlankNode("service")
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    rdf_type = ox.NamedNode(RDF_TYPE)
    triples = [
        ox.Triple(node, rdf_type, sd("Service")),
        ox.Triple(node, sd("endpoint"), ox.NamedNode(str(request.base_url) + "sparql")),
        ox.Triple(node, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(node, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(node, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf_type, sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(engine.stats.triples),
                  datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ]
    if settings.update_token is not None:
        triples.append(ox.Triple(node, sd("supportedLanguage"), sd("SPARQL11Update")))
    for name in RESULT_FORMATS:
        triples.append(ox.Triple(node, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)))
    for i, row in enumerate(await select(engine, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")):
        named = ox.BlankNode(f"named{i}")
        triples += [ox.Triple(dataset, sd("namedGraph"), named), ox.Triple(named, rdf_type, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), ox.NamedNode(row["g"]))]
    prefixes = {"sd": SD, "formats": FORMATS_NS, "void": VOID}
    data = results.write_graph(graph_format, triples, prefixes)
    media = results.GRAPH_MEDIA_TYPES[graph_format]
    return Response(content=data, media_type=media_type_header(media), headers={"Vary": "Accept"})
