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


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_answers_larger_than_a_pipe_buffer_arrive_whole_under_concurrency(api_store, loop):
    """The loop is woken when the first bytes of an answer arrive; an answer of megabytes (many pipe buffers)
    must still come back whole, on every worker at once, with a large query text going the other way.
    Under uvloop (what `plankg serve` runs on) watching a pipe makes it non-blocking."""

    async def scenario():
        engine = Engine(Settings(store_path=api_store, workers=2, row_cap=1_000_000))
        await engine.start()
        try:
            # blank nodes left out: each worker loads the graph on its own and names them its own way
            everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o"
            padded = everything + "\n#" + "x" * 500_000  # a comment: 500 kB of query text
            first = await engine.query(everything)
            expected = json.loads(first.data)["results"]["bindings"]
            assert len(first.data) > 1_000_000 and len(expected) == first.rows > 4000
            answers = await asyncio.gather(*(engine.query(padded if i % 2 else everything) for i in range(8)))
            for answer in answers:
                assert json.loads(answer.data)["results"]["bindings"] == expected
            assert engine.status()["restarts"] == 0
        finally:
            await engine.stop()

    if loop == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(scenario())
    else:
        run(scenario())


def test_a_query_past_the_worker_memory_limit_ends_only_its_worker(api_store):
    """ORDER BY over a cross join of the graph with itself must hold tens of millions of rows: past the
    worker's memory limit the worker dies, the client gets EngineUnavailable (503), and the pool answers
    the next query from a fresh worker."""
    from plankg.api.engine import EngineUnavailable

    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"

    async def scenario():
        engine = Engine(Settings(store_path=api_store, workers=1, timeout=60, worker_memory=1536 * 2**20))
        await engine.start()
        try:
            started = asyncio.get_running_loop().time()
            with pytest.raises(EngineUnavailable, match="1536 MiB"):
                await engine.query(hungry)
            assert asyncio.get_running_loop().time() - started < 50  # the limit stopped it, not the timeout
            result = await engine.query("ASK { ?t a pk:Task }")
            assert json.loads(result.data)["boolean"] is True
            assert engine.status()["restarts"] == 1
        finally:
            await engine.stop()

    run(scenario())


def test_workers_answer_from_the_snapshot_at_once_and_from_memory_once_the_dump_is_there(api_store, monkeypatch):
    import threading

    import pyoxigraph as ox

    dump_allowed = threading.Event()
    write_dump = Engine._write_dump

    def held_back(self, snapshot):
        dump_allowed.wait(30)
        write_dump(self, snapshot)

    monkeypatch.setattr(Engine, "_write_dump", held_back)
    query = ("SELECT ?unit WHERE { ?task pk:mentionsPlatform ?p ; pk:involvedUnit ?unit . ?p skos:prefLabel ?name } "
             "ORDER BY ?unit")

    async def scenario():
        engine = Engine(Settings(store_path=api_store, workers=2))
        await engine.start()
        try:
            from_disk = json.loads((await engine.query(query, {"name": ox.Literal("赣通码", language="zh")})).data)
            assert engine.status()["workers_in_memory"] == 0
            dump_allowed.set()
            assert await engine.wait_in_memory(30)
            assert engine.status()["workers_in_memory"] == 2
            for _ in range(2):  # both workers, from memory now: the same answer
                answer = json.loads((await engine.query(query, {"name": ox.Literal("赣通码", language="zh")})).data)
                assert answer == from_disk and len({r["unit"]["value"] for r in answer["results"]["bindings"]}) == 9
        finally:
            await engine.stop()

    run(scenario())


def test_a_worker_that_dies_mid_query_gives_503_and_is_replaced(api_store):
    """Without a memory limit too (the message names the limit only when there is one)."""
    import os
    import signal

    from plankg.api.engine import EngineUnavailable

    async def scenario():
        engine = Engine(Settings(store_path=api_store, workers=1, timeout=30))
        await engine.start()
        try:
            running = asyncio.create_task(engine.query(EXPLOSIVE_QUERY))
            await asyncio.sleep(0.3)
            (worker,) = engine._all
            os.kill(worker.process.pid, signal.SIGKILL)
            with pytest.raises(EngineUnavailable, match="stopped while answering; try again"):
                await running
            result = await engine.query("ASK { ?t a pk:Task }")
            assert json.loads(result.data)["boolean"] is True
        finally:
            await engine.stop()

    run(scenario())


def test_an_update_no_worker_could_serve_does_not_stop_the_next_one(api_store, tmp_path, monkeypatch):
    import shutil

    from plankg.api.engine import EngineUnavailable, QueryFailed

    store = tmp_path / "store"
    shutil.copytree(api_store, store)
    spawn = Engine._spawn

    async def scenario():
        engine = Engine(Settings(store_path=store, workers=1, update_token="t"))
        await engine.start()
        try:
            def broken(self, generation, snapshot):
                raise EngineUnavailable("a query worker ended as it started (exit code 1)")

            monkeypatch.setattr(Engine, "_spawn", broken)
            with pytest.raises(EngineUnavailable, match="no worker could load it"):
                await engine.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "1" } }')
            monkeypatch.setattr(Engine, "_spawn", spawn)
            await engine.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "2" } }')
            result = await engine.query("SELECT ?o WHERE { <urn:a> <urn:b> ?o } ORDER BY ?o")
            assert [r["o"]["value"] for r in json.loads(result.data)["results"]["bindings"]] == ["1", "2"]
            with pytest.raises(QueryFailed, match="the update failed"):
                await engine.update("CLEAR GRAPH <urn:no-such-graph>")
            assert len(list(engine._tmpdir.glob("graph-*.nq.part"))) == 0
        finally:
            await engine.stop()

    run(scenario())
