"""The read side of the service: what the REST routes and the pages ask the graph.

Every function here runs its SPARQL through the engine (so it has the time limit and the row cap
like any other query) and returns plain dicts and lists. Resources are passed in as pyoxigraph
terms bound through VALUES, never pasted into the query text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from plankg.api.engine import Engine
from plankg.kg.store import PREFIXES

PK = PREFIXES["pk"]
PKID = PREFIXES["pkid"]
XSD = PREFIXES["xsd"]
_NUMBERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                              "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}
_DECIMALS = {XSD + t for t in ("decimal", "double", "float")}
ROLES = {"leadUnit": "lead", "cooperatingUnit": "cooperating", "responsibleUnit": "responsible"}
ROLE_NAMES_ZH = {"lead": "牵头", "cooperating": "配合", "responsible": "负责"}
# display prefixes for IRIs outside pkid: (pages show them as text, never as links to other hosts)
DISPLAY_PREFIXES = {**{k: v for k, v in PREFIXES.items() if k != "pkid"},
                    "sh": "http://www.w3.org/ns/shacl#", "vann": "http://purl.org/vocab/vann/"}

# The name of ?x: its Chinese skos:prefLabel, else its Chinese or plain rdfs:label.
NAME = """
  OPTIONAL {{ ?{v} skos:prefLabel ?{v}Pref FILTER(LANG(?{v}Pref) = "zh") }}
  OPTIONAL {{ ?{v} rdfs:label ?{v}Label FILTER(LANG(?{v}Label) = "zh" || LANG(?{v}Label) = "") }}
  BIND(COALESCE(?{v}Pref, ?{v}Label) AS ?{v}Name)
"""


def name_of(var: str) -> str:
    return NAME.format(v=var)


# ---- identifiers -------------------------------------------------------------------------------


def iri_of(path: str) -> ox.NamedNode | None:
    """The pkid: IRI of an id such as unit/jiujiang/shi-gong-an-ju; None if it cannot be an IRI."""
    path = path.strip("/")
    if not path or any(c.isspace() or c in '<>"{}|\\^`' for c in path):
        return None
    try:
        return ox.NamedNode(PKID + path)
    except ValueError:
        return None


def id_of(iri: str | None) -> str | None:
    """The id (path after pkid:) of a pkid: IRI, else None."""
    if iri and iri.startswith(PKID):
        return iri[len(PKID):]
    return None


def page_of(iri: str | None) -> str | None:
    """The service's own address for a pkid: IRI (its Linked Data page), else None."""
    ident = id_of(iri)
    return f"/id/{ident}" if ident else None


def compact(iri: str) -> str:
    """pk:leadUnit rather than the whole IRI, for display."""
    for prefix, namespace in DISPLAY_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    if iri.startswith(PKID):
        return "pkid:" + iri[len(PKID):]
    return iri


def ref(iri: str | None, name: str | None = None, **extra: Any) -> dict[str, Any] | None:
    """A link to a resource as the API writes it: id, iri, name, page."""
    if iri is None:
        return None
    return {"id": id_of(iri), "iri": iri, "name": name or compact(iri), "page": page_of(iri), **extra}


# ---- running queries ---------------------------------------------------------------------------


def py_value(term: dict | None) -> Any:
    """A SPARQL JSON term as a plain value: numbers as numbers, everything else as its text."""
    if term is None:
        return None
    if term["type"] == "literal":
        datatype = term.get("datatype")
        try:
            if datatype in _NUMBERS:
                return int(term["value"])
            if datatype in _DECIMALS:
                return float(term["value"])
        except ValueError:
            return term["value"]
        if datatype == XSD + "boolean":
            return term["value"] in ("true", "1")
        return term["value"]
    if term["type"] == "triple":
        return json.dumps(term["value"], ensure_ascii=False)
    return term["value"]


