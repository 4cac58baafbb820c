"""The data behind every view: plain nodes and edges with their attributes, read from the store.

`load_snapshot(store)` runs a handful of SPARQL queries and returns a Snapshot of plain Python
objects (plans, chapters, tasks, units, assignments, mentions).  Each view is then a pure function
of a snapshot that returns a `Graph` (nodes and edges as dicts ready for JSON), so the views are
tested without a browser and the same data feeds the HTML pages, the charts and the exports.

    coordination(snapshot)         units sized by weighted load, edges between units sharing tasks
    platform(snapshot, name)       a platform, the tasks that mention it and the units on them
    unit(snapshot, name)           a unit, its tasks by role and its partners
    plan(snapshot, name=None)      plan → chapters → tasks → units, platforms, technologies

Weighted load = 2 × lead + 1 × cooperating + 1.5 × responsible (tasks counted once per role).
Names are matched against every label and alias (skos:prefLabel, skos:altLabel, rdfs:label,
pk:fullName), brackets and quotes unified; nothing the user types goes into a query.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from plankg.kg.ids import PKID
from plankg.kg.registry import PK, name_key

ROLES = ("lead", "cooperating", "responsible")
ROLE_WEIGHT = {"lead": 2.0, "cooperating": 1.0, "responsible": 1.5}
ROLE_LABEL = {"lead": "牵头", "cooperating": "配合", "responsible": "负责"}
ROLE_COLOR = {"lead": "#c0392b", "cooperating": "#2e86c1", "responsible": "#8e44ad"}

# Unit types: the pk:Unit subclasses of the ontology, in legend order, with our colours.  Their
# Chinese labels are the ontology's (tests/viz checks they agree); "Unit" is a unit of no known type.
UNIT_TYPES = {
    "PartyOrgan": ("党委部门", "#d62728"),
    "GovernmentDepartment": ("政府部门", "#1f77b4"),
    "PeoplesOrganisation": ("群团组织", "#e377c2"),
    "VerticallyManaged": ("垂直管理单位", "#8c564b"),
    "DevelopmentZone": ("开发区管理机构", "#2ca02c"),
    "PublicInstitution": ("事业单位", "#008080"),
    "StateOwnedEnterprise": ("国有企业", "#bc8f00"),
    "Collective": ("集合主体", "#ff7f0e"),
    "Unit": ("其他单位", "#7f7f7f"),
}
NODE_KINDS = {
    "plan": ("计划", "#34495e", "hexagon"),
    "chapter": ("章", "#6c5ce7", "square"),
    "task": ("任务", "#a29bfe", "dot"),
    "platform": ("平台", "#17a2b8", "diamond"),
    "technology": ("技术", "#b5a000", "triangle"),
    "unit": ("单位", "#1f77b4", "dot"),
}
LEVEL_LABEL = {"National": "国家级", "Provincial": "省级", "Municipal": "市级", "County": "县级"}
LEVEL_COLOR = {"National": "#8e0000", "Provincial": "#d35400", "Municipal": "#1f77b4", "County": "#27ae60"}
MAX_PLANS_DRAWN = 3  # coordination and plan views of more plans than this are aggregated
MAX_UNITS_DRAWN = 300  # ... and so are coordination views of more units than this
AGGREGATES = ("auto", "none", "type", "plan")
_NUMERALS = "零一二三四五六七八九"


class ViewError(ValueError):
    """A view that cannot be drawn: an unknown platform, unit or plan, an empty store."""


# ---- the snapshot ---------------------------------------------------------------------------


@dataclass
class PlanRec:
    iri: str
    title: str
    level: str | None = None
    region: str | None = None
    issued: str | None = None


@dataclass
class ChapterRec:
    iri: str
    plan: str
    number: int | None
    title: str

    @property
    def heading(self) -> str:
        """一、title, as the document writes it."""
        return f"{chinese_numeral(self.number)}、{self.title}" if self.number else self.title


@dataclass
class TaskRec:
    iri: str
    plan: str
    number: int | None
    title: str
    chapter: str | None = None
    text: str | None = None
    deadline: str | None = None
    deadline_text: str | None = None


@dataclass
class UnitRec:
    iri: str
    label: str
    type: str = "Unit"
    level: str | None = None
    names: list[str] = field(default_factory=list)  # every other Chinese label and alias


@dataclass
class ThingRec:
    """A platform or a technology."""

    iri: str
    kind: str
    label: str
    level: str | None = None
    names: list[str] = field(default_factory=list)


@dataclass
class Snapshot:
    plans: dict[str, PlanRec]
    chapters: dict[str, ChapterRec]
    tasks: dict[str, TaskRec]
    units: dict[str, UnitRec]
    assignments: list[tuple[str, str, str]]  # (task, unit, role), distinct
    things: dict[str, ThingRec]  # platforms and technologies
    mentions: list[tuple[str, str]]  # (task, thing), distinct
    type_labels: dict[str, str] = field(default_factory=dict)
    unit_order: dict[tuple[str, str], int] = field(default_factory=dict)  # (task, unit) → offset in the text

    def task_units(self) -> dict[str, dict[str, set[str]]]:
        """task → unit → its roles in the task."""
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for task, unit, role in self.assignments:
            out[task][unit].add(role)
        return out

    def unit_roles(self) -> dict[str, dict[str, set[str]]]:
        """unit → role → the tasks it holds in that role."""
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for task, unit, role in self.assignments:
            out[unit][role].add(task)
        return out

    def task_sort_key(self, task: str) -> tuple:
        rec = self.tasks[task]
        return (self.plans[rec.plan].title if rec.plan in self.plans else "", rec.number or 0, rec.iri)


def _prefer_zh(rows: Iterable[dict], key: str, value: str = "v", lang: str = "lang") -> dict[str, str]:
    """One label per subject: @zh first, then zh-*, then untagged, then anything."""
    rank = {"zh": 0, "": 2}
    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        if row[value] is None:
            continue
        tag = (row.get(lang) or "").lower()
        score = rank.get(tag, 1 if tag.startswith("zh") else 3)
        current = best.get(row[key])
        if current is None or (score, row[value]) < current:
            best[row[key]] = (score, row[value])
    return {k: v for k, (_, v) in best.items()}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _local(iri: str | None) -> str | None:
    return iri[len(PK) :] if iri and iri.startswith(PK) else None


def load_snapshot(store) -> Snapshot:
    """Everything the views need, in six queries over the union of all plans."""
    labels = store.select(
        """SELECT ?s ?v ?lang WHERE {
             { ?s a pk:Plan } UNION { ?s a pk:Chapter } UNION { ?s a pk:Task }
             ?s rdfs:label ?v . BIND(LANG(?v) AS ?lang) }"""
    )
    label = _prefer_zh(labels, "s")
    plans = {}
    for row in store.select(
        """SELECT ?plan ?level ?region ?issued WHERE { ?plan a pk:Plan FILTER EXISTS { ?part pk:plan ?plan }
             OPTIONAL { ?plan pk:level ?level } OPTIONAL { ?plan pk:issued ?issued }
             OPTIONAL { ?plan pk:region ?r . ?r skos:prefLabel|rdfs:label ?region FILTER(LANG(?region) = "zh") } }"""
    ):
        plans[row["plan"]] = PlanRec(
            row["plan"], label.get(row["plan"], row["plan"]), _local(row["level"]), row["region"], row["issued"]
        )
    chapters = {
        row["c"]: ChapterRec(row["c"], row["plan"], _int(row["n"]), label.get(row["c"], ""))
        for row in store.select(
            "SELECT ?c ?plan ?n WHERE { ?c a pk:Chapter ; pk:plan ?plan OPTIONAL { ?c pk:number ?n } }"
        )
    }
    tasks = {}
    for row in store.select(
        """SELECT ?t ?plan ?n ?chapter ?text ?deadline ?deadlineText WHERE { ?t a pk:Task ; pk:plan ?plan .
             OPTIONAL { ?t pk:number ?n } OPTIONAL { ?t pk:chapter ?chapter } OPTIONAL { ?t pk:text ?text }
             OPTIONAL { ?t pk:deadline ?deadline } OPTIONAL { ?t pk:deadlineText ?deadlineText } }"""
    ):
        if row["t"] not in tasks:
            tasks[row["t"]] = TaskRec(
                row["t"],
                row["plan"],
                _int(row["n"]),
                label.get(row["t"], ""),
                row["chapter"],
                row["text"],
                row["deadline"],
                row["deadlineText"],
            )
    assignments = sorted(
        {
            (row["t"], row["u"], row["role"])
            for row in store.select(
                """SELECT ?t ?u ?role WHERE {
                     VALUES (?p ?role) { (pk:leadUnit "lead") (pk:cooperatingUnit "cooperating")
                                         (pk:responsibleUnit "responsible") }
                     ?t a pk:Task ; ?p ?u }"""
            )
        }
    )
    units = _described(
        store.select(
            """SELECT DISTINCT ?s ?p ?v ?lang WHERE {
                 { SELECT DISTINCT ?s WHERE { ?t pk:involvedUnit ?s } }
                 VALUES ?p { skos:prefLabel skos:altLabel rdfs:label pk:fullName pk:level rdf:type }
                 ?s ?p ?v . BIND(LANG(?v) AS ?lang) }"""
        )
    )
    things = _described(
        store.select(
            """SELECT DISTINCT ?s ?p ?v ?lang WHERE {
                 { ?s a pk:Platform } UNION { ?s a pk:Technology }
                 VALUES ?p { skos:prefLabel skos:altLabel rdfs:label pk:level rdf:type }
                 ?s ?p ?v . BIND(LANG(?v) AS ?lang) }"""
        )
    )
    mentions = sorted(
        {
            (row["t"], row["x"])
            for row in store.select(
                """SELECT ?t ?x WHERE { ?t a pk:Task .
                     { ?t pk:mentionsPlatform ?x } UNION { ?t pk:mentionsTechnology ?x } }"""
            )
        }
    )
    type_labels = {
        _local(row["c"]): row["l"]
        for row in store.select(
            """SELECT ?c ?l WHERE { ?c rdfs:subClassOf pk:Unit ; rdfs:label ?l FILTER(LANG(?l) = "zh") }"""
        )
    }
    unit_order: dict[tuple[str, str], int] = {}
    for row in store.select(
        "SELECT ?t ?u ?start WHERE { ?a a pk:Assignment ; pk:task ?t ; pk:unit ?u ; pk:start ?start }"
    ):
        start = _int(row["start"])
        if start is not None:
            key = (row["t"], row["u"])
            unit_order[key] = min(start, unit_order.get(key, start))
    unit_recs = {}
    for iri, d in units.items():
        types = [t for t in (_local(x) for x in d["types"]) if (t in UNIT_TYPES or t in type_labels) and t != "Unit"]
        unit_recs[iri] = UnitRec(
            iri,
            d["label"] or iri.rsplit("/", 1)[-1],
            sorted(types)[0] if types else "Unit",
            _local(d["level"]),
            d["names"],
        )
    thing_recs = {}
    for iri, d in things.items():
        kinds = {_local(x) for x in d["types"]}
        kind = "platform" if "Platform" in kinds else "technology"
        thing_recs[iri] = ThingRec(iri, kind, d["label"] or iri.rsplit("/", 1)[-1], _local(d["level"]), d["names"])
    return Snapshot(
        plans,
        chapters,
        tasks,
        unit_recs,
        assignments,
        thing_recs,
        [m for m in mentions if m[1] in thing_recs],
        type_labels,
        unit_order,
    )


def _described(rows: list[dict]) -> dict[str, dict[str, Any]]:
    """Rows of (subject, property, value, lang) → label, names, level and types per subject."""
    skos = "http://www.w3.org/2004/02/skos/core#"
    pref = _prefer_zh((r for r in rows if r["p"] == skos + "prefLabel"), "s")
    fallback = _prefer_zh((r for r in rows if r["p"] != skos + "prefLabel" and r["lang"]), "s")
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        d = out.setdefault(row["s"], {"label": None, "names": [], "level": None, "types": []})
        if row["p"] == PK + "level":
            d["level"] = row["v"]
        elif row["p"].endswith("#type"):
            d["types"].append(row["v"])
        elif (row["lang"] or "").lower().startswith("zh") and row["v"] not in d["names"]:
            d["names"].append(row["v"])
    for iri, d in out.items():
        d["label"] = pref.get(iri) or fallback.get(iri)
        d["names"] = sorted(n for n in d["names"] if n != d["label"])
    return out


# ---- the graph a view draws -----------------------------------------------------------------


@dataclass
class Graph:
    """What one view draws: nodes and edges as plain dicts, plus what the page needs around them.

    Node: id, label, kind, group (legend key), value (size), color, shape, title (hover text, shown
    as text), href (/id/... or None), details ([name, value] rows), tasks (rows the details list),
    facts ([{chapter, role}]: the filters keep a node when one of its facts passes; none = always).
    Edge: id, from, to, weight, kind, role, facts ([{chapter, roles}]), tasks, title.
    """

    view: str
    title: str
    nodes: list[dict]
    edges: list[dict]
    legend: list[dict]
    chapters: list[dict] = field(default_factory=list)  # [{id, label}] for the chapter filter
    roles: list[dict] = field(default_factory=list)  # [{id, label, color}] for the role filter
    alt_edges: list[dict] = field(default_factory=list)  # lead → cooperating pairs (coordination)
    aggregated: str | None = None
    subtitle: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def node(self, label: str) -> dict:
        """The node with this label (for tests and callers)."""
        for node in self.nodes:
            if node["label"] == label:
                return node
        raise KeyError(label)


def id_href(iri: str) -> str | None:
    """The service's page for an instance: pkid:unit/x → /id/unit/x (relative to the host)."""
    return "/id/" + iri[len(PKID) :] if iri.startswith(PKID) else None


