"""/api: the canned queries (each with .json and .csv twins), units, platforms, tasks, coordination.

Ids in paths are the IRI's path after https://w3id.org/plankg/id/, e.g.
/api/units/unit/jiujiang/shi-gong-an-ju; the leading kind may be left out
(/api/units/jiujiang/shi-gong-an-ju). Unknown ids get 404 with a JSON message.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from plankg.api import graph
from plankg.api.deps import EngineDep, SettingsDep
from plankg.api.graph import py_value, ref
from plankg.api.models import (
    Coordination,
    Message,
    PlanOutline,
    PlatformDetail,
    PlatformSummary,
    QueryInfo,
    QueryRun,
    SearchHit,
    Status,
    TaskDetail,
    UnitDetail,
    UnitSummary,
)
from plankg.api.responses import result_response
from plankg.api.rows import per_generation
from plankg.queries import CannedQuery, QueryParamError, load_queries

from plankg import __version__

router = APIRouter(prefix="/api")
NOT_FOUND = {404: {"model": Message, "description": "Nothing with this id"}}
BAD = {400: {"model": Message, "description": "A missing, unknown or malformed parameter"}}


# ---- canned queries ----------------------------------------------------------------------------


def _canned(name: str) -> CannedQuery:
    query = load_queries().get(name)
    if query is None:
        raise HTTPException(404, f"no canned query {name!r}; GET /api/queries lists them")
    return query


def query_info(query: CannedQuery) -> dict:
    examples = dict(getattr(query, "examples", {}) or {})
    suffix = f"?{urlencode(examples)}" if examples else ""
    return {
        "name": query.name,
        "title_zh": query.title_zh,
        "title_en": query.title_en,
        "description": query.description,
        "params": [{"name": p.name, "type": p.type, "description": p.description} for p in query.params],
        "examples": examples,
        "links": {
            "run": f"/api/queries/{query.name}{suffix}",
            "json": f"/api/queries/{query.name}.json{suffix}",
            "csv": f"/api/queries/{query.name}.csv{suffix}",
        },
        "sparql": query.sparql,
    }


def _bindings(query: CannedQuery, request: Request) -> tuple[dict[str, str], dict]:
    values = dict(request.query_params)
    try:
        return values, query.bindings(values)
    except QueryParamError as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get("/queries", response_model=list[QueryInfo], tags=["canned queries"],
            summary="The canned queries: names, titles, parameters, examples and links to run them")
async def list_queries() -> list[dict]:
    return [query_info(q) for q in load_queries().values()]


async def _run_json(name: str, request: Request, engine) -> dict:
    query = _canned(name)
    values, bindings = _bindings(query, request)
    variables, rows, truncated = await graph.select_raw(engine, query.sparql, bindings)
    return {
        "name": query.name,
        "title_zh": query.title_zh,
        "title_en": query.title_en,
        "params": values,
        "columns": variables,
        "rows": [{v: py_value(row.get(v)) for v in variables} for row in rows],
        "row_count": len(rows),
        "truncated": truncated,
    }


NAME = Annotated[str, Path(description="A canned query's name, as /api/queries lists them")]
PARAMS_NOTE = "Parameters go in the query string by name (see /api/queries), e.g. ?platform=赣通码."


@router.get("/queries/{name}.json", response_model=QueryRun, responses={**NOT_FOUND, **BAD},
            tags=["canned queries"], summary="Run a canned query: JSON", description=PARAMS_NOTE)
async def run_query_json(name: NAME, request: Request, engine: EngineDep) -> dict:
    return await _run_json(name, request, engine)


@router.get("/queries/{name}.csv", responses={200: {"content": {"text/csv": {}}}, **NOT_FOUND, **BAD},
            tags=["canned queries"], summary="Run a canned query: CSV", description=PARAMS_NOTE,
            response_class=Response)
async def run_query_csv(name: NAME, request: Request, engine: EngineDep, settings: SettingsDep) -> Response:
    query = _canned(name)
    _, bindings = _bindings(query, request)
    result = await engine.query(query.sparql, bindings, formats=("csv", None))
    return result_response(result, settings.row_cap, vary=False, filename=f"{query.name}.csv")


@router.get("/queries/{name}", response_model=QueryRun, responses={**NOT_FOUND, **BAD},
            tags=["canned queries"], summary="Run a canned query", description=PARAMS_NOTE)
async def run_query(name: NAME, request: Request, engine: EngineDep) -> dict:
    return await _run_json(name, request, engine)


# ---- resources ---------------------------------------------------------------------------------

ID_DOC = "The IRI's path after https://w3id.org/plankg/id/ (the kind may be left out)"


async def _resolve(engine, ident: str, kind: str, fetch):
    """Try the id as given, then with the kind in front; 404 when neither is one."""
    candidates = [ident.strip("/")]
    if not candidates[0].startswith(kind + "/"):
        candidates.append(f"{kind}/{candidates[0]}")
    for candidate in candidates:
        node = graph.iri_of(candidate)
        if node is None:
            continue
        found = await fetch(engine, node)
        if found is not None:
            return found
    raise HTTPException(404, f"no {kind} with id {ident!r}")


@router.get("/plans", response_model=list[PlanOutline], tags=["graph"],
            summary="The plans, their chapters and tasks (with lead units), in document order")
async def list_plans(engine: EngineDep) -> list[dict]:
    return await graph.plans(engine)


@router.get("/units", response_model=list[UnitSummary], tags=["graph"],
            summary="Every unit: names, type, level, tasks by role; busiest first")
async def list_units(
    engine: EngineDep,
    involved: Annotated[bool, Query(description="Only units involved in at least one task")] = False,
) -> list[dict]:
    return await graph.units(engine, involved_only=involved)


@router.get("/units/{id:path}", response_model=UnitDetail, responses=NOT_FOUND, tags=["graph"],
            summary="One unit: its tasks by role, partners and the platforms its tasks name")
async def get_unit(id: Annotated[str, Path(description=ID_DOC, examples=["unit/jiujiang/shi-gong-an-ju"])],
                   engine: EngineDep) -> dict:
    return await _resolve(engine, id, "unit", graph.unit)


@router.get("/platforms", response_model=list[PlatformSummary], tags=["graph"],
            summary="Every platform: level, number of tasks naming it and of units involved")
async def list_platforms(
    engine: EngineDep,
    mentioned: Annotated[bool, Query(description="Only platforms that some task names")] = False,
) -> list[dict]:
    return await graph.platforms(engine, mentioned_only=mentioned)


@router.get("/platforms/{id:path}", response_model=PlatformDetail, responses=NOT_FOUND, tags=["graph"],
            summary="One platform: the tasks that name it and the units involved in them")
async def get_platform(id: Annotated[str, Path(description=ID_DOC, examples=["platform/gan-tong-ma"])],
                       engine: EngineDep) -> dict:
    return await _resolve(engine, id, "platform", graph.platform)


@router.get("/tasks/{id:path}", response_model=TaskDetail, responses=NOT_FOUND, tags=["graph"],
            summary="One task: text, units by role, deadline, mentions and its span in the source")
async def get_task(
    id: Annotated[str, Path(description=ID_DOC, examples=[
        "plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian/task/11"])],
    engine: EngineDep,
) -> dict:
    return await _resolve(engine, id, "plan", graph.task)


@router.get("/coordination", response_model=Coordination, tags=["graph"],
            summary="Who works with whom (pairs of units and their shared tasks) and each unit's load")
async def coordination(
    engine: EngineDep,
    min_shared: Annotated[int, Query(ge=1, le=1000, description="Only pairs sharing at least this many tasks")] = 1,
    limit: Annotated[int, Query(ge=1, le=1_000_000, description="At most this many pairs and units")] = 1000,
) -> dict:
    pairs, load, truncated = await coordination_data(engine)
    shown = [p for p in pairs if p["shared_tasks"] >= min_shared][:limit]
    return {"pairs": shown, "load": load[:limit], "truncated": truncated}


async def coordination_data(engine) -> tuple[list[dict], list[dict], bool]:
    """Every pair and every unit's load, most first, read once per generation of the graph: the counts
    are made when plans are built (pk:CoordinationPair, pk:UnitLoad), and the service keeps the answer
    (the graph only changes with an update), so this answers in milliseconds at any size."""
    return await per_generation(engine, "coordination", lambda: _read_coordination(engine))


async def _read_coordination(engine) -> tuple[list[dict], list[dict], bool]:
    queries = load_queries()
    _, pair_rows, cut_pairs = await graph.select_raw(engine, queries["coordination_matrix"].sparql)
    _, load_rows, cut_load = await graph.select_raw(engine, queries["coordination_load"].sparql)

    def value(row: dict, key: str):
        return py_value(row.get(key))

    pairs = [
        {
            "plan": ref(value(r, "plan"), value(r, "planTitle")),
            "unit_a": ref(value(r, "unitA"), value(r, "unitAName")),
            "unit_b": ref(value(r, "unitB"), value(r, "unitBName")),
            "shared_tasks": value(r, "sharedTasks"),
        }
        for r in pair_rows
    ]
    pairs.sort(key=lambda p: -(p["shared_tasks"] or 0))
    load = [
        {
            "plan": ref(value(r, "plan"), value(r, "planTitle")),
            "unit": ref(value(r, "unit"), value(r, "unitName")),
            **{k: value(r, k) or 0 for k in ("lead", "cooperating", "responsible", "tasks")},
            "weighted_load": float(value(r, "weightedLoad") or 0),
        }
        for r in load_rows
    ]
    load.sort(key=lambda u: -u["weighted_load"])
    return pairs, load, cut_pairs or cut_load


@router.get("/search", response_model=list[SearchHit], tags=["graph"],
            summary="Plans, chapters, tasks, units, platforms ... whose names or text contain the words")
async def search(
    engine: EngineDep, q: Annotated[str, Query(min_length=1, max_length=200, description="Text to look for")]
) -> list[dict]:
    return await graph.search(engine, q.strip() or q)


@router.get("/status", response_model=Status, tags=["service"], summary="Is it up: workers, triples, limits")
async def status(engine: EngineDep) -> dict:
    return {"status": "ok", "version": __version__,
            "store": str(engine.store_path) if engine.store_path else None, **engine.status()}