async def select_raw(engine: Engine, sparql: str, bindings: dict | None = None) -> tuple[list[str], list[dict], bool]:
    """(variables, rows of SPARQL JSON terms, truncated)."""
    result = await engine.query(sparql, bindings, formats=("json", None))
    document = json.loads(result.data)
    return document["head"]["vars"], document["results"]["bindings"], result.truncated


async def select(engine: Engine, sparql: str, bindings: dict | None = None) -> list[dict[str, Any]]:
    variables, rows, _ = await select_raw(engine, sparql, bindings)
    return [{v: py_value(row.get(v)) for v in variables} for row in rows]


async def ask(engine: Engine, sparql: str, bindings: dict | None = None) -> bool:
    result = await engine.query(sparql, bindings, formats=("json", None))
    return bool(json.loads(result.data)["boolean"])


def first_by(rows: list[dict], key: str) -> list[dict]:
    """Rows with the first one kept for each value of `key` (labels can give a resource twice)."""
    seen, out = set(), []
    for row in rows:
        if row[key] not in seen:
            seen.add(row[key])
            out.append(row)
    return out


# ---- what is this resource? --------------------------------------------------------------------


async def exists(engine: Engine, node: ox.NamedNode) -> bool:
    return await ask(engine, "ASK { { ?r ?p ?o } UNION { ?s ?p ?r } }", {"r": node})


async def types_of(engine: Engine, node: ox.NamedNode) -> set[str]:
    rows = await select(engine, "SELECT DISTINCT ?type WHERE { ?r a ?type }", {"r": node})
    return {row["type"] for row in rows}


KINDS = [("Unit", "unit"), ("Platform", "platform"), ("Task", "task"), ("Plan", "plan"), ("Chapter", "chapter"),
         ("Section", "section"), ("Technology", "technology"), ("Initiative", "initiative"), ("Region", "region")]


def kind_of(types: set[str]) -> str | None:
    for cls, kind in KINDS:
        if PK + cls in types:
            return kind
    return None


# ---- plans, chapters, tasks --------------------------------------------------------------------


PLANS = """
SELECT ?plan ?title ?issued ?identifier ?levelName ?tasks WHERE {
  ?plan a pk:Plan ; rdfs:label ?title FILTER(LANG(?title) IN ("zh", ""))
  OPTIONAL { ?plan pk:issued ?issued }
  OPTIONAL { ?plan pk:identifier ?identifier }
  OPTIONAL { ?plan pk:level/skos:prefLabel ?levelName FILTER(LANG(?levelName) = "zh") }
  OPTIONAL { SELECT ?plan (COUNT(?t) AS ?tasks) WHERE { ?t a pk:Task ; pk:plan ?plan } GROUP BY ?plan }
}
ORDER BY ?title ?plan
"""

CHAPTERS = """
SELECT ?plan ?chapter ?number ?title WHERE {
  ?chapter a pk:Chapter ; pk:plan ?plan .
  OPTIONAL { ?chapter pk:number ?number }
  OPTIONAL { ?chapter rdfs:label ?title FILTER(LANG(?title) IN ("zh", "")) }
  OPTIONAL { ?chapter pk:start ?start }
}
ORDER BY ?plan ?start ?number
"""

TASKS = f"""
SELECT ?plan ?task ?number ?title ?chapter ?section ?sectionTitle ?deadline ?deadlineText ?lead ?leadName WHERE {{
  ?task a pk:Task ; pk:plan ?plan .
  OPTIONAL {{ ?task pk:number ?number }}
  OPTIONAL {{ ?task rdfs:label ?title FILTER(LANG(?title) IN ("zh", "")) }}
  OPTIONAL {{ ?task pk:chapter ?chapter }}
  OPTIONAL {{ ?task pk:section ?section
             OPTIONAL {{ ?section rdfs:label ?sectionTitle FILTER(LANG(?sectionTitle) IN ("zh", "")) }} }}
  OPTIONAL {{ ?task pk:deadline ?deadline }}
  OPTIONAL {{ ?task pk:deadlineText ?deadlineText }}
  OPTIONAL {{ ?task pk:start ?start }}
  OPTIONAL {{ ?task pk:leadUnit ?lead {name_of("lead")}
             OPTIONAL {{ ?assignment pk:task ?task ; pk:unit ?lead ; pk:role pk:leadUnit ; pk:start ?leadAt }} }}
}}
ORDER BY ?plan ?start ?number ?task ?leadAt
"""


