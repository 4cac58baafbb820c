"""What the views and exports render, kept per generation of the graph.

The graph is read-only between updates (Engine.generation changes with each), and rendering a view
is expensive (the vis-network page, matplotlib charts, workbooks), so each rendered thing is kept
until the graph changes. Within one generation every render also shares one memo of query answers
(api/rows.py): the views' snapshot is read from the engine once, not once per view.

- Concurrent requests for the same thing wait on one render (no stampede).
- A render that fails (an unknown name, say) is not kept, so names nobody has will not fill it;
  what is kept is bounded (MAX_ENTRIES, least recently used out first).
- A render runs in a thread (asyncio.to_thread), so the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from plankg.api.rows import EngineRows

MAX_ENTRIES = 64  # a network page is about 1 MB (vis-network inlined): at most some 64 MB


@dataclass(frozen=True)
class Rendered:
    """A rendered view or file: its bytes, how long it took, and an ETag for conditional requests."""

    content: bytes
    media_type: str
    seconds: float
    generation: int
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""

    def __post_init__(self) -> None:
        if not self.etag:
            digest = hashlib.sha256(self.content).hexdigest()[:20]
            object.__setattr__(self, "etag", f'"g{self.generation}-{digest}"')


class ViewCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.generation: int | None = None
        self.entries: OrderedDict[Hashable, asyncio.Task] = OrderedDict()
        self.memo: dict = {}
        self.renders = 0  # how many renders ran (hits not counted), for tests and /api/status-like checks

    def _reset_if_stale(self, generation: int) -> None:
        if generation != self.generation:
            self.generation = generation
            self.entries = OrderedDict()
            self.memo = {}

    def cached(self, engine, key: Hashable) -> bool:
        """Whether `key` is rendered (or being rendered) for the graph served now."""
        task = self.entries.get(key) if engine.generation == self.generation else None
        return task is not None and not (task.done() and (task.cancelled() or task.exception() is not None))

    async def get(
        self, engine, key: Hashable, render: Callable[[EngineRows], tuple[bytes, str] | tuple[bytes, str, dict]]
    ) -> tuple[Rendered, bool]:
        """(the rendered thing, whether it was cached). `render(rows)` runs in a thread and returns
        (content, media type) or (content, media type, extra headers)."""
        generation = engine.generation
        self._reset_if_stale(generation)
        task = self.entries.get(key)
        hit = task is not None
        if task is None:
            memo = self.memo
            loop = asyncio.get_running_loop()

            def run() -> Rendered:
                started = time.perf_counter()
                out: Any = render(EngineRows(engine, loop, memo=memo))
                content, media_type, *extra = out
                return Rendered(content, media_type, time.perf_counter() - started, generation,
                                dict(extra[0]) if extra else {})

            task = asyncio.ensure_future(asyncio.to_thread(run))
            task.add_done_callback(_retrieve)
            self.renders += 1
            self.entries[key] = task
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(key)
        try:
            return await asyncio.shield(task), hit
        except Exception:
            if self.entries.get(key) is task:  # a failure is not kept: the next request tries again
                del self.entries[key]
            raise


def _retrieve(task: asyncio.Task) -> None:
    """Mark a failure as seen even if every request that waited for it has gone away."""
    if not task.cancelled():
        task.exception()


def view_cache(app) -> ViewCache:
    cache = getattr(app.state, "view_cache", None)
    if cache is None:
        cache = app.state.view_cache = ViewCache()
    return cache
