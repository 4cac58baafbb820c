"""The service, measured: `plankg serve` next to `oxigraph serve` (and rdflib-endpoint) on the same data and queries.

    python benchmarks/bench_serve.py [--seconds 5] [--threads 4] [--plans FILE ...]
    python -m benchmarks.bench_serve --corpus 1000 [--seed 0] [--no-rdflib]

Prints, side by side in one run: requests per second of /sparql for a few canned queries with N
client threads (keep-alive connections, results read in full); the time from starting each server to
its first answer (plankg answers from an on-disk snapshot at once, and the rates are measured once
every worker answers from memory, which is timed too); and how long a runaway query (a fourfold
cross join) takes to be stopped by plankg's time limit. `oxigraph serve` (pip package oxigraph) is
skipped when it is not installed.

With --corpus N the data is N synthetic plans (benchmarks/corpus.py) instead of the seed; then also
rdflib-endpoint (pip package rdflib-endpoint, an rdflib Dataset with the union as default graph)
serves the same quads, each server's peak resident memory is sampled for its whole process tree
(plankg serve is a parent and --workers query processes, each with the graph in memory), and the
coordination matrix is timed: the canned SPARQL GROUP BY over pairs on each server, and plankg's
/api/coordination. Every server binds 127.0.0.1; each request loop stops after --seconds or
--max-requests, whichever comes first; every process started here is stopped at the end.
Nothing here is a pass/fail test: these are ratios to read, measured on this machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import TreeSampler, free_port, git_head, load_average, mib, stop, tree_rss_kb

QUERIES = ["coordination_load", "units_touching_platform", "coordination_matrix"]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = "application/sparql-results+json"


def wait_for(url: str, process: subprocess.Popen, started: float, limit: float = 120) -> float:
    pause = 0.02
    with httpx.Client(timeout=2, headers={"Accept": JSON}) as http:  # one client: no TLS set-up per poll
        while time.monotonic() - started < limit:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: the server exited with {process.returncode}")
            try:
                if http.get(url, params={"query": "ASK {}"}).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(pause)
            pause = min(0.5, pause * 1.5)  # a slow start (rdflib parsing a large dump) is not slowed by polling
    raise RuntimeError(f"{url}: no answer within {limit} s")


def load(endpoint: str, query: str, threads: int, seconds: float, max_requests: int = 100_000,
         timeout: float = 30) -> tuple[float, int, int]:  # fmt: skip
    """Requests per second over `seconds` (at most `max_requests` in all) with `threads` clients;
    the errors seen and the answers counted."""
    counts, errors = [0] * threads, [0] * threads
    stop_at = time.monotonic() + seconds
    per_client = max(1, max_requests // threads)

    def client(i: int) -> None:
        with httpx.Client(timeout=timeout, headers={"Accept": JSON}) as http:
            while time.monotonic() < stop_at and counts[i] + errors[i] < per_client:
                try:
                    response = http.post(endpoint, data={"query": query})
                    ok = response.status_code == 200 and response.content
                except httpx.HTTPError:
                    ok = False
                if ok:
                    counts[i] += 1
                else:
                    errors[i] += 1

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.monotonic() - started), sum(errors), sum(counts)


def once(endpoint: str, query: str, timeout: float = 300) -> tuple[float, int | str, int]:
    """One request: seconds, HTTP status (or "no answer" past `timeout`), bytes."""
    started = time.perf_counter()
    try:
        response = httpx.post(endpoint, data={"query": query}, headers={"Accept": JSON}, timeout=timeout)
    except httpx.TimeoutException:
        return time.perf_counter() - started, f"no answer within {timeout:g} s", 0
    return time.perf_counter() - started, response.status_code, len(response.content)


def wait_in_memory(server: Server, workers: int, limit: float) -> float:
    """plankg serve answers at once from its on-disk snapshot; the figures are taken once every worker
    answers from memory (/api/status). Seconds from the server's start."""
    status_url = server.url.rsplit("/", 1)[0] + "/api/status"
    with httpx.Client(timeout=5) as http:
        while time.monotonic() - server.started < limit:
            if http.get(status_url).json().get("workers_in_memory", 0) >= workers:
                return time.monotonic() - server.started
            time.sleep(0.05)
    raise RuntimeError(f"plankg serve: the workers did not load the graph into memory within {limit:g} s")


