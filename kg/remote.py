"""Remote stores: query any SPARQL 1.1 endpoint (SPARQLWrapper) and push plans to a server through
the SPARQL 1.1 Graph Store Protocol (an HTTP PUT per named graph, so pushing twice changes nothing).

Works with `oxigraph serve`, Apache Jena Fuseki and Virtuoso; queries expect the server's default
graph to be the union of its named graphs (oxigraph serve --union-default-graph, Fuseki's
tdb2:unionDefaultGraph true), as plankg's own store does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from plankg.kg.errors import RemoteError  # defined there: the CLI catches it without importing this module
from plankg.kg.sparql import bind_values
from plankg.kg.store import PREFIXES, PlanStore, ReadSide

TIMEOUT_SECONDS = 60
USER_AGENT = "plankg"


def prefixed(sparql: str) -> str:
    """The query with plankg's prefixes declared, since a remote server does not know them."""
    head = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    return head + sparql


def remote_query(endpoint: str, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None):
    """Run a query on a remote endpoint; the answer as pyoxigraph results (QuerySolutions, QueryBoolean
    or triples), the same types the embedded store gives, so every output format works alike."""
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    query = prefixed(bind_values(sparql, bindings or {}))
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(query)
    client.setTimeout(TIMEOUT_SECONDS)
    form = client.queryType
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph_form else JSON)
    try:
        response = client.query().response.read()
    except SPARQLWrapperException as exc:
        raise RemoteError(f"{endpoint} refused the query: {_first_line(exc)}") from exc
    except OSError as exc:  # URLError, timeouts, refused connections
        raise RemoteError(f"{endpoint} cannot be reached ({_reason(exc)})") from exc
    try:
        if graph_form:
            return [q.triple for q in ox.parse(response, format=ox.RdfFormat.TURTLE)]
        return ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(f"{endpoint} answered with something that is not SPARQL results: {exc}") from exc


class RemoteStore(ReadSide):
    """A remote endpoint with the read side of PlanStore (query, select, ask), so what reads a
    store (questions, views, checks of results) reads a remote server the same way."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.path = endpoint

    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None):
        return remote_query(self.endpoint, sparql, bindings)


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int


def push_store(store: PlanStore, graph_store: str, on_pushed: Callable[[Pushed], None] | None = None) -> list[Pushed]:
    """PUT every named graph of the store (plans, their inferred and link graphs, the ontology and
    registries) to a Graph Store Protocol endpoint."""
    import httpx

    graphs = [r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")]
    pushed = []
    with httpx.Client(timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT}) as client:
        for graph in graphs:
            body = store.dump(ox.RdfFormat.N_TRIPLES, graph)
            try:
                response = client.put(graph_store, params={"graph": graph}, content=body,
                                      headers={"Content-Type": "application/n-triples"})  # fmt: skip
            except httpx.HTTPError as exc:
                done = f" ({len(pushed)} of {len(graphs)} graphs were pushed; run it again to finish)"
                raise RemoteError(f"{graph_store} cannot be reached ({_reason(exc)}){done}") from exc
            if response.status_code >= 400:
                raise RemoteError(f"{graph_store} refused graph <{graph}>: HTTP {response.status_code} "
                                  f"{response.text.strip()[:200]}")  # fmt: skip
            item = Pushed(graph, body.count(b"\n"))
            pushed.append(item)
            if on_pushed:
                on_pushed(item)
    return pushed


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return _first_line(reason) if isinstance(reason, BaseException) else str(reason)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