async def plans(engine: Engine, plan: ox.NamedNode | None = None) -> list[dict]:
    """Every plan (or one) with its chapters and, in document order, its tasks and their lead units."""
    bindings = {"plan": plan} if plan is not None else None
    plan_rows = first_by(await select(engine, PLANS, bindings), "plan")
    chapter_rows = first_by(await select(engine, CHAPTERS, bindings), "chapter")
    task_rows = await select(engine, TASKS, bindings)
    tasks: dict[str, dict] = {}
    for row in task_rows:
        task = tasks.get(row["task"])
        if task is None:
            task = tasks[row["task"]] = {
                **ref(row["task"], row["title"]),
                "number": row["number"],
                "title": row["title"],
                "plan": row["plan"],
                "chapter": row["chapter"],
                "section": ref(row["section"], row["sectionTitle"]),
                "deadline": row["deadline"],
                "deadline_text": row["deadlineText"],
                "lead": [],
            }
        if row["lead"] and all(u["iri"] != row["lead"] for u in task["lead"]):
            task["lead"].append(ref(row["lead"], row["leadName"]))
    out = []
    for row in plan_rows:
        chapters = [
            {**ref(c["chapter"], c["title"]), "number": c["number"], "title": c["title"],
             "tasks": [t for t in tasks.values() if t["chapter"] == c["chapter"]]}
            for c in chapter_rows if c["plan"] == row["plan"]
        ]
        loose = [t for t in tasks.values() if t["plan"] == row["plan"] and not t["chapter"]]
        out.append({
            **ref(row["plan"], row["title"]),
            "title": row["title"],
            "issued": row["issued"],
            "identifier": row["identifier"],
            "level": row["levelName"],
            "task_count": row["tasks"] or 0,
            "chapters": chapters,
            "tasks_outside_chapters": loose,
        })
    for plan_dict in out:
        for chapter in plan_dict["chapters"]:
            for task in chapter["tasks"]:
                task.pop("plan", None)
                task.pop("chapter", None)
        for task in plan_dict["tasks_outside_chapters"]:
            task.pop("plan", None)
            task.pop("chapter", None)
    return out


# ---- units -------------------------------------------------------------------------------------

UNITS = f"""
SELECT ?unit ?unitName ?nameEn ?level ?levelName ?lead ?cooperating ?responsible ?tasks WHERE {{
  {{ SELECT DISTINCT ?unit WHERE {{ {{ ?unit a pk:Unit }} UNION {{ ?anyTask pk:involvedUnit ?unit }} }} }}
  OPTIONAL {{ SELECT ?unit (COUNT(DISTINCT ?t1) AS ?lead) WHERE {{ ?t1 pk:leadUnit ?unit }} GROUP BY ?unit }}
  OPTIONAL {{ SELECT ?unit (COUNT(DISTINCT ?t2) AS ?cooperating)
             WHERE {{ ?t2 pk:cooperatingUnit ?unit }} GROUP BY ?unit }}
  OPTIONAL {{ SELECT ?unit (COUNT(DISTINCT ?t3) AS ?responsible)
             WHERE {{ ?t3 pk:responsibleUnit ?unit }} GROUP BY ?unit }}
  OPTIONAL {{ SELECT ?unit (COUNT(DISTINCT ?t4) AS ?tasks) WHERE {{ ?t4 pk:involvedUnit ?unit }} GROUP BY ?unit }}
  OPTIONAL {{ ?unit skos:prefLabel ?nameEn FILTER(LANG(?nameEn) = "en") }}
  OPTIONAL {{ ?unit pk:level ?level OPTIONAL {{ ?level skos:prefLabel ?levelName FILTER(LANG(?levelName) = "zh") }} }}
  {name_of("unit")}
}}
"""

