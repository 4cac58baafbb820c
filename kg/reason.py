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
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from plankg.kg.ids import inferred_graph
from plankg.kg.registry import ONTOLOGY_FILE, PK, ttl_files
from plankg.kg.store import PlanStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
# HermiT knows only the OWL 2 datatype map, which leaves out xsd:date; dates take no part in
# what is inferred here, so they are left out of what the reasoner sees.
UNSUPPORTED_DATATYPES = {XSD_DATE}


NO_JAVA = "Java is not installed (no java on PATH), so HermiT cannot run: used the OWL 2 RL rules (owlrl) instead."
OWL = "http://www.w3.org/2002/07/owl#"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDFS_LABEL = RDFS + "label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
# owlrl writes what contradicts the ontology into the graph as error messages of this vocabulary
OWLRL_ERROR = "http://www.daml.org/2002/03/agents/agent-ont#"
KIND_WORDS = {"Plan": "plan", "Chapter": "chapter", "Section": "section", "Task": "task", "Unit": "unit",
              "Platform": "platform", "Region": "region", "Technology": "technology", "Initiative": "initiative",
              "Assignment": "assignment", "Alignment": "alignment"}  # fmt: skip


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
    """Reason over every plan; a plan that contradicts the ontology does not stop the others.

    Each consistent plan's inferred graph is replaced; an inconsistent plan's is dropped (what it
    held was inferred from the plan as it was before).  InconsistentPlan is raised at the end,
    naming every inconsistent plan and why, once the others are written.
    """
    results, problems = [], []
    for info in store.plans():
        dump = store.dump(ox.RdfFormat.N_TRIPLES, info.graph)
        data = [q.triple for q in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES)]
        try:
            result = reason_plan(_tbox_for(data), data, info.title, info.graph, engine)
        except InconsistentPlan as exc:
            problems.append(str(exc))
            store.replace_graph(inferred_graph(info.graph), [])
            continue
        store.replace_graph(inferred_graph(info.graph), result.inferred)
        results.append(result)
        if on_done:
            on_done(result)
    store.flush()
    if problems:
        raise InconsistentPlan("\n".join(problems))
    return results


def reason_plan(tbox: list[ox.Triple], data: list[ox.Triple], title: str, graph: str, engine: str) -> Reasoned:
    note = ""
    if engine == "hermit":
        if shutil.which("java") is None:
            note = NO_JAVA
            engine = "owlrl"
        else:
            try:
                new = _hermit(tbox, data, title)
            except InconsistentPlan:
                raise
            except Exception as exc:  # the reasoner failed to run: fall back rather than fail
                note = f"HermiT could not run ({type(exc).__name__}: {str(exc).strip()[:200]}); used owlrl instead."
                engine = "owlrl"
    if engine == "owlrl":
        new = _owlrl(tbox, data, title)
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
    """The ontology and every registry (units, platforms, regions ...), as one list."""
    ontology, registry = _ontology_and_registry()
    return [*ontology, *registry]


@lru_cache(maxsize=1)
def _ontology_and_registry() -> tuple[tuple[ox.Triple, ...], tuple[ox.Triple, ...]]:
    ontology, registry = [], []
    for path in ttl_files():
        if path.stem == "shapes":
            continue
        target = ontology if path.name == ONTOLOGY_FILE else registry
        target.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return tuple(ontology), tuple(registry)


@lru_cache(maxsize=1)
def _registry_by_subject() -> dict:
    index: dict = {}
    for triple in _ontology_and_registry()[1]:
        index.setdefault(triple.subject, []).append(triple)
    return index


def _tbox_for(data: list[ox.Triple]) -> list[ox.Triple]:
    """What the reasoner needs besides the plan: the whole ontology, and of the registries what
    describes the nodes the plan names and the nodes those lead to (a unit's region, the region
    that region lies within ...).  The rest of the registries cannot bear on the plan's own nodes
    and only slows the reasoner down (about half of its time on the seed)."""
    index = _registry_by_subject()
    frontier = [n for t in data for n in (t.subject, t.object) if isinstance(n, ox.NamedNode | ox.BlankNode)]
    seen, kept = set(), []
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in index.get(node, ()):
            kept.append(triple)
            if isinstance(triple.object, ox.NamedNode | ox.BlankNode):
                frontier.append(triple.object)
    return [*_ontology_and_registry()[0], *kept]


def _supported(triples: list[ox.Triple]) -> list[ox.Triple]:
    def fine(t: ox.Triple) -> bool:
        if isinstance(t.object, ox.Literal):
            return t.object.datatype.value not in UNSUPPORTED_DATATYPES
        return not (isinstance(t.object, ox.NamedNode) and t.object.value in UNSUPPORTED_DATATYPES)

    return [t for t in triples if fine(t)]


def _hermit(tbox: list[ox.Triple], data: list[ox.Triple], title: str) -> set[ox.Triple]:
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
            raise InconsistentPlan(_explain(tbox, data, title)) from exc
        return _world_triples(world) - before


def _world_triples(world) -> set[ox.Triple]:
    import rdflib

    result = set()
    for s, p, o in world.as_rdflib_graph().triples((None, None, None)):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            result.add(ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o))))
    return result


