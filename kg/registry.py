"""The reference registries in ontology/ (units, platforms, technologies, initiatives, regions)
read once into plain gazetteers: normalised label → identifier.  Nothing downstream sees RDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

ONTOLOGY_FILE = "plankg.ttl"
PK = "https://w3id.org/plankg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
KINDS = ("Unit", "Platform", "Technology", "Initiative", "Region", "Plan")
MIN_MENTION_LENGTH = 2  # one-character aliases (赣 for 江西) are too ambiguous to find in text


def ontology_dir() -> Path:
    return Path(str(resources.files("plankg.ontology")))


def ttl_files() -> list[Path]:
    """The ontology first, then every registry file."""
    files = sorted(ontology_dir().glob("*.ttl"))
    return sorted(files, key=lambda p: p.name != ONTOLOGY_FILE)


def name_key(name: str) -> str:
    """The form two names are compared in: brackets unified, quotes and spaces dropped."""
    name = re.sub(r"[〔（(\[【]", "(", name)
    name = re.sub(r"[〕）)\]】]", ")", name)
    name = re.sub(r"[“”「」『』\"'‘’《》\s]", "", name)
    return name


@dataclass(frozen=True)
class Entry:
    iri: str
    kind: str
    label: str  # skos:prefLabel@zh
    region: str | None = None  # the region IRI of a unit
    level: str | None = None


@dataclass
class Registry:
    entries: dict[str, Entry] = field(default_factory=dict)  # iri → entry
    labels: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # kind → name key → iris
    region_names: dict[str, str] = field(default_factory=dict)  # name key → region iri
    identifiers: dict[str, str] = field(default_factory=dict)  # 文号 → plan iri
    _mentions: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False)

    def lookup(self, kind: str, name: str) -> set[str]:
        return self.labels.get(kind, {}).get(name_key(name), set())

    def unit(self, name: str, region: str | None) -> Entry | None:
        """The registry unit a name stands for in a plan of this region (units are local)."""
        # 市公安局 in a plan of an unknown place is not 九江's: without a region, no registry unit
        candidates = [self.entries[i] for i in self.lookup("Unit", name) if self.entries[i].region == region]
        return candidates[0] if region is not None and len(candidates) == 1 else None

    def mention_labels(self, kind: str) -> list[tuple[str, str]]:
        """(label, iri) pairs to look for in text, longest first; ambiguous and 1-character labels left out."""
        if kind not in self._mentions:
            pairs = [
                (label, next(iter(iris)))
                for label, iris in self.labels.get(kind, {}).items()
                if len(label) >= MIN_MENTION_LENGTH and len(iris) == 1
            ]
            self._mentions[kind] = sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))
        return self._mentions[kind]


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Read every registry file in ontology/ (with rdflib) into gazetteers."""
    import rdflib

    graph = rdflib.Graph()
    for path in ttl_files():
        graph.parse(path, format="turtle")
    return registry_from_graph(graph)


def registry_from_graph(graph) -> Registry:
    import rdflib

    rdf_type = rdflib.RDF.type
    registry = Registry()
    kinds = {rdflib.URIRef(PK + kind): kind for kind in KINDS}
    pref, alt, label = (rdflib.URIRef(SKOS + "prefLabel"), rdflib.URIRef(SKOS + "altLabel"),
                        rdflib.URIRef(RDFS + "label"))  # fmt: skip
    region_p, level_p = rdflib.URIRef(PK + "region"), rdflib.URIRef(PK + "level")
    for class_iri, kind in kinds.items():
        for subject in graph.subjects(rdf_type, class_iri):
            names = [o for p in (pref, alt, label) for o in graph.objects(subject, p)]
            zh = [str(n) for n in names if getattr(n, "language", None) in ("zh", "zh-hans", "zh-cn", "zh-hant", None)]
            prefs = [str(o) for o in graph.objects(subject, pref) if getattr(o, "language", None) in ("zh", None)]
            if not zh:
                continue
            region = next(iter(graph.objects(subject, region_p)), None)
            level = next(iter(graph.objects(subject, level_p)), None)
            entry = Entry(str(subject), kind, prefs[0] if prefs else zh[0],
                          str(region) if region else None, str(level) if level else None)  # fmt: skip
            registry.entries[entry.iri] = entry
            for name in zh:
                registry.labels.setdefault(kind, {}).setdefault(name_key(name), set()).add(entry.iri)
            if kind == "Plan":
                for identifier in graph.objects(subject, rdflib.URIRef(PK + "identifier")):
                    registry.identifiers[str(identifier)] = entry.iri
            if kind == "Region":
                for name in zh:
                    registry.region_names[name_key(name)] = entry.iri
    return registry
