"""/id/...: Linked Data. Every IRI under https://w3id.org/plankg/id/ dereferences here.

A browser (Accept: text/html) gets the resource's page; any other client gets RDF by Accept (or
?format=): Turtle (default), JSON-LD, N-Triples or RDF/XML. The RDF is the resource's statements
both ways (its concise bounded description, the blank nodes it points to, and the statements that
point at it) plus the labels of everything it links to, so a client can show names without
asking again. 404 when the graph knows nothing about the IRI.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from plankg.api import graph
from plankg.api.deps import EngineDep, SettingsDep
from plankg.api.formats import FormatError, negotiate, wants_html
from plankg.api.responses import result_response

router = APIRouter(tags=["Linked Data"])

DESCRIBE = """
CONSTRUCT {
  ?r ?p ?o . ?o ?bp ?bo .
  ?o rdfs:label ?oLabel . ?o skos:prefLabel ?oPref .
  ?s ?q ?r . ?s rdfs:label ?sLabel .
} WHERE {
  { ?r ?p ?o
    OPTIONAL { FILTER(isBlank(?o)) ?o ?bp ?bo }
    OPTIONAL { FILTER(isIRI(?o)) ?o rdfs:label ?oLabel }
    OPTIONAL { FILTER(isIRI(?o)) ?o skos:prefLabel ?oPref } }
  UNION
  { ?s ?q ?r
    OPTIONAL { ?s rdfs:label ?sLabel } }
}
"""

DOC = {
    200: {
        "description": "The resource: an HTML page for a browser, else RDF",
        "content": {"text/html": {}, "text/turtle": {}, "application/ld+json": {}, "application/n-triples": {},
                    "application/rdf+xml": {}},
    },
    404: {"description": "The graph knows nothing about this IRI"},
}


@router.get("/id/{path:path}", responses=DOC, summary="Dereference a plankg IRI (HTML, Turtle or JSON-LD)")
async def resource(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    path: Annotated[str, Path(description="The IRI's path after https://w3id.org/plankg/id/",
                              examples=["unit/jiujiang/shi-gong-an-ju"])],
    fmt: Annotated[str | None, Query(alias="format", description="html, ttl, jsonld, nt or rdfxml")] = None,
) -> Response:
    node = graph.iri_of(path)
    if node is None or not await graph.exists(engine, node):
        raise HTTPException(404, f"the graph knows nothing about {graph.PKID}{path}")
    if (fmt or "").lower() == "html" or (not fmt and wants_html(request.headers.get("accept"))):
        from plankg.api.routes.pages import resource_page

        page = await resource_page(request, engine, node)
        page.headers["Vary"] = "Accept"  # the same address answers RDF to other clients
        page.headers["Link"] = f'<{request.url.path}?format=ttl>; rel="alternate"; type="text/turtle"'
        return page
    try:
        _, graph_format = negotiate(request.headers.get("accept"), fmt)
    except FormatError as exc:
        raise HTTPException(400, str(exc)) from exc
    if graph_format is None:
        raise HTTPException(406, "a resource is described in RDF: ask for Turtle, JSON-LD, N-Triples or RDF/XML")
    result = await engine.query(DESCRIBE, {"r": node}, formats=(None, graph_format))
    response = result_response(result, settings.row_cap)
    response.headers["Link"] = f'<{node.value}>; rel="describes"'
    return response
