"""`plankg serve` under 50 concurrent clients for a bounded time: no error, every answer right, memory flat.

The server runs as the command line starts it (a subprocess on 127.0.0.1 and a free port, two query
workers) on a store holding the seed plan.  Fifty threads send, for LOAD_SECONDS, a mix of SPARQL
queries (GET and POST), /api/units, a canned query, questions to /api/ask and /id/ pages (HTML and
Turtle).  Every answer is checked against known values of the seed (赣通码 → 9 units, 23 tasks,
38 units, 市发改委〔市数据局〕 leads 14 tasks ...).  The resident memory of the server and of its
worker processes is read from /proc at the start and at the end of the second half of the run
(the first half warms every cache up); it may grow by less than 20 %.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import httpx
import pytest

from .conftest import build_store, serving, tree_rss_kb

LOAD_SECONDS = 30.0
CLIENTS = 50
MAX_GROWTH = 0.20

GANTONGMA_UNITS = {
    "市公安局", "市发改委〔市数据局〕", "市民政局", "市住建局", "市行政审批局", "市文广旅局", "市人社局",
    "市卫健委", "各县〔市、区〕人民政府",
}  # fmt: skip
GANTONGMA_QUERY = """SELECT DISTINCT ?name WHERE {
  ?platform skos:prefLabel|skos:altLabel "赣通码"@zh .
  ?task pk:mentionsPlatform ?platform ; pk:involvedUnit ?unit .
  ?unit skos:prefLabel ?name . FILTER(LANG(?name) = "zh")
}"""
COUNT_TASKS = "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pk:Task }"
QUESTION = "哪些单位涉及赣通码？"
UNIT_ID = "unit/jiujiang/shi-gong-an-ju"
UNIT_IRI = "https://w3id.org/plankg/id/" + UNIT_ID


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    from plankg.kg.pipeline import bundled_seed

    store = build_store(tmp_path_factory.mktemp("load") / "store", [bundled_seed()])
    with serving(store) as (url, process):
        yield url, process


# ---- the requests and what each must answer -----------------------------------------------------

Check = Callable[[httpx.Response], str | None]  # None when right, else what is wrong


def gantongma_rows(response: httpx.Response) -> str | None:
    names = {row["name"]["value"] for row in response.json()["results"]["bindings"]}
    return None if names == GANTONGMA_UNITS else f"units touching 赣通码: {sorted(names)}"


def task_count(response: httpx.Response) -> str | None:
    n = int(response.json()["results"]["bindings"][0]["n"]["value"])
    return None if n == 23 else f"{n} tasks"


def units(response: httpx.Response) -> str | None:
    listed = response.json()
    by_name = {unit["name"]: unit for unit in listed}
    if len(listed) != 38 or by_name.get("市公安局", {}).get("id") != UNIT_ID:
        return f"{len(listed)} units"
    return None


def coordination_load(response: httpx.Response) -> str | None:
    rows = response.json()["rows"]
    top = rows[0]
    if len(rows) != 38 or (top["unitName"], top["lead"], top["cooperating"]) != ("市发改委〔市数据局〕", 14, 7):
        return f"{len(rows)} rows, first {top}"
    return None


def ask(response: httpx.Response) -> str | None:
    document = response.json()
    names = {row["name"]["value"] for row in document["results"]["results"]["bindings"]}
    if document["query"] != "units_touching_platform" or names != GANTONGMA_UNITS:
        return f"{document['query']}: {sorted(names)}"
    return None


def unit_page(response: httpx.Response) -> str | None:
    ok = response.headers["content-type"].startswith("text/html") and "市公安局" in response.text
    return None if ok else f"unit page: {response.headers['content-type']}"


def unit_turtle(response: httpx.Response) -> str | None:
    ok = response.headers["content-type"].startswith("text/turtle") and f"<{UNIT_IRI}>" in response.text
    return None if ok else f"unit Turtle: {response.text[:200]}"


REQUESTS: list[tuple[str, dict, Check]] = [
    ("POST /sparql", {"method": "POST", "url": "/sparql", "data": {"query": GANTONGMA_QUERY},
                      "headers": {"Accept": "application/sparql-results+json"}}, gantongma_rows),
    ("GET /sparql", {"method": "GET", "url": "/sparql", "params": {"query": COUNT_TASKS},
                     "headers": {"Accept": "application/sparql-results+json"}}, task_count),
    ("GET /api/units", {"method": "GET", "url": "/api/units", "params": {"involved": "true"}}, units),
    ("GET /api/queries/coordination_load.json", {"method": "GET", "url": "/api/queries/coordination_load.json"},
     coordination_load),
    ("GET /api/ask", {"method": "GET", "url": "/api/ask", "params": {"q": QUESTION}}, ask),
    ("GET /id/ (HTML)", {"method": "GET", "url": "/id/" + UNIT_ID, "headers": {"Accept": "text/html"}}, unit_page),
    ("GET /id/ (Turtle)", {"method": "GET", "url": "/id/" + UNIT_ID, "headers": {"Accept": "text/turtle"}},
     unit_turtle),
]  # fmt: skip


@pytest.mark.slow
def test_fifty_clients_no_error_right_answers_flat_memory(served) -> None:
    url, process = served
    with httpx.Client(base_url=url, timeout=30) as http:
        for name, request, check in REQUESTS:  # each answers right on its own first
            response = http.request(**request)
            assert response.status_code == 200, f"{name}: {response.status_code} {response.text[:300]}"
            assert check(response) is None, f"{name}: {check(response)}"

    counts: Counter[str] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()
    stop_at = started + LOAD_SECONDS

    def client(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.monotonic() < stop_at:
                name, request, check = rng.choice(REQUESTS)
                try:
                    response = http.request(**request)
                    problem = (f"status {response.status_code}: {response.text[:200]}"
                               if response.status_code != 200 else check(response))  # fmt: skip
                except Exception as exc:  # a refused or dropped connection, a body that does not parse
                    problem = f"{type(exc).__name__}: {exc}"
                with lock:
                    counts[name] += 1
                    if problem:
                        failures.append(f"{name}: {problem}")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS / 2)
    rss_start = tree_rss_kb(process.pid)
    time.sleep(max(0.0, stop_at - time.monotonic() - 0.5))
    rss_end = tree_rss_kb(process.pid)
    for thread in threads:
        thread.join(90)
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a client hung"

    total = sum(counts.values())
    before, after = sum(rss_start.values()), sum(rss_end.values())
    print(f"\n{total} requests from {CLIENTS} clients in {elapsed:.1f} s ({total / elapsed:.0f}/s), "
          f"{len(failures)} failures; RSS of the server and its {len(rss_start) - 1} child processes "
          f"{before / 1024:.0f} MB at mid-run → {after / 1024:.0f} MB at the end ({(after - before) / before:+.1%}); "
          f"per process {[v // 1024 for v in rss_start.values()]} → {[v // 1024 for v in rss_end.values()]} MB; "
          f"{dict(counts)}")  # fmt: skip
    assert not failures, f"{len(failures)} of {total} requests failed, e.g. {failures[:5]}"
    assert all(counts[name] > 0 for name, _, _ in REQUESTS)
    assert set(rss_start) == set(rss_end), "no worker was replaced (none timed out or died)"
    assert after < before * (1 + MAX_GROWTH), f"memory grew from {before} kB to {after} kB"
    status = httpx.get(url + "/api/status", timeout=30).json()
    assert status["timeouts"] == 0 and status["restarts"] == 0 and status["workers_alive"] == 2