UNIT_TYPES = """
SELECT ?unit ?type ?typeName WHERE {
  ?unit a ?type .
  ?type rdfs:subClassOf+ pk:Unit .
  OPTIONAL { ?type rdfs:label ?typeName FILTER(LANG(?typeName) = "zh") }
}
"""


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else None


async def units(engine: Engine, involved_only: bool = False) -> list[dict]:
    rows = first_by(await select(engine, UNITS), "unit")
    types: dict[str, list[dict]] = defaultdict(list)
    for row in await select(engine, UNIT_TYPES):
        if all(t["type"] != _local(row["type"]) for t in types[row["unit"]]):
            types[row["unit"]].append({"type": _local(row["type"]), "name": row["typeName"]})
    out = []
    for row in rows:
        counts = {k: row[k] or 0 for k in ("lead", "cooperating", "responsible", "tasks")}
        if involved_only and not counts["tasks"]:
            continue
        out.append({
            **ref(row["unit"], row["unitName"]),
            "name_en": row["nameEn"],
            "types": types.get(row["unit"], []),
            "level": _local(row["level"]),
            "level_name": row["levelName"],
            **counts,
            "weighted_load": 2 * counts["lead"] + counts["cooperating"] + 1.5 * counts["responsible"],
        })
    out.sort(key=lambda u: (-u["tasks"], -u["lead"], u["name"] or "", u["iri"]))
    return out


UNIT_TASKS = """
SELECT ?task ?role ?number ?title ?plan ?planTitle WHERE {
  VALUES ?role { pk:leadUnit pk:cooperatingUnit pk:responsibleUnit }
  ?task ?role ?unit .
  OPTIONAL { ?task pk:number ?number }
  OPTIONAL { ?task rdfs:label ?title FILTER(LANG(?title) IN ("zh", "")) }
  OPTIONAL { ?task pk:start ?start }
  OPTIONAL { ?task pk:plan ?plan OPTIONAL { ?plan rdfs:label ?planTitle FILTER(LANG(?planTitle) IN ("zh", "")) } }
}
ORDER BY ?planTitle ?start ?number
"""

UNIT_PARTNERS = f"""
SELECT ?other ?otherName (COUNT(DISTINCT ?task) AS ?shared) WHERE {{
  ?task pk:involvedUnit ?unit , ?other .
  FILTER(?other != ?unit)
  {name_of("other")}
}}
GROUP BY ?other ?otherName
ORDER BY DESC(?shared) ?otherName ?other
"""

UNIT_PLATFORMS = f"""
SELECT ?platform ?platformName (COUNT(DISTINCT ?task) AS ?tasks) WHERE {{
  ?task pk:involvedUnit ?unit ; pk:mentionsPlatform ?platform .
  {name_of("platform")}
}}
GROUP BY ?platform ?platformName
ORDER BY DESC(?tasks) ?platformName
"""

OUTGOING = f"""
SELECT ?p ?o ?oName WHERE {{
  ?r ?p ?o .
  {name_of("o")}
}}
"""


async def outgoing(engine: Engine, node: ox.NamedNode) -> dict[str, list[dict]]:
    """predicate IRI → its objects as {term (SPARQL JSON), name} (the object's name where it has one)."""
    _, rows, _ = await select_raw(engine, OUTGOING, {"r": node})
    out: dict[str, list[dict]] = defaultdict(list)
    seen = set()
    for row in rows:
        key = (row["p"]["value"], json.dumps(row["o"], sort_keys=True))
        if key in seen:
            continue
        seen.add(key)
        out[row["p"]["value"]].append({"term": row["o"], "name": py_value(row.get("oName"))})
    return out


def literals(props: dict[str, list[dict]], predicate: str, lang: str | None = None) -> list[str]:
    values = []
    for item in props.get(predicate, []):
        term = item["term"]
        if term["type"] == "literal" and (lang is None or term.get("xml:lang") == lang):
            values.append(term["value"])
    return values


