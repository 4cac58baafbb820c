"""read → parse → extract → build → store, for one file or many.

Every file is read, parsed and built before anything is written, so one bad file among many
leaves the store as it was; then each plan's graph is replaced in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from plankg.kg.build import PlanIds, build_plan
from plankg.kg.errors import PlanError
from plankg.kg.extract import extract
from plankg.kg.ids import inferred_graph
from plankg.kg.parse import Plan, parse_plan
from plankg.kg.read import HTML_SUFFIXES, SUPPORTED, read_document
from plankg.kg.registry import load_registry
from plankg.kg.store import PlanStore
from pyoxigraph import Triple

SEED_FILE = "jiujiang-digital-government-2025.txt"
WRITE_BATCH = 25  # plans per transaction


def bundled_seed() -> Path:
    return Path(str(resources.files("plankg").joinpath("data", SEED_FILE)))


@dataclass(frozen=True)
class Built:
    path: str
    plan: Plan
    ids: PlanIds
    triples: list[Triple]
    unit_iris: frozenset[str]  # distinct units, aliases merged


def compile_file(path: Path) -> Built:
    """One file through read, parse, extract and build; PlanError for bad input."""
    document = read_document(path)
    plan = parse_plan(document.text, str(path), fallback_title=path.stem)
    extraction = extract(plan, load_registry())
    ids, triples = build_plan(plan, extraction, document)
    return Built(str(path), plan, ids, triples, frozenset(u.iri for u in extraction.units.values()))


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
) -> list[Built]:
    """Compile every file first (nothing written if one fails), then write each plan's graph."""
    built: list[Built] = []
    for path in files:
        item = compile_file(path)
        built.append(item)
        if on_compiled:
            on_compiled(item)
    duplicates = _same_plan_twice(built)
    if duplicates:
        first, second = duplicates
        raise PlanError(second.path, None, f"is the same plan as {first.path} ({first.plan.title}); build one of them")
    store.load_ontology()
    # each batch of plans is one transaction: every plan's graph is old or new, never a mix,
    # and the disk commits once per batch instead of once per plan
    for start in range(0, len(built), WRITE_BATCH):
        batch = built[start : start + WRITE_BATCH]
        store.replace_graphs([(i.ids.graph, i.triples, [inferred_graph(i.ids.graph)]) for i in batch])
        if on_written:
            for item in batch:
                on_written(item)
    store.flush()
    return built


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
