"""The engine on its own (no HTTP): the pool survives cancelled requests and runaway queries."""

from __future__ import annotations

import asyncio
import json

import pytest
from plankg.api.engine import Engine, QuerySyntaxError, QueryTimeout
from plankg.api.settings import Settings

from .conftest import EXPLOSIVE_QUERY


def run(coroutine):
    return asyncio.run(coroutine)


def test_settings_are_checked():
    with pytest.raises(ValueError):
        Settings(timeout=0)
    with pytest.raises(ValueError):
        Settings(row_cap=0)
    with pytest.raises(ValueError):
        Settings(workers=0)
    with pytest.raises(ValueError):
        Settings(update_token="  ")


def test_one_worker_survives_a_timeout_and_cancelled_requests(api_store):
    async def scenario():
        engine = Engine(Settings(store_path=api_store, timeout=1, workers=1))
        await engine.start()
        try:
            with pytest.raises(QueryTimeout):
                await engine.query(EXPLOSIVE_QUERY)
            # a request that gives up while the only worker is busy must not take the worker with it
            slow = asyncio.create_task(engine.query(EXPLOSIVE_QUERY))
            await asyncio.sleep(0.3)
            waiting = asyncio.create_task(engine.query("ASK { ?t a pk:Task }"))
            await asyncio.sleep(0.2)
            waiting.cancel()
            slow.cancel()
            result = await engine.query("ASK { ?t a pk:Task }")
            assert json.loads(result.data)["boolean"] is True
            with pytest.raises(QuerySyntaxError):
                await engine.query("ASK {")
            status = engine.status()
            assert status["workers_alive"] == 1 and status["timeouts"] >= 1
        finally:
            await engine.stop()

    run(scenario())


def test_bindings_go_in_as_terms(api_store):
    import pyoxigraph as ox

    async def scenario():
        engine = Engine(Settings(store_path=api_store, workers=1))
        await engine.start()
        try:
            query = "SELECT ?p WHERE { ?p skos:prefLabel ?name }"
            result = await engine.query(query, {"name": ox.Literal("赣通码", language="zh")})
            rows = json.loads(result.data)["results"]["bindings"]
            assert [r["p"]["value"] for r in rows] == ["https://w3id.org/plankg/id/platform/gan-tong-ma"]
            hostile = ox.Literal('赣通码"@zh } ?p ?x ?y . { ', language="zh")
            result = await engine.query(query, {"name": hostile})
            assert json.loads(result.data)["results"]["bindings"] == []
        finally:
            await engine.stop()

    run(scenario())