def first_literal(props: dict[str, list[dict]], predicate: str, lang: str | None = None) -> Any:
    for item in props.get(predicate, []):
        term = item["term"]
        if term["type"] == "literal" and (lang is None or term.get("xml:lang") == lang):
            return py_value(term)
    return None


def resources_of(props: dict[str, list[dict]], predicate: str) -> list[dict]:
    return [ref(i["term"]["value"], i["name"]) for i in props.get(predicate, []) if i["term"]["type"] == "uri"]


SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
RDF_TYPE = PREFIXES["rdf"] + "type"


def display_name(props: dict[str, list[dict]], fallback: str) -> str:
    return (
        first_literal(props, SKOS + "prefLabel", "zh")
        or first_literal(props, RDFS + "label", "zh")
        or first_literal(props, RDFS + "label")
        or first_literal(props, PREFIXES["dcterms"] + "title")
        or fallback
    )


def _labels(props: dict[str, list[dict]]) -> dict[str, Any]:
    name = display_name(props, "")
    alt = [a for a in literals(props, SKOS + "altLabel") if a != name]
    return {
        "name": name,
        "name_en": first_literal(props, SKOS + "prefLabel", "en") or first_literal(props, RDFS + "label", "en"),
        "alt_labels": sorted(set(alt)),
        "full_name": first_literal(props, PK + "fullName"),
    }


async def unit(engine: Engine, node: ox.NamedNode) -> dict | None:
    props = await outgoing(engine, node)
    task_rows = await select(engine, UNIT_TASKS, {"unit": node})
    if PK + "Unit" not in {i["term"]["value"] for i in props.get(RDF_TYPE, [])} and not task_rows:
        return None
    tasks: dict[str, list[dict]] = {"lead": [], "cooperating": [], "responsible": []}
    for row in task_rows:
        role = ROLES[_local(row["role"])]
        tasks[role].append({**ref(row["task"], row["title"]), "number": row["number"],
                            "plan": ref(row["plan"], row["planTitle"])})
    partners = [
        {**ref(r["other"], r["otherName"]), "shared_tasks": r["shared"]}
        for r in first_by(await select(engine, UNIT_PARTNERS, {"unit": node}), "other")
    ]
    platforms = [
        {**ref(r["platform"], r["platformName"]), "tasks": r["tasks"]}
        for r in first_by(await select(engine, UNIT_PLATFORMS, {"unit": node}), "platform")
    ]
    types = [t for t in resources_of(props, RDF_TYPE) if t["iri"] != PK + "Unit"]
    level = resources_of(props, PK + "level")
    region = resources_of(props, PK + "region")
    return {
        **ref(node.value),
        **_labels(props),
        "types": [{"type": _local(t["iri"]), "name": t["name"]} for t in types],
        "level": _local(level[0]["iri"]) if level else None,
        "level_name": level[0]["name"] if level else None,
        "region": region[0] if region else None,
        "lead": len(tasks["lead"]),
        "cooperating": len(tasks["cooperating"]),
        "responsible": len(tasks["responsible"]),
        "tasks": tasks,
        "partners": partners,
        "platforms": platforms,
    }


# ---- platforms ---------------------------------------------------------------------------------

PLATFORMS = f"""
SELECT ?platform ?platformName ?nameEn ?level ?levelName ?tasks ?units WHERE {{
  ?platform a pk:Platform .
  OPTIONAL {{ SELECT ?platform (COUNT(DISTINCT ?t) AS ?tasks) (COUNT(DISTINCT ?u) AS ?units)
             WHERE {{ ?t pk:mentionsPlatform ?platform OPTIONAL {{ ?t pk:involvedUnit ?u }} }} GROUP BY ?platform }}
  OPTIONAL {{ ?platform skos:prefLabel ?nameEn FILTER(LANG(?nameEn) = "en") }}
  OPTIONAL {{ ?platform pk:level ?level
             OPTIONAL {{ ?level skos:prefLabel ?levelName FILTER(LANG(?levelName) = "zh") }} }}
  {name_of("platform")}
}}
"""


