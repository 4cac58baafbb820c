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


# Full names of bodies and the short forms plans use for them, longest first: two spellings of
# one unit (新余市发展和改革委员会 / 市发改委) get one key.
UNIT_ABBREVIATIONS = (
    ("网络安全和信息化委员会办公室", "网信办"), ("文化广电新闻出版旅游局", "文广新旅局"),
    ("人力资源和社会保障局", "人社局"),
    ("人力资源社会保障局", "人社局"), ("国有资产监督管理委员会", "国资委"), ("城市管理和综合执法局", "城管局"),
    ("发展和改革委员会", "发改委"), ("住房和城乡建设局", "住建局"), ("住房和城乡建设厅", "住建厅"),
    ("卫生健康委员会", "卫健委"), ("市场监督管理局", "市场监管局"), ("工业和信息化局", "工信局"),
    ("工业和信息化厅", "工信厅"), ("自然资源和规划局", "自然资源局"), ("文化广电旅游局", "文广旅局"),
    ("退役军人事务局", "退役军人局"), ("发展改革委员会", "发改委"), ("政务服务管理局", "政务服务局"),
    ("文化和旅游局", "文旅局"), ("文化和旅游厅", "文旅厅"), ("科学技术局", "科技局"), ("科学技术厅", "科技厅"),
    ("医疗保障局", "医保局"), ("教育体育局", "教体局"), ("城市管理局", "城管局"), ("发展改革委", "发改委"),
    ("卫生健康委", "卫健委"), ("人民政府办公室", "政府办公室"), ("人民政府办公厅", "政府办公厅"), ("人民政府", "政府"),
)  # fmt: skip


def unit_key(name: str, region_name: str | None) -> str:
    """The form in which two names of one unit agree: 新余市发展和改革委员会 and 市发改委 → 市发改委."""
    key = name_key(name)
    key = re.sub(r"^中共", "", key)
    if region_name:
        short = name_key(region_name)
        level_char = short[-1]  # 新余市 → 市, 江西省 → 省, 修水县 → 县
        if key.startswith(short):
            key = level_char + key[len(short) :]
        elif len(short) > 2 and key.startswith(short[:-1]) and not key.startswith(short[:-1] + level_char):
            key = level_char + key[len(short) - 1 :]  # 新余发改委 → 市发改委
    for long, short_form in UNIT_ABBREVIATIONS:
        key = key.replace(long, short_form)
    return key


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
    _unit_keys: dict[tuple[str, str], set[str]] = field(default_factory=dict, repr=False)

    def lookup(self, kind: str, name: str) -> set[str]:
        return self.labels.get(kind, {}).get(name_key(name), set())

    def unit(self, name: str, region: str | None) -> Entry | None:
        """The registry unit a name stands for in a plan of this region (units are local)."""
        # 市公安局 in a plan of an unknown place is not 九江's: without a region, no registry unit
        candidates = [self.entries[i] for i in self.lookup("Unit", name) if self.entries[i].region == region]
        return candidates[0] if region is not None and len(candidates) == 1 else None

    def unit_by_key(self, key: str, region: str | None) -> Entry | None:
        """The registry unit whose names share this unit_key(), in this region."""
        if region is None:
            return None
        if not self._unit_keys:
            for entry in self.entries.values():
                if entry.kind != "Unit" or entry.region is None:
                    continue
                region_entry = self.entries.get(entry.region)
                region_label = region_entry.label if region_entry else None
                for label, iris in self.labels.get("Unit", {}).items():
                    if entry.iri in iris:
                        self._unit_keys.setdefault((unit_key(label, region_label), entry.region), set()).add(entry.iri)
        found = self._unit_keys.get((key, region), set())
        return self.entries[next(iter(found))] if len(found) == 1 else None

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
    """Read every registry file in ontology/ into gazetteers (parsed by the engine: rdflib's Turtle
    parser took half a second a build, in every worker process)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in ttl_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return registry_from_store(store)


def registry_from_store(store) -> Registry:
    """Gazetteers from a pyoxigraph store holding the ontology and the registries."""
    import pyoxigraph as ox

    def objects(subject, predicate: str) -> list:
        return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]

    zh_tags = ("zh", "zh-hans", "zh-cn", "zh-hant", None)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    registry = Registry()
    for kind in KINDS:
        subjects = {q.subject for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(PK + kind))}
        for subject in sorted(subjects, key=str):
            names = [o for p in (SKOS + "prefLabel", SKOS + "altLabel", RDFS + "label") for o in objects(subject, p)]
            zh = [n.value for n in names if isinstance(n, ox.Literal) and n.language in zh_tags]
            prefs = [o.value for o in objects(subject, SKOS + "prefLabel")
                     if isinstance(o, ox.Literal) and o.language in ("zh", None)]  # fmt: skip
            if not zh:
                continue
            region = next(iter(objects(subject, PK + "region")), None)
            level = next(iter(objects(subject, PK + "level")), None)
            entry = Entry(subject.value, kind, prefs[0] if prefs else zh[0],
                          region.value if region else None, level.value if level else None)  # fmt: skip
            registry.entries[entry.iri] = entry
            for name in zh:
                registry.labels.setdefault(kind, {}).setdefault(name_key(name), set()).add(entry.iri)
            if kind == "Plan":
                for identifier in objects(subject, PK + "identifier"):
                    registry.identifiers[identifier.value] = entry.iri
            if kind == "Region":
                for name in zh:
                    registry.region_names[name_key(name)] = entry.iri
    return registry
