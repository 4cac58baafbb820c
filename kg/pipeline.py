"""read → parse → extract → build → store, for one file or many.

Many files are compiled in parallel worker processes (the work is pure Python, one core each); what
crosses between processes is each plan's graph as N-Quads.  New plans are written while later files
are still compiling, but none of a build counts as written until every file has compiled and the
build commits (kg.store.PlanWriter): one bad file among many leaves the store as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
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
from plankg.kg.store import ENTITIES_GRAPH, PlanStore, PlanWriter

SEED_FILE = "jiujiang-digital-government-2025.txt"
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


def compile_file(path: Path, distinct: bool = False) -> Built:
    """One file through read, parse, extract and build; PlanError for bad input.
    `distinct`: the plan's ids carry a hash of its title (PlanIds.for_title)."""
    document = read_document(path)
    plan = parse_plan(document.text, str(path), fallback_title=path.stem)
    extraction = extract(plan, load_registry())
    ids, triples, shared = build_plan(plan, extraction, document, PlanIds.for_title(plan.title, distinct=distinct))
    units = frozenset(u.iri for u in extraction.units.values())
    return Built(str(path), plan, ids, _nquads(triples, ids.graph), _nquads(shared, ENTITIES_GRAPH),
                 len(triples) + len(shared), units)  # fmt: skip


def _nquads(triples: list[ox.Triple], graph: str) -> bytes:
    name = ox.NamedNode(graph)
    quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def iter_compiled(files: list[Path], jobs: int | None = None) -> Iterator[Built]:
    """Each file compiled, in order, as soon as it is; in parallel worker processes when there are many."""
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM or jobs < 2:
        yield from (compile_file(path) for path in files)
        return
    # spawn: the parent holds an open store, which a forked child must not inherit
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as executor:
        try:
            yield from executor.map(compile_file, files, chunksize=max(1, min(32, len(files) // (jobs * 4))))
        finally:
            executor.shutdown(cancel_futures=True)


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
    """Compile every file and write the plans' graphs, as one build (kg.store.PlanWriter): new plans
    are bulk-loaded while later files compile, plans already in the store are replaced once all have
    compiled, and nothing counts as written until the build commits, so a bad file or a crash before
    the commit leaves the store as it was; the commit is one transaction for up to WRITE_BATCH replaced
    plans (with more, earlier batches may land alone).  Two files of the same plan are refused."""
    built: list[Built] = []
    keys = PlanKeys(store)
    with PlanWriter(store) as writer, closing(iter_compiled(files, jobs)) as compiled:  # a failure stops the pool
        for item in compiled:
            item = keys.settle(item)
            if on_compiled:
                on_compiled(item)
            writer.add(item.ids.graph, item.nquads, [inferred_graph(item.ids.graph)])
            writer.add_shared(item.shared_nquads)
            built.append(item)
        store.load_ontology()  # (changed registries) only once every file has compiled
        writer.commit()
    if on_written:
        for item in built:
            on_written(item)
    return built


class PlanKeys:
    """Which key (and so which IRIs) each plan of a build gets; refuses one plan built twice.

    Titles are keyed by their toneless pinyin, so 福州… and 抚州… would share a key: the second
    such plan gets the hashed key (PlanIds.for_title(distinct=True)). The second is a plan with a
    different title seen earlier in this build, or one in the store with a different title built
    from a different file (from the same file, an edited title is a new version of the same plan,
    which replaces it). The first plan to take a key keeps it, so a rebuild of either finds its own."""

    def __init__(self, store: PlanStore) -> None:
        self.store = store
        self.first_with: dict[str, Built] = {}  # key → the plan of this build that took it

    def settle(self, item: Built) -> Built:
        earlier = self.first_with.get(item.ids.key)
        if earlier is not None:
            clash = earlier.plan.title != item.plan.title
        else:
            held = self.store.plan_origin(item.ids.plan, item.ids.graph)
            clash = held is not None and held[0] != item.plan.title and held[1] != Path(item.path).resolve().as_uri()
        if clash:
            item = compile_file(Path(item.path), distinct=True)
        first = self.first_with.setdefault(item.ids.key, item)
        if first is not item:
            message = f"is the same plan as {first.path} ({first.plan.title}); build one of them"
            raise PlanError(item.path, None, message)
        return item


def ensure_seeded(store: PlanStore) -> bool:
    """Fill an empty store with the bundled seed plan; True when it did."""
    if not store.is_empty():
        return False
    build_into(store, [bundled_seed()])
    return True
