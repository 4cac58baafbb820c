"""The embedded store: Oxigraph on disk (pyoxigraph), one named graph per plan.

Replacing a plan's graph is one SPARQL update (DROP + INSERT DATA), which Oxigraph applies in a
single transaction: a crash or an error leaves the old graph or the new one, never a mix.
Queries see the union of all graphs as their default graph.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from plankg.kg.ids import iri
from plankg.kg.registry import PK, ttl_files
from plankg.kg.sparql import bind_values

ENV_VAR = "PLANKG_STORE"
REGISTRY_GRAPH_PREFIX = iri("graph", "ontology") + "/"
ENTITIES_GRAPH = iri("graph", "entities")  # units, platforms, regions and cited plans several plans name
MANIFEST_GRAPH = iri("graph", "manifest")  # marks graphs being bulk-loaded: a crash leaves the mark
LOADING = PK + "loadInProgress"
PREFIXES = {
    "pk": PK,
    "pkid": iri(""),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
}


class StoreError(Exception):
    """The store cannot be opened or written (locked by another process, not a store, ...)."""


def default_store_path() -> Path:
    """--store, else $PLANKG_STORE, else the per-user data folder."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "plankg" / "store"


@dataclass(frozen=True)
class PlanInfo:
    plan: str
    graph: str
    title: str