def chinese_numeral(n: int | None) -> str:
    if n is None or n < 0:
        return ""
    if n < 10:
        return _NUMERALS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")
    return str(n)


def weighted_load(lead: int, cooperating: int, responsible: int) -> float:
    return (
        ROLE_WEIGHT["lead"] * lead + ROLE_WEIGHT["cooperating"] * cooperating + ROLE_WEIGHT["responsible"] * responsible
    )


def unit_color(key: str) -> str:
    return UNIT_TYPES.get(key, UNIT_TYPES["Unit"])[1]


def _type_label(snapshot: Snapshot, key: str) -> str:
    return snapshot.type_labels.get(key) or UNIT_TYPES.get(key, UNIT_TYPES["Unit"])[0]


def _fmt(x: float) -> str:
    return f"{x:g}"


def _task_label(snapshot: Snapshot, task: str, with_plan: bool) -> str:
    rec = snapshot.tasks[task]
    text = f"{rec.number}. {rec.title}" if rec.number is not None else rec.title
    if with_plan and rec.plan in snapshot.plans:
        text += f"（{snapshot.plans[rec.plan].title}）"
    return text


def _chapter_filter(snapshot: Snapshot, chapters: Iterable[str], with_plan: bool) -> list[dict]:
    recs = sorted(
        (snapshot.chapters[c] for c in set(chapters) if c in snapshot.chapters),
        key=lambda c: (snapshot.plans[c.plan].title if c.plan in snapshot.plans else "", c.number or 0),
    )
    out = []
    for c in recs:
        text = c.heading
        if with_plan and c.plan in snapshot.plans:
            text = f"{snapshot.plans[c.plan].title}：{text}"
        out.append({"id": c.iri, "label": text})
    return out


