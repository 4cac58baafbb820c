"""Validate the plans in the store against the SHACL shapes in ontology/shapes.ttl.

Core constraints go through pyshacl, one plan at a time.  SPARQL-based constraints (sh:sparql)
are run by Oxigraph once over the whole store with $this as an ordinary variable joined to the
shape's target class; that is the SHACL semantics, and it saves pyshacl's re-parsing of the
query for every focus node (the seed took 9 s that way).

A violation names the plan, the element (task number and title, chapter, unit), the rule and
the message, in Chinese and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from plankg.kg.registry import ontology_dir
from plankg.kg.store import REGISTRY_GRAPH_PREFIX, PlanStore

SHAPES_FILE = "shapes.ttl"
SH = "http://www.w3.org/ns/shacl#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
REGISTRY = "（登记表）registry"
KIND_NAMES = {"Task": "任务", "Chapter": "章节", "Section": "节", "Unit": "单位", "Platform": "平台", "Plan": "计划"}


@dataclass(frozen=True)
class Violation:
    plan: str  # the plan's title, or the registry
    focus: str  # IRI of the element
    element: str  # "任务 7 统一企业群众诉求受理渠道", "单位 市公安局" ...
    rule_zh: str
    rule_en: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class SparqlRule:
    target_class: str
    select: str
    rule: dict[str, str]
    messages: dict[str, str]


def check_store(store: PlanStore) -> list[Violation]:
    """Every violation in the store (an empty list: every plan passes)."""
    core, rules = load_shapes()
    violations = [v for info in store.plans() for v in _core_violations(store, core, info.graph, info.title)]
    violations += [v for rule in rules for v in _sparql_violations(store, rule)]
    return sorted(_unique(violations), key=lambda v: (v.plan, v.element, v.rule_en))


@lru_cache(maxsize=1)
def load_shapes():
    """(the shapes graph without SPARQL constraints, the SPARQL constraints as rules)."""
    import rdflib

    shapes = rdflib.Graph().parse(ontology_dir() / SHAPES_FILE, format="turtle")
    sh = rdflib.Namespace(SH)
    rules = []
    for shape, constraint in list(shapes.subject_objects(sh.sparql)):
        rules.append(
            SparqlRule(
                target_class=str(shapes.value(shape, sh.targetClass)),
                select=str(shapes.value(constraint, sh.select)),
                rule=_by_language(shapes.objects(shape, rdflib.RDFS.label)),
                messages=_by_language(shapes.objects(constraint, sh.message)),
            )
        )
        shapes.remove((shape, sh.sparql, constraint))
    return shapes, rules


def _by_language(literals) -> dict[str, str]:
    return {getattr(lit, "language", None) or "": str(lit) for lit in literals}


# ---- core constraints, with pyshacl ----------------------------------------------------------

def _core_violations(store: PlanStore, shapes, graph: str, plan_title: str) -> list[Violation]:
    import rdflib
    from pyshacl import validate

    data = rdflib.Graph()
    data.parse(data=_plan_with_its_units(store, graph, _core_predicates(shapes)), format="nt")
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    sh = rdflib.Namespace(SH)
    result = []
    for node in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = str(report.value(node, sh.focusNode))
        source = report.value(node, sh.sourceShape)
        owner = next(iter(shapes.subjects(sh.property, source)), source)
        rule = _by_language(shapes.objects(owner, rdflib.RDFS.label))
        messages = _by_language(report.objects(node, sh.resultMessage))
        result.append(_violation(store, focus, plan_title, rule, messages))
    return result


def _plan_with_its_units(store: PlanStore, graph: str, predicates: frozenset[str]) -> bytes:
    """What the core shapes look at (types and the paths they name) in the plan's graph and in the
    registry's description of every unit and platform the plan names; the rest (the plan's text, its
    spans, its coordination counts) would only make the validator parse more."""
    import pyoxigraph as ox

    wanted = " ".join(f"<{p}>" for p in sorted(predicates))
    query = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
        VALUES ?p {{ {wanted} }}
        {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}
        UNION
        {{ GRAPH <{graph}> {{ [] pk:involvedUnit|pk:mentionsPlatform ?s }}
           GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{REGISTRY_GRAPH_PREFIX}")) }}
    }}"""
    return ox.serialize(store.query(query), format=ox.RdfFormat.N_TRIPLES) or b""


def _core_predicates(shapes) -> frozenset[str]:
    """rdf:type and every sh:path of the core shapes: all that core validation reads."""
    import rdflib

    sh = rdflib.Namespace(SH)
    paths = {str(p) for p in shapes.objects(None, sh.path) if isinstance(p, rdflib.URIRef)}
    return frozenset(paths | {str(rdflib.RDF.type)})


