"""Build the triples of one plan's named graph from the parsed plan and its extraction.

The builder knows nothing of text: it takes the Plan, the Extraction and the Document's
metadata and returns pyoxigraph triples (the engine's own terms, cheap to make in bulk).
pk:involvedUnit and pk:involvedIn are materialised, so queries need no inference for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plankg.kg.extract import Extraction
from plankg.kg.ids import PKID, iri, short_hash, slug
from plankg.kg.parse import Plan
from plankg.kg.read import Document
from plankg.kg.vocab import PK
from pyoxigraph import Literal, NamedNode, Triple

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF = NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
SKOS_ALT = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
DCT_TITLE = NamedNode("http://purl.org/dc/terms/title")
PROV_DERIVED = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_DATE, XSD_INTEGER = NamedNode(XSD + "date"), NamedNode(XSD + "integer")
XSD_DECIMAL = NamedNode(XSD + "decimal")
ROLE_PROPERTY = {"lead": "leadUnit", "cooperating": "cooperatingUnit", "responsible": "responsibleUnit"}
LEVELS = {"national": "National", "provincial": "Provincial", "municipal": "Municipal", "county": "County"}
_TERMS: dict[str, NamedNode] = {}


def pk(name: str) -> NamedNode:
    """The engine's node for a pk: term; the name is checked against the ontology once."""
    node = _TERMS.get(name)
    if node is None:
        node = _TERMS[name] = NamedNode(str(getattr(PK, name)))
    return node


def zh(text: str) -> Literal:
    return Literal(text, language="zh")


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INTEGER)


def xsd_date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD_DATE)


@dataclass(frozen=True)
class PlanIds:
    key: str
    plan: str
    graph: str

    @classmethod
    def for_title(cls, title: str, *, distinct: bool = False) -> PlanIds:
        """The ids of the plan with this title: its pinyin, which loses tones, so 福州… and 抚州… share it.
        `distinct` adds a hash of the title, for the second of two such plans (see pipeline.PlanKeys);
        a long title already ends in one."""
        key = slug(title, max_len=96)
        if distinct and not key.endswith(short_hash(title)):
            key = f"{key}-{short_hash(title)}"
        return cls(key, iri("plan", key), iri("graph", key))


