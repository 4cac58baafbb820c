"""Align the tasks of plans of different levels: which provincial task a city task carries out.

For every pair of plans of different levels, every lower-level task is scored against every
higher-level task: the cosine of TF-IDF weighted character bigrams of their titles (counted
twice) and texts, and the overlap of the platforms, technologies and initiatives they name.
Each task's best counterpart becomes a pk:Alignment with its score and evidence; the confident
ones also get pk:alignedWith.  Higher-level tasks left without a counterpart are the gaps; lower-
level tasks without one are local initiatives.  All of it goes to one graph that each run replaces.
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
CONFIDENT = 0.2  # pk:alignedWith from here on; calibrated on tests/data/jiangxi_province_2025.alignment.json
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
    reports = []
    for lower, lower_rank in plans.items():
        for higher, higher_rank in plans.items():
            if higher_rank < lower_rank:
                reports.append(align(tasks.get(lower, []), tasks.get(higher, []), lower, higher))
    store.replace_graph(LINKS_GRAPH, [t for report in reports for t in _triples(report)])
    store.flush()
    return reports


def align(lower_tasks: list[TaskInfo], higher_tasks: list[TaskInfo], lower: str, higher: str) -> PairReport:
    documents = [_bigrams(t) for t in lower_tasks + higher_tasks]
    idf = _idf(documents)
    vectors = [_tfidf(doc, idf) for doc in documents]
    lower_vectors, higher_vectors = vectors[: len(lower_tasks)], vectors[len(lower_tasks) :]
    scores = [[_score(a, va, b, vb) for b, vb in zip(higher_tasks, higher_vectors, strict=True)]
              for a, va in zip(lower_tasks, lower_vectors, strict=True)]  # fmt: skip
    chosen: dict[tuple[int, int], float] = {}
    for i in range(len(lower_tasks)):
        if higher_tasks:
            j = max(range(len(higher_tasks)), key=lambda k: scores[i][k])
            chosen[(i, j)] = scores[i][j]
    for j in range(len(higher_tasks)):
        if lower_tasks:
            i = max(range(len(lower_tasks)), key=lambda k: scores[k][j])
            chosen[(i, j)] = scores[i][j]
    matches = [
        Match(lower_tasks[i], higher_tasks[j], round(score, 3),
              _evidence(lower_tasks[i], lower_vectors[i], higher_tasks[j], higher_vectors[j]))
        for (i, j), score in sorted(chosen.items())
    ]  # fmt: skip
    confident = [m for m in matches if m.score >= CONFIDENT]
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


def _evidence(a: TaskInfo, va: dict[str, float], b: TaskInfo, vb: dict[str, float]) -> str:
    parts = []
    shared = sorted(a.entities & b.entities)
    if shared:
        names = [a.entity_labels.get(e) or b.entity_labels.get(e) or e for e in shared]
        parts.append("共同提及 shared mentions: " + "、".join(names))
    words = sorted(set(va) & set(vb), key=lambda g: -(va[g] * vb[g]))[:6]
    if words:
        parts.append("相近表述 shared wording: " + "、".join(words))
    return "; ".join(parts) or "无明显共同点 nothing in common"


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
        if match.score >= CONFIDENT:
            out.append(ox.Triple(node(match.lower.iri), node(PK + "alignedWith"), node(match.higher.iri)))
    return out


def _plans(store: PlanStore) -> dict[str, int]:
    rows = store.select(
        "SELECT DISTINCT ?plan ?level WHERE { ?plan a pk:Plan ; pk:level ?level FILTER EXISTS { ?t pk:plan ?plan } }"
    )
    return {r["plan"]: LEVEL_RANK[r["level"]] for r in rows if r["level"] in LEVEL_RANK}


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