# ---- SPARQL constraints, with Oxigraph over the whole store ---------------------------------

_THIS = re.compile(r"\$this\b")


def _sparql_violations(store: PlanStore, rule: SparqlRule) -> list[Violation]:
    select = _THIS.sub("?this", rule.select)
    # the target class joins the constraint's own pattern: one query for every focus node
    where = select.index("{", select.upper().index("WHERE")) + 1
    select = f"{select[:where]} ?this a <{rule.target_class}> . {select[where:]}"
    if "?this" not in select[: select.upper().index("WHERE")]:
        select = select.replace("SELECT", "SELECT ?this", 1)
    result = []
    for row in store.select(select):
        messages = {lang: _fill(text, row) for lang, text in rule.messages.items()}
        result.append(_violation(store, row["this"], None, rule.rule, messages))
    return result


def _fill(template: str, row: dict) -> str:
    return re.sub(r"\{\?(\w+)\}", lambda m: str(row.get(m.group(1)) or ""), template)


# ---- reporting ---------------------------------------------------------------------------------

def _violation(store: PlanStore, focus: str, plan_title: str | None, rule: dict, messages: dict) -> Violation:
    element, plan = _describe(store, focus)
    return Violation(
        plan=plan_title or plan or REGISTRY,
        focus=focus,
        element=element,
        rule_zh=rule.get("zh", ""),
        rule_en=rule.get("en", ""),
        message_zh=messages.get("zh", messages.get("", "")),
        message_en=messages.get("en", messages.get("", "")),
    )


def _describe(store: PlanStore, focus: str) -> tuple[str, str | None]:
    """A person's name for the element (任务 7 标题 / 单位 名称) and the title of its plan.

    A plan that uses a task number more than once (numbering that restarts in every chapter)
    names its tasks with their chapter: 第二章 任务 4 标题.  An element with no pk:plan of its own
    (a unit) belongs to the plan whose graph describes it, else to the registry.
    """
    import pyoxigraph as ox

    node = ox.NamedNode(focus)
    rows = store.select(
        """SELECT ?kind ?number ?label ?planTitle ?chapter ?repeated WHERE {
            OPTIONAL { ?focus a ?kind FILTER(STRSTARTS(STR(?kind), STR(pk:))) }
            OPTIONAL { ?focus pk:number ?number }
            OPTIONAL { ?focus rdfs:label|skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "zh")) }
            OPTIONAL { ?focus pk:plan/rdfs:label ?planTitle }
            OPTIONAL { ?focus pk:chapter/pk:number ?chapter }
            BIND(EXISTS { ?focus pk:plan ?p . ?one a pk:Task ; pk:plan ?p ; pk:number ?n .
                          ?two a pk:Task ; pk:plan ?p ; pk:number ?n . FILTER(?one != ?two) } AS ?repeated)
        } ORDER BY ?kind ?label""",
        {"focus": node},
    )
    if not rows:
        return focus, None
    kinds = [r["kind"].rsplit("#", 1)[-1] for r in rows if r["kind"]]
    kind = next((KIND_NAMES[k] for k in kinds if k in KIND_NAMES), "")
    first = rows[0]
    chapter = ""
    if first["chapter"] and first["repeated"] == "true":
        chapter = f"第{_zh_numeral(int(first['chapter']))}章"
    parts = [chapter, kind, first["number"] or "", first["label"] or focus]
    plan = first["planTitle"] or _defining_plan(store, node)
    return " ".join(p for p in parts if p), plan


def _defining_plan(store: PlanStore, node) -> str | None:
    """The titles of the plans whose named graphs state the element's kind or names, if any."""
    titles = {info.graph: info.title for info in store.plans()}
    rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?focus a|skos:prefLabel|skos:altLabel|rdfs:label ?x } }"
                        " ORDER BY ?g", {"focus": node})  # fmt: skip
    found = sorted({titles[r["g"]] for r in rows if r["g"] in titles})
    return "、".join(found) if found else None


_DIGITS = "零一二三四五六七八九"


def _zh_numeral(value: int) -> str:
    """2 → 二, 12 → 十二: how a plan numbers its chapters."""
    if not 0 < value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    text = (("" if tens == 1 else _DIGITS[tens]) + "十") if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def _unique(violations: list[Violation]) -> list[Violation]:
    seen, result = set(), []
    for v in violations:
        key = (v.focus, v.rule_en, v.message_en)
        if key not in seen:
            seen.add(key)
            result.append(v)
    return result