def _role_filter(roles: Iterable[str]) -> list[dict]:
    present = set(roles)
    return [{"id": r, "label": ROLE_LABEL[r], "color": ROLE_COLOR[r]} for r in ROLES if r in present]


def _unit_legend(groups: Iterable[str], snapshot: Snapshot) -> list[dict]:
    present = set(groups)
    order = [k for k in UNIT_TYPES if k in present] + sorted(present - set(UNIT_TYPES))
    return [{"key": k, "label": _type_label(snapshot, k), "color": unit_color(k), "shape": "dot"} for k in order]


def _kind_legend(kinds: Iterable[str]) -> list[dict]:
    present = set(kinds)
    return [
        {"key": key, "label": label, "color": color, "shape": shape}
        for key, (label, color, shape) in NODE_KINDS.items()
        if key in present and key != "unit"
    ]


def _unit_node(snapshot: Snapshot, iri: str, roles: dict[str, set[str]], with_plan: bool, **extra) -> dict:
    """A unit node with its load over the tasks in `roles`, its details and its facts."""
    rec = snapshot.units[iri]
    lead, coop, resp = (len(roles.get(r, ())) for r in ROLES)
    load = weighted_load(lead, coop, resp)
    type_label = _type_label(snapshot, rec.type)
    task_rows, facts = [], []
    for role in ROLES:
        for task in sorted(roles.get(role, ()), key=snapshot.task_sort_key):
            task_rows.append({"role": ROLE_LABEL[role], "task": _task_label(snapshot, task, with_plan)})
            facts.append({"chapter": snapshot.tasks[task].chapter, "role": role})
    details = [["名称", rec.label], ["类型", type_label]]
    if rec.level:
        details.append(["层级", LEVEL_LABEL.get(rec.level, rec.level)])
    details += [["牵头", str(lead)], ["配合", str(coop)], ["负责", str(resp)], ["加权负荷", _fmt(load)]]
    if rec.names:
        details.append(["别名", "、".join(rec.names[:12]) + ("……" if len(rec.names) > 12 else "")])
    node = {
        "id": iri,
        "label": rec.label,
        "kind": "unit",
        "group": rec.type,
        "type": rec.type,
        "type_label": type_label,
        "level": rec.level,
        "lead": lead,
        "cooperating": coop,
        "responsible": resp,
        "load": load,
        "value": load,
        "color": unit_color(rec.type),
        "shape": "dot",
        "title": f"{rec.label}\n{type_label} · 牵头 {lead} · 配合 {coop} · 负责 {resp} · 负荷 {_fmt(load)}",
        "href": id_href(iri),
        "names": rec.names,
        "details": details,
        "tasks": task_rows,
        "facts": _dedupe(facts),
    }
    node.update(extra)
    return node


