"""/api/ask: questions in Chinese, answered with the canned query they mean (kg/ask.py decides which),
run through the engine like every other query, so the time limit and the row cap hold here too."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from plankg.api.deps import EngineDep
from plankg.api.rows import EngineRows, per_generation
from plankg.kg.ask import Gazetteer, plan_answer

router = APIRouter(prefix="/api")
MAX_QUESTION = 500


async def gazetteer(request: Request, engine) -> Gazetteer:
    """Every name a question may use, read from the graph once per generation of the graph."""
    async def read() -> Gazetteer:
        rows = EngineRows(engine, asyncio.get_running_loop())
        return await asyncio.to_thread(Gazetteer.from_store, rows)

    return await per_generation(engine, "gazetteer", read)


@router.get("/ask", summary="Answer a question in Chinese")
async def ask(
    request: Request,
    engine: EngineDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION, description="e.g. 哪些单位涉及赣通码？")],
) -> dict[str, Any]:
    """{"question", "query", "title", "sparql", "params", "results", "why", "order_by"}, where results is the
    SPARQL 1.1 Query Results JSON of the canned query the question was taken to mean; a question it
    cannot answer gets {"question", "query": null, "results": null, "suggestions": [...]}."""
    names = await gazetteer(request, engine)
    plan = await asyncio.to_thread(plan_answer, q, names)
    if plan.interpretation is None:
        return plan.unanswered
    result = await engine.query(plan.canned.sparql, plan.bindings, formats=("json", None))
    return plan.answered(json.loads(result.data))
