"""The service, measured: `plankg serve` next to `oxigraph serve` on the same data and queries.

    python benchmarks/bench_serve.py [--seconds 5] [--threads 4] [--plans FILE ...]

Prints, side by side in one run: requests per second of /sparql for a few canned queries with N
client threads (keep-alive connections, results read in full); the time from starting each server to
its first answer; and how long a runaway query (a fourfold cross join) takes to be stopped by
plankg's time limit (--timeout 1). `oxigraph serve` (pip package oxigraph) is skipped when it is
not installed. Nothing here is a pass/fail test: these are ratios to read, measured on this machine.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

QUERIES = ["coordination_load", "units_touching_platform", "coordination_matrix"]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, started: float, limit: float = 120) -> float:
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            time.sleep(0.02)
    raise RuntimeError(f"{url}: no answer within {limit} s")


def load(endpoint: str, query: str, threads: int, seconds: float) -> tuple[float, int]:
    """Requests per second over `seconds` with `threads` clients; and the errors seen."""
    counts, errors = [0] * threads, [0] * threads
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        with httpx.Client(timeout=30, headers={"Accept": "application/sparql-results+json"}) as http:
            while time.monotonic() < stop:
                response = http.post(endpoint, data={"query": query})
                if response.status_code == 200 and response.content:
                    counts[i] += 1
                else:
                    errors[i] += 1

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--plans", nargs="*", type=Path, help="plan files (default: the bundled seed plan)")
    args = parser.parse_args()

    from plankg.kg.pipeline import build_into, bundled_seed
    from plankg.kg.store import PlanStore
    from plankg.queries import load_queries

    work = Path(tempfile.mkdtemp(prefix="plankg-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        store = PlanStore(work / "store")
        build_into(store, args.plans or [bundled_seed()])
        dump = work / "graph.nq"
        dump.write_bytes(store.dump(__import__("pyoxigraph").RdfFormat.N_QUADS))
        triples = len(store.store)
        del store
        print(f"data: {triples} quads; {args.threads} client threads, {args.seconds:g} s per query\n")

        servers: dict[str, str] = {}
        started_in: dict[str, float] = {}
        port = free_port()
        started = time.monotonic()
        plankg = subprocess.Popen(
            [sys.executable, "-m", "plankg", "serve", "--store", str(work / "store"), "--port", str(port),
             "--timeout", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        processes.append(plankg)
        servers["plankg serve"] = f"http://127.0.0.1:{port}/sparql"
        started_in["plankg serve"] = wait_for(servers["plankg serve"], plankg, started)

        if shutil.which("oxigraph"):
            location = work / "oxigraph"
            subprocess.run(["oxigraph", "load", "--location", str(location), "--file", str(dump)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            port = free_port()
            started = time.monotonic()
            oxigraph = subprocess.Popen(
                ["oxigraph", "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                 "--union-default-graph"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            processes.append(oxigraph)
            servers["oxigraph serve"] = f"http://127.0.0.1:{port}/query"
            started_in["oxigraph serve"] = wait_for(servers["oxigraph serve"], oxigraph, started)
        else:
            print("(oxigraph serve skipped: `pip install oxigraph` for the comparison)\n")

        names = list(servers)
        print(f"{'query':28}" + "".join(f"{n + ' req/s':>22}" for n in names) + ("   ratio" if len(names) > 1 else ""))
        canned = load_queries()
        for name in QUERIES:
            query = canned[name]
            text = query.sparql
            if query.params:
                from plankg.kg.sparql import bind_values

                text = bind_values(text, query.bindings(dict(query.examples)))
            rates = []
            for server in names:
                rate, errors = load(servers[server], text, args.threads, args.seconds)
                rates.append(rate)
                if errors:
                    print(f"  ({server}: {errors} errors)")
            ratio = f"{rates[0] / rates[1]:8.2f}" if len(rates) > 1 and rates[1] else ""
            print(f"{name:28}" + "".join(f"{r:22.0f}" for r in rates) + ratio)

        print("\ntime from start to first answer: " + ", ".join(f"{n} {started_in[n]:.2f} s" for n in names))
        began = time.monotonic()
        response = httpx.get(servers["plankg serve"], params={"query": RUNAWAY}, timeout=60)
        print(f"runaway query under plankg's 1 s limit: {response.status_code} after {time.monotonic() - began:.2f} s")
        began = time.monotonic()
        rate, _ = load(servers["plankg serve"], canned["units_touching_platform"].sparql, 1, 0.5)
        print(f"a query right after it: answered ({rate:.0f} req/s over 0.5 s)")
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