def _dedupe(facts: list[dict]) -> list[dict]:
    seen, out = set(), []
    for fact in facts:
        key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(fact.items()))
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out


def _simple_node(snapshot: Snapshot, iri: str, kind: str, label: str, details: list, facts: list, **extra) -> dict:
    kind_label, color, shape = NODE_KINDS[kind]
    node = {
        "id": iri,
        "label": label,
        "kind": kind,
        "group": kind,
        "type": kind,
        "type_label": kind_label,
        "value": 10,
        "color": color,
        "shape": shape,
        "title": f"{label}\n{kind_label}",
        "href": id_href(iri),
        "names": [],
        "details": [["名称", label], ["类型", kind_label], *details],
        "tasks": [],
        "facts": _dedupe(facts),
    }
    node.update(extra)
    return node


def _task_node(snapshot: Snapshot, task: str, with_plan: bool, **extra) -> dict:
    rec = snapshot.tasks[task]
    details = [["编号", str(rec.number)]] if rec.number is not None else []
    if rec.chapter in snapshot.chapters:
        details.append(["章节", snapshot.chapters[rec.chapter].heading])
    if rec.plan in snapshot.plans:
        details.append(["计划", snapshot.plans[rec.plan].title])
    if rec.deadline_text or rec.deadline:
        details.append(["完成时限", rec.deadline_text or rec.deadline])
    if rec.text:
        details.append(["内容", rec.text])
    label = _task_label(snapshot, task, with_plan=False)
    node = _simple_node(snapshot, task, "task", label, details, [{"chapter": rec.chapter, "role": None}], **extra)
    node["title"] = f"{label}\n任务" + (
        f"（{snapshot.plans[rec.plan].title}）" if with_plan and rec.plan in snapshot.plans else ""
    )
    return node


def _edge(source: str, target: str, kind: str, facts: list[dict], weight: float = 1, **extra) -> dict:
    edge = {
        "id": f"{kind}:{source}->{target}",
        "from": source,
        "to": target,
        "kind": kind,
        "weight": weight,
        "facts": _dedupe(facts),
        "role": None,
        "tasks": [],
        "title": "",
    }
    edge.update(extra)
    return edge


def _role_edge(snapshot: Snapshot, task: str, unit: str, role: str) -> dict:
    rec = snapshot.tasks[task]
    return _edge(
        task,
        unit,
        f"role-{role}",
        [{"chapter": rec.chapter, "roles": [role]}],
        role=role,
        color=ROLE_COLOR[role],
        dashes=role == "cooperating",
        title=f"{snapshot.units[unit].label} {ROLE_LABEL[role]}：{_task_label(snapshot, task, False)}",
    )


def _with_plans(snapshot: Snapshot, tasks: Iterable[str]) -> bool:
    return len({snapshot.tasks[t].plan for t in tasks}) > 1


def _restrict(snapshot: Snapshot, plans: list[str] | None) -> Snapshot:
    if not plans:
        return snapshot
    keep = set(plans)
    tasks = {k: v for k, v in snapshot.tasks.items() if v.plan in keep}
    assignments = [a for a in snapshot.assignments if a[0] in tasks]
    used_units = {a[1] for a in assignments}
    return Snapshot(
        {k: v for k, v in snapshot.plans.items() if k in keep},
        {k: v for k, v in snapshot.chapters.items() if v.plan in keep},
        tasks,
        {k: v for k, v in snapshot.units.items() if k in used_units},
        assignments,
        snapshot.things,
        [m for m in snapshot.mentions if m[0] in tasks],
        snapshot.type_labels,
        snapshot.unit_order,
    )


def find_plan(snapshot: Snapshot, name: str) -> PlanRec:
    """A plan by IRI, by its pkid key (jiu-jiang-shi-...) or by its title (brackets and quotes unified)."""
    key = name_key(name)
    for rec in snapshot.plans.values():
        if name in (rec.iri, rec.iri.rsplit("/", 1)[-1]) or name_key(rec.title) == key:
            return rec
    matches = [rec for rec in snapshot.plans.values() if key and key in name_key(rec.title)]
    if len(matches) == 1:
        return matches[0]
    known = "; ".join(sorted(p.title for p in snapshot.plans.values())) or "none"
    raise ViewError(f"no plan {'is' if not matches else 'is uniquely'} named {name!r}; plans in the store: {known}")