def build_plan(
    plan: Plan, extraction: Extraction, document: Document, ids: PlanIds | None = None
) -> tuple[PlanIds, list[Triple], list[Triple]]:
    """(ids, the plan's own triples, what it says of things other plans name too).

    The second list goes to one graph that all plans share (ENTITIES_GRAPH): a unit the registry
    does not know, a new platform or region, a cited plan.  Written into every plan's graph, such a
    description would stand once per plan in the union of graphs, which Oxigraph keeps as a
    multiset, and every join on a label would multiply by the number of plans naming the thing."""
    ids = ids or PlanIds.for_title(plan.title)
    out: list[Triple] = []
    add = out.append
    shared: list[Triple] = []
    share = shared.append
    plan_node = NamedNode(ids.plan)

    def node(*parts: str | int) -> NamedNode:
        return NamedNode(ids.plan + "/" + "/".join(str(p) for p in parts))

    def span(subject: NamedNode, start: int, end: int) -> None:
        add(Triple(subject, pk("start"), integer(start)))
        add(Triple(subject, pk("end"), integer(end)))

    def original_label(subject: NamedNode, start: int, end: int, prop: NamedNode = RDFS_LABEL, to=None) -> None:
        """Where the document is in traditional characters, keep its own form too."""
        if document.traditional:
            original = document.original_span(start, end).strip()
            if original and original != document.text[start:end].strip():
                (to or add)(Triple(subject, prop, Literal(original, language="zh-Hant")))

    # the plan and its notice
    add(Triple(plan_node, RDF_TYPE, pk("Plan")))
    add(Triple(plan_node, RDFS_LABEL, zh(plan.title)))
    region = plan_region(plan, extraction, share)
    if region is not None:
        add(Triple(plan_node, pk("region"), region))
    if plan.level:
        add(Triple(plan_node, pk("level"), pk(LEVELS[plan.level])))
    if plan.genre:
        add(Triple(plan_node, pk("genre"), zh(plan.genre)))
    if plan.year:
        add(Triple(plan_node, pk("year"), integer(plan.year)))
    notice = plan.notice
    if notice.issued:
        add(Triple(plan_node, pk("issued"), xsd_date(notice.issued)))
    if notice.identifier:
        add(Triple(plan_node, pk("identifier"), Literal(notice.identifier)))
    if notice.approved_by:
        add(Triple(plan_node, pk("approvedBy"), zh(notice.approved_by)))
    for addressee in notice.addressees:
        add(Triple(plan_node, pk("addressee"), zh(addressee)))
    if notice.publicity:
        add(Triple(plan_node, pk("publicity"), zh(notice.publicity)))
    if notice.source:
        add(Triple(plan_node, pk("sourceLine"), zh(notice.source)))
    if plan.preamble:
        add(Triple(plan_node, pk("preamble"), zh(plan.preamble)))
    source = Path(document.path)
    add(Triple(plan_node, pk("sourceFile"), Literal(source.name)))
    add(Triple(plan_node, PROV_DERIVED, NamedNode(source.resolve().as_uri())))
    add(Triple(plan_node, pk("checksum"), Literal(document.checksum)))
    add(Triple(plan_node, pk("sourceFormat"), Literal(document.format)))
    add(Triple(plan_node, pk("encoding"), Literal(document.encoding)))
    add(Triple(plan_node, pk("sourceText"), Literal(document.text)))

    def division(kind: str, part) -> NamedNode:
        """What a chapter, a section and a task all have: type, title, plan, number, span."""
        subject = node(kind.lower(), part.ordinal)
        add(Triple(subject, RDF_TYPE, pk(kind)))
        add(Triple(subject, RDFS_LABEL, zh(part.title)))
        add(Triple(subject, pk("plan"), plan_node))
        add(Triple(subject, pk("number"), integer(part.number)))
        span(subject, part.start, part.end)
        return subject

    chapter_nodes = {chapter.ordinal: division("Chapter", chapter) for chapter in plan.chapters}
    section_nodes: dict[int, NamedNode] = {}
    for section in plan.sections:
        subject = section_nodes[section.ordinal] = division("Section", section)
        if section.chapter is not None:
            add(Triple(subject, pk("chapter"), chapter_nodes[section.chapter]))

    units_seen: set[str] = set()
    names_seen: set[tuple[str, str]] = set()
    for task in plan.tasks:
        subject = division("Task", task)
        add(Triple(subject, pk("text"), zh(task.text)))
        if task.chapter is not None:
            add(Triple(subject, pk("chapter"), chapter_nodes[task.chapter]))
        if task.section is not None:
            add(Triple(subject, pk("section"), section_nodes[task.section]))
        if task.deadline_text:
            add(Triple(subject, pk("deadlineText"), zh(task.deadline_text)))
        if task.deadline:
            add(Triple(subject, pk("deadline"), xsd_date(task.deadline)))
        for index, assignment in enumerate(task.assignments, start=1):
            unit = extraction.units[assignment.name]
            unit_node = NamedNode(unit.iri)
            role = pk(ROLE_PROPERTY[assignment.role])
            add(Triple(subject, role, unit_node))
            add(Triple(subject, pk("involvedUnit"), unit_node))
            add(Triple(unit_node, pk("involvedIn"), subject))
            record = node("task", task.ordinal, "assignment", index)
            add(Triple(record, RDF_TYPE, pk("Assignment")))
            add(Triple(record, pk("task"), subject))
            add(Triple(record, pk("unit"), unit_node))
            add(Triple(record, pk("role"), role))
            span(record, assignment.start, assignment.end)
            if unit.iri not in units_seen:
                units_seen.add(unit.iri)
                unit_triples(unit, extraction, plan, region, share)
                original_label(unit_node, assignment.start, assignment.end, SKOS_ALT, share)
            elif not unit.in_registry and (unit.iri, unit.name) not in names_seen:
                share(Triple(unit_node, SKOS_ALT, zh(unit.name)))  # another spelling of a unit already named
            names_seen.add((unit.iri, unit.name))
        for reference in extraction.upward.get(task.ordinal, ()):
            add(Triple(subject, pk("upwardReference"), zh(reference.wording)))
            for platform in reference.platforms:
                add(Triple(subject, pk("reliesOnPlatform"), NamedNode(platform)))
        for kind, prop in (("Platform", "mentionsPlatform"), ("Technology", "mentionsTechnology"),
                           ("Initiative", "mentionsInitiative"), ("Region", "mentionsRegion")):  # fmt: skip
            for target in sorted(extraction.mentions.get(task.ordinal, {}).get(kind, ())):
                add(Triple(subject, pk(prop), NamedNode(target)))
    coordination_triples(plan, extraction, plan_node, node, add)
    for cited in extraction.cited:
        cited_node = NamedNode(cited.iri)
        add(Triple(plan_node, pk("cites"), cited_node))
        if cited.in_registry:
            continue
        # what the citation says of the cited plan, in terms a build of that plan does not write
        # itself (its type follows from pk:cites)
        if cited.title:
            share(Triple(cited_node, DCT_TITLE, zh(cited.title)))
        if cited.identifier:
            share(Triple(cited_node, pk("identifier"), Literal(cited.identifier)))
        if cited.level:
            share(Triple(cited_node, pk("level"), pk(LEVELS[cited.level])))
    for platform in extraction.new_platforms.values():
        platform_node = NamedNode(platform.iri)
        share(Triple(platform_node, RDF_TYPE, pk("Platform")))
        share(Triple(platform_node, SKOS_PREF, zh(platform.name)))
        share(Triple(platform_node, RDFS_LABEL, zh(platform.name)))
        if platform.level:
            share(Triple(platform_node, pk("level"), pk(LEVELS[platform.level])))
    return ids, out, shared


