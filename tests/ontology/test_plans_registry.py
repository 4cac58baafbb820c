"""ontology/plans.ttl: the register of the national, provincial and city plans the seed stands under."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from plankg.kg.ids import slug
from plankg.kg.parse import GENRES
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
PK = Namespace("https://w3id.org/plankg/ontology#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PKID = "https://w3id.org/plankg/id/"
IDENTIFIER = re.compile(r"^[\u4e00-\u9fff]+〔\d{4}〕\d+号$")
# Lower number = higher level; a plan cites plans of its own level or above.
LEVEL_RANK = {PK.National: 0, PK.Provincial: 1, PK.Municipal: 2}
# The 文号 that issue 5 names as examples, and the others verified for the register.
ISSUE_IDENTIFIERS = ["国发〔2022〕14号", "赣府发〔2023〕8号", "赣府厅字〔2022〕49号"]
EXPECTED_IDENTIFIERS = {*ISSUE_IDENTIFIERS, "国发〔2024〕3号", "赣府厅字〔2023〕35号"}


def _parse(name: str) -> Graph:
    g = Graph()
    g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def plans() -> Graph:
    return _parse("plans.ttl")


@pytest.fixture(scope="module")
def regions() -> Graph:
    return _parse("regions.ttl")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return _parse("plankg.ttl")


def _plans(g: Graph) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, PK.Plan) if isinstance(s, URIRef))


def _one(g: Graph, s: URIRef, p: URIRef):
    values = list(g.objects(s, p))
    assert len(values) == 1, f"{s} needs exactly one {p}, has {values}"
    return values[0]


def _title(g: Graph, s: URIRef) -> str:
    title = _one(g, s, DCTERMS.title)
    assert isinstance(title, Literal) and title.language == "zh", f"{s}: dcterms:title must be @zh"
    return str(title)


def test_file_parses_and_holds_plans(plans: Graph) -> None:
    assert len(plans) > 0
    assert len(_plans(plans)) >= 5


def test_every_plan_is_a_pkid_plan_iri(plans: Graph) -> None:
    for s in plans.subjects(RDF.type, PK.Plan):
        assert isinstance(s, URIRef) and str(s).startswith(PKID + "plan/"), s


def test_iri_is_the_slug_of_the_title(plans: Graph) -> None:
    """The builder names a plan pkid:plan/<slug(title, max_len=96)>; the register must agree."""
    for s in _plans(plans):
        assert str(s) == f"{PKID}plan/{slug(_title(plans, s), max_len=96)}"


def test_label_equals_title(plans: Graph) -> None:
    for s in _plans(plans):
        label = _one(plans, s, RDFS.label)
        assert label == Literal(_title(plans, s), lang="zh"), s


def test_identifier_form(plans: Graph) -> None:
    for s in _plans(plans):
        for ident in plans.objects(s, PK.identifier):
            assert isinstance(ident, Literal) and ident.language is None, f"{s}: 文号 is a plain literal"
            assert IDENTIFIER.match(str(ident)), f"{s}: {ident!r} is not a 文号 such as 国发〔2022〕14号"
        assert len(list(plans.objects(s, PK.identifier))) <= 1, s


def test_identifiers_are_unique(plans: Graph) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for s, ident in plans.subject_objects(PK.identifier):
        owners[str(ident)].add(s)
    assert not {k: v for k, v in owners.items() if len(v) > 1}


def test_expected_identifiers_present(plans: Graph) -> None:
    found = {str(o) for o in plans.objects(None, PK.identifier)}
    assert found >= EXPECTED_IDENTIFIERS


@pytest.mark.parametrize("ident", ISSUE_IDENTIFIERS)
def test_issue_identifiers_resolve_to_one_plan(plans: Graph, ident: str) -> None:
    assert len(list(plans.subjects(PK.identifier, Literal(ident)))) == 1


def test_issued_date(plans: Graph) -> None:
    for s in _plans(plans):
        issued = _one(plans, s, PK.issued)
        assert isinstance(issued, Literal) and issued.datatype == XSD.date, s
        assert issued.toPython().year >= 2020, s


def test_level_and_region(plans: Graph, regions: Graph) -> None:
    for s in _plans(plans):
        level = _one(plans, s, PK.level)
        assert level in LEVEL_RANK, f"{s}: {level}"
        region = _one(plans, s, PK.region)
        assert (region, RDF.type, PK.Region) in regions, f"{s}: {region} is not in regions.ttl"
        assert (region, PK.level, level) in regions, f"{s}: region {region} is not of level {level}"


def test_source_is_a_literal_url(plans: Graph) -> None:
    for s in _plans(plans):
        sources = list(plans.objects(s, DCTERMS.source))
        assert sources, f"{s} has no dcterms:source"
        for src in sources:
            assert isinstance(src, Literal), f"{s}: dcterms:source must be a literal, not {src!r}"
            assert re.match(r"^https?://\S+$", str(src)), f"{s}: {src!r}"


def test_every_plan_has_a_note_on_confidence(plans: Graph) -> None:
    for s in _plans(plans):
        notes = [n for n in plans.objects(s, SKOS.note) if isinstance(n, Literal) and n.language]
        assert notes, f"{s} needs a language-tagged skos:note"
        assert any("confidence" in str(n).lower() for n in notes), s


def test_creator_is_a_zh_literal(plans: Graph) -> None:
    for s, creator in plans.subject_objects(DCTERMS.creator):
        assert isinstance(creator, Literal) and creator.language == "zh", f"{s}: {creator!r}"


def test_every_label_is_language_tagged(plans: Graph) -> None:
    for p in (RDFS.label, DCTERMS.title, SKOS.altLabel, SKOS.note, PK.genre, PK.approvedBy):
        for s, o in plans.subject_objects(p):
            assert isinstance(o, Literal) and o.language, f"{s} {p} {o!r} has no language tag"


def test_no_alias_names_two_plans(plans: Graph) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for s in _plans(plans):
        for p in (RDFS.label, SKOS.altLabel):
            for o in plans.objects(s, p):
                owners[str(o)].add(s)
    assert not {k: sorted(v) for k, v in owners.items() if len(v) > 1}


def test_genre_follows_the_builder_rule(plans: Graph) -> None:
    """pk:genre is what the builder would find in the title (first of plankg.kg.parse.GENRES)."""
    for s in _plans(plans):
        expected = next((g for g in GENRES if g in _title(plans, s)), None)
        genre = plans.value(s, PK.genre)
        assert (str(genre) if genre is not None else None) == expected, s


def test_cites_go_to_registered_plans_of_the_same_or_a_higher_level(plans: Graph) -> None:
    known = set(_plans(plans))
    for s, cited in plans.subject_objects(PK.cites):
        assert s in known and cited in known, (s, cited)
        assert s != cited
        assert LEVEL_RANK[plans.value(cited, PK.level)] <= LEVEL_RANK[plans.value(s, PK.level)], (s, cited)
        assert plans.value(cited, PK.issued).toPython() <= plans.value(s, PK.issued).toPython(), (s, cited)


def test_chain_from_city_to_nation(plans: Graph) -> None:
    """The city plan cites the provincial plans, which cite the national ones."""
    by_id = {str(o): s for s, o in plans.subject_objects(PK.identifier)}
    city = [s for s in _plans(plans) if plans.value(s, PK.level) == PK.Municipal]
    assert city
    cited = {c for s in city for c in plans.objects(s, PK.cites)}
    assert {by_id["赣府发〔2023〕8号"], by_id["赣府厅字〔2022〕49号"], by_id["国发〔2022〕14号"]} <= cited
    assert (by_id["赣府发〔2023〕8号"], PK.cites, by_id["国发〔2022〕14号"]) in plans


def test_no_undeclared_pk_terms(plans: Graph, onto: Graph) -> None:
    declared = {s for s in onto.subjects(RDF.type, None) if str(s).startswith(str(PK))}
    used = {t for triple in plans for t in triple if isinstance(t, URIRef) and str(t).startswith(str(PK))}
    assert used <= declared, sorted(used - declared)
