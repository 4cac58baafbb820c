"""The query engine of the service: the graph in memory, in a pool of worker processes.

At start the on-disk store (filled with the bundled seed plan if it is empty) is copied to a temporary
folder (a RocksDB checkpoint: hard links, milliseconds), which each worker process ('spawn' context)
opens read-only and answers from at once. Meanwhile the parent dumps the copy to N-Quads, and each
worker loads that into an in-memory pyoxigraph.Store and answers from memory from then on (6-9x faster
on large graphs); /api/status counts the workers that do.

A query is sent to an idle worker as text, with its parameters as N-Triples terms and the result
formats it may use; the worker answers with bytes, a media type and a row count. The event loop never
waits on a worker: it watches the worker's pipe (add_reader) and reads the answer once it is there,
with a timer for the time limit.

- A query over the time limit: its worker is killed (SIGKILL), the client gets QueryTimeout (503),
  and a fresh worker is started in the background; the other workers go on answering meanwhile.
- A malformed query: the worker's SyntaxError comes back as QuerySyntaxError (400) with the
  parser's message.
- Row cap: a SELECT answer is cut after `row_cap` rows (CONSTRUCT/DESCRIBE after `row_cap` triples)
  and the Result says it was truncated.
- Updates (only when the route allows them) are applied to the on-disk store, which is then dumped
  again; a new generation of workers loads the new dump and replaces the old one. Queries that are
  running finish on the old graph; every query sent after update() returned sees the new one.

Everything the worker needs is in this module and plankg.api.results, which import no web framework.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

log = logging.getLogger("plankg.api.engine")

READY_TIMEOUT = 120.0  # seconds a new worker may take to load the graph
RESPAWN_ATTEMPTS = 5
QUEUE_WAIT = 5.0  # seconds a request may wait for an idle worker, at least
SOLUTION_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
DEFAULT_FORMATS = ("json", "turtle")


class EngineError(Exception):
    """A query the engine could not answer; `status` is the HTTP status it maps to."""

    status = 500


class QuerySyntaxError(EngineError):
    status = 400


class QueryFailed(EngineError):
    """The query parsed but its evaluation failed (a type error the engine reports, a bad term ...)."""

    status = 400


class QueryTimeout(EngineError):
    status = 503


class EngineBusy(EngineError):
    status = 503


class EngineUnavailable(EngineError):
    status = 503


class NotAcceptable(EngineError):
    """The client asked for a format that does not fit the query's kind of result (CSV for a CONSTRUCT)."""

    status = 406


@dataclass(frozen=True)
class Result:
    data: bytes
    media_type: str
    kind: str  # "solutions", "boolean" or "graph"
    rows: int | None  # rows of a SELECT, triples of a CONSTRUCT/DESCRIBE, None for ASK
    truncated: bool
    elapsed: float  # seconds the worker spent on it
    format: str  # the short name of the format written (json, xml, csv, tsv, turtle ...)


@dataclass
class EngineStats:
    started: float = field(default_factory=time.time)
    queries: int = 0
    timeouts: int = 0
    restarts: int = 0
    triples: int = 0


@dataclass(frozen=True)
class Snapshot:
    """One generation of the graph: a copy of the on-disk store (hard links where the file system allows)
    that workers open read-only at once, and the N-Quads dump of it they load into memory, which the
    parent writes in the background (it appears under its name only once complete)."""

    path: Path
    dump: Path
    triples: int


# ---- the worker process ------------------------------------------------------------------------