WEIGHTS = {"lead": 2, "cooperating": 1, "responsible": 1.5}  # leading costs twice as much as cooperating


def coordination_triples(plan: Plan, extraction: Extraction, plan_node: NamedNode, node, add) -> None:
    """Each unit's load and each pair of units' shared tasks, counted once here at build time: the
    self-join over involved units takes seconds per query on a large store (see benchmarks/)."""
    roles: dict[str, dict[str, set[int]]] = {}
    involved: dict[int, set[str]] = {}
    for task in plan.tasks:
        for assignment in task.assignments:
            unit = extraction.units[assignment.name].iri
            roles.setdefault(unit, {r: set() for r in WEIGHTS})[assignment.role].add(task.ordinal)
            involved.setdefault(task.ordinal, set()).add(unit)
    for unit, by_role in sorted(roles.items()):
        subject = node("load", short_hash(unit))
        weighted = sum(WEIGHTS[role] * len(tasks) for role, tasks in by_role.items())
        add(Triple(subject, RDF_TYPE, pk("UnitLoad")))
        add(Triple(subject, pk("forPlan"), plan_node))
        add(Triple(subject, pk("loadOf"), NamedNode(unit)))
        add(Triple(subject, pk("leadCount"), integer(len(by_role["lead"]))))
        add(Triple(subject, pk("cooperatingCount"), integer(len(by_role["cooperating"]))))
        add(Triple(subject, pk("responsibleCount"), integer(len(by_role["responsible"]))))
        add(Triple(subject, pk("taskCount"), integer(len(set().union(*by_role.values())))))
        text = str(int(weighted)) if float(weighted).is_integer() else str(weighted)
        add(Triple(subject, pk("weightedLoad"), Literal(text, datatype=XSD_DECIMAL)))
    shared: dict[tuple[str, str], int] = {}
    for units in involved.values():
        ordered = sorted(units)
        for i, unit_a in enumerate(ordered):
            for unit_b in ordered[i + 1 :]:
                shared[(unit_a, unit_b)] = shared.get((unit_a, unit_b), 0) + 1
    for (unit_a, unit_b), count in sorted(shared.items()):
        subject = node("pair", short_hash(unit_a + " " + unit_b))
        add(Triple(subject, RDF_TYPE, pk("CoordinationPair")))
        add(Triple(subject, pk("forPlan"), plan_node))
        add(Triple(subject, pk("unitA"), NamedNode(unit_a)))
        add(Triple(subject, pk("unitB"), NamedNode(unit_b)))
        add(Triple(subject, pk("sharedTasks"), integer(count)))


def plan_region(plan: Plan, extraction: Extraction, add) -> NamedNode | None:
    """The plan's region: the registry's where it knows it, else a new pk:Region."""
    if extraction.region_iri:
        return NamedNode(extraction.region_iri)
    if not plan.region:
        return None
    region = NamedNode(iri("region", extraction.region_slug))
    add(Triple(region, RDF_TYPE, pk("Region")))
    add(Triple(region, SKOS_PREF, zh(plan.region)))
    add(Triple(region, RDFS_LABEL, zh(plan.region)))
    if plan.level:
        add(Triple(region, pk("level"), pk(LEVELS[plan.level])))
    return region


def unit_triples(unit, extraction: Extraction, plan: Plan, region: NamedNode | None, add) -> None:
    """A unit the registry does not know is described in the plan's own graph."""
    if unit.in_registry:
        return
    subject = NamedNode(unit.iri)
    add(Triple(subject, RDF_TYPE, pk("Unit")))
    add(Triple(subject, RDF_TYPE, pk(unit.unit_type)))
    add(Triple(subject, SKOS_PREF, zh(unit.name)))
    add(Triple(subject, RDFS_LABEL, zh(unit.name)))
    if region is not None:
        add(Triple(subject, pk("region"), region))
    level = unit.level or plan.level
    if level:
        add(Triple(subject, pk("level"), pk(LEVELS[level])))


__all__ = ["PKID", "PlanIds", "build_plan", "short_hash"]
