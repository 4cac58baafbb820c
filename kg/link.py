"""Align the tasks of plans of different levels: which provincial task a city task carries out.

For every pair of plans of different levels, every lower-level task is scored against every
higher-level task: the cosine of TF-IDF weighted character bigrams of their titles (counted
twice) and texts, and the overlap of the platforms, technologies and initiatives they name.
Each task's best counterpart becomes a pk:Alignment with its score and evidence; the confident
ones also get pk:alignedWith.  Higher-level tasks left without a counterpart are the gaps; lower-
level tasks without one are local initiatives.  All of it goes to one graph that each run replaces.

Confident: a pair that are each other's best counterpart (reciprocal best match) scoring at least
CONFIDENT, or any pair scoring at least STRONG (a city task that carries out two provincial ones).
On tests/data/jiangxi_province_2025.alignment.json the 17 right pairs are all reciprocal and score
0.16 to 0.59; the best candidates of the two provincial tasks with no counterpart are not
reciprocal (0.16, 0.06), nor are those of the city's own tasks (at most 0.08).

A plan is compared with the plans above it; where both plans' regions are in the registry of
regions, only with those whose region contains its own (a county of 九江 carries out 九江's and
江西's plans, not 南昌's).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox
from plankg.kg.ids import iri, short_hash
from plankg.kg.registry import PK
from plankg.kg.store import PlanStore

LINKS_GRAPH = iri("graph", "links")
LEVEL_RANK = {PK + "National": 0, PK + "Provincial": 1, PK + "Municipal": 2, PK + "County": 3}
TEXT_WEIGHT, ENTITY_WEIGHT = 0.75, 0.25
CONFIDENT = 0.12  # a reciprocal best match from here on is confident (pk:alignedWith)
STRONG = 0.3  # any match from here on is confident, reciprocal or not
# Words every task of the genre uses: they say nothing about which task matches which.
STOP_BIGRAMS = {
    "推进", "推动", "加强", "加快", "提升", "完善", "建设", "健全", "深化", "强化", "持续", "全面", "进一", "一步",
}  # fmt: skip
_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")


@dataclass
class TaskInfo:
    iri: str
    plan: str
    number: int
    title: str
    text: str
    entities: set[str] = field(default_factory=set)
    entity_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    lower: TaskInfo
    higher: TaskInfo
    score: float
    evidence: str
    reciprocal: bool = False  # each is the other's best counterpart

    @property
    def confident(self) -> bool:
        return self.score >= STRONG or (self.reciprocal and self.score >= CONFIDENT)


@dataclass
class PairReport:
    lower_plan: str
    higher_plan: str
    matches: list[Match]  # the best higher task of every lower task, and vice versa
    gaps: list[TaskInfo]  # higher-level tasks with no counterpart below
    local: list[TaskInfo]  # lower-level tasks with none above


def link_store(store: PlanStore) -> list[PairReport]:
    plans = _plans(store)
    tasks = _tasks(store)
    within = _regions_within(store)
    reports = []
    for lower, (lower_rank, lower_region) in plans.items():
        for higher, (higher_rank, higher_region) in plans.items():
            if higher_rank < lower_rank and _may_carry_out(lower_region, higher_region, within):
                reports.append(align(tasks.get(lower, []), tasks.get(higher, []), lower, higher))
    store.replace_graph(LINKS_GRAPH, sorted({t for report in reports for t in _triples(report)}, key=str))
    store.flush()
    return reports


def align(lower_tasks: list[TaskInfo], higher_tasks: list[TaskInfo], lower: str, higher: str) -> PairReport:
    documents = [_bigrams(t) for t in lower_tasks + higher_tasks]
    idf = _idf(documents)
    vectors = [_tfidf(doc, idf) for doc in documents]
    lower_vectors, higher_vectors = vectors[: len(lower_tasks)], vectors[len(lower_tasks) :]
    scores = [[_score(a, va, b, vb) for b, vb in zip(higher_tasks, higher_vectors, strict=True)]
              for a, va in zip(lower_tasks, lower_vectors, strict=True)]  # fmt: skip
    best_above = {i: max(range(len(higher_tasks)), key=lambda k: scores[i][k]) for i in range(len(lower_tasks))
                  if higher_tasks}  # fmt: skip
    best_below = {j: max(range(len(lower_tasks)), key=lambda k: scores[k][j]) for j in range(len(higher_tasks))
                  if lower_tasks}  # fmt: skip
    chosen = {(i, j) for i, j in best_above.items()} | {(i, j) for j, i in best_below.items()}
    matches = [
        Match(lower_tasks[i], higher_tasks[j], round(scores[i][j], 3),
              _evidence(lower_tasks[i], lower_vectors[i], higher_tasks[j], higher_vectors[j], idf),
              best_above.get(i) == j and best_below.get(j) == i)
        for i, j in sorted(chosen)
    ]  # fmt: skip
    confident = [m for m in matches if m.confident]
    gaps = [t for t in higher_tasks if not any(m.higher is t for m in confident)]
    local = [t for t in lower_tasks if not any(m.lower is t for m in confident)]
    return PairReport(lower, higher, matches, gaps, local)


def best_counterparts(report: PairReport) -> dict[str, Match]:
    """For each higher-level task (by IRI), its best lower-level task."""
    best: dict[str, Match] = {}
    for match in report.matches:
        current = best.get(match.higher.iri)
        if current is None or match.score > current.score:
            best[match.higher.iri] = match
    return best


def _score(a: TaskInfo, va: dict[str, float], b: TaskInfo, vb: dict[str, float]) -> float:
    text = _cosine(va, vb)
    union = a.entities | b.entities
    entities = len(a.entities & b.entities) / len(union) if union else 0.0
    return TEXT_WEIGHT * text + ENTITY_WEIGHT * entities


def _bigrams(task: TaskInfo) -> Counter:
    counts: Counter = Counter()
    for weight, text in ((2, task.title), (1, task.text)):
        for piece in _NOT_TEXT.split(text):
            for k in range(len(piece) - 1):
                gram = piece[k : k + 2]
                if gram not in STOP_BIGRAMS:
                    counts[gram] += weight
    return counts


def _idf(documents: list[Counter]) -> dict[str, float]:
    frequency: Counter = Counter()
    for doc in documents:
        frequency.update(doc.keys())
    total = len(documents)
    return {gram: math.log((1 + total) / (1 + n)) + 1 for gram, n in frequency.items()}


def _tfidf(doc: Counter, idf: dict[str, float]) -> dict[str, float]:
    vector = {gram: (1 + math.log(count)) * idf[gram] for gram, count in doc.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {gram: v / norm for gram, v in vector.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(gram, 0.0) for gram, v in a.items())


def _evidence(a: TaskInfo, va: dict[str, float], b: TaskInfo, vb: dict[str, float], idf: dict[str, float]) -> str:
    parts = []
    shared = sorted(a.entities & b.entities, key=lambda e: (a.entity_labels.get(e) or b.entity_labels.get(e) or e))
    names = [a.entity_labels.get(e) or b.entity_labels.get(e) or e for e in shared]
    if names:
        parts.append("共同提及 shared mentions: " + "、".join(names))
    phrases = [p for p in shared_phrases(f"{a.title}。{a.text}", f"{b.title}。{b.text}", idf)
               if not any(p in name for name in names)][:EVIDENCE_PHRASES]  # fmt: skip
    if phrases:
        parts.append("相近表述 shared wording: " + "、".join(phrases))
    return "; ".join(parts) or "无明显共同点 nothing in common"


EVIDENCE_PHRASES = 5


def shared_phrases(a: str, b: str, idf: dict[str, float]) -> list[str]:
    """The longest pieces of wording two texts share (2 characters or more, within one clause),
    the most telling first: by the summed IDF of their bigrams, the genre's stock words left out."""
    found: dict[str, float] = {}
    for piece in _NOT_TEXT.split(a):
        i = 0
        while i < len(piece) - 1:
            j = i + 2
            if piece[i:j] not in b:
                i += 1
                continue
            while j < len(piece) and piece[i : j + 1] in b:
                j += 1
            phrase = piece[i:j]
            grams = [phrase[k : k + 2] for k in range(len(phrase) - 1)]
            weight = sum(idf.get(g, 0.0) for g in grams if g not in STOP_BIGRAMS)
            if weight > 0:
                found[phrase] = weight
            i = j
    ranked = sorted(found, key=lambda p: (-found[p], p))
    kept: list[str] = []
    for phrase in ranked:  # a phrase inside one already kept adds nothing
        if not any(phrase in other for other in kept):
            kept.append(phrase)
    return kept