def _find_by_name(records: Iterable, name: str, what: str, weight) -> tuple[Any, int]:
    """The record an IRI, a pkid path, a label or an alias names, and how many records the name fits.
    Where several fit (各县〔市、区〕人民政府 of several cities), the one with the most tasks wins."""
    wanted = name.strip()
    key = name_key(wanted)
    records = list(records)
    for rec in records:
        if wanted == rec.iri or (rec.iri.startswith(PKID) and wanted == rec.iri[len(PKID) :]):
            return rec, 1
    for fits in (
        lambda rec: name_key(rec.label) == key,
        lambda rec: key in {name_key(n) for n in rec.names},
    ):
        found = [rec for rec in records if fits(rec)]
        if found:
            found.sort(key=lambda rec: (-weight(rec.iri), rec.iri))
            return found[0], len(found)
    raise ViewError(f"no {what} named {name!r} in the store")


def _ambiguity(count: int) -> str:
    return f" · 同名 {count} 个，显示任务最多者（可用 IRI 指定）" if count > 1 else ""


# ---- the views ------------------------------------------------------------------------------


def coordination(snapshot: Snapshot, plans: list[str] | None = None, aggregate: str = "auto") -> Graph:
    """Units as nodes sized by weighted load and coloured by type; an edge for each pair of units
    that share tasks (width: how many); the lead → cooperating pairs as `alt_edges`.

    aggregate: "none" draws every unit; "type" one node per unit type; "plan" one node per plan;
    "auto" (default) aggregates by type when there are more than 3 plans or 300 units.
    """
    if aggregate not in AGGREGATES:
        raise ViewError(f"aggregate must be one of {', '.join(AGGREGATES)}, not {aggregate!r}")
    snapshot = _restrict(snapshot, plans)
    if not snapshot.assignments:
        raise ViewError("the store holds no task with a responsible unit: nothing to draw")
    units_involved = {a[1] for a in snapshot.assignments}
    if aggregate == "auto":
        many = len(snapshot.plans) > MAX_PLANS_DRAWN or len(units_involved) > MAX_UNITS_DRAWN
        aggregate = "type" if many else "none"
    if aggregate == "type":
        return _coordination_by_type(snapshot)
    if aggregate == "plan":
        return _coordination_by_plan(snapshot)
    with_plan = len(snapshot.plans) > 1
    unit_roles = snapshot.unit_roles()
    nodes = [_unit_node(snapshot, u, unit_roles[u], with_plan) for u in units_involved]
    nodes.sort(key=lambda n: (-n["load"], n["label"]))
    pair_tasks: dict[tuple[str, str], list[str]] = defaultdict(list)
    pair_facts: dict[tuple[str, str], list[dict]] = defaultdict(list)
    lead_pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for task, units in snapshot.task_units().items():
        chapter = snapshot.tasks[task].chapter
        for a, b in combinations(sorted(units), 2):
            pair_tasks[(a, b)].append(task)
            pair_facts[(a, b)].append({"chapter": chapter, "roles": sorted(units[a] | units[b])})
        for lead in (u for u, r in units.items() if "lead" in r):
            for coop in (u for u, r in units.items() if "cooperating" in r and u != lead):
                lead_pairs[(lead, coop)].append(task)
    label = {u: snapshot.units[u].label for u in units_involved}
    edges = []
    for (a, b), tasks in sorted(pair_tasks.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        tasks = sorted(set(tasks), key=snapshot.task_sort_key)
        names = [_task_label(snapshot, t, with_plan) for t in tasks]
        edges.append(
            _edge(
                a,
                b,
                "shares",
                pair_facts[(a, b)],
                weight=len(tasks),
                value=len(tasks),
                tasks=names,
                title=f"{label[a]} — {label[b]}：共同任务 {len(tasks)} 项\n" + "\n".join(names),
            )
        )
    alt_edges = []
    for (a, b), tasks in sorted(lead_pairs.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        tasks = sorted(set(tasks), key=snapshot.task_sort_key)
        names = [_task_label(snapshot, t, with_plan) for t in tasks]
        facts = [{"chapter": snapshot.tasks[t].chapter, "roles": ["lead", "cooperating"]} for t in tasks]
        alt_edges.append(
            _edge(
                a,
                b,
                "leads",
                facts,
                weight=len(tasks),
                value=len(tasks),
                tasks=names,
                arrows="to",
                title=f"{label[a]} 牵头 → {label[b]} 配合：{len(tasks)} 项\n" + "\n".join(names),
            )
        )
    title = "单位协同网络" + (f"：{next(iter(snapshot.plans.values())).title}" if len(snapshot.plans) == 1 else "")
    roles_present = {a[2] for a in snapshot.assignments}
    return Graph(
        view="coordination",
        title=title,
        nodes=nodes,
        edges=edges,
        legend=_unit_legend((n["group"] for n in nodes), snapshot),
        chapters=_chapter_filter(snapshot, (t.chapter for t in snapshot.tasks.values() if t.chapter), with_plan),
        roles=_role_filter(roles_present),
        alt_edges=alt_edges,
        subtitle=f"{len(nodes)} 个单位 · {len(edges)} 对协同 · 节点大小 = 2×牵头 + 1×配合 + 1.5×负责",
    )


def _coordination_by_type(snapshot: Snapshot) -> Graph:
    unit_roles = snapshot.unit_roles()
    groups: dict[str, list[str]] = defaultdict(list)
    for unit in unit_roles:
        groups[snapshot.units[unit].type].append(unit)
    nodes = []
    for key, members in groups.items():
        counts = [sum(len(unit_roles[u].get(r, ())) for u in members) for r in ROLES]
        load = weighted_load(*counts)
        label = _type_label(snapshot, key)
        top = sorted(members, key=lambda u: -weighted_load(*(len(unit_roles[u].get(r, ())) for r in ROLES)))[:10]
        nodes.append(
            {
                "id": f"type:{key}",
                "label": f"{label}（{len(members)}）",
                "kind": "group",
                "group": key,
                "type": key,
                "type_label": label,
                "level": None,
                "lead": counts[0],
                "cooperating": counts[1],
                "responsible": counts[2],
                "load": load,
                "value": load,
                "color": unit_color(key),
                "shape": "dot",
                "title": f"{label}：{len(members)} 个单位 · 负荷 {_fmt(load)}",
                "href": None,
                "names": [],
                "details": [
                    ["类型", label],
                    ["单位数", str(len(members))],
                    ["牵头", str(counts[0])],
                    ["配合", str(counts[1])],
                    ["负责", str(counts[2])],
                    ["加权负荷", _fmt(load)],
                ],
                "tasks": [{"role": "单位", "task": snapshot.units[u].label} for u in top],
                "facts": [],
                "members": len(members),
            }
        )
    nodes.sort(key=lambda n: -n["load"])
    pair_tasks: dict[tuple[str, str], set[str]] = defaultdict(set)
    pair_roles: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    for task, units in snapshot.task_units().items():
        by_type: dict[str, set[str]] = defaultdict(set)
        for unit, roles in units.items():
            by_type[snapshot.units[unit].type] |= roles
        for a, b in combinations(sorted(by_type), 2):
            pair_tasks[(a, b)].add(task)
            pair_roles[(a, b)].add(tuple(sorted(by_type[a] | by_type[b])))
    edges = [
        _edge(
            f"type:{a}",
            f"type:{b}",
            "shares",
            [{"chapter": None, "roles": list(r)} for r in pair_roles[(a, b)]],
            weight=len(tasks),
            value=len(tasks),
            title=f"{_type_label(snapshot, a)} — {_type_label(snapshot, b)}：共同任务 {len(tasks)} 项",
        )
        for (a, b), tasks in sorted(pair_tasks.items())
    ]
    return Graph(
        view="coordination",
        title=f"单位协同网络（按单位类型汇总，{len(snapshot.plans)} 个计划）",
        nodes=nodes,
        edges=edges,
        legend=_unit_legend(groups, snapshot),
        roles=_role_filter({a[2] for a in snapshot.assignments}),
        aggregated="type",
        subtitle=f"{len(unit_roles)} 个单位汇总为 {len(nodes)} 类 · {len(snapshot.plans)} 个计划",
    )


def _coordination_by_plan(snapshot: Snapshot) -> Graph:
    unit_roles_by_plan: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for task, unit, role in snapshot.assignments:
        unit_roles_by_plan[snapshot.tasks[task].plan][unit][role].add(task)
    nodes = []
    for plan_iri, unit_roles in unit_roles_by_plan.items():
        rec = snapshot.plans[plan_iri]
        counts = [sum(len(r.get(role, ())) for r in unit_roles.values()) for role in ROLES]
        load = weighted_load(*counts)
        level = rec.level or "Municipal"
        tasks = [t for t in snapshot.tasks.values() if t.plan == plan_iri]
        nodes.append(
            {
                "id": plan_iri,
                "label": rec.title,
                "kind": "plan",
                "group": level,
                "type": "plan",
                "type_label": "计划",
                "level": rec.level,
                "lead": counts[0],
                "cooperating": counts[1],
                "responsible": counts[2],
                "load": load,
                "value": load,
                "color": LEVEL_COLOR.get(level, "#7f7f7f"),
                "shape": "dot",
                "title": f"{rec.title}\n{len(unit_roles)} 个单位 · {len(tasks)} 项任务",
                "href": id_href(plan_iri),
                "names": [],
                "details": [
                    ["计划", rec.title],
                    ["层级", LEVEL_LABEL.get(level, level)],
                    ["地区", rec.region or ""],
                    ["任务数", str(len(tasks))],
                    ["单位数", str(len(unit_roles))],
                    ["加权负荷", _fmt(load)],
                ],
                "tasks": [],
                "facts": [],
            }
        )
    edges = []
    for a, b in combinations(sorted(unit_roles_by_plan), 2):
        shared = set(unit_roles_by_plan[a]) & set(unit_roles_by_plan[b])
        if shared:
            names = sorted(snapshot.units[u].label for u in shared)
            edges.append(
                _edge(
                    a,
                    b,
                    "shares-units",
                    [],
                    weight=len(shared),
                    value=len(shared),
                    tasks=names,
                    title=f"共同单位 {len(shared)} 个：" + "、".join(names[:20]),
                )
            )
    legend = [
        {"key": key, "label": LEVEL_LABEL[key] + "计划", "color": LEVEL_COLOR[key], "shape": "dot"}
        for key in LEVEL_LABEL
        if any(n["group"] == key for n in nodes)
    ]
    return Graph(
        view="coordination",
        title=f"计划间的单位协同（按计划汇总，{len(nodes)} 个计划）",
        nodes=nodes,
        edges=edges,
        legend=legend,
        aggregated="plan",
        subtitle="节点：计划（大小 = 加权负荷之和）· 连线：两计划共同涉及的单位数",
    )


def platform(snapshot: Snapshot, name: str) -> Graph:
    """The platform (by any label or alias), the tasks that mention it, and every unit on them, by role."""
    mentioned = Counter(x for _, x in snapshot.mentions)
    platforms = (t for t in snapshot.things.values() if t.kind == "platform")
    rec, fits = _find_by_name(platforms, name, "platform", lambda iri: mentioned[iri])
    tasks = sorted({t for t, x in snapshot.mentions if x == rec.iri}, key=snapshot.task_sort_key)
    with_plan = _with_plans(snapshot, tasks)
    task_units = snapshot.task_units()
    roles_here: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for task in tasks:
        for unit, roles in task_units.get(task, {}).items():
            for role in roles:
                roles_here[unit][role].add(task)
    details = [["层级", LEVEL_LABEL.get(rec.level, rec.level)]] if rec.level else []
    if rec.names:
        details.append(["别名", "、".join(rec.names)])
    details += [["提及任务", str(len(tasks))], ["涉及单位", str(len(roles_here))]]
    center = _simple_node(
        snapshot,
        rec.iri,
        "platform",
        rec.label,
        details,
        [{"chapter": snapshot.tasks[t].chapter, "role": None} for t in tasks],
        value=10,
        tasks=[{"role": "提及", "task": _task_label(snapshot, t, with_plan)} for t in tasks],
        names=rec.names,
    )
    nodes = [center] + [_task_node(snapshot, t, with_plan, value=6) for t in tasks]
    units = sorted(
        roles_here,
        key=lambda u: (-weighted_load(*(len(roles_here[u].get(r, ())) for r in ROLES)), snapshot.units[u].label),
    )
    nodes += [_unit_node(snapshot, u, roles_here[u], with_plan) for u in units]
    edges = [
        _edge(rec.iri, t, "mentions", [{"chapter": snapshot.tasks[t].chapter, "roles": []}], title="任务提及该平台")
        for t in tasks
    ]
    edges += [
        _role_edge(snapshot, t, u, role)
        for t in tasks
        for u, roles in sorted(task_units.get(t, {}).items())
        for role in sorted(roles)
    ]
    return Graph(
        view="platform",
        title=f"平台：{rec.label}",
        nodes=nodes,
        edges=edges,
        legend=_kind_legend(["platform", "task"]) + _unit_legend((snapshot.units[u].type for u in units), snapshot),
        chapters=_chapter_filter(
            snapshot, (snapshot.tasks[t].chapter for t in tasks if snapshot.tasks[t].chapter), with_plan
        ),
        roles=_role_filter(r for u in roles_here.values() for r in u),
        subtitle=f"{len(tasks)} 项任务提及 · {len(units)} 个单位参与" + _ambiguity(fits),
    )


def unit(snapshot: Snapshot, name: str) -> Graph:
    """One unit (by any label, alias or full name), its tasks by role, and its partners on them."""
    held = Counter(u for _, u, _ in snapshot.assignments)
    rec, fits = _find_by_name(snapshot.units.values(), name, "unit", lambda iri: held[iri])
    unit_roles = snapshot.unit_roles()
    own = unit_roles.get(rec.iri, {})
    tasks = sorted({t for ts in own.values() for t in ts}, key=snapshot.task_sort_key)
    with_plan = _with_plans(snapshot, tasks)
    task_units = snapshot.task_units()
    partner_roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for task in tasks:
        for other, roles in task_units[task].items():
            if other != rec.iri:
                for role in roles:
                    partner_roles[other][role].add(task)
    shared = {u: len({t for ts in r.values() for t in ts}) for u, r in partner_roles.items()}
    partners = sorted(partner_roles, key=lambda u: (-shared[u], snapshot.units[u].label))
    center = _unit_node(snapshot, rec.iri, own, with_plan)
    center["details"].append(["协同单位", "、".join(f"{snapshot.units[u].label}（{shared[u]}）" for u in partners)])
    center["shape"] = "star"
    nodes = [center] + [_task_node(snapshot, t, with_plan, value=6) for t in tasks]
    for u in partners:
        node = _unit_node(snapshot, u, partner_roles[u], with_plan, shared=shared[u])
        node["details"].insert(2, [f"与{rec.label}共同任务", str(shared[u])])
        nodes.append(node)
    edges = [_role_edge(snapshot, t, rec.iri, role) for role in ROLES for t in sorted(own.get(role, ()))]
    edges += [
        _role_edge(snapshot, t, u, role)
        for t in tasks
        for u, roles in sorted(task_units[t].items())
        if u != rec.iri
        for role in sorted(roles)
    ]
    return Graph(
        view="unit",
        title=f"单位：{rec.label}",
        nodes=nodes,
        edges=edges,
        legend=_kind_legend(["task"]) + _unit_legend([rec.type, *(snapshot.units[u].type for u in partners)], snapshot),
        chapters=_chapter_filter(
            snapshot, (snapshot.tasks[t].chapter for t in tasks if snapshot.tasks[t].chapter), with_plan
        ),
        roles=_role_filter({r for r in own} | {r for p in partner_roles.values() for r in p}),
        subtitle=f"牵头 {center['lead']} · 配合 {center['cooperating']} · 负责 {center['responsible']} · "
        f"协同单位 {len(partners)} 个" + _ambiguity(fits),
    )


def plan(snapshot: Snapshot, name: str | None = None) -> Graph:
    """plan → chapters → tasks → units (by role), platforms and technologies (mentioned).

    With no name: every plan, or, past 3 plans, plans and chapters only (tasks counted in them).
    """
    chosen = [find_plan(snapshot, name).iri] if name else sorted(snapshot.plans, key=lambda p: snapshot.plans[p].title)
    if not chosen:
        raise ViewError("the store holds no plan: build one first (plankg build)")
    snap = _restrict(snapshot, chosen)
    outline_only = len(chosen) > MAX_PLANS_DRAWN
    with_plan = len(chosen) > 1
    nodes, edges = [], []
    tasks_by_chapter: dict[str | None, list[str]] = defaultdict(list)
    for t in sorted(snap.tasks, key=snap.task_sort_key):
        tasks_by_chapter[snap.tasks[t].chapter].append(t)
    for p in chosen:
        rec = snap.plans[p]
        p_tasks = [t for t in snap.tasks.values() if t.plan == p]
        details = [
            ["层级", LEVEL_LABEL.get(rec.level, rec.level or "")],
            ["地区", rec.region or ""],
            ["印发日期", rec.issued or ""],
            ["任务数", str(len(p_tasks))],
        ]
        nodes.append(
            _simple_node(snap, p, "plan", rec.title, [d for d in details if d[1]], [], value=40, font={"size": 18})
        )
    for c in sorted(snap.chapters.values(), key=lambda c: (c.plan, c.number or 0)):
        n_tasks = len(tasks_by_chapter.get(c.iri, []))
        nodes.append(
            _simple_node(
                snap,
                c.iri,
                "chapter",
                c.heading,
                [["计划", snap.plans[c.plan].title], ["任务数", str(n_tasks)]],
                [{"chapter": c.iri, "role": None}],
                value=20 + (n_tasks if outline_only else 0),
            )
        )
        edges.append(_edge(c.plan, c.iri, "contains", [{"chapter": c.iri, "roles": []}]))
    units_seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    things_seen: dict[str, list[str]] = defaultdict(list)
    if not outline_only:
        task_units = snap.task_units()
        mentions: dict[str, list[str]] = defaultdict(list)
        for t, x in snap.mentions:
            mentions[t].append(x)
        for t in sorted(snap.tasks, key=snap.task_sort_key):
            rec = snap.tasks[t]
            nodes.append(_task_node(snap, t, with_plan, value=10))
            parent = rec.chapter if rec.chapter in snap.chapters else rec.plan
            edges.append(_edge(parent, t, "contains", [{"chapter": rec.chapter, "roles": []}]))
            for u, roles in sorted(task_units.get(t, {}).items()):
                for role in sorted(roles):
                    units_seen[u][role].add(t)
                    edges.append(_role_edge(snap, t, u, role))
            for x in sorted(mentions.get(t, [])):
                things_seen[x].append(t)
                edges.append(
                    _edge(
                        t,
                        x,
                        "mentions",
                        [{"chapter": rec.chapter, "roles": []}],
                        title=f"提及{NODE_KINDS[snap.things[x].kind][0]}",
                    )
                )
        for u in sorted(units_seen, key=lambda u: snap.units[u].label):
            nodes.append(_unit_node(snap, u, units_seen[u], with_plan))
        for x in sorted(things_seen, key=lambda x: snap.things[x].label):
            thing = snap.things[x]
            ts = things_seen[x]
            nodes.append(
                _simple_node(
                    snap,
                    x,
                    thing.kind,
                    thing.label,
                    [["提及任务", str(len(ts))]],
                    [{"chapter": snap.tasks[t].chapter, "role": None} for t in ts],
                    value=12,
                    tasks=[{"role": "提及", "task": _task_label(snap, t, with_plan)} for t in ts],
                    names=thing.names,
                )
            )
    kinds = {n["kind"] for n in nodes}
    title = snap.plans[chosen[0]].title if len(chosen) == 1 else f"{len(chosen)} 个计划"
    counts = Counter(n["kind"] for n in nodes)
    return Graph(
        view="plan",
        title=f"计划结构：{title}",
        nodes=nodes,
        edges=edges,
        legend=_kind_legend(kinds) + _unit_legend((snap.units[u].type for u in units_seen), snap),
        chapters=_chapter_filter(snap, snap.chapters, with_plan),
        roles=_role_filter(r for u in units_seen.values() for r in u),
        aggregated="outline" if outline_only else None,
        subtitle=" · ".join(f"{NODE_KINDS[k][0]} {counts[k]}" for k in NODE_KINDS if counts.get(k))
        + (" · 计划多于 3 个：只画计划与章" if outline_only else ""),
    )


# ---- tables for the charts and exports ------------------------------------------------------


@dataclass
class LoadRow:
    unit: str
    label: str
    type: str
    type_label: str
    lead: int
    cooperating: int
    responsible: int

    @property
    def load(self) -> float:
        return weighted_load(self.lead, self.cooperating, self.responsible)


def load_table(snapshot: Snapshot) -> list[LoadRow]:
    """Load per unit over all plans, heaviest first."""
    rows = [
        LoadRow(
            u,
            snapshot.units[u].label,
            snapshot.units[u].type,
            _type_label(snapshot, snapshot.units[u].type),
            *(len(roles.get(r, ())) for r in ROLES),
        )
        for u, roles in snapshot.unit_roles().items()
    ]
    return sorted(rows, key=lambda r: (-r.load, r.label))


def coordination_matrix(snapshot: Snapshot, top: int | None = None) -> tuple[list[LoadRow], list[list[int]]]:
    """Units (heaviest first, the `top` heaviest if given) × units: the number of tasks they share.
    The diagonal holds each unit's own number of tasks."""
    rows = load_table(snapshot)
    if top is not None:
        rows = rows[:top]
    index = {r.unit: i for i, r in enumerate(rows)}
    matrix = [[0] * len(rows) for _ in rows]
    for units in snapshot.task_units().values():
        present = [index[u] for u in units if u in index]
        for i in present:
            for j in present:
                matrix[i][j] += 1
    return rows, matrix
