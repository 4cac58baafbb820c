"""Checks and links between plans: /api/check (the `plankg check` report), /api/alignments (what
`plankg link` found) and the page /links (city tasks beside the provincial tasks they carry out).

The service holds the graph in its query workers and keeps no store open, so /api/check runs
kg/check.py on the on-disk store the service was started from, copied into memory through
Oxigraph's read-only mode (which takes no lock: `plankg build` may write meanwhile, and the report
is of the store as it is then). The report is kept until the store's files change.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from plankg.api import graph
from plankg.api.deps import EngineDep, SettingsDep
from plankg.api.engine import EngineUnavailable
from plankg.api.routes.pages import render
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

router = APIRouter()


# ---- /api/check --------------------------------------------------------------------------------


class Rule(BaseModel):
    zh: str
    en: str


class ViolationOut(BaseModel):
    plan: str = Field(description="The plan's title, or （登记表）registry")
    focus: str = Field(description="The IRI of the element")
    element: str = Field(description="The element as a person names it: 任务 3 加强数据治理宣传培训")
    rule_zh: str
    rule_en: str
    message_zh: str
    message_en: str


class CheckReport(BaseModel):
    conforms: bool = Field(description="True when no plan violates any rule")
    plans: list[str] = Field(description="The titles of the plans checked")
    violation_count: int
    violations: list[ViolationOut]
    rules: list[Rule] = Field(description="Every rule checked (ontology/shapes.ttl), in Chinese and English")


_cache: dict[str, tuple[tuple, dict]] = {}
_lock = asyncio.Lock()


def _store_path(settings) -> Path:
    from plankg.kg.store import default_store_path

    return Path(settings.store_path or default_store_path())


def _fingerprint(path: Path) -> tuple:
    """What changes whenever the store does (RocksDB writes new files and grows its log)."""
    try:
        return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in path.iterdir()))
    except OSError:
        return ()


def snapshot(path: Path, attempts: int = 5):
    """A copy in memory of the store at `path`, read through Oxigraph's read-only mode.

    Read-only mode takes no lock, so a writer may be compacting meanwhile and remove a file the
    reader was about to open ("Corruption: ... No such file"): the copy is taken at once, and
    taken again on such an error."""
    import time

    import pyoxigraph as ox

    last: Exception | None = None
    for attempt in range(attempts):
        try:
            disk = ox.Store.read_only(str(path))
            memory = ox.Store()
            memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            del disk
            return memory
        except (OSError, RuntimeError) as exc:
            last = exc
            time.sleep(0.1 * (attempt + 1))
    message = str(last).strip().splitlines()[0] if last and str(last).strip() else type(last).__name__
    raise EngineUnavailable(f"the store cannot be read for the check now ({message}); try again")


def run_check(path: Path) -> dict[str, Any]:
    """The check report of the store at `path`."""
    from plankg.kg.check import check_store, load_shapes
    from plankg.kg.store import PlanStore

    store = PlanStore(None)
    store.store = snapshot(path)
    violations = check_store(store)
    plans = [info.title for info in store.plans()]
    del store
    core, sparql_rules = load_shapes()
    rules = _core_rules(core) + [r.rule for r in sparql_rules]
    seen: list[dict] = []
    for rule in rules:
        entry = {"zh": rule.get("zh", ""), "en": rule.get("en", "")}
        if entry not in seen:
            seen.append(entry)
    return {
        "conforms": not violations,
        "plans": plans,
        "violation_count": len(violations),
        "violations": [v.as_dict() for v in violations],
        "rules": seen,
    }


def _core_rules(shapes) -> list[dict[str, str]]:
    import rdflib

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    rules = []
    for shape in sorted(set(shapes.subjects(rdflib.RDF.type, sh.NodeShape)), key=str):
        labels = {getattr(o, "language", None) or "": str(o) for o in shapes.objects(shape, rdflib.RDFS.label)}
        if labels:
            rules.append(labels)
    return rules


async def check_report(settings) -> dict[str, Any]:
    path = _store_path(settings)
    async with _lock:
        key = _fingerprint(path)
        cached = _cache.get(str(path))
        if cached is not None and cached[0] == key and key:
            return cached[1]
        report = await run_in_threadpool(run_check, path)
        _cache[str(path)] = (key, report)
        return report


@router.get("/api/check", response_model=CheckReport, tags=["checks and links"],
            summary="The plankg check report: every plan against the SHACL rules, in Chinese and English",
            description="The same report as `plankg check --format json`, with the rules checked. Runs on the "
                        "store the service was started from (read-only); conforms is false when any rule is "
                        "broken.")  # fmt: skip
async def api_check(settings: SettingsDep) -> dict[str, Any]:
    return await check_report(settings)


# ---- /api/alignments ---------------------------------------------------------------------------


async def canned_rows(engine, name: str) -> list[dict[str, Any]]:
    from plankg.queries import load_queries

    query = load_queries()[name]
    return await graph.select(engine, query.sparql)


@router.get("/api/alignments", tags=["checks and links"],
            summary="Task alignments between plans of different levels (the rows of task_alignments)",
            description="What `plankg link` wrote: each lower-level task with its best higher-level counterpart "
                        "and the other way round, with score (0..1), evidence and whether the pair is confident "
                        "(pk:alignedWith). Empty until `plankg link` has run. Gaps and local initiatives: "
                        "/api/queries/alignment_gaps, /api/queries/local_initiatives.")  # fmt: skip
async def api_alignments(engine: EngineDep) -> list[dict[str, Any]]:
    return await canned_rows(engine, "task_alignments")


# ---- /links ------------------------------------------------------------------------------------


def _task(row: dict, side: str = "") -> dict[str, Any]:
    """A task of a row as the page shows it: 二.3 标题, linked to its page."""
    prefix = side
    key = (lambda name: f"{prefix}{name[0].upper()}{name[1:]}") if prefix else (lambda name: name)
    iri = row[key("task")]
    chapter = row.get(key("chapter")) if prefix else row.get("chapterNumber")
    return {
        "iri": iri,
        "page": graph.page_of(iri),
        "number": row[key("number")],
        "chapter": chapter,
        "name": row[key("title")],
    }


def pair_sections(alignments: list[dict], gaps: list[dict], local: list[dict]) -> list[dict[str, Any]]:
    """One section per (higher plan, lower plan): the aligned pairs in the higher plan's order, the
    weak best candidates, the gaps."""
    sections: dict[tuple[str, str], dict[str, Any]] = {}
    for row in alignments:
        key = (row["higherPlan"], row["lowerPlan"])
        section = sections.setdefault(key, {
            "higher_plan": {"iri": row["higherPlan"], "page": graph.page_of(row["higherPlan"]),
                            "name": row["higherPlanTitle"]},
            "lower_plan": {"iri": row["lowerPlan"], "page": graph.page_of(row["lowerPlan"]),
                           "name": row["lowerPlanTitle"]},
            "pairs": [], "weak": [], "gaps": [],
        })  # fmt: skip
        pair = {"higher": _task(row, "higher"), "lower": _task(row, "lower"), "score": row["score"],
                "evidence": row.get("evidence") or "", "confident": bool(row["confident"])}  # fmt: skip
        (section["pairs"] if pair["confident"] else section["weak"]).append(pair)
    for row in gaps:
        section = sections.get((row["plan"], row["lowerPlan"]))
        if section is not None:
            section["gaps"].append({**_task(row), "best_score": row["bestScore"]})
    for section in sections.values():
        # a weak candidate shown once: the best one of each higher-level task left without a counterpart
        gap_tasks = {gap["iri"] for gap in section["gaps"]}
        best: dict[str, dict] = {}
        for pair in section["weak"]:
            iri = pair["higher"]["iri"]
            if iri in gap_tasks and (iri not in best or pair["score"] > best[iri]["score"]):
                best[iri] = pair
        for gap in section["gaps"]:
            gap["candidate"] = best.get(gap["iri"])
    local_by_plan: dict[str, list[dict]] = {}
    for row in local:
        local_by_plan.setdefault(row["plan"], []).append({**_task(row), "best_score": row["bestScore"]})
    result = list(sections.values())
    for section in result:
        section["local"] = local_by_plan.get(section["lower_plan"]["iri"], [])
    return result


@router.get("/links", response_class=HTMLResponse, include_in_schema=False)
async def links_page(request: Request, engine: EngineDep) -> HTMLResponse:
    alignments = await canned_rows(engine, "task_alignments")
    gaps = await canned_rows(engine, "alignment_gaps")
    local = await canned_rows(engine, "local_initiatives")
    relying = await canned_rows(engine, "tasks_relying_on_higher_level")
    citations = await canned_rows(engine, "plan_citations")
    upward: list[dict[str, Any]] = []
    for row in relying:
        task = _task(row)
        entry = next((u for u in upward if u["task"]["iri"] == task["iri"] and u["wording"] == row["wording"]), None)
        if entry is None:
            entry = {"plan": row["planTitle"], "task": task, "wording": row["wording"], "platforms": []}
            upward.append(entry)
        if row.get("platform"):
            entry["platforms"].append({"page": graph.page_of(row["platform"]), "name": row["platformName"],
                                       "level": row.get("levelName")})  # fmt: skip
    cited = [{"plan": {"page": graph.page_of(r["plan"]), "name": r["planTitle"]},
              "cited": {"page": graph.page_of(r["cited"]), "name": r.get("citedTitle") or r.get("identifier")
                        or graph.compact(r["cited"])},
              "identifier": r.get("identifier"), "level": r.get("levelName"), "in_registry": r.get("inRegistry")}
             for r in citations]  # fmt: skip
    return render(request, "plan_links.html", {
        "title": "上下级计划对应",
        "sections": pair_sections(alignments, gaps, local),
        "upward": upward,
        "citations": cited,
        "twins": [{"label": "JSON 任务对应 (API)", "href": "/api/alignments"},
                  {"label": "JSON 未对应的上级任务", "href": "/api/queries/alignment_gaps.json"},
                  {"label": "JSON 本级特色任务", "href": "/api/queries/local_initiatives.json"},
                  {"label": "JSON 检查报告", "href": "/api/check"}],
        "alternates": [{"type": "application/json", "href": "/api/alignments"}],
    })  # fmt: skip
