"""/ontology: the plankg ontology documented as a page, generated from ontology/plankg.ttl; and
/ontology.ttl, the file itself.

The page is our own template rather than pyLODE's: it shows every class, property and individual
with both its Chinese and English labels and definitions (pyLODE shows one language), and it
loads nothing from any other host (no fonts, scripts or styles but the service's own). Terms of
other vocabularies (eli:, prov:, org:, skos:, xsd: ...) are named, never linked.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from plankg.api.routes.pages import render
from plankg.kg.store import PREFIXES as STORE_PREFIXES

router = APIRouter(tags=["ontology"])

PK = "https://w3id.org/plankg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/plankg/ontology"
TURTLE = "text/turtle; charset=utf-8"
# the store's prefixes (instances under pkid: do not appear in the ontology), and vann for its metadata
PREFIXES = {**{k: v for k, v in STORE_PREFIXES.items() if k != "pkid"}, "vann": "http://purl.org/vocab/vann/"}
CHARACTERISTICS = {  # OWL property characteristics, as the page names them
    "FunctionalProperty": "函数型 functional",
    "InverseFunctionalProperty": "反函数型 inverse functional",
    "TransitiveProperty": "传递 transitive",
    "SymmetricProperty": "对称 symmetric",
    "AsymmetricProperty": "非对称 asymmetric",
    "ReflexiveProperty": "自反 reflexive",
    "IrreflexiveProperty": "反自反 irreflexive",
}
KINDS = (  # (owl type, id of the section, Chinese, English)
    ("ObjectProperty", "object-properties", "对象属性", "object properties"),
    ("DatatypeProperty", "datatype-properties", "数据属性", "datatype properties"),
    ("AnnotationProperty", "annotation-properties", "注释属性", "annotation properties"),
)


def ontology_path():
    from plankg.kg.registry import ONTOLOGY_FILE, ontology_dir

    return ontology_dir() / ONTOLOGY_FILE


@lru_cache(maxsize=1)
def ontology_model() -> dict[str, Any]:
    """Everything the page shows, read from ontology/plankg.ttl with rdflib."""
    import rdflib
    from rdflib import OWL, RDF, RDFS, SKOS, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import DCTERMS

    g = rdflib.Graph().parse(ontology_path(), format="turtle")
    vann = rdflib.Namespace(PREFIXES["vann"])

    def texts(subject, predicate) -> dict[str, str]:
        found: dict[str, str] = {}
        for o in sorted(g.objects(subject, predicate), key=str):
            lang = (getattr(o, "language", None) or "").lower()
            key = "zh" if lang.startswith("zh") else "en" if lang.startswith("en") or not lang else lang
            found.setdefault(key, str(o))
        return found

    def is_ours(node) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(PK)

    def term(node) -> dict[str, Any]:
        if isinstance(node, rdflib.BNode):
            for op, name in ((OWL.unionOf, "union"), (OWL.intersectionOf, "intersection"), (OWL.oneOf, "one_of")):
                items = g.value(node, op)
                if items is not None:
                    return {"kind": name, "members": [term(m) for m in Collection(g, items)]}
            return {"kind": "term", "curie": "（匿名类）anonymous class", "anchor": None, "label": None}
        value = str(node)
        curie = value
        for prefix, namespace in PREFIXES.items():
            if value.startswith(namespace) and len(value) > len(namespace):
                curie = f"{prefix}:{value[len(namespace):]}"
                break
        ours = is_ours(node)
        labels = texts(node, RDFS.label) if ours else {}
        return {"kind": "term", "curie": curie, "anchor": value[len(PK):] if ours else None,
                "label": labels.get("zh")}  # fmt: skip

    def terms(nodes) -> list[dict[str, Any]]:
        return sorted((term(n) for n in set(nodes)), key=lambda t: (t["kind"] != "term", t.get("curie") or ""))

    def entry(node) -> dict[str, Any]:
        labels, definitions = texts(node, RDFS.label), texts(node, SKOS.definition)
        return {
            **term(node),
            "iri": str(node),
            "label_zh": labels.get("zh", ""),
            "label_en": labels.get("en", ""),
            "definition_zh": definitions.get("zh", ""),
            "definition_en": definitions.get("en", ""),
            "comment": texts(node, RDFS.comment),
        }

    def members_of(all_nodes, predicate) -> list[list]:
        groups = []
        for node in all_nodes:
            items = g.value(node, predicate)
            if items is not None:
                groups.append(list(Collection(g, items)))
        return groups

    disjoint: dict[Any, set] = {}
    for group in members_of(g.subjects(RDF.type, OWL.AllDisjointClasses), OWL.members):
        for a in group:
            disjoint.setdefault(a, set()).update(b for b in group if b != a)
    for a, b in g.subject_objects(OWL.disjointWith):
        disjoint.setdefault(a, set()).add(b)
        disjoint.setdefault(b, set()).add(a)

    def mentions(node, predicate) -> list:
        """The properties whose domain (or range) is `node` or a union naming it."""
        found = []
        for prop, value in g.subject_objects(predicate):
            if value == node or (isinstance(value, rdflib.BNode) and g.value(value, OWL.unionOf) is not None
                                 and node in list(Collection(g, g.value(value, OWL.unionOf)))):  # fmt: skip
                found.append(prop)
        return found

    classes = []
    for node in sorted({s for s in g.subjects(RDF.type, OWL.Class) if is_ours(s)}, key=str):
        item = entry(node)
        item.update(
            superclasses=terms(g.objects(node, RDFS.subClassOf)),
            subclasses=terms(s for s in g.subjects(RDFS.subClassOf, node) if is_ours(s)),
            equivalent=terms(g.objects(node, OWL.equivalentClass)),
            disjoint=terms(disjoint.get(node, ())),
            domain_of=terms(mentions(node, RDFS.domain)),
            range_of=terms(mentions(node, RDFS.range)),
            instances=terms(s for s in g.subjects(RDF.type, node) if is_ours(s)),
        )
        classes.append(item)

    properties = []
    for owl_type, section, zh, en in KINDS:
        items = []
        for node in sorted({s for s in g.subjects(RDF.type, OWL[owl_type]) if is_ours(s)}, key=str):
            item = entry(node)
            chain = g.value(node, OWL.propertyChainAxiom)
            inverse = list(g.objects(node, OWL.inverseOf)) + list(g.subjects(OWL.inverseOf, node))
            item.update(
                domain=terms(g.objects(node, RDFS.domain)),
                range=terms(g.objects(node, RDFS.range)),
                superproperties=terms(g.objects(node, RDFS.subPropertyOf)),
                subproperties=terms(s for s in g.subjects(RDFS.subPropertyOf, node) if is_ours(s)),
                inverse=terms(inverse),
                equivalent=terms(g.objects(node, OWL.equivalentProperty)),
                chain=[term(n) for n in Collection(g, chain)] if chain is not None else [],
                characteristics=[CHARACTERISTICS[c[len(str(OWL)):]] for c in sorted(map(str, g.objects(node, RDF.type)))
                                 if c.startswith(str(OWL)) and c[len(str(OWL)):] in CHARACTERISTICS],
            )  # fmt: skip
            items.append(item)
        properties.append({"id": section, "zh": zh, "en": en, "items": items})

    individuals = []
    for node in sorted({s for s in g.subjects(RDF.type, OWL.NamedIndividual) if is_ours(s)}, key=str):
        item = entry(node)
        item["types"] = terms(t for t in g.objects(node, RDF.type) if t != OWL.NamedIndividual)
        individuals.append(item)

    ontology = URIRef(ONTOLOGY_IRI)
    title, description = texts(ontology, DCTERMS.title), texts(ontology, DCTERMS.description)
    return {
        "iri": ONTOLOGY_IRI,
        "namespace": str(g.value(ontology, vann.preferredNamespaceUri) or PK),
        "prefix": str(g.value(ontology, vann.preferredNamespacePrefix) or "pk"),
        "version": str(g.value(ontology, OWL.versionInfo) or ""),
        "version_iri": str(g.value(ontology, OWL.versionIRI) or ""),
        "license": str(g.value(ontology, DCTERMS.license) or ""),
        "title_zh": title.get("zh", ""),
        "title_en": title.get("en", ""),
        "description_zh": description.get("zh", ""),
        "description_en": description.get("en", ""),
        "classes": classes,
        "properties": properties,
        "individuals": individuals,
        "prefixes": sorted(PREFIXES.items()),
    }


@router.get("/ontology", response_class=HTMLResponse, include_in_schema=False)
async def ontology_page(
    request: Request,
    fmt: Annotated[str | None, Query(alias="format", description="html (default) or ttl")] = None,
) -> Response:
    accept = request.headers.get("accept", "")
    if fmt == "ttl" or (fmt is None and "text/turtle" in accept and "text/html" not in accept):
        return await ontology_turtle()
    model = ontology_model()
    return render(request, "ontology.html", {
        "title": "本体文档",
        "onto": model,
        "twins": [{"label": "Turtle", "href": "/ontology.ttl"}],
        "alternates": [{"type": "text/turtle", "href": "/ontology.ttl"}],
    })  # fmt: skip


@router.get("/ontology.ttl", response_class=Response, summary="The plankg ontology (OWL 2) as Turtle",
            responses={200: {"content": {"text/turtle": {}}}})  # fmt: skip
async def ontology_turtle() -> Response:
    return Response(ontology_path().read_bytes(), media_type=TURTLE,
                    headers={"Content-Disposition": 'inline; filename="plankg.ttl"'})  # fmt: skip