def _triples(report: PairReport) -> list[ox.Triple]:
    def node(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    rdf_type = node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    decimal = node("http://www.w3.org/2001/XMLSchema#decimal")
    out = []
    for match in report.matches:
        subject = node(iri("alignment", short_hash(match.lower.iri + " " + match.higher.iri, 16)))
        out += [
            ox.Triple(subject, rdf_type, node(PK + "Alignment")),
            ox.Triple(subject, node(PK + "fromTask"), node(match.lower.iri)),
            ox.Triple(subject, node(PK + "toTask"), node(match.higher.iri)),
            ox.Triple(subject, node(PK + "score"), ox.Literal(f"{match.score:.3f}", datatype=decimal)),
            ox.Triple(subject, node(PK + "evidence"), ox.Literal(match.evidence, language="zh")),
        ]
        if match.confident:
            out.append(ox.Triple(node(match.lower.iri), node(PK + "alignedWith"), node(match.higher.iri)))
    return out


def _plans(store: PlanStore) -> dict[str, tuple[int, str | None]]:
    """Every plan built from a document that has tasks: its level's rank and its region."""
    rows = store.select(
        """SELECT DISTINCT ?plan ?level ?region WHERE {
             ?plan a pk:Plan ; pk:level ?level FILTER EXISTS { ?t pk:plan ?plan }
             OPTIONAL { ?plan pk:region ?region }
           } ORDER BY ?plan ?region"""
    )
    plans: dict[str, tuple[int, str | None]] = {}
    for r in rows:
        if r["level"] in LEVEL_RANK and r["plan"] not in plans:
            plans[r["plan"]] = (LEVEL_RANK[r["level"]], r["region"])
    return plans


def _regions_within(store: PlanStore) -> dict[str, set[str]]:
    """Every region the registry places within another: region → the regions it lies within."""
    within: dict[str, set[str]] = {}
    for r in store.select("SELECT DISTINCT ?r ?up WHERE { ?r pk:partOfRegion+ ?up }"):
        within.setdefault(r["r"], set()).add(r["up"])
    return within


def _may_carry_out(lower_region: str | None, higher_region: str | None, within: dict[str, set[str]]) -> bool:
    """False only where both regions are known and the lower plan's lies outside the higher plan's."""
    if not lower_region or not higher_region or lower_region == higher_region:
        return True
    known = set(within) | {up for ups in within.values() for up in ups}
    if lower_region not in known or higher_region not in known:
        return True
    return higher_region in within.get(lower_region, set())


def _tasks(store: PlanStore) -> dict[str, list[TaskInfo]]:
    rows = store.select(
        """SELECT ?task ?plan ?number ?title ?text WHERE {
             ?task a pk:Task ; pk:plan ?plan ; pk:number ?number ; rdfs:label ?title .
             OPTIONAL { ?task pk:text ?text }
             FILTER(LANG(?title) = "zh")
           }"""
    )
    tasks: dict[str, TaskInfo] = {}
    for r in rows:
        tasks.setdefault(r["task"], TaskInfo(r["task"], r["plan"], int(r["number"]), r["title"], r["text"] or ""))
    for r in store.select(
        """SELECT DISTINCT ?task ?entity ?label WHERE {
             ?task pk:mentionsPlatform|pk:mentionsTechnology|pk:mentionsInitiative ?entity .
             OPTIONAL { ?entity skos:prefLabel ?label FILTER(LANG(?label) = "zh") }
           }"""
    ):
        if r["task"] in tasks:
            tasks[r["task"]].entities.add(r["entity"])
            tasks[r["task"]].entity_labels[r["entity"]] = r["label"] or r["entity"]
    by_plan: dict[str, list[TaskInfo]] = {}
    for task in sorted(tasks.values(), key=lambda t: (t.plan, _ordinal(t.iri))):
        by_plan.setdefault(task.plan, []).append(task)
    return by_plan


def _ordinal(task_iri: str) -> int:
    tail = task_iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0
