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
MANIFEST_GRAPH = iri("graph", "manifest")  # marks new graphs until their build commits: a crash leaves the mark
LOADING = PK + "loadInProgress"
WRITE_BATCH = 100  # plans per bulk load or per transaction
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
        self.drop_unfinished()

    def plan_origin(self, plan: str, graph: str) -> tuple[str, str | None] | None:
        """(title, IRI of the source file) of the plan built into `graph`, or None when there is none."""
        if not self.store.contains_named_graph(ox.NamedNode(graph)):
            return None
        rows = self.select(
            "SELECT ?title ?source WHERE { GRAPH ?g { ?plan rdfs:label ?title "
            "OPTIONAL { ?plan prov:wasDerivedFrom ?source } } }",
            {"g": ox.NamedNode(graph), "plan": ox.NamedNode(plan)},
        )
        return (rows[0]["title"], rows[0]["source"]) if rows else None

    # ---- writing ----------------------------------------------------------------------------

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple], also_drop: Iterable[str] = ()) -> None:
        """Put `triples` in place of the named graph's content (and drop graphs derived from it), atomically."""
        self.replace_graphs([(graph, triples, tuple(also_drop))])

    def replace_graphs(self, graphs: list[tuple[str, Iterable[ox.Triple], Iterable[str]]], also: str = "") -> None:
        """Several graph replacements in one transaction (one commit to disk for all of them), with the
        update `also` in the same transaction if given."""
        parts = [also] if also else []
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
        """Write plans' graphs (graph IRI, its N-Quads, graphs derived from it to drop) and the
        descriptions they share, all at once (see PlanWriter)."""
        with PlanWriter(self) as writer:
            for graph, data, drops in plans:
                writer.add(graph, data, drops)
            writer.add_shared(shared)
            writer.commit()

    def drop_unfinished(self) -> None:
        """Drop every graph of a build that did not finish (its mark is still there)."""
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


class PlanWriter:
    """One build's writes: plans are added as they are compiled, and none is finished until commit().

    - A new plan (no graph of that name yet) is bulk-loaded, WRITE_BATCH at a time, while later
      files are still being compiled: Oxigraph's bulk loader is several times faster than a
      transaction but not transactional, so each such graph is first marked in MANIFEST_GRAPH.
      The marks stay until commit() ends; a store opened with marks left drops those graphs, and
      so does abort() (leaving a `with` block by an exception): a build that fails or is killed
      leaves none of its new plans behind.
    - A plan already in the store is replaced at commit(), in transactions of WRITE_BATCH plans
      (one SPARQL update each): its old graph or its new one, never a mix. The last of them also
      removes the new plans' marks, so a build of up to WRITE_BATCH replaced plans and any number of
      new ones lands whole or not at all; with more replaced plans, earlier batches may land alone.
    - Descriptions plans share (ENTITIES_GRAPH) are collected without repeats (a graph is a set, and
      plans name the same units and platforms again and again) and inserted in that last transaction.
    """

    def __init__(self, store: PlanStore, batch: int | None = None) -> None:
        self.store = store
        self.batch = batch or WRITE_BATCH
        self._fresh: list[tuple[str, bytes, tuple[str, ...]]] = []
        self._marked: list[str] = []
        self._replaced: list[tuple[str, bytes, tuple[str, ...]]] = []
        self._shared: dict[bytes, None] = {}

    def __enter__(self) -> PlanWriter:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:  # drops the graphs this build marked, if it got as far as marking any
            self.store.drop_unfinished()

    def add(self, graph: str, nquads: bytes, drops: Iterable[str] = ()) -> None:
        item = (graph, nquads, tuple(drops))
        if self.store.store.contains_named_graph(ox.NamedNode(graph)):
            self._replaced.append(item)
            return
        self._fresh.append(item)
        if len(self._fresh) >= self.batch:
            self._load_fresh()

    def add_shared(self, nquads: bytes) -> None:
        for line in nquads.splitlines():
            if line:
                self._shared[line] = None

    def _load_fresh(self) -> None:
        batch, self._fresh = self._fresh, []
        marks = "\n".join(f"<{g}> <{LOADING}> true ." for g, _, _ in batch)
        derived = "".join(f"DROP SILENT GRAPH <{d}> ;\n" for _, _, drops in batch for d in drops)
        self.store._update(f"{derived}INSERT DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ {marks} }} }}")
        self.store.flush()  # the marks are on disk before any quad of the graphs they mark
        self._marked.extend(g for g, _, _ in batch)
        try:
            self.store.store.bulk_load(b"".join(data for _, data, _ in batch), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"loading {len(batch)} plans failed: {_first_line(exc)}") from exc

    def commit(self) -> None:
        if self._fresh:
            self._load_fresh()
        last = []  # the shared descriptions and the new plans' unmarking, in the last transaction
        if self._shared:
            shared, self._shared = b"".join(line + b"\n" for line in self._shared), {}
            triples = (ox.serialize(_triples_of(shared), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            last.append(f"INSERT DATA {{ GRAPH <{ENTITIES_GRAPH}> {{\n{triples}\n}} }}")
        if self._marked:
            self.store.flush()  # the bulk-loaded graphs are on disk before their marks go
            marks = "\n".join(f"<{g}> <{LOADING}> true ." for g in self._marked)
            last.append(f"DELETE DATA {{ GRAPH <{MANIFEST_GRAPH}> {{ {marks} }} }}")
        batches = [self._replaced[i : i + self.batch] for i in range(0, len(self._replaced), self.batch)]
        # with up to WRITE_BATCH replaced plans the whole build lands at once or not at all; with more,
        # earlier batches land first
        for number, batch in enumerate(batches, 1):
            self.store.replace_graphs([(g, _triples_of(data), drops) for g, data, drops in batch],
                                      also=" ;\n".join(last) if number == len(batches) else "")  # fmt: skip
        if last and not batches:
            self.store._update(" ;\n".join(last))
        self._replaced, self._marked = [], []
        self.store.flush()