async def platforms(engine: Engine, mentioned_only: bool = False) -> list[dict]:
    out = []
    for row in first_by(await select(engine, PLATFORMS), "platform"):
        if mentioned_only and not row["tasks"]:
            continue
        out.append({**ref(row["platform"], row["platformName"]), "name_en": row["nameEn"],
                    "level": _local(row["level"]), "level_name": row["levelName"],
                    "tasks": row["tasks"] or 0, "units": row["units"] or 0})
    out.sort(key=lambda p: (-p["tasks"], p["name"] or "", p["iri"]))
    return out


PLATFORM_TASKS = """
SELECT ?task ?number ?title ?plan ?planTitle WHERE {
  ?task pk:mentionsPlatform ?platform .
  OPTIONAL { ?task pk:number ?number }
  OPTIONAL { ?task rdfs:label ?title FILTER(LANG(?title) IN ("zh", "")) }
  OPTIONAL { ?task pk:start ?start }
  OPTIONAL { ?task pk:plan ?plan OPTIONAL { ?plan rdfs:label ?planTitle FILTER(LANG(?planTitle) IN ("zh", "")) } }
}
ORDER BY ?planTitle ?start ?number
"""

PLATFORM_UNITS = f"""
SELECT ?unit ?unitName ?role (COUNT(DISTINCT ?task) AS ?tasks) WHERE {{
  VALUES ?role {{ pk:leadUnit pk:cooperatingUnit pk:responsibleUnit }}
  ?task pk:mentionsPlatform ?platform ; ?role ?unit .
  {name_of("unit")}
}}
GROUP BY ?unit ?unitName ?role
ORDER BY ?unitName ?unit
"""


async def platform(engine: Engine, node: ox.NamedNode) -> dict | None:
    props = await outgoing(engine, node)
    task_rows = first_by(await select(engine, PLATFORM_TASKS, {"platform": node}), "task")
    if PK + "Platform" not in {i["term"]["value"] for i in props.get(RDF_TYPE, [])} and not task_rows:
        return None
    units_by_iri: dict[str, dict] = {}
    for row in await select(engine, PLATFORM_UNITS, {"platform": node}):
        entry = units_by_iri.setdefault(row["unit"], {**ref(row["unit"], row["unitName"]),
                                                     "lead": 0, "cooperating": 0, "responsible": 0})
        entry[ROLES[_local(row["role"])]] = row["tasks"]
    level = resources_of(props, PK + "level")
    return {
        **ref(node.value),
        **_labels(props),
        "level": _local(level[0]["iri"]) if level else None,
        "level_name": level[0]["name"] if level else None,
        "definition": first_literal(props, SKOS + "definition", "zh") or first_literal(props, SKOS + "definition"),
        "part_of": resources_of(props, PREFIXES["dcterms"] + "isPartOf"),
        "tasks": [{**ref(r["task"], r["title"]), "number": r["number"], "plan": ref(r["plan"], r["planTitle"])}
                  for r in task_rows],
        "units": sorted(units_by_iri.values(), key=lambda u: (-(u["lead"] + u["cooperating"] + u["responsible"]),
                                                              u["name"] or "")),
    }


# ---- tasks -------------------------------------------------------------------------------------

TASK_UNITS = f"""
SELECT ?role ?unit ?unitName (MIN(?s) AS ?start) WHERE {{
  VALUES ?role {{ pk:leadUnit pk:cooperatingUnit pk:responsibleUnit }}
  ?task ?role ?unit .
  OPTIONAL {{ ?a pk:task ?task ; pk:unit ?unit ; pk:role ?role ; pk:start ?s }}
  {name_of("unit")}
}}
GROUP BY ?role ?unit ?unitName
ORDER BY ?start ?unitName
"""

TASK_SPAN = """
SELECT ?start ?end ?excerpt WHERE {
  ?task pk:start ?start ; pk:end ?end .
  OPTIONAL { ?task pk:plan/pk:sourceText ?source }
  BIND(SUBSTR(?source, ?start + 1, ?end - ?start) AS ?excerpt)
}
"""