def _worker_main(conn, snapshot: str, dump_path: str, prefixes: dict[str, str], turtle_prefixes: dict[str, str],
                 memory_limit: int | None = None) -> None:  # fmt: skip
    """Answer from the on-disk snapshot at once, from memory as soon as the dump is loaded; until the
    pipe closes or None arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent stops us
    try:
        if memory_limit:
            import resource

            # past it an allocation fails, and the engine (Rust) aborts the process: the parent sees the pipe close
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        current = [ox.Store.read_only(snapshot)]  # opens in milliseconds; queries run 6-9x slower than in memory
        conn.send(("ready",))
    except Exception as exc:  # reported to the parent, which logs it
        conn.send(("error", "failed", f"opening the graph failed: {exc}"))
        return
    threading.Thread(target=_load_into_memory, args=(current, Path(dump_path)), daemon=True).start()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        store = current[0]
        try:
            reply = _answer(store, prefixes, turtle_prefixes, *request)
        except Exception as exc:  # never let one query end the worker
            reply = ("error", "failed", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


def _load_into_memory(current: list[ox.Store], dump: Path) -> None:
    """Wait for the parent's N-Quads dump of the snapshot, load it into memory, then answer from there
    (pyoxigraph releases the GIL while loading: queries go on meanwhile). A marker file next to the dump
    tells the parent this worker answers from memory now."""
    while not dump.exists():
        time.sleep(0.05)
    if not _fits_in_memory(dump):  # past the limit the engine would abort the worker, and its successor too
        worker_marker(dump, os.getpid(), "on-disk").touch()
        return
    try:
        store = ox.Store()
        store.load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError, MemoryError):  # the snapshot still answers, only slower
        worker_marker(dump, os.getpid(), "on-disk").touch()
        return
    current[0] = store
    worker_marker(dump, os.getpid(), "in-memory").touch()


def _fits_in_memory(dump: Path) -> bool:
    """Does the graph fit under this process's address-space limit? In memory it takes about 1.1x its
    N-Quads (1000 plans: a 454 MiB dump, +425 MiB, +505 MiB at the peak of loading); 1.5x is asked for."""
    import resource

    limit, _ = resource.getrlimit(resource.RLIMIT_AS)
    if limit == resource.RLIM_INFINITY:
        return True
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    return in_use + 1.5 * dump.stat().st_size < limit


def worker_marker(dump: Path, pid: int, state: str) -> Path:
    """A file that says how a worker answers: "in-memory", or "on-disk" when the graph did not fit."""
    return dump.with_name(f"{dump.name}.{state}.{pid}")


def _answer(
    store: ox.Store,
    prefixes: dict[str, str],
    turtle_prefixes: dict[str, str],
    sparql: str,
    bindings: dict[str, str],
    formats: tuple[str | None, str | None],
    row_cap: int,
    dataset: tuple[list[str], list[str]] | None,
) -> tuple:
    from plankg.api import results
    from plankg.kg.sparql import BindingError, bind_values

    try:
        terms = {name: parse_term(text) for name, text in bindings.items()}
        text = bind_values(sparql, terms)
    except (BindingError, ValueError, SyntaxError) as exc:
        return ("error", "syntax", str(exc))
    options: dict = {"prefixes": prefixes}
    if dataset and (dataset[0] or dataset[1]):
        options["default_graph"] = [ox.NamedNode(g) for g in dataset[0]] if dataset[0] else None
        if dataset[1]:
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset[1]]
    else:
        options["use_default_graph_as_union"] = True
    started = time.perf_counter()
    try:
        answer = store.query(text, **options)
        solution_format, graph_format = formats
        if isinstance(answer, ox.QueryBoolean):
            if solution_format is None:
                return ("error", "format", "boolean")
            data = results.write_boolean(solution_format, bool(answer))
            media = results.SOLUTION_MEDIA_TYPES[solution_format]
            return ("ok", data, media, "boolean", None, False, time.perf_counter() - started, solution_format)
        if isinstance(answer, ox.QuerySolutions):
            if solution_format is None:
                return ("error", "format", "solutions")
            variables = [v.value for v in answer.variables]
            rows, truncated = [], False
            for solution in answer:
                if len(rows) >= row_cap:
                    truncated = True
                    break
                rows.append([solution[i] for i in range(len(variables))])
            data = results.write_solutions(solution_format, variables, rows)
            media = results.SOLUTION_MEDIA_TYPES[solution_format]
            return ("ok", data, media, "solutions", len(rows), truncated, time.perf_counter() - started,
                    solution_format)
        if graph_format is None:
            return ("error", "format", "graph")
        triples, truncated = [], False
        for triple in answer:
            if len(triples) >= row_cap:
                truncated = True
                break
            triples.append(triple)
        data = results.write_graph(graph_format, triples, turtle_prefixes)
        media = results.GRAPH_MEDIA_TYPES[graph_format]
        return ("ok", data, media, "graph", len(triples), truncated, time.perf_counter() - started, graph_format)
    except SyntaxError as exc:
        return ("error", "syntax", str(exc))
    except (OSError, ValueError, TypeError) as exc:
        return ("error", "failed", str(exc))


def parse_term(text: str) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """One RDF term in N-Triples syntax (as str() of a pyoxigraph term writes it) back into a term.

    It is read as the object of a one-triple N-Triples document, so anything but exactly one
    well-formed term fails here and can never reach the query text.
    """
    document = f"<urn:plankg:s> <urn:plankg:p> {text} .\n"
    try:
        triples = list(ox.parse(document.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise ValueError(f"{text!r} is not one RDF term: {exc}") from exc
    if len(triples) != 1:
        raise ValueError(f"{text!r} is not one RDF term")
    return triples[0].object


# Comments, strings and IRIs, blanked out before looking for a keyword in a query.
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def uses_service(sparql: str) -> bool:
    """True when the query has a SERVICE clause, which would make the server fetch from other hosts."""
    return bool(_SERVICE.search(_NOT_CODE.sub(" ", sparql)))


# ---- the parent's side -------------------------------------------------------------------------


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx, snapshot: Snapshot, generation: int, prefixes: dict, turtle_prefixes: dict,
                 memory_limit: int | None = None) -> None:  # fmt: skip
        self.generation = generation
        self.snapshot = snapshot
        parent_end, child_end = ctx.Pipe()
        self.conn = parent_end
        self.process = ctx.Process(
            target=_worker_main,
            args=(child_end, str(snapshot.path), str(snapshot.dump), prefixes, turtle_prefixes, memory_limit),
            name=f"plankg-query-{generation}",
            daemon=True,
        )
        self.process.start()
        child_end.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            raise EngineUnavailable(f"a query worker did not open the graph within {timeout:.0f} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.process.join(1)
            raise EngineUnavailable(f"a query worker ended as it started (exit code {self.process.exitcode})") from exc
        if message[0] != "ready":
            raise EngineUnavailable(message[-1])

    def in_memory(self) -> bool:
        return self._marked("in-memory")

    def on_disk_only(self) -> bool:
        return self._marked("on-disk")

    def _marked(self, state: str) -> bool:
        return self.process.pid is not None and worker_marker(self.snapshot.dump, self.process.pid, state).exists()

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        try:
            self.process.kill()  # SIGKILL: a query inside the engine cannot be interrupted otherwise
            self.process.join(5)
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.process.join(2)
        except (OSError, EOFError, ValueError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class Engine:
    """The pool of query workers; start() before the first query, stop() at the end."""

    def __init__(self, settings) -> None:
        from plankg.kg.store import PREFIXES

        self.settings = settings
        self.prefixes = dict(PREFIXES)
        # pkid: IRIs are paths (unit/jiujiang/x), which Turtle would write as pkid:unit\/jiujiang\/x
        self.turtle_prefixes = {k: v for k, v in PREFIXES.items() if k != "pkid"}
        self.stats = EngineStats()
        self._ctx = __import__("multiprocessing").get_context("spawn")
        self._threads = ThreadPoolExecutor(max_workers=settings.workers + 4, thread_name_prefix="plankg-engine")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._generation = 0
        self._snapshot: Snapshot | None = None
        self._retired: Snapshot | None = None  # the generation before, whose workers may still be answering
        self._tmpdir: Path | None = None
        self._update_lock: asyncio.Lock | None = None
        self._all: set[_Worker] = set()
        self._all_lock = threading.Lock()
        self._in_flight: dict[_Worker, Callable[[], None]] = {}  # ends a query's wait (its reader and timer)
        self._snapshots = 0  # snapshots taken: each gets a new folder, even after a failed update
        self._pending: Snapshot | None = None  # an update's snapshot, while its workers start
        self._stopping = False
        self.store_path: Path | None = None

    @property
    def generation(self) -> int:
        """Which graph is served: 0 at start, one more after each update. The graph is read-only in
        between, so anything computed from it may be kept until this changes."""
        return self._generation

    # ---- life cycle ----

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        self._update_lock = asyncio.Lock()
        self._tmpdir = Path(tempfile.mkdtemp(prefix="plankg-serve-"))
        try:
            self._snapshot = await self._in_thread(self._take_snapshot, None)
            self.stats.triples = self._snapshot.triples
            self._start_dump(self._snapshot)
            await self._start_generation()
        except BaseException:
            await self.stop()  # no worker, dump or temporary folder left behind
            raise

    async def stop(self) -> None:
        self._stopping = True
        for end_wait in list(self._in_flight.values()):  # before their pipes close under the loop's watch
            end_wait()
        with self._all_lock:
            workers = list(self._all)
            self._all.clear()
        if self._loop is not None and workers:
            await asyncio.gather(*(self._in_thread(w.stop) for w in workers), return_exceptions=True)
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def _take_snapshot(self, update: str | None) -> Snapshot:
        """Open the on-disk store (seeding it if empty), apply `update` if any, copy it, close it."""
        from plankg.kg.pipeline import ensure_seeded
        from plankg.kg.store import PlanStore, default_store_path

        store = PlanStore(self.settings.store_path or default_store_path())
        self.store_path = store.path
        try:
            if update is not None:
                store.store.update(update)
                store.flush()
            else:
                ensure_seeded(store)
            assert self._tmpdir is not None
            self._snapshots += 1
            name = f"graph-{self._snapshots}"
            store.store.backup(str(self._tmpdir / name))  # RocksDB checkpoint: hard links, milliseconds
            return Snapshot(self._tmpdir / name, self._tmpdir / f"{name}.nq", len(store.store))
        finally:
            del store  # releases the store's lock: `plankg build` may write to it while we serve

    def _start_dump(self, snapshot: Snapshot) -> None:
        # a daemon thread, not one of the pool's: stopping the service must not wait for a dump of millions of quads
        threading.Thread(target=self._write_dump, args=(snapshot,), name="plankg-dump", daemon=True).start()

    def _write_dump(self, snapshot: Snapshot) -> None:
        """The snapshot as N-Quads, for the workers to load into memory."""
        partial = snapshot.dump.with_name(snapshot.dump.name + ".part")
        try:
            source = ox.Store.read_only(str(snapshot.path))
            with open(partial, "wb") as out:
                source.dump(out, format=ox.RdfFormat.N_QUADS)
            del source
            partial.rename(snapshot.dump)  # complete, under the name the workers wait for
        except (OSError, RuntimeError) as exc:  # the workers go on answering from the snapshot on disk
            # (RuntimeError: the snapshot was removed under the dump, after an update no worker could serve)
            partial.unlink(missing_ok=True)
            if not self._stopping:
                log.error("dumping the graph for the query workers failed: %s", exc)
            return
        if snapshot is not self._snapshot and snapshot is not self._pending:
            snapshot.dump.unlink(missing_ok=True)  # an update came first: no worker will load this one

    def _spawn(self, generation: int, snapshot: Snapshot) -> _Worker:
        worker = _Worker(self._ctx, snapshot, generation, self.prefixes, self.turtle_prefixes,
                         self.settings.worker_memory)  # fmt: skip
        with self._all_lock:
            self._all.add(worker)
        try:
            worker.wait_ready(READY_TIMEOUT)
        except Exception:
            self._discard(worker, kill=True)
            raise
        return worker

    async def _start_generation(self) -> None:
        generation, snapshot = self._generation, self._snapshot
        assert snapshot is not None
        workers = await asyncio.gather(
            *(self._in_thread(self._spawn, generation, snapshot) for _ in range(self.settings.workers))
        )
        for worker in workers:
            self._release(worker)

    def _discard(self, worker: _Worker, *, kill: bool) -> None:
        with self._all_lock:
            self._all.discard(worker)
        try:
            worker.kill() if kill else worker.stop()
        except Exception:  # already gone
            log.debug("worker clean-up failed", exc_info=True)

    def _release(self, worker: _Worker) -> None:
        """Back to the idle queue (from any thread), or retired if a newer generation has started (in an
        engine thread: stopping a worker waits for it, which the event loop must not)."""
        if self._stopping or worker.generation != self._generation:
            self._in_background(self._discard, worker, kill=self._stopping)
        else:
            assert self._loop is not None and self._idle is not None
            self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)

    def _respawn(self, generation: int) -> None:
        """Start a worker in place of one that was killed (runs in an engine thread)."""
        for attempt in range(1, RESPAWN_ATTEMPTS + 1):
            if self._stopping or generation != self._generation:
                return
            snapshot = self._snapshot
            assert snapshot is not None
            try:
                worker = self._spawn(generation, snapshot)
            except Exception as exc:
                if self._stopping:
                    return
                log.error("starting a query worker failed (attempt %d): %s", attempt, exc)
                time.sleep(min(2**attempt, 30))
                continue
            self.stats.restarts += 1
            self._release(worker)
            return

    async def _in_thread(self, function, *args):
        assert self._loop is not None
        return await self._loop.run_in_executor(self._threads, function, *args)

    async def wait_in_memory(self, timeout: float = READY_TIMEOUT) -> bool:
        """Until every worker of the current generation answers from memory (True), or one stays on disk
        because the graph does not fit in its memory limit, or `timeout` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._stopping:
            with self._all_lock:
                current = [w for w in self._all if w.generation == self._generation]
            if any(w.on_disk_only() for w in current):
                log.warning("the graph does not fit in the workers' memory limit (--worker-memory %s MiB): they "
                            "answer from disk, several times slower", round((self.settings.worker_memory or 0) / 2**20))
                return False
            if len(current) >= self.settings.workers and all(w.in_memory() for w in current):
                return True
            await asyncio.sleep(0.05)
        return False

    # ---- queries ----

    async def query(
        self,
        sparql: str,
        bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        *,
        formats: tuple[str | None, str | None] = DEFAULT_FORMATS,
        dataset: tuple[Sequence[str], Sequence[str]] | None = None,
        row_cap: int | None = None,
    ) -> Result:
        """Run a query in a worker. `formats`: (format for SELECT/ASK, format for CONSTRUCT/DESCRIBE),
        short names of plankg.api.results; None where that kind of answer is not acceptable.
        `row_cap`: for the service's own queries only (the views' reads, api/rows.py), a cap of their
        own in place of the settings' one, which is meant for clients; never taken from a request."""
        if self._idle is None:
            raise EngineUnavailable("the query engine has not started")
        if uses_service(sparql):
            raise QueryFailed("SERVICE (federated query) is not allowed: this server answers from its own graph only")
        request = (
            sparql,
            {name: str(term) for name, term in (bindings or {}).items()},
            tuple(formats),
            self.settings.row_cap if row_cap is None else max(1, int(row_cap)),
            (list(dataset[0]), list(dataset[1])) if dataset else None,
        )
        worker = await self._acquire()
        self.stats.queries += 1
        # the callbacks own the worker from here: they give it back, or replace it, even if we are cancelled
        reply = await asyncio.shield(self._submit(worker, request))
        status = reply[0]
        if status == "ok":
            _, data, media, kind, rows, truncated, elapsed, fmt = reply
            return Result(data, media, kind, rows, truncated, elapsed, fmt)
        if status == "timeout":
            self.stats.timeouts += 1
            limit = self.settings.timeout
            raise QueryTimeout(f"the query ran longer than the time limit of {limit:g} s and was stopped")
        if status == "crashed":
            limit = self.settings.worker_memory
            why = ""
            if limit:
                why = f" (a query that needs more than the worker's {limit / 2**20:.0f} MiB of memory ends it)"
            raise EngineUnavailable(f"the query engine stopped while answering{why}; try again")
        _, reason, message = reply
        if reason == "syntax":
            raise QuerySyntaxError(message)
        if reason == "format":
            raise NotAcceptable(message)
        raise QueryFailed(message)

    async def _acquire(self) -> _Worker:
        assert self._idle is not None
        # a request waits for a free worker up to the time limit (at least QUEUE_WAIT seconds), then gets 503
        deadline = time.monotonic() + max(self.settings.timeout, QUEUE_WAIT)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EngineBusy(f"all {self.settings.workers} query workers stayed busy; try again shortly")
            # not asyncio.wait_for: on Python < 3.12 it can drop a result that arrives as it times out
            getter = asyncio.ensure_future(self._idle.get())
            try:
                done, _ = await asyncio.wait({getter}, timeout=remaining)
            except asyncio.CancelledError:  # the request went away: a worker the getter took goes back
                getter.cancel()
                getter.add_done_callback(self._return_unused)
                raise
            if not done:
                getter.cancel()
                try:
                    worker = await getter
                except asyncio.CancelledError:
                    continue
            else:
                worker = getter.result()
            if worker.generation == self._generation and worker.alive():
                return worker
            if worker.generation == self._generation:  # died while idle: replace it
                self._replace(worker)
            else:
                self._threads.submit(self._discard, worker, kill=True)

    def _return_unused(self, getter: asyncio.Future) -> None:
        if not getter.cancelled() and getter.exception() is None:
            self._release(getter.result())

    def _submit(self, worker: _Worker, request: tuple) -> asyncio.Future:
        """Send the request; the future gets the worker's reply, ("timeout",) or ("crashed",).

        No thread waits: the loop calls `readable` when the answer (or the end of a dead worker's pipe)
        arrives, and `expired` at the time limit, whichever comes first; the other is then cancelled.
        """
        loop = self._loop
        assert loop is not None
        future: asyncio.Future = loop.create_future()
        fd = worker.conn.fileno()

        def finish(reply: tuple, *, healthy: bool) -> None:
            loop.remove_reader(fd)
            timer.cancel()
            self._in_flight.pop(worker, None)
            if not future.done():
                future.set_result(reply)
            if healthy:
                self._release(worker)
            else:
                self._replace(worker)

        def readable() -> None:
            loop.remove_reader(fd)
            try:
                # add_reader made the pipe non-blocking; recv reads a whole message, which the worker writes at
                # once after the query, so it is read in one go rather than in pieces across callbacks
                os.set_blocking(fd, True)
                reply = worker.conn.recv()
            except Exception:  # EOF when the worker died; anything else it sent cannot be trusted either
                finish(("crashed",), healthy=False)
            else:
                finish(reply, healthy=True)

        def expired() -> None:
            finish(("timeout",), healthy=False)

        try:
            worker.conn.send(request)
        except (EOFError, OSError, ValueError):
            self._replace(worker)
            future.set_result(("crashed",))
            return future
        timer = loop.call_later(self.settings.timeout, expired)
        loop.add_reader(fd, readable)
        self._in_flight[worker] = lambda: finish(("crashed",), healthy=False)
        return future

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that overran or broke, and start another of its generation (both in engine threads)."""
        self._in_background(self._discard, worker, kill=True)
        if not self._stopping:
            self._in_background(self._respawn, worker.generation)

    def _in_background(self, function, *args, **kwargs) -> None:
        try:
            self._threads.submit(function, *args, **kwargs)
        except RuntimeError:  # the engine has stopped and its threads with it: do it here
            function(*args, **kwargs)

    # ---- updates ----

    async def update(self, sparql: str) -> None:
        """Apply a SPARQL update to the on-disk store, then serve the new graph from new workers."""
        assert self._update_lock is not None
        prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in self.prefixes.items())
        async with self._update_lock:
            old = self._snapshot
            from plankg.kg.store import StoreError

            try:
                snapshot = await self._in_thread(self._take_snapshot, prologue + sparql)
            except SyntaxError as exc:
                raise QuerySyntaxError(str(exc)) from exc
            except StoreError as exc:
                raise EngineUnavailable(f"the store cannot be written now: {exc}") from exc
            except (OSError, RuntimeError) as exc:  # RuntimeError: CLEAR of a graph that is not there, and the like
                raise QueryFailed(f"the update failed: {exc}") from exc
            generation = self._generation + 1
            self._pending = snapshot
            self._start_dump(snapshot)
            workers = await asyncio.gather(
                *(self._in_thread(self._spawn, generation, snapshot) for _ in range(self.settings.workers)),
                return_exceptions=True,
            )
            self._pending = None
            started = [w for w in workers if isinstance(w, _Worker)]
            if not started:
                snapshot.dump.unlink(missing_ok=True)
                self._in_background(shutil.rmtree, snapshot.path, True)
                raise EngineUnavailable(f"the update was applied but no worker could load it: {workers[0]}")
            self._snapshot, self._generation = snapshot, generation
            self.stats.triples = snapshot.triples
            for worker in started:
                self._release(worker)
            # idle workers of the old generation are retired now; busy ones when they finish
            assert self._idle is not None
            keep = []
            while not self._idle.empty():
                worker = self._idle.get_nowait()
                if worker.generation == generation:
                    keep.append(worker)
                else:
                    self._threads.submit(self._discard, worker, kill=False)
            for worker in keep:
                self._idle.put_nowait(worker)
            for _ in range(self.settings.workers - len(started)):
                self._threads.submit(self._respawn, generation)
            if old is not None:
                # workers of the old generation have it in memory or open; its copy on disk goes with the next update
                old.dump.unlink(missing_ok=True)
                if self._retired is not None:
                    self._threads.submit(shutil.rmtree, self._retired.path, True)
                self._retired = old

    # ---- for /api/status ----

    def status(self) -> dict:
        idle = self._idle.qsize() if self._idle is not None else 0
        with self._all_lock:
            current = [w for w in self._all if w.alive() and w.generation == self._generation]
            alive = sum(1 for w in self._all if w.alive())
        in_memory = sum(1 for w in current if w.in_memory())
        return {
            "workers": self.settings.workers,
            "workers_alive": alive,
            "workers_in_memory": in_memory,
            "workers_idle": idle,
            "triples": self.stats.triples,
            "queries": self.stats.queries,
            "timeouts": self.stats.timeouts,
            "restarts": self.stats.restarts,
            "timeout_seconds": self.settings.timeout,
            "row_cap": self.settings.row_cap,
            "worker_memory_mib": round(self.settings.worker_memory / 2**20) if self.settings.worker_memory else None,
            "read_only": self.settings.update_token is None,
            "uptime_seconds": round(time.time() - self.stats.started, 1),
            "pid": os.getpid(),
        }