def _owlrl(tbox: list[ox.Triple], data: list[ox.Triple], title: str) -> set[ox.Triple]:
    import owlrl
    import rdflib

    # OWL 2 RL rules cannot tell two literals apart (a task with two numbers is no contradiction to
    # them), which OWL's semantics, and HermiT, do: that check is made here, before the rules run.
    if _functional_clashes(tbox, data):
        raise InconsistentPlan(_explain(tbox, data, title))
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(tbox + data, format=ox.RdfFormat.N_TRIPLES), format="nt")
    before = {(s, p, o) for s, p, o in graph if isinstance(o, rdflib.URIRef)}
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [str(m) for m in graph.objects(None, rdflib.URIRef(OWLRL_ERROR + "error"))]
    nothing = list(graph.subjects(rdflib.RDF.type, rdflib.URIRef(OWL + "Nothing")))
    if errors or nothing:
        raise InconsistentPlan(_explain(tbox, data, title, errors))
    return {
        ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o)))
        for s, p, o in graph
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef) and (s, p, o) not in before
    }


# ---- contradictions in plain words -------------------------------------------------------------


def _schema_store(tbox: list[ox.Triple], data: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in tbox + data)
    return store


def _functional_clashes(tbox: list[ox.Triple], data: list[ox.Triple]) -> list[tuple[str, str, list[str]]]:
    """(element, property, its values) for every functional datatype property given two values."""
    store = _schema_store(tbox, data)
    rows = store.query(f"""
        SELECT ?x ?p (GROUP_CONCAT(DISTINCT STR(?v); separator="\u0001") AS ?values) WHERE {{
            ?p a <{OWL}FunctionalProperty>, <{OWL}DatatypeProperty> .
            ?x ?p ?v . FILTER(isLITERAL(?v))
        }} GROUP BY ?x ?p HAVING (COUNT(DISTINCT ?v) > 1) ORDER BY ?x ?p""")  # fmt: skip
    stated = {(t.subject.value, t.predicate.value) for t in data}  # the plan's own statements take part
    return [(r["x"].value, r["p"].value, sorted(r["values"].value.split("\u0001")))
            for r in rows if (r["x"].value, r["p"].value) in stated]  # fmt: skip


def _disjoint_pairs(store: ox.Store) -> set[tuple[str, str]]:
    """The pairs of classes the ontology declares disjoint (owl:disjointWith, owl:AllDisjointClasses)."""
    pairs = set()
    for row in store.query(f"SELECT ?a ?b WHERE {{ ?a <{OWL}disjointWith> ?b }}"):
        pairs.add(tuple(sorted((row["a"].value, row["b"].value))))
    members = f"<{RDF_REST}>*/<{RDF_FIRST}>"
    for row in store.query(f"""SELECT ?a ?b WHERE {{
            ?all a <{OWL}AllDisjointClasses> ; <{OWL}members> ?list .
            ?list {members} ?a . ?list {members} ?b . FILTER(?a != ?b) }}"""):  # fmt: skip
        pairs.add(tuple(sorted((row["a"].value, row["b"].value))))
    return pairs


def _explain(tbox: list[ox.Triple], data: list[ox.Triple], title: str, reasoner_says: list[str] = ()) -> str:
    """Plain words for what contradicts the ontology: an element with two values of a property that
    takes one (two numbers), or an element of two kinds declared disjoint (a task that is a unit)."""
    store = _schema_store(tbox, data)
    reasons = []
    for element, prop, values in _functional_clashes(tbox, data):
        reasons.append(f"{_name(store, element)} has {len(values)} different values of {_short(prop)} "
                       f"({', '.join(values)}), which takes one")  # fmt: skip
    disjoint = _disjoint_pairs(store)
    subjects = {t.subject.value for t in data if isinstance(t.subject, ox.NamedNode)}
    kinds = f"<{RDF_TYPE}>/<{RDFS}subClassOf>*"  # asserted kinds and the kinds they are kinds of
    for row in store.query(f"""SELECT DISTINCT ?x ?a ?b WHERE {{ ?x {kinds} ?a, ?b . FILTER(STR(?a) < STR(?b)) }}
                              ORDER BY ?x ?a ?b"""):  # fmt: skip
        pair = (row["a"].value, row["b"].value)
        if pair in disjoint and row["x"].value in subjects:
            reasons.append(f"{_name(store, row['x'].value)} is both {_short(pair[0])} and {_short(pair[1])}, "
                           "which the ontology declares disjoint")  # fmt: skip
    if not reasons:
        reasons = [_plain(message) for message in reasoner_says[:5]] or ["the reasoner gives no further detail"]
    return f"{title}: the plan contradicts the ontology: " + "; ".join(reasons)


def _name(store: ox.Store, element: str) -> str:
    """task 1 “统筹数字化项目” <IRI>: what a person recognises an element by."""
    node = ox.NamedNode(element)
    kinds = [q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None)]
    known = {k[len(PK):] for k in kinds if k.startswith(PK)}
    kind = next((word for name, word in KIND_WORDS.items() if name in known), "")
    numbers = [q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(PK + "number"), None)]
    labels = [q.object.value for p in (RDFS_LABEL, SKOS_PREF)
              for q in store.quads_for_pattern(node, ox.NamedNode(p), None)
              if isinstance(q.object, ox.Literal) and (q.object.language or "").startswith("zh")]  # fmt: skip
    number = numbers[0] if len(numbers) == 1 and kind in ("task", "chapter", "section") else ""
    parts = [kind, number, f"“{sorted(labels)[0]}”" if labels else "", f"<{element}>"]
    return " ".join(p for p in parts if p)


def _plain(message: str) -> str:
    """An owlrl error message with the ontology's IRIs shortened."""
    return message.replace(PK, "pk:").strip()