MENTIONS = {"platforms": "mentionsPlatform", "technologies": "mentionsTechnology",
            "initiatives": "mentionsInitiative", "regions": "mentionsRegion"}


async def task(engine: Engine, node: ox.NamedNode) -> dict | None:
    props = await outgoing(engine, node)
    if PK + "Task" not in {i["term"]["value"] for i in props.get(RDF_TYPE, [])}:
        return None
    units_by_role: dict[str, list[dict]] = {"lead": [], "cooperating": [], "responsible": []}
    for row in first_by_pair(await select(engine, TASK_UNITS, {"task": node})):
        units_by_role[ROLES[_local(row["role"])]].append(ref(row["unit"], row["unitName"]))
    span_rows = await select(engine, TASK_SPAN, {"task": node})
    span = None
    if span_rows:
        row = span_rows[0]
        span = {"start": row["start"], "end": row["end"], "excerpt": row["excerpt"]}
    plan_ref = resources_of(props, PK + "plan")
    chapter = resources_of(props, PK + "chapter")
    section = resources_of(props, PK + "section")
    return {
        **ref(node.value),
        "name": display_name(props, node.value),
        "number": first_literal(props, PK + "number"),
        "title": first_literal(props, RDFS + "label", "zh") or first_literal(props, RDFS + "label"),
        "text": first_literal(props, PK + "text"),
        "plan": plan_ref[0] if plan_ref else None,
        "chapter": chapter[0] if chapter else None,
        "section": section[0] if section else None,
        "units": units_by_role,
        "deadline": first_literal(props, PK + "deadline"),
        "deadline_text": first_literal(props, PK + "deadlineText"),
        "mentions": {key: resources_of(props, PK + prop) for key, prop in MENTIONS.items()},
        "aligned_with": resources_of(props, PK + "alignedWith"),
        "span": span,
    }


def first_by_pair(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for row in rows:
        key = (row["role"], row["unit"])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


# ---- any resource (the generic page) -----------------------------------------------------------

INCOMING = f"""
SELECT ?s ?p ?sName WHERE {{
  ?s ?p ?r .
  FILTER(?p NOT IN (pk:unit, pk:involvedUnit))
  {name_of("s")}
}}
ORDER BY ?p ?sName ?s
"""


async def describe(engine: Engine, node: ox.NamedNode) -> dict:
    """Every statement about a resource, both ways, for the generic page."""
    props = await outgoing(engine, node)
    _, rows, truncated = await select_raw(engine, INCOMING, {"r": node})
    incoming: dict[str, list[dict]] = defaultdict(list)
    seen = set()
    for row in rows:
        key = (row["p"]["value"], row["s"]["value"])
        if key in seen:
            continue
        seen.add(key)
        incoming[row["p"]["value"]].append({"term": row["s"], "name": py_value(row.get("sName"))})
    return {"iri": node.value, "name": display_name(props, compact(node.value)), "outgoing": props,
            "incoming": incoming, "truncated": truncated}


# ---- search ------------------------------------------------------------------------------------

SEARCH = f"""
SELECT ?x ?type ?xName (MIN(?label) AS ?matched) WHERE {{
  VALUES ?type {{ pk:Plan pk:Chapter pk:Section pk:Task pk:Unit pk:Platform pk:Technology pk:Initiative pk:Region }}
  ?x a ?type ; skos:prefLabel|skos:altLabel|rdfs:label|pk:fullName|pk:text ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))))
  {name_of("x")}
}}
GROUP BY ?x ?type ?xName
ORDER BY ?type ?xName ?x
LIMIT 300
"""


async def search(engine: Engine, text: str) -> list[dict]:
    rows = first_by(await select(engine, SEARCH, {"q": ox.Literal(text)}), "x")
    return [{**ref(r["x"], r["xName"]), "kind": _local(r["type"]).lower(), "matched": r["matched"]} for r in rows]
