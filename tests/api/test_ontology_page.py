"""/ontology and /ontology.ttl: the ontology documented from ontology/plankg.ttl, every class,
property and individual with its Chinese and English labels, and nothing loaded from elsewhere."""

from __future__ import annotations

import html as html_lib
import re

import pytest
import rdflib
from plankg.kg.registry import ontology_dir
from rdflib import OWL, RDF, RDFS

from .test_pages import BROWSER, assert_offline, assert_safe

PK = "https://w3id.org/plankg/ontology#"
KINDS = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual]


def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "plankg.ttl", format="turtle")


def terms() -> list[tuple[str, str, str]]:
    """(local name, zh label, en label) of every class, property and individual the ontology defines."""
    g = ontology()
    found = []
    for kind in KINDS:
        for subject in g.subjects(RDF.type, kind):
            if not str(subject).startswith(PK):
                continue
            labels = {getattr(o, "language", None): str(o) for o in g.objects(subject, RDFS.label)}
            found.append((str(subject)[len(PK):], labels.get("zh"), labels.get("en")))
    return sorted(set(found))


TERMS = terms()


@pytest.fixture(scope="module")
def page(client) -> str:
    response = client.get("/ontology", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in response.headers
    return response.text


def article(page: str, local: str) -> str:
    """The part of the page that documents one term: from its heading to the next term's."""
    start = page.index(f'<h3 id="{local}">')
    end = page.find("<h3 id=", start + 1)
    return page[start : end if end > 0 else len(page)]


def test_the_ontology_defines_what_the_page_must_show():
    assert len(TERMS) >= 70
    assert all(zh and en for _, zh, en in TERMS), [t for t in TERMS if not (t[1] and t[2])]


@pytest.mark.parametrize(("local", "zh", "en"), TERMS, ids=[t[0] for t in TERMS])
def test_every_term_appears_with_both_labels(page, local, zh, en):
    section = html_lib.unescape(article(page, local))
    assert f"pk:{local}" in section
    assert zh in section and en in section
    assert f'<a href="#{local}">' in page  # in the table of contents


def test_definitions_domains_ranges_and_alignments(page):
    chain = html_lib.unescape(article(page, "touchesPlatform"))
    assert "属性链" in chain and "pk:involvedIn" in chain and "pk:mentionsPlatform" in chain
    assert "∘" in chain
    involved = html_lib.unescape(article(page, "involvedIn"))
    assert "逆属性" in involved and "pk:involvedUnit" in involved
    lead = html_lib.unescape(article(page, "leadUnit"))
    assert "上位属性" in lead and "pk:involvedUnit" in lead
    assert "定义域" in lead and "pk:Task" in lead and "值域" in lead and "pk:Unit" in lead
    plan = html_lib.unescape(article(page, "Plan"))
    assert "eli:LegalResource" in plan and "prov:Entity" in plan  # alignments with other vocabularies
    assert "一份政策文件" in plan and "One policy document" in plan  # the definition in both languages
    number = html_lib.unescape(article(page, "number"))
    assert "函数型 functional" in number and "∪" in number  # domain: a union of classes
    level = html_lib.unescape(article(page, "Level"))
    assert "pk:National" in level and "pk:Provincial" in level


def test_the_page_is_in_chinese_and_loads_nothing_from_elsewhere(page):
    assert '<html lang="zh-CN">' in page
    assert "plankg 本体" in page
    assert_safe(page)
    # the IRIs of other vocabularies are shown as text; no attribute points at another host
    assert_offline(page, data_urls=True)
    for value in re.findall(r'(?:href|src)="([^"]*)"', page):
        assert value.startswith(("/", "#")), value


def test_the_turtle_is_the_ontology_file(client):
    response = client.get("/ontology.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.content == (ontology_dir() / "plankg.ttl").read_bytes()
    parsed = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (rdflib.URIRef(PK + "Plan"), RDF.type, OWL.Class) in parsed
    asked = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert asked.headers["content-type"].startswith("text/turtle") and asked.content == response.content


def test_the_page_links_to_its_turtle_and_the_home_page_to_it(client, page):
    assert 'href="/ontology.ttl"' in page
    assert 'href="/ontology"' in client.get("/", headers=BROWSER).text
