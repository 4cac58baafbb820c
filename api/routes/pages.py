"""The pages, in Chinese: home, units, platforms, coordination, search, a question box, a SPARQL
editor, and a page per resource (unit, platform, task, plan, chapter; any other IRI generically).

Templates are Jinja2 with autoescape on: text from documents is escaped wherever it is shown. Every
asset is served by plankg itself (no CDN, no external host), and the pages carry a
Content-Security-Policy that allows nothing else. Each page links to its machine-readable twin.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import jinja2
import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from plankg.api import graph
from plankg.api.deps import EngineDep
from plankg.api.viewlinks import DOWNLOADS, VIEW_LINKS, viz_href, viz_plan_href
from plankg.kg.store import PREFIXES

from plankg import __version__

router = APIRouter(include_in_schema=False)

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'")
KIND_NAMES = {"unit": "单位", "platform": "平台", "task": "任务", "plan": "计划", "chapter": "章",
              "section": "节", "technology": "技术", "initiative": "改革举措", "region": "行政区划"}
ROLE_NAMES = graph.ROLE_NAMES_ZH
FIRST_EXAMPLE = "units_touching_platform"  # the editor opens on the 赣通码 question


_DIGITS = "零一二三四五六七八九"


def zh_number(value: Any) -> str:
    """2 → 二, 12 → 十二, 25 → 二十五: how a plan numbers its chapters (一、二、...)."""
    if not isinstance(value, int) or not 0 < value < 100:
        return "" if value is None else str(value)
    tens, ones = divmod(value, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every {{ value }} is HTML-escaped, in every template
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["compact"] = graph.compact
    env.filters["page_of"] = graph.page_of
    env.filters["zh_number"] = zh_number
    env.filters["viz_plan"] = viz_plan_href
    env.globals.update(version=__version__, kind_names=KIND_NAMES, role_names=ROLE_NAMES, view_links=VIEW_LINKS,
                       downloads=DOWNLOADS)
    return env


templates = Jinja2Templates(env=_environment())


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           headers: dict | None = None) -> HTMLResponse:
    context = {"q": "", "twins": [], "alternates": [], "title": "", **context}
    response = templates.TemplateResponse(request, name, context, status_code=status, headers=headers)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def error_page(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    return render(request, "error.html", {"title": f"{status}", "status": status, "message": message}, status, headers)


def twins_for(ident: str | None, api: str | None = None) -> tuple[list[dict], list[dict]]:
    """Links to the machine-readable twins of a resource page, and the matching <link rel=alternate>."""
    twins, alternates = [], []
    if ident:
        for label, fmt, media in (("Turtle", "ttl", "text/turtle"), ("JSON-LD", "jsonld", "application/ld+json"),
                                  ("N-Triples", "nt", "application/n-triples")):
            href = f"/id/{ident}?format={fmt}"
            twins.append({"label": label, "href": href})
            alternates.append({"type": media, "href": href})
    if api:
        twins.append({"label": "JSON (API)", "href": api})
        alternates.append({"type": "application/json", "href": api})
    return twins, alternates


# ---- pages of their own ------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, engine: EngineDep) -> HTMLResponse:
    plans = await graph.plans(engine)
    return render(request, "home.html", {
        "title": "工作计划",
        "plans": plans,
        "twins": [{"label": "JSON (API)", "href": "/api/plans"}],
        "alternates": [{"type": "application/json", "href": "/api/plans"}],
    })


@router.get("/units", response_class=HTMLResponse)
async def units_page(request: Request, engine: EngineDep) -> HTMLResponse:
    units = await graph.units(engine)
    return render(request, "units.html", {
        "title": "单位", "units": units,
        "twins": [{"label": "JSON (API)", "href": "/api/units"}],
    })


@router.get("/platforms", response_class=HTMLResponse)
async def platforms_page(request: Request, engine: EngineDep) -> HTMLResponse:
    platforms = await graph.platforms(engine)
    return render(request, "platforms.html", {
        "title": "平台", "platforms": platforms,
        "twins": [{"label": "JSON (API)", "href": "/api/platforms"}],
    })


@router.get("/coordination", response_class=HTMLResponse)
async def coordination_page(request: Request, engine: EngineDep) -> HTMLResponse:
    from plankg.api.routes.rest import coordination

    data = await coordination(engine, min_shared=1)
    return render(request, "coordination.html", {
        "title": "单位协同", "pairs": data["pairs"][:200], "load": data["load"], "pair_count": len(data["pairs"]),
        "twins": [{"label": "JSON (API)", "href": "/api/coordination"},
                  {"label": "CSV 协同矩阵", "href": "/api/queries/coordination_matrix.csv"},
                  {"label": "CSV 协调负荷", "href": "/api/queries/coordination_load.csv"},
                  *({"label": d["label"], "href": d["href"]} for d in DOWNLOADS)],
    })


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, engine: EngineDep,
                      q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    text = q.strip()
    hits = await graph.search(engine, text) if text else []
    groups: dict[str, list[dict]] = {}
    for hit in hits:
        groups.setdefault(hit["kind"], []).append(hit)
    twins = [{"label": "JSON (API)", "href": f"/api/search?q={_quote(text)}"}] if text else []
    return render(request, "search.html", {"title": f"搜索：{text}" if text else "搜索", "q": text,
                                           "groups": groups, "count": len(hits), "twins": twins})


@router.get("/ask", response_class=HTMLResponse)
async def ask_page(request: Request, q: Annotated[str, Query(max_length=500)] = "") -> HTMLResponse:
    available = True  # /api/ask is part of the service (the page's script still copes with a 404)
    return render(request, "ask.html", {"title": "提问", "question": q, "available": available,
                                        "examples": ["哪些单位涉及赣通码？", "市公安局牵头哪些任务？",
                                                     "哪个单位任务最多？", "第五章有哪些任务？"]})


@router.get("/query", response_class=HTMLResponse)
async def editor_page(request: Request, query: Annotated[str, Query(max_length=100_000)] = "") -> HTMLResponse:
    from plankg.kg.sparql import bind_values
    from plankg.queries import load_queries

    examples = []
    for canned in load_queries().values():
        text = canned.sparql
        try:
            values = dict(getattr(canned, "examples", {}) or {})
            if values and len(values) == len(canned.params):
                text = bind_values(canned.sparql, canned.bindings(values))
        except Exception:  # an example that does not bind still shows the query as written
            text = canned.sparql
        examples.append({"name": canned.name, "title": canned.title_zh, "title_en": canned.title_en,
                         "description": canned.description, "sparql": without_predefined_prefixes(text)})
    chosen = next((i for i, e in enumerate(examples) if e["name"] == FIRST_EXAMPLE), 0) if examples else None
    if query:
        chosen = None
    elif chosen is not None:
        query = examples[chosen]["sparql"]
    else:
        query = "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    return render(request, "editor.html", {"title": "SPARQL 查询", "examples": examples, "query": query,
                                           "chosen": chosen,
                                           "twins": [{"label": "SPARQL 服务描述", "href": "/sparql?format=ttl"},
                                                     {"label": "查询列表 (API)", "href": "/api/queries"}]})


_PREFIX_LINE = re.compile(r"^[ \t]*PREFIX[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>[ \t]*(?:\n|$)", re.I | re.M)


def without_predefined_prefixes(sparql: str) -> str:
    """The query without the PREFIX lines the service declares anyway (shorter to read in the editor)."""
    return _PREFIX_LINE.sub(lambda m: "" if PREFIXES.get(m.group(1) or "") == m.group(2) else m.group(0), sparql)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


# ---- a page per resource (called by /id/... for a browser) -------------------------------------


async def resource_page(request: Request, engine, node: ox.NamedNode) -> HTMLResponse:
    ident = graph.id_of(node.value)
    kind = graph.kind_of(await graph.types_of(engine, node))
    if kind == "unit":
        unit = await graph.unit(engine, node)
        if unit is not None:
            twins, alternates = twins_for(ident, f"/api/units/{ident}")
            view = None
            if unit["lead"] or unit["cooperating"] or unit["responsible"]:  # the view draws units with tasks
                view = await _view_href(engine, "unit", node, unit["name"], ident)
            return render(request, "unit.html", {"title": unit["name"], "unit": unit, "twins": twins,
                                                 "alternates": alternates, "view": view})
    if kind == "platform":
        platform = await graph.platform(engine, node)
        if platform is not None:
            twins, alternates = twins_for(ident, f"/api/platforms/{ident}")
            view = await _view_href(engine, "platform", node, platform["name"], ident)
            return render(request, "platform.html", {"title": platform["name"], "platform": platform,
                                                     "twins": twins, "alternates": alternates, "view": view})
    if kind == "task":
        task = await graph.task(engine, node)
        if task is not None:
            twins, alternates = twins_for(ident, f"/api/tasks/{ident}")
            return render(request, "task.html", {"title": task["name"], "task": task, "twins": twins,
                                                 "alternates": alternates})
    if kind == "plan":
        plans = await graph.plans(engine, node)
        if plans and plans[0]["task_count"]:  # a plan known only from a registry gets the generic page
            twins, alternates = twins_for(ident)
            return render(request, "plan.html", {"title": plans[0]["title"], "plan": plans[0], "twins": twins,
                                                 "alternates": alternates})
    if kind == "chapter":
        page = await _chapter_page(request, engine, node, ident)
        if page is not None:
            return page
    described = await graph.describe(engine, node)
    twins, alternates = twins_for(ident)
    return render(request, "resource.html", {"title": described["name"], "resource": described, "kind": kind,
                                             "twins": twins, "alternates": alternates})


# Another unit (one with tasks: those the view knows) or platform called by the same name.
_NAME_SHARED = {
    "unit": """SELECT ?other WHERE { ?task pk:involvedUnit ?other . ?other skos:prefLabel|rdfs:label ?label
                 FILTER(STR(?label) = ?name && ?other != ?self) } LIMIT 1""",
    "platform": """SELECT ?other WHERE { ?other a pk:Platform ; skos:prefLabel|rdfs:label ?label
                     FILTER(STR(?label) = ?name && ?other != ?self) } LIMIT 1""",
}


async def _view_href(engine, kind: str, node: ox.NamedNode, name: str, ident: str | None) -> str | None:
    """/viz/unit/<its name>, or, when another unit has that name too, /viz/unit/<its pkid path>, which
    the view resolves exactly (by name it would draw the namesake with the most tasks)."""
    if not name and not ident:
        return None
    if ident and (not name or await graph.select(engine, _NAME_SHARED[kind], {"name": ox.Literal(name), "self": node})):
        return viz_href(kind, ident)
    return viz_href(kind, name)


async def _chapter_page(request: Request, engine, node: ox.NamedNode, ident: str | None) -> HTMLResponse | None:
    rows = await graph.select(engine, "SELECT ?plan WHERE { ?chapter pk:plan ?plan }", {"chapter": node})
    if not rows:
        return None
    plans = await graph.plans(engine, ox.NamedNode(rows[0]["plan"]))
    for plan in plans:
        for chapter in plan["chapters"]:
            if chapter["iri"] == node.value:
                twins, alternates = twins_for(ident)
                return render(request, "chapter.html", {"title": chapter["name"], "plan": plan,
                                                        "chapter": chapter, "twins": twins,
                                                        "alternates": alternates})
    return None
