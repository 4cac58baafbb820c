"""read → parse → extract → build → store, for one file or many.

Every file is read, parsed and built before anything is written, so one bad file among many
leaves the store as it was.  Many files are compiled in parallel worker processes (the work is
pure Python, one core each); what crosses between processes is each plan's graph as N-Quads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox
from plankg.kg.build import PlanIds, build_plan
from plankg.kg.errors import PlanError
from plankg.kg.extract import extract
from plankg.kg.ids import inferred_graph
from plankg.kg.parse import Plan, parse_plan
from plankg.kg.read import HTML_SUFFIXES, SUPPORTED, read_document
from plankg.kg.registry import load_registry
from plankg.kg.store import ENTITIES_GRAPH, PlanStore

SEED_FILE = "jiujiang-digital-government-2025.txt"
WRITE_BATCH = 100  # plans per write: one transaction (or one bulk load) for all of them
PARALLEL_FROM = 40  # files; fewer are compiled in this process (worker start-up costs ~0.5 s)


def bundled_seed() -> Path:
    return Path(str(resources.files("plankg").joinpath("data", SEED_FILE)))


@dataclass(frozen=True)
class Built:
    path: str
    plan: Plan
    ids: PlanIds
    nquads: bytes  # the plan's graph: every triple in the plan's named graph
    shared_nquads: bytes  # what it says of things other plans name too, in ENTITIES_GRAPH
    triple_count: int
    unit_iris: frozenset[str]  # distinct units, aliases merged

    @property
    def triples(self) -> list[ox.Triple]:
        """Every triple the plan gives: its own graph's and its share of the entities graph."""
        data = self.nquads + self.shared_nquads
        return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)]


def compile_file(path: Path) -> Built:
    """One file through read, parse, extract and build; PlanError for bad input."""
    document = read_document(path)
    plan = parse_plan(document.text, str(path), fallback_title=path.stem)
    extraction = extract(plan, load_registry())
    ids, triples, shared = build_plan(plan, extraction, document)
    units = frozenset(u.iri for u in extraction.units.values())
    return Built(str(path), plan, ids, _nquads(triples, ids.graph), _nquads(shared, ENTITIES_GRAPH),
                 len(triples) + len(shared), units)  # fmt: skip


def _nquads(triples: list[ox.Triple], graph: str) -> bytes:
    name = ox.NamedNode(graph)
    quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def compile_files(files: list[Path], on_compiled: Callable[[Built], None] | None = None, jobs: int | None = None):
    """Every file compiled, in order; in parallel worker processes when there are many."""
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM or jobs < 2:
        results = (compile_file(path) for path in files)
        executor = None
    else:  # spawn: the parent may hold an open store, which a forked child must not inherit
        executor = ProcessPoolExecutor(jobs, mp_context=get_context("spawn"))
        results = executor.map(compile_file, files, chunksize=max(1, min(32, len(files) // (jobs * 4))))
    built = []
    try:
        for item in results:
            built.append(item)
            if on_compiled:
                on_compiled(item)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return built


def expand_sources(sources: Iterable[Path]) -> list[Path]:
    """Files as given; folders become the plan files inside them, in a stable order."""
    suffixes = set(SUPPORTED) | HTML_SUFFIXES
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            if not found:
                raise PlanError(str(source), None, f"the folder holds no plan files ({', '.join(SUPPORTED)})")
            files.extend(found)
        elif not source.exists():
            raise PlanError(str(source), None, "no such file")
        else:
            files.append(source)
    return files


def build_into(
    store: PlanStore,
    files: list[Path],
    on_compiled: Callable[[Built], None] | None = None,
    on_written: Callable[[Built], None] | None = None,
    jobs: int | None = None,
) -> list[Built]:
    """Compile every file first (nothing written if one fails), then write the plans' graphs:
    a plan already in the store is replaced in one transaction (its old graph or its new one,
    never a mix); new plans are bulk-loaded under a marker that a crash leaves behind, so the
    next opening of the store drops what was half written."""
    built = compile_files(files, on_compiled, jobs)
    duplicates = _same_plan_twice(built)
    if duplicates:
        first, second = duplicates
        raise PlanError(second.path, None, f"is the same plan as {first.path} ({first.plan.title}); build one of them")
    store.load_ontology()
    shared_written: set[bytes] = set()
    for start in range(0, len(built), WRITE_BATCH):
        batch = built[start : start + WRITE_BATCH]
        store.write_plans([(item.ids.graph, item.nquads, [inferred_graph(item.ids.graph)]) for item in batch],
                          shared=_new_lines(batch, shared_written))  # fmt: skip
        if on_written:
            for item in batch:
                on_written(item)
    store.flush()
    return built


def _new_lines(batch: list[Built], written: set[bytes]) -> bytes:
    """The batch's shared N-Quads minus the lines written before: plans name the same units and
    platforms, so of 126,564 shared quads in 1000 plans only 18,374 differ, and the store's
    transactional load of the rest (2 s) would only find them there already."""
    fresh: dict[bytes, None] = {}
    for item in batch:
        for line in item.shared_nquads.splitlines():
            if line and line not in written:
                fresh[line] = None
    written.update(fresh)
    return b"".join(line + b"\n" for line in fresh)


def _same_plan_twice(built: list[Built]) -> tuple[Built, Built] | None:
    seen: dict[str, Built] = {}
    for item in built:
        if item.ids.graph in seen:
            return seen[item.ids.graph], item
        seen[item.ids.graph] = item
    return None


def ensure_seeded(store: PlanStore) -> bool:
    """Fill an empty store with the bundled seed plan; True when it did."""
    if not store.is_empty():
        return False
    build_into(store, [bundled_seed()])
    return True
