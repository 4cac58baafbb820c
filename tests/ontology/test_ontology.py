"""The ontology and the reference registries in ontology/*.ttl."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from plankg.kg.ids import slug
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
PK = Namespace("https://w3id.org/plankg/ontology#")
PKID = "https://w3id.org/plankg/id/"
REGISTRIES = [
    "regions.ttl",
    "units-jiujiang.ttl",
    "units-jiangxi.ttl",
    "platforms.ttl",
    "technologies.ttl",
    "initiatives.ttl",
]

# The terms of shared/design/vocabulary.md (fixed names), hard-coded on purpose.
VOCABULARY_CLASSES = [
    "Plan",
    "Chapter",
    "Section",
    "Task",
    "Unit",
    "Platform",
    "Technology",
    "Initiative",
    "Region",
    "Alignment",
]
VOCABULARY_PROPERTIES = [
    "plan",
    "chapter",
    "section",
    "number",
    "text",
    "involvedUnit",
    "leadUnit",
    "cooperatingUnit",
    "responsibleUnit",
    "involvedIn",
    "mentionsPlatform",
    "mentionsTechnology",
    "mentionsInitiative",
    "mentionsRegion",
    "touchesPlatform",
    "deadline",
    "deadlineText",
    "level",
    "region",
    "issued",
    "identifier",
    "cites",
    "alignedWith",
    "fromTask",
    "toTask",
    "score",
    "evidence",
]
VOCABULARY_INDIVIDUALS = ["National", "Provincial", "Municipal", "County"]
# Terms the code adds beyond vocabulary.md.
ADDED_CLASSES = [
    "Level",
    "Assignment",
    "PartyOrgan",
    "GovernmentDepartment",
    "PeoplesOrganisation",
    "VerticallyManaged",
    "DevelopmentZone",
    "Collective",
    "PublicInstitution",
    "StateOwnedEnterprise",
]
ADDED_PROPERTIES = [
    "task",
    "unit",
    "role",
    "start",
    "end",
    "sourceFile",
    "checksum",
    "sourceFormat",
    "encoding",
    "approvedBy",
    "addressee",
    "publicity",
    "sourceLine",
    "genre",
    "year",
    "preamble",
    "fullName",
    "collectiveOf",
    "partOfRegion",
    "partOfPlatform",
]
UNIT_TYPES = [PK[c] for c in ADDED_CLASSES[2:]]

# The 38 distinct unit names of the seed plan (shared/gold/seed.json), as the document writes them.
SEED_UNITS = [
    "九江出入境边防检查站",
    "九江海事局",
    "九江海关",
    "九江经开区管委会",
    "各县〔市、区〕人民政府",
    "团市委",
    "市交通运输局",
    "市人社局",
    "市住建局",
    "市公安局",
    "市医保局",
    "市卫健委",
    "市发改委〔市数据局〕",
    "市司法局",
    "市商务局",
    "市国资委",
    "市城市管理局",
    "市妇联",
    "市委保密机要局",
    "市委信访局",
    "市委政法委",
    "市委网信办",
    "市工信局",
    "市市场监管局",
    "市应急管理局",
    "市政府办公室",
    "市文广旅局",
    "市林业局",
    "市民政局",
    "市气象局",
    "市水利局",
    "市港航局",
    "市生态环境局",
    "市科技局",
    "市统计局",
    "市自然资源局",
    "市行政审批局",
    "市财政局",
]
# shared/gold/seed.json "unit_aliases": each list names one unit.
SEED_UNIT_ALIASES = {
    "市发改委〔市数据局〕": [
        "市发改委〔市数据局〕",
        "市发改委",
        "市数据局",
        "市发展和改革委员会",
        "九江市发展和改革委员会",
        "九江市数据局",
    ],
    "各县〔市、区〕人民政府": ["各县〔市、区〕人民政府", "各县(市、区)人民政府", "各县（市、区）人民政府"],
}
SEED_PLATFORMS = ["赣通码", "赣服通", "赣政通", "赣企通", "小赣事", "政务云", "12345热线"]
SEED_TECHNOLOGIES = ["区块链", "人工智能", "大数据", "数字孪生", "实景三维", "IPv6", "信创", "无人机"]
JIUJIANG_COUNTIES = [
    "濂溪区",
    "浔阳区",
    "柴桑区",
    "瑞昌市",
    "共青城市",
    "庐山市",
    "修水县",
    "武宁县",
    "永修县",
    "德安县",
    "都昌县",
    "湖口县",
    "彭泽县",
]
REGISTRY_CLASSES = [PK.Unit, PK.Platform, PK.Technology, PK.Initiative, PK.Region]


def _parse(name: str) -> Graph:
    g = Graph()
    g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def onto() -> Graph:
    return _parse("plankg.ttl")


@pytest.fixture(scope="module")
def registry_graphs() -> dict[str, Graph]:
    return {name: _parse(name) for name in REGISTRIES}


@pytest.fixture(scope="module")
def registries(registry_graphs: dict[str, Graph]) -> Graph:
    g = Graph()
    for part in registry_graphs.values():
        g += part
    return g


def _langs(g: Graph, s: URIRef, p: URIRef) -> set[str | None]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal)}


def _names(g: Graph, s: URIRef) -> set[str]:
    return {str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in g.objects(s, p) if o.language == "zh"}


def _by_name(g: Graph, cls: URIRef) -> dict[str, set[URIRef]]:
    index: dict[str, set[URIRef]] = defaultdict(set)
    for s in g.subjects(RDF.type, cls):
        for name in _names(g, s):
            index[name].add(s)
    return index


# --- every file ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ONTOLOGY_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_every_file_parses(path: Path) -> None:
    g = Graph()
    g.parse(path, format="turtle")
    assert len(g) > 0


def test_expected_files_exist() -> None:
    names = {p.name for p in ONTOLOGY_DIR.glob("*.ttl")}
    assert {"plankg.ttl", *REGISTRIES} <= names


@pytest.mark.parametrize("name", ["plankg.ttl", *REGISTRIES])
def test_every_label_is_language_tagged(name: str) -> None:
    g = _parse(name)
    for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.definition, PK.fullName):
        for s, o in g.subject_objects(p):
            assert isinstance(o, Literal) and o.language, f"{name}: {s} {p} {o!r} has no language tag"


# --- the ontology ----------------------------------------------------------------------------


def test_ontology_header(onto: Graph) -> None:
    iri = URIRef("https://w3id.org/plankg/ontology")
    assert (iri, RDF.type, OWL.Ontology) in onto
    assert onto.value(iri, OWL.versionInfo) is not None
    assert onto.value(iri, URIRef("http://purl.org/dc/terms/title")) is not None


@pytest.mark.parametrize(
    "term",
    VOCABULARY_CLASSES + VOCABULARY_PROPERTIES + VOCABULARY_INDIVIDUALS + ADDED_CLASSES + ADDED_PROPERTIES,
)
def test_term_declared_with_labels_and_definitions(onto: Graph, term: str) -> None:
    iri = PK[term]
    kinds = set(onto.objects(iri, RDF.type))
    declared = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, PK.Level}
    assert kinds & declared, f"pk:{term} is not declared"
    assert {"zh", "en"} <= _langs(onto, iri, RDFS.label), f"pk:{term} needs rdfs:label @zh and @en"
    assert {"zh", "en"} <= _langs(onto, iri, SKOS.definition), f"pk:{term} needs skos:definition @zh and @en"


@pytest.mark.parametrize("term", VOCABULARY_CLASSES + ADDED_CLASSES)
def test_classes_are_owl_classes(onto: Graph, term: str) -> None:
    assert (PK[term], RDF.type, OWL.Class) in onto


def test_no_undeclared_pk_terms_used(onto: Graph, registries: Graph) -> None:
    """Every pk: IRI used anywhere is declared in plankg.ttl (catches typos such as pk:leadunit)."""
    declared = {s for s in onto.subjects(RDF.type, None) if str(s).startswith(str(PK))}
    both = onto + registries
    used = {t for triple in both for t in triple if isinstance(t, URIRef) and str(t).startswith(str(PK))}
    assert used <= declared, sorted(used - declared)


def test_involved_unit_is_super_property(onto: Graph) -> None:
    for p in ("leadUnit", "cooperatingUnit", "responsibleUnit"):
        assert (PK[p], RDFS.subPropertyOf, PK.involvedUnit) in onto


def test_involved_in_is_inverse(onto: Graph) -> None:
    assert (PK.involvedIn, OWL.inverseOf, PK.involvedUnit) in onto


def test_touches_platform_property_chain(onto: Graph) -> None:
    chains = list(onto.objects(PK.touchesPlatform, OWL.propertyChainAxiom))
    assert len(chains) == 1
    assert list(Collection(onto, chains[0])) == [PK.involvedIn, PK.mentionsPlatform]


def test_level_range_and_individuals(onto: Graph) -> None:
    assert (PK.level, RDFS.range, PK.Level) in onto
    for ind in VOCABULARY_INDIVIDUALS:
        assert (PK[ind], RDF.type, PK.Level) in onto


def test_unit_types_are_disjoint_subclasses(onto: Graph) -> None:
    for cls in UNIT_TYPES:
        assert (cls, RDFS.subClassOf, PK.Unit) in onto
    member_lists = [
        set(Collection(onto, m))
        for d in onto.subjects(RDF.type, OWL.AllDisjointClasses)
        for m in onto.objects(d, OWL.members)
    ]
    assert set(UNIT_TYPES) in member_lists
    assert any(
        {PK.Plan, PK.Chapter, PK.Section, PK.Task, PK.Unit, PK.Platform, PK.Region} <= m for m in member_lists
    )


def test_alignments(onto: Graph) -> None:
    eli = Namespace("http://data.europa.eu/eli/ontology#")
    dcterms = Namespace("http://purl.org/dc/terms/")
    assert (PK.Plan, RDFS.subClassOf, eli.LegalResource) in onto
    assert (PK.Plan, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in onto
    for c in ("Chapter", "Section", "Task"):
        assert (PK[c], RDFS.subClassOf, eli.LegalResourceSubdivision) in onto
    assert (PK.Unit, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in onto
    assert (PK.Technology, RDFS.subClassOf, SKOS.Concept) in onto
    assert (PK.Initiative, RDFS.subClassOf, SKOS.Concept) in onto
    assert (PK.issued, RDFS.subPropertyOf, dcterms.issued) in onto
    assert (PK.identifier, RDFS.subPropertyOf, dcterms.identifier) in onto
    assert (PK.cites, RDFS.subPropertyOf, dcterms.references) in onto
    assert (PK.plan, RDFS.subPropertyOf, dcterms.isPartOf) in onto
    assert (PK.fullName, RDFS.subPropertyOf, SKOS.altLabel) in onto


# --- the registries --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", REGISTRY_CLASSES, ids=lambda c: c.split("#")[-1])
def test_every_individual_has_a_zh_pref_label(registries: Graph, cls: URIRef) -> None:
    individuals = list(registries.subjects(RDF.type, cls))
    assert individuals
    for s in individuals:
        assert isinstance(s, URIRef) and str(s).startswith(PKID), f"{s} is not a pkid: IRI"
        zh = [o for o in registries.objects(s, SKOS.prefLabel) if o.language == "zh"]
        assert len(zh) == 1, f"{s} needs exactly one @zh skos:prefLabel"
        assert (s, RDFS.label, zh[0]) in registries, f"{s} needs rdfs:label {zh[0]}"


def test_no_blank_node_individuals(registries: Graph) -> None:
    assert not [s for s in registries.subjects() if isinstance(s, BNode)]


@pytest.mark.parametrize("cls", REGISTRY_CLASSES, ids=lambda c: c.split("#")[-1])
def test_no_alias_names_two_individuals(registries: Graph, cls: URIRef) -> None:
    shared = {n: sorted(s) for n, s in _by_name(registries, cls).items() if len(s) > 1}
    assert not shared, shared


def test_every_unit_is_typed(registries: Graph) -> None:
    for s in registries.subjects(RDF.type, PK.Unit):
        types = set(registries.objects(s, RDF.type)) & set(UNIT_TYPES)
        assert len(types) == 1, f"{s} needs exactly one unit type, has {types}"
        assert registries.value(s, PK.level) is not None or (s, RDF.type, PK.Collective) in registries
        assert registries.value(s, PK.region) is not None


def test_unit_iris_follow_slug(registry_graphs: dict[str, Graph]) -> None:
    for name, place in (("units-jiujiang.ttl", "jiujiang"), ("units-jiangxi.ttl", "jiangxi")):
        g = registry_graphs[name]
        for s in g.subjects(RDF.type, PK.Unit):
            pref = next(o for o in g.objects(s, SKOS.prefLabel) if o.language == "zh")
            assert str(s) == f"{PKID}unit/{place}/{slug(str(pref))}"


@pytest.mark.parametrize("name", SEED_UNITS)
def test_seed_unit_resolves_to_one_unit(registry_graphs: dict[str, Graph], name: str) -> None:
    g = registry_graphs["units-jiujiang.ttl"]
    found = _by_name(g, PK.Unit).get(name, set())
    assert len(found) == 1, f"{name} resolves to {sorted(found)}"


def test_seed_unit_count() -> None:
    assert len(set(SEED_UNITS)) == 38


def test_seed_unit_pref_labels_are_as_written(registry_graphs: dict[str, Graph]) -> None:
    g = registry_graphs["units-jiujiang.ttl"]
    prefs = {str(o) for s in g.subjects(RDF.type, PK.Unit) for o in g.objects(s, SKOS.prefLabel)}
    assert set(SEED_UNITS) <= prefs


@pytest.mark.parametrize("pref", sorted(SEED_UNIT_ALIASES))
def test_seed_aliases_name_one_unit(registry_graphs: dict[str, Graph], pref: str) -> None:
    index = _by_name(registry_graphs["units-jiujiang.ttl"], PK.Unit)
    units = {u for alias in SEED_UNIT_ALIASES[pref] for u in index.get(alias, set())}
    assert len(units) == 1, (pref, units)
    for alias in SEED_UNIT_ALIASES[pref]:
        assert alias in index, alias


def test_collective_of_the_counties(registries: Graph) -> None:
    index = _by_name(registries, PK.Unit)
    (unit,) = index["各县〔市、区〕人民政府"]
    assert (unit, RDF.type, PK.Collective) in registries
    regions = set(registries.objects(unit, PK.collectiveOf))
    names = {str(o) for r in regions for o in registries.objects(r, SKOS.prefLabel) if o.language == "zh"}
    assert names == set(JIUJIANG_COUNTIES)


def test_regions(registries: Graph) -> None:
    index = _by_name(registries, PK.Region)
    jiujiang = URIRef(PKID + "region/jiujiang")
    assert index["九江市"] == {jiujiang}
    assert index["九江"] == {jiujiang}
    assert index["江西省"] == {URIRef(PKID + "region/jiangxi")}
    assert index["中华人民共和国"] == {URIRef(PKID + "region/china")}
    for county in JIUJIANG_COUNTIES:
        (r,) = index[county]
        assert r == URIRef(PKID + "region/" + slug(county))
        assert (r, PK.partOfRegion, jiujiang) in registries
        assert (r, PK.level, PK.County) in registries
    assert index["湖口"] == {URIRef(PKID + "region/" + slug("湖口县"))}
    assert len(list(registries.subjects(PK.partOfRegion, URIRef(PKID + "region/jiangxi")))) == 11


@pytest.mark.parametrize("name", SEED_PLATFORMS)
def test_seed_platforms_are_findable(registries: Graph, name: str) -> None:
    assert len(_by_name(registries, PK.Platform).get(name, set())) == 1


def test_platform_parts(registries: Graph) -> None:
    index = _by_name(registries, PK.Platform)
    (qiye,) = index["企业之家"]
    (ganqitong,) = index["赣企通"]
    assert (qiye, PK.partOfPlatform, ganqitong) in registries
    (xinchuang,) = index["信创云平台"]
    (cloud,) = index["政务云"]
    assert (xinchuang, PK.partOfPlatform, cloud) in registries


@pytest.mark.parametrize("name", SEED_TECHNOLOGIES)
def test_seed_technologies_are_findable(registries: Graph, name: str) -> None:
    assert len(_by_name(registries, PK.Technology).get(name, set())) == 1


def test_concept_schemes(registries: Graph) -> None:
    for cls, scheme in ((PK.Technology, "technologies"), (PK.Initiative, "initiatives")):
        iri = URIRef(f"{PKID}scheme/{scheme}")
        assert (iri, RDF.type, SKOS.ConceptScheme) in registries
        for s in registries.subjects(RDF.type, cls):
            assert (s, RDF.type, SKOS.Concept) in registries
            assert (s, SKOS.inScheme, iri) in registries


def test_technology_broader(registries: Graph) -> None:
    index = _by_name(registries, PK.Technology)
    (ai,) = index["人工智能"]
    (model,) = index["大模型"]
    (uav_rs,) = index["无人机遥感"]
    assert (model, SKOS.broader, ai) in registries
    broader = set(registries.objects(uav_rs, SKOS.broader))
    assert broader == index["无人机"] | index["遥感"]
