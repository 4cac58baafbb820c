"""Generate kg/vocab.py from ontology/plankg.ttl: the ontology is the one source of truth for
term names, and tests/kg/test_vocab.py fails when the generated module drifts from it.

    python -m plankg.kg.vocabgen          # rewrite kg/vocab.py
"""

from __future__ import annotations

from pathlib import Path

from plankg.kg.registry import ONTOLOGY_FILE, PK, ontology_dir

HEADER = '''"""Terms of the plankg ontology (pk:), generated from ontology/plankg.ttl by kg/vocabgen.py.

Do not edit by hand: run `python -m plankg.kg.vocabgen`.  PK.someTypo raises AttributeError.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class PK(DefinedNamespace):
    _NS = Namespace("{ns}")
    _fail = True

'''


def ontology_terms() -> list[str]:
    """Local names of every term the ontology declares under pk:."""
    import rdflib

    graph = rdflib.Graph().parse(ontology_dir() / ONTOLOGY_FILE, format="turtle")
    names = {str(s)[len(PK):] for s in graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(PK)}
    return sorted(n for n in names if n)


def render(terms: list[str]) -> str:
    body = "".join(f"    {name}: URIRef\n" for name in terms)
    return HEADER.format(ns=PK) + body


def target() -> Path:
    return Path(__file__).with_name("vocab.py")


def main() -> None:
    target().write_text(render(ontology_terms()), encoding="utf-8")


if __name__ == "__main__":
    main()