class Server:
    def __init__(self, name: str, command: list[str], url: str, cwd: Path | None = None) -> None:
        self.name, self.url = name, url
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        self.sampler = TreeSampler(self.process.pid, interval=0.2)
        self.ready_in = 0.0

    def wait(self, limit: float) -> None:
        self.ready_in = wait_for(self.url, self.process, self.started, limit)
        self.ready_kb = tree_rss_kb(self.process.pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per query and server (default 5)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per query and server, at most")
    parser.add_argument("--plans", nargs="*", type=Path, help="plan files (default: the bundled seed plan)")
    parser.add_argument("--corpus", type=int, help="serve N synthetic plans (benchmarks/corpus.py) instead")
    parser.add_argument("--seed", type=int, default=0, help="the corpus seed")
    parser.add_argument("--timeout", type=float, help="plankg serve --timeout (default 1 s; 60 s with --corpus)")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out")
    parser.add_argument("--workers", type=int, default=2, help="plankg serve --workers (default 2, its own default)")
    parser.add_argument("--row-cap", type=int,
                        help="plankg serve --row-cap (default: its own 10,000; with --corpus 10,000,000, so that "
                             "its answers are as complete as the other servers')")
    parser.add_argument("--matrix-timeout", type=float, default=120.0,
                        help="seconds to wait for one coordination matrix answer (default 120)")
    args = parser.parse_args()
    timeout = args.timeout or (60.0 if args.corpus else 1.0)
    row_cap = args.row_cap or (10_000_000 if args.corpus else 10_000)

    from plankg.kg.pipeline import build_into, bundled_seed
    from plankg.kg.store import PlanStore
    from plankg.queries import load_queries

    work = Path(tempfile.mkdtemp(prefix="plankg-bench-"))
    servers: dict[str, Server] = {}
    try:
        files = args.plans or [bundled_seed()]
        if args.corpus:
            from benchmarks import corpus

            files = corpus.generate(args.corpus, work / "plans", seed=args.seed)
        store = PlanStore(work / "store")
        build_into(store, files)
        dump = work / "graph.nq"
        dump.write_bytes(store.dump(__import__("pyoxigraph").RdfFormat.N_QUADS))
        triples = len(store.store)
        del store
        print(f"plankg {git_head()} · load average before: {load_average()}")
        print(f"data: {len(files)} plans, {triples:,} quads; {args.threads} client threads, {args.seconds:g} s "
              f"(at most {args.max_requests:,} requests) per query; plankg serve --workers {args.workers} "
              f"--timeout {timeout:g} --row-cap {row_cap:,}\n")

        port = free_port()
        servers["plankg serve"] = Server(
            "plankg serve",
            [sys.executable, "-m", "plankg", "serve", "--store", str(work / "store"), "--host", "127.0.0.1",
             "--port", str(port), "--timeout", str(timeout), "--workers", str(args.workers),
             "--row-cap", str(row_cap)],
            f"http://127.0.0.1:{port}/sparql",
        )  # fmt: skip
        servers["plankg serve"].wait(600)
        plankg_in_memory = wait_in_memory(servers["plankg serve"], args.workers, 600)

        if shutil.which("oxigraph"):
            location = work / "oxigraph"
            subprocess.run(["oxigraph", "load", "--location", str(location), "--file", str(dump)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            port = free_port()
            servers["oxigraph serve"] = Server(
                "oxigraph serve",
                ["oxigraph", "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                 "--union-default-graph"],
                f"http://127.0.0.1:{port}/query",
            )  # fmt: skip
            servers["oxigraph serve"].wait(120)
        else:
            print("(oxigraph serve skipped: `pip install oxigraph` for the comparison)\n")

        if args.corpus and not args.no_rdflib:
            if shutil.which("rdflib-endpoint"):
                port = free_port()
                servers["rdflib-endpoint"] = Server(
                    "rdflib-endpoint",
                    ["rdflib-endpoint", "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)],
                    f"http://127.0.0.1:{port}/",
                )  # fmt: skip
                servers["rdflib-endpoint"].wait(1800)  # rdflib parses the whole dump first
            else:
                print("(rdflib-endpoint skipped: `pip install rdflib-endpoint` for the comparison)\n")

        names = list(servers)
        head = f"{'query':26}" + "".join(f"{n + ' req/s':>24}" for n in names)
        print(head + "".join(f"{'/ ' + n:>20}" for n in names[1:]))
        canned = load_queries()
        texts = {}
        for name in QUERIES:
            query = canned[name]
            text = query.sparql
            if query.params:
                from plankg.kg.sparql import bind_values

                text = bind_values(text, query.bindings(dict(query.examples)))
            texts[name] = text
        for name in QUERIES:
            if args.corpus and name == "coordination_matrix":
                continue  # seconds per answer at this size: timed once, below
            rates, notes = [], []
            for server in names:
                seconds = args.seconds * (3 if server == "rdflib-endpoint" else 1)
                rate, errors, answered = load(servers[server].url, texts[name], args.threads, seconds,
                                              args.max_requests, timeout=max(30, timeout))  # fmt: skip
                rates.append(rate)
                if errors:
                    notes.append(f"  ({server}: {errors} errors or time-outs, {answered} answers)")
            ratios = "".join(f"{(rates[0] / r if r else float('inf')):19.2f}x" for r in rates[1:])
            print(f"{name:26}" + "".join(f"{r:24.1f}" for r in rates) + ratios)
            for note in notes:
                print(note)

        print("\ntime from start to first answer: " + ", ".join(f"{n} {servers[n].ready_in:.2f} s" for n in names)
              + f"; plankg serve answers from memory (every worker) after {plankg_in_memory:.2f} s")

        if args.corpus:
            print("\nresident memory, whole process tree: "
                  + ", ".join(f"{n} {mib(servers[n].ready_kb)} when ready, peak {mib(servers[n].sampler.peak_kb)} "
                              "under the queries so far" for n in names))
            print("\ncoordination matrix (canned SPARQL GROUP BY over unit pairs), one request at a time:")
            for server in names:
                if server == "rdflib-endpoint":
                    continue  # minutes at this size
                runs = []
                for _ in range(3):
                    runs.append(once(servers[server].url, texts["coordination_matrix"], args.matrix_timeout))
                    if runs[-1][0] > 10:  # one slow answer says enough
                        break
                print(f"  {server:16} " + ", ".join(f"{s:.2f} s" for s, _, _ in runs)
                      + f"  (status {runs[-1][1]}, {runs[-1][2]:,} bytes of JSON)")
            base = servers["plankg serve"].url.rsplit("/", 1)[0]
            for attempt in range(3):
                started = time.perf_counter()
                try:
                    response = httpx.get(base + "/api/coordination", timeout=args.matrix_timeout)
                    answer = f"status {response.status_code}, {len(response.content):,} bytes"
                    failed = response.status_code != 200
                except httpx.TimeoutException:
                    answer, failed = f"no answer within {args.matrix_timeout:g} s", True
                print(f"  plankg GET /api/coordination ({'first' if attempt == 0 else 'again'}): "
                      f"{time.perf_counter() - started:.3f} s, {answer}")
                if failed:
                    break

        began = time.monotonic()
        response = httpx.get(servers["plankg serve"].url, params={"query": RUNAWAY}, timeout=timeout + 60)
        print(f"\nrunaway query under plankg's {timeout:g} s limit: {response.status_code} after "
              f"{time.monotonic() - began:.2f} s")
        rate, _, _ = load(servers["plankg serve"].url, texts["units_touching_platform"], 1, 0.5)
        print(f"a query right after it: answered ({rate:.0f} req/s over 0.5 s)")
        print(f"load average after: {load_average()}")
    finally:
        stop([s.process for s in servers.values()])
        peaks = {name: s.sampler.stop() for name, s in servers.items()}
        if args.corpus and peaks:
            print("peak resident memory over the whole run, whole process tree (sampled every 0.2 s): "
                  + ", ".join(f"{n} {mib(kb)}" for n, kb in peaks.items()))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