class ReadSide:
    """ask() and select() over a query() that answers with pyoxigraph's result types; shared by the
    embedded store and a remote endpoint, so what reads one reads the other."""

    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None):
        raise NotImplementedError

    def ask(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> bool:
        return bool(self.query(sparql, bindings))

    def select(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> list[dict]:
        """Rows as dicts of plain Python values (str for IRIs and literals)."""
        solutions = self.query(sparql, bindings)
        names = [v.value for v in solutions.variables]
        return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions]


class PlanStore(ReadSide):
    """A pyoxigraph store holding plans, the ontology and the registries.

    A plan built from a document carries pk:sourceFile; plans that are only cited, or described
    in the registry of plans (ontology/plans.ttl), are pk:Plan nodes too, without one.
    """

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self.store = ox.Store()
            else:
                if self.path.exists() and not self.path.is_dir():
                    raise StoreError(f"{self.path}: is a file; expected a store folder")
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({_first_line(exc)})") from exc
        self._drop_half_loaded()

    # ---- writing ----------------------------------------------------------------------------

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple], also_drop: Iterable[str] = ()) -> None:
        """Put `triples` in place of the named graph's content (and drop graphs derived from it), atomically."""
        self.replace_graphs([(graph, triples, tuple(also_drop))])

    def replace_graphs(self, graphs: list[tuple[str, Iterable[ox.Triple], Iterable[str]]]) -> None:
        """Several graph replacements in one transaction (one commit to disk for all of them)."""
        parts = []
        for graph, triples, also_drop in graphs:
            data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            parts.extend(f"DROP SILENT GRAPH <{g}>" for g in [graph, *also_drop])
            parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{data}\n}} }}")
        try:
            self.store.update(" ;\n".join(parts))
        except (OSError, SyntaxError) as exc:
            names = ", ".join(f"<{g}>" for g, _, _ in graphs[:3])
            raise StoreError(f"writing graph {names} failed: {_first_line(exc)}") from exc

    def write_plans(self, plans: list[tuple[str, bytes, Iterable[str]]], shared: bytes = b"") -> None:
        """Write plans' graphs (graph IRI, its N-Quads, graphs derived from it to drop).

        A plan already in the store is replaced in one transaction.  New plans go in through
        Oxigraph's bulk loader, several times faster but not transactional: a mark for each graph
        is committed first and removed after, and a store opened with a mark left drops that graph
        (a crash mid-load leaves no half-written plan behind)."""
        if shared:  # descriptions several plans share: a graph is a set, so adding one again adds nothing
            try:
                self.store.load(shared, format=ox.RdfFormat.N_QUADS)
            except (OSError, SyntaxError) as exc:
                raise StoreError(f"writing the shared descriptions failed: {_first_line(exc)}") from exc
        fresh = [(g, data) for g, data, _ in plans if not self.store.contains_named_graph(ox.NamedNode(g))]
        fresh_names = {g for g, _ in fresh}
        replaced = [(g, data, drop) for g, data, drop in plans if g not in fresh_names]
        if replaced:
            self.replace_graphs([(g, _triples_of(data), drop) for g, data, drop in replaced])
        if not fresh:
            return
        marks = "\n".join(f"<{g}> <{LOADING}> true ." for g, _ in fresh)
        derived = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for _, _, drops in plans if _ in fresh_names for g in drops)
        self._update(f"{derived + ' ;' if derived else ''} INSERT DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ {marks} }} }}")
        self.store.flush()
        try:
            self.store.bulk_load(b"".join(data for _, data in fresh), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            self._drop_half_loaded()
            raise StoreError(f"loading {len(fresh)} plans failed: {_first_line(exc)}") from exc
        self.store.flush()
        self._update(f"DELETE DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ {marks} }} }}")

    def _drop_half_loaded(self) -> None:
        """Drop every graph whose bulk load did not finish (its mark is still there)."""
        rows = list(self.store.quads_for_pattern(None, ox.NamedNode(LOADING), None, ox.NamedNode(MANIFEST_GRAPH)))
        if not rows:
            return
        drops = " ;\n".join(f"DROP SILENT GRAPH <{q.subject.value}>" for q in rows)
        self._update(f"{drops} ;\nDROP SILENT GRAPH <{MANIFEST_GRAPH}>")

    def _update(self, update: str) -> None:
        try:
            self.store.update(update)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"writing to the store failed: {_first_line(exc)}") from exc

    def load_ontology(self) -> None:
        """The ontology and every registry file, each in its own graph, replaced when it changed."""
        for path in ttl_files():
            graph = REGISTRY_GRAPH_PREFIX + path.stem
            data = path.read_bytes()
            checksum = _checksum(data)
            if self.ask(f"ASK {{ GRAPH <{graph}> {{ <{graph}> pk:checksum ?want }} }}", {"want": ox.Literal(checksum)}):
                continue
            triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
            triples.append(ox.Triple(ox.NamedNode(graph), ox.NamedNode(PK + "checksum"), ox.Literal(checksum)))
            self.replace_graph(graph, triples)

    def flush(self) -> None:
        if self.path is not None:
            self.store.flush()

    # ---- reading ----------------------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None):
        return self.store.query(bind_values(sparql, bindings or {}), use_default_graph_as_union=True, prefixes=PREFIXES)

    def plans(self) -> list[PlanInfo]:
        rows = self.select(
            "SELECT ?plan ?g ?title WHERE { GRAPH ?g { ?plan a pk:Plan ; pk:sourceFile ?file ; rdfs:label ?title } }"
            " ORDER BY ?title"
        )
        return [PlanInfo(r["plan"], r["g"], r["title"]) for r in rows]

    def is_empty(self) -> bool:
        return not self.ask("ASK { GRAPH ?g { ?plan a pk:Plan ; pk:sourceFile ?file } }")

    def stats(self) -> dict[str, int]:
        counts = {}
        counts["plans"] = len(self.plans())  # built from a source file, not plans only cited or in a registry
        for name, cls in (("chapters", "Chapter"), ("sections", "Section"), ("tasks", "Task")):
            counts[name] = self._count(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a pk:{cls} }}")
        counts["units"] = self._count("SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?t pk:involvedUnit ?u }")
        counts["assignments"] = self._count("SELECT (COUNT(*) AS ?n) WHERE { ?a a pk:Assignment }")
        counts["platforms mentioned"] = self._count(
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?t pk:mentionsPlatform ?p }"
        )
        counts["triples"] = len(self.store)
        return counts

    def _count(self, sparql: str) -> int:
        return int(next(iter(self.query(sparql)))["n"].value)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return self.store.dump(format=fmt, from_graph=ox.NamedNode(graph)) or b""
        return self.store.dump(format=fmt) or b""


def _triples_of(nquads: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)]


def _checksum(data: bytes) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(data).hexdigest()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
