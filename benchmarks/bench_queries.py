"""Why the canned GROUP BY queries are slow on a large store, and what a rewrite gains.

    python -m benchmarks.bench_queries [--plans 1000] [--seed 0] [--limit 180] [--where memory,disk]

Builds N synthetic plans (benchmarks/corpus.py), then times each canned query (queries/*.rq) and a
rewrite of it, each in a fresh process that loads the graph the way plankg serve's workers do (an
in-memory pyoxigraph.Store from the N-Quads dump: "memory") or opens the store on disk as
`oxigraph serve` does ("disk"); a query still running after --limit seconds is stopped.

The cause: Oxigraph's union default graph is a multiset. A unit that the registry does not know is
described (rdf:type, skos:prefLabel, …) in the graph of every plan that names it, so in the union
`?unit skos:prefLabel ?name` matches once per such plan; the canned queries join the labels before
they aggregate, which multiplies the rows to group by k (a unit in k plans) and, for a pair of units,
by k_A × k_B. The rewrites aggregate over IRIs first and join the labels afterwards through
`SELECT DISTINCT` subqueries; they give the same rows.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import git_head, load_average

PREFIXES = """PREFIX pk: <https://w3id.org/plankg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
LABEL = '{{ SELECT DISTINCT ?{v} ?{n} WHERE {{ ?{v} skos:prefLabel ?{n} FILTER(LANG(?{n}) = "zh") }} }}'
REWRITES = {
    "units_touching_platform": PREFIXES + """
SELECT ?plan ?planTitle ?unit ?name ?tasks WHERE {
  { SELECT ?plan ?unit (COUNT(DISTINCT ?task) AS ?tasks) WHERE {
      { SELECT DISTINCT ?p WHERE { ?p a pk:Platform ; skos:prefLabel|skos:altLabel|rdfs:label ?label .
                                   FILTER(STR(?label) = "赣通码") } }
      ?task pk:mentionsPlatform ?p ; pk:involvedUnit ?unit ; pk:plan ?plan . }
    GROUP BY ?plan ?unit }
  ?plan rdfs:label ?planTitle .
  """ + LABEL.format(v="unit", n="name") + """
}
ORDER BY ?planTitle ?plan DESC(?tasks) ?name ?unit""",
    "coordination_load": PREFIXES + """
SELECT ?plan ?planTitle ?unit ?unitName ?lead ?cooperating ?responsible ?tasks ?weightedLoad WHERE {
  { SELECT ?plan ?unit
           (COUNT(DISTINCT IF(?role = pk:leadUnit, ?task, ?none)) AS ?lead)
           (COUNT(DISTINCT IF(?role = pk:cooperatingUnit, ?task, ?none)) AS ?cooperating)
           (COUNT(DISTINCT IF(?role = pk:responsibleUnit, ?task, ?none)) AS ?responsible)
           (COUNT(DISTINCT ?task) AS ?tasks)
    WHERE { VALUES ?role { pk:leadUnit pk:cooperatingUnit pk:responsibleUnit } ?task ?role ?unit ; pk:plan ?plan . }
    GROUP BY ?plan ?unit }
  ?plan rdfs:label ?planTitle .
  """ + LABEL.format(v="unit", n="unitName") + """
  BIND(xsd:decimal(2 * ?lead + ?cooperating + 1.5 * ?responsible) AS ?weightedLoad)
}
ORDER BY ?planTitle ?plan DESC(?weightedLoad) DESC(?lead) ?unitName ?unit""",
    "coordination_matrix": PREFIXES + """
SELECT ?plan ?planTitle ?unitA ?unitAName ?unitB ?unitBName ?sharedTasks WHERE {
  { SELECT ?plan ?unitA ?unitB (COUNT(DISTINCT ?task) AS ?sharedTasks) WHERE {
      ?task pk:plan ?plan ; pk:involvedUnit ?unitA , ?unitB . FILTER(STR(?unitA) < STR(?unitB)) }
    GROUP BY ?plan ?unitA ?unitB }
  ?plan rdfs:label ?planTitle .
  """ + LABEL.format(v="unitA", n="unitAName") + "\n  " + LABEL.format(v="unitB", n="unitBName") + """
}
ORDER BY ?planTitle ?plan DESC(?sharedTasks) ?unitAName ?unitBName ?unitA ?unitB""",
}


def _run(where: str, source: str, text: str, queue) -> None:
    import pyoxigraph as ox

    if where == "memory":
        store = ox.Store()
        store.load(path=source, format=ox.RdfFormat.N_QUADS)
    else:
        store = ox.Store.read_only(source)
    started = time.perf_counter()
    rows = [tuple(str(solution[i]) for i in range(len(solution))) for solution in
            store.query(text, use_default_graph_as_union=True)]  # fmt: skip
    digest = hashlib.sha256("\n".join("\t".join(row) for row in rows).encode("utf-8")).hexdigest()
    queue.put((time.perf_counter() - started, len(rows), digest))


def timed(where: str, source: str, text: str, limit: float) -> tuple[float, int, int] | None:
    """(seconds, rows, a digest of the rows in order) or None when stopped after `limit` seconds."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(where, source, text, queue))
    process.start()
    started = time.monotonic()
    while process.is_alive() and time.monotonic() - started < limit + 120:  # + loading the graph
        process.join(0.5)
        if queue.qsize():
            break
    if process.is_alive() and not queue.qsize():
        process.kill()
        process.join()
        return None
    result = queue.get(timeout=30)
    process.join(30)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=180.0, help="seconds one query may run (default 180)")
    parser.add_argument("--where", default="memory,disk", help="memory (plankg serve's workers), disk, or both")
    args = parser.parse_args(argv)

    import pyoxigraph as ox
    from plankg.kg.pipeline import build_into
    from plankg.kg.sparql import bind_values
    from plankg.kg.store import PlanStore
    from plankg.queries import load_queries

    from benchmarks import corpus

    work = Path(tempfile.mkdtemp(prefix="plankg-bench-queries-"))
    try:
        files = corpus.generate(args.plans, work / "plans", seed=args.seed)
        store = PlanStore(work / "store")
        build_into(store, files)
        dump = work / "graph.nq"
        with open(dump, "wb") as out:
            store.store.dump(out, format=ox.RdfFormat.N_QUADS)
        quads = len(store.store)
        del store
        print(f"plankg {git_head()} · {args.plans} plans, {quads:,} quads · load average before: {load_average()}")
        canned = load_queries()
        for where in args.where.split(","):
            source = str(dump if where == "memory" else work / "store")
            for name, rewrite in REWRITES.items():
                query = canned[name]
                text = bind_values(query.sparql, query.bindings(dict(query.examples))) if query.params else query.sparql
                results = {}
                for kind, sparql in (("canned", text), ("rewrite", rewrite)):
                    results[kind] = timed(where, source, sparql, args.limit)
                    r = results[kind]
                    shown = f"{r[0]:8.2f} s {r[1]:>9,} rows" if r else f"   > {args.limit:.0f} s (stopped)"
                    print(f"{where:7} {name:25} {kind:8} {shown}", flush=True)
                a, b = results["canned"], results["rewrite"]
                if a and b:
                    same = "the same rows" if a[1:] == b[1:] else "DIFFERENT rows"
                    print(f"{'':7} {name:25} {'':8} {a[0] / b[0]:8.1f}x faster, {same}")
        print(f"load average after: {load_average()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
