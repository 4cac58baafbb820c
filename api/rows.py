"""A store-like `select()` over the engine, for code written against kg.store.PlanStore that runs in
a worker thread: the question answerer's Gazetteer.from_store, the views' viz.data.load_snapshot.

The API process has no store of its own (the graph lives in the engine's worker processes), so

    rows = EngineRows(engine, asyncio.get_running_loop())
    snapshot = await asyncio.to_thread(load_snapshot, rows)

sends each query to the engine on the event loop and waits for it in the thread; the event loop
itself never waits. Calling select() on the event loop's own thread would deadlock, so it refuses.

Rows are dicts of plain values (str for IRIs and literals, None where unbound), as PlanStore.select
gives. These are the service's own queries, not a client's: they get a row cap of their own
(INTERNAL_ROW_CAP) rather than the one for clients, and an answer that is cut short raises
RowsTruncated instead of giving a view that silently lacks part of the graph. The time limit holds.

`memo`: a dict shared by the readers of one generation of the graph (api/viewcache.py keeps one),
so a query asked again, as every view's load_snapshot does, is answered from memory.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from plankg.api.engine import EngineError

INTERNAL_ROW_CAP = 2_000_000


class RowsTruncated(EngineError):
    """An internal read had more rows than INTERNAL_ROW_CAP."""

    status = 500


class EngineRows:
    """select(sparql, bindings) → list of dicts, over the engine, for use from a thread."""

    def __init__(
        self,
        engine,
        loop: asyncio.AbstractEventLoop,
        *,
        memo: dict | None = None,
        row_cap: int = INTERNAL_ROW_CAP,
    ) -> None:
        self.engine = engine
        self.loop = loop
        self.memo = memo
        self.row_cap = row_cap
        self.queries = 0  # sent to the engine (memo hits not counted)

    def select(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> list[dict]:
        key = (sparql, tuple(sorted((name, str(term)) for name, term in (bindings or {}).items())))
        if self.memo is not None:
            cached = self.memo.get(key)
            if cached is not None:
                return [dict(row) for row in cached]
        if self._on_loop_thread():
            raise RuntimeError("EngineRows.select waits for the engine: call it from a thread (asyncio.to_thread)")
        running = self.engine.query(sparql, bindings, formats=("json", None), row_cap=self.row_cap)
        result = asyncio.run_coroutine_threadsafe(running, self.loop).result()
        self.queries += 1
        if result.truncated:
            raise RowsTruncated(
                f"the graph is too large to draw: a query of the view gave more than {self.row_cap} rows"
            )
        document = json.loads(result.data)
        names = document["head"]["vars"]
        rows = [
            {n: row[n]["value"] if n in row else None for n in names} for row in document["results"]["bindings"]
        ]
        if self.memo is not None:
            self.memo[key] = rows
            return [dict(row) for row in rows]
        return rows

    def _on_loop_thread(self) -> bool:
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:  # no loop runs in this thread: as it should be
            return False


async def in_thread(engine, function, *args: Any, memo: dict | None = None, **kwargs: Any):
    """function(rows, *args, **kwargs) in a worker thread, rows an EngineRows over `engine`."""
    rows = EngineRows(engine, asyncio.get_running_loop(), memo=memo)
    return await asyncio.to_thread(function, rows, *args, **kwargs)


async def per_generation(engine, key: str, compute):
    """`await compute()` once per generation of the graph (the graph changes only with an update),
    concurrent callers waiting on the one computation; kept on the engine under `key`."""
    cache = engine.__dict__.setdefault("_per_generation", {})
    locks = engine.__dict__.setdefault("_per_generation_locks", {})
    generation = getattr(engine, "generation", 0)
    cached = cache.get(key)
    if cached is not None and cached[0] == generation:
        return cached[1]
    async with locks.setdefault(key, asyncio.Lock()):
        cached = cache.get(key)
        if cached is None or cached[0] != generation:
            cache[key] = (generation, await compute())
    return cache[key][1]
