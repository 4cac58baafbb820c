"""OWL reasoning over each plan: owlready2 with HermiT (Java), or an OWL 2 RL closure (owlrl)
where the reasoner cannot run.  What the reasoner adds (pk:touchesPlatform from its property
chain, inverses, inferred classes) goes to a named graph of its own per plan, which a rebuild
of the plan drops and `plankg reason` replaces.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from plankg.kg.ids import inferred_graph
from plankg.kg.registry import PK, ttl_files
from plankg.kg.store import PlanStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
# HermiT knows only the OWL 2 datatype map, which leaves out xsd:date; dates take no part in
# what is inferred here, so they are left out of what the reasoner sees.
UNSUPPORTED_DATATYPES = {XSD_DATE}


class InconsistentPlan(Exception):
    """The plan's graph contradicts the ontology."""


@dataclass
class Reasoned:
    plan: str
    graph: str
    engine: str  # "HermiT" or "OWL 2 RL (owlrl)"
    inferred: list[ox.Triple]
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""


def reason_store(
    store: PlanStore, engine: str = "hermit", on_done: Callable[[Reasoned], None] | None = None
) -> list[Reasoned]:
    results = []
    tbox = _ontology_triples()
    for info in store.plans():
        dump = store.dump(ox.RdfFormat.N_TRIPLES, info.graph)
        data = [q.triple for q in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES)]
        result = reason_plan(tbox, data, info.title, info.graph, engine)
        store.replace_graph(inferred_graph(info.graph), result.inferred)
        results.append(result)
        if on_done:
            on_done(result)
    store.flush()
    return results


def reason_plan(tbox: list[ox.Triple], data: list[ox.Triple], title: str, graph: str, engine: str) -> Reasoned:
    note = ""
    if engine == "hermit":
        if shutil.which("java") is None:
            note = "Java is not installed, so HermiT cannot run: used the OWL 2 RL rules (owlrl) instead."
            engine = "owlrl"
        else:
            try:
                new = _hermit(tbox, data)
            except InconsistentPlan:
                raise
            except Exception as exc:  # the reasoner failed to run: fall back rather than fail
                note = f"HermiT could not run ({type(exc).__name__}: {str(exc).strip()[:200]}); used owlrl instead."
                engine = "owlrl"
    if engine == "owlrl":
        new = _owlrl(tbox, data)
        name = "OWL 2 RL (owlrl)"
    else:
        name = "HermiT"
    subjects = {t.subject for t in data}
    inferred = sorted((t for t in new if _keep(t, subjects)), key=str)
    counts: dict[str, int] = {}
    for triple in inferred:
        counts[_short(triple.predicate.value)] = counts.get(_short(triple.predicate.value), 0) + 1
    return Reasoned(title, graph, name, inferred, counts, note)


def _keep(triple: ox.Triple, subjects: set) -> bool:
    """What a plan's reasoning adds about the plan's own nodes, in the plankg vocabulary."""
    predicate = triple.predicate.value
    if triple.subject not in subjects:
        return False
    if predicate == RDF_TYPE:
        return isinstance(triple.object, ox.NamedNode) and triple.object.value.startswith(PK)
    return predicate.startswith(PK)


def _short(value: str) -> str:
    return "pk:" + value[len(PK) :] if value.startswith(PK) else ("rdf:type" if value == RDF_TYPE else value)


def _ontology_triples() -> list[ox.Triple]:
    triples = []
    for path in ttl_files():
        if path.stem == "shapes":
            continue
        triples.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return triples


def _supported(triples: list[ox.Triple]) -> list[ox.Triple]:
    def fine(t: ox.Triple) -> bool:
        if isinstance(t.object, ox.Literal):
            return t.object.datatype.value not in UNSUPPORTED_DATATYPES
        return not (isinstance(t.object, ox.NamedNode) and t.object.value in UNSUPPORTED_DATATYPES)

    return [t for t in triples if fine(t)]


def _hermit(tbox: list[ox.Triple], data: list[ox.Triple]) -> set[ox.Triple]:
    import owlready2

    with tempfile.TemporaryDirectory(prefix="plankg-reason-") as folder:
        world = owlready2.World()
        for name, triples in (("ontology", tbox), ("plan", data)):
            path = Path(folder) / f"{name}.nt"
            path.write_bytes(ox.serialize(_supported(triples), format=ox.RdfFormat.N_TRIPLES) or b"")
            world.get_ontology(path.as_uri()).load()
        before = _world_triples(world)
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InconsistentPlan(_explain(data)) from exc
        return _world_triples(world) - before


def _world_triples(world) -> set[ox.Triple]:
    import rdflib

    result = set()
    for s, p, o in world.as_rdflib_graph().triples((None, None, None)):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            result.add(ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o))))
    return result


def _owlrl(tbox: list[ox.Triple], data: list[ox.Triple]) -> set[ox.Triple]:
    import owlrl
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(tbox + data, format=ox.RdfFormat.N_TRIPLES), format="nt")
    before = {(s, p, o) for s, p, o in graph if isinstance(o, rdflib.URIRef)}
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    inconsistent = list(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/2002/07/owl#Nothing")))
    if inconsistent:
        raise InconsistentPlan(_explain(data))
    return {
        ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o)))
        for s, p, o in graph
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef) and (s, p, o) not in before
    }


def _explain(data: list[ox.Triple]) -> str:
    """Plain words for the usual causes: one element with two numbers, or of two disjoint kinds."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in data)
    reasons = []
    for row in store.query(f"""SELECT ?x (COUNT(DISTINCT ?n) AS ?c) WHERE {{ ?x <{PK}number> ?n }}
                              GROUP BY ?x HAVING (COUNT(DISTINCT ?n) > 1)"""):  # fmt: skip
        reasons.append(f"{row['x'].value} has {row['c'].value} different numbers (pk:number takes one)")
    kinds = ("Plan", "Chapter", "Section", "Task", "Unit", "Platform", "Region")
    for row in store.query(f"""SELECT ?x ?a ?b WHERE {{ ?x a ?a, ?b . FILTER(STR(?a) < STR(?b))
                              VALUES ?a {{ {' '.join(f'<{PK}{k}>' for k in kinds)} }}
                              VALUES ?b {{ {' '.join(f'<{PK}{k}>' for k in kinds)} }} }}"""):  # fmt: skip
        reasons.append(f"{row['x'].value} is both {_short(row['a'].value)} and {_short(row['b'].value)}, "
                       "which the ontology declares disjoint")  # fmt: skip
    found = "; ".join(reasons) if reasons else "the reasoner gives no further detail"
    return f"the plan contradicts the ontology: {found}"
