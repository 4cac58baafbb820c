"""Building many plans: `plankg build DIR` next to `oxigraph load` of the same graph, in one run.

    python -m benchmarks.bench_build [--plans 300 1000] [--seed 0] [--profile]

For each N: writes N synthetic plans (benchmarks/corpus.py), times `plankg build DIR --store S` end to
end as a user runs it (a fresh store), exports the store as N-Quads (`plankg export --format nq`), and
times `oxigraph load --location S2 --file X.nq` (pip package oxigraph) and pyoxigraph's own
Store.bulk_load on the same quads; prints the times, the ratio build / oxigraph load (the goal is at
most 2x) and peak memory: ru_maxrss (the largest single process of the command's tree) and the
sampled sum over the tree (the build compiles in worker processes).

Then it runs the same work in this process, one phase at a time, to show where the time goes: read
(decode, normalise), parse, extract, build (triples), serialise (N-Quads) per plan, and the store
writes. `--profile` adds a cProfile of those phases, its top functions by own time.
Nothing here is a pass/fail test: these are figures to read, measured on this machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/bench_build.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import corpus
from benchmarks.measure import git_head, load_average, measure, mib, plankg_command


def phases(files: list[Path], store_path: Path, profile: bool) -> tuple[dict[str, float], str]:
    """The pipeline's steps, timed one by one in this process (no worker processes)."""
    from plankg.kg.build import build_plan
    from plankg.kg.extract import extract
    from plankg.kg.ids import inferred_graph
    from plankg.kg.parse import parse_plan
    from plankg.kg.pipeline import _nquads
    from plankg.kg.read import read_document
    from plankg.kg.registry import load_registry
    from plankg.kg.store import ENTITIES_GRAPH, PlanStore

    times = dict.fromkeys(("registry", "read", "parse", "extract", "build", "serialise", "store"), 0.0)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    began = time.perf_counter()
    registry = load_registry()
    times["registry"] = time.perf_counter() - began
    compiled = []
    for path in files:  # the steps of plankg.kg.pipeline.compile_file, one by one
        t0 = time.perf_counter()
        document = read_document(path)
        t1 = time.perf_counter()
        plan = parse_plan(document.text, str(path), fallback_title=path.stem)
        t2 = time.perf_counter()
        extraction = extract(plan, registry)
        t3 = time.perf_counter()
        ids, triples, shared = build_plan(plan, extraction, document)
        t4 = time.perf_counter()
        nquads = _nquads(triples, ids.graph)
        shared_nquads = _nquads(shared, ENTITIES_GRAPH)
        t5 = time.perf_counter()
        for name, spent in zip(("read", "parse", "extract", "build", "serialise"),
                               (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):  # fmt: skip
            times[name] += spent
        compiled.append((ids.graph, nquads, triples, shared_nquads))
    t0 = time.perf_counter()
    store = PlanStore(store_path)
    store.load_ontology()
    batch_size = 100
    for start in range(0, len(compiled), batch_size):
        batch = compiled[start : start + batch_size]
        store.write_plans([(g, data, [inferred_graph(g)]) for g, data, _, _ in batch],
                          shared=b"".join(s for _, _, _, s in batch))  # fmt: skip
    store.flush()
    times["store"] = time.perf_counter() - t0
    del store
    report = ""
    if profiler:
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
        stats.print_stats(25)
        out.write("\n---- by cumulative time ----\n")
        stats.sort_stats("cumulative").print_stats(40)
        report = out.getvalue()
    return times, report


def pipeline_split(files: list[Path], store_path: Path) -> tuple[float, float, int]:
    """build_into as `plankg build` runs it (compiling in worker processes when there are many):
    seconds until the last plan is compiled, seconds of writing after that, and the quads written."""
    from plankg.kg.pipeline import build_into
    from plankg.kg.store import PlanStore

    store = PlanStore(store_path)
    marks: list[float] = []
    started = time.perf_counter()
    built = build_into(store, files, on_compiled=lambda _: marks.append(time.perf_counter()))
    ended = time.perf_counter()
    quads = len(store.store)
    del store, built
    return marks[-1] - started, ended - marks[-1], quads


def bench(n: int, seed: int, profile: bool, work: Path) -> dict:
    plans_dir = work / f"plans-{n}"
    began = time.perf_counter()
    files = corpus.generate(n, plans_dir, seed=seed)
    generated_in = time.perf_counter() - began
    for gold in plans_dir.glob("*.gold.json"):  # the build reads a folder: only the plans in it
        gold.rename(work / gold.name)
    size = sum(p.stat().st_size for p in files)

    store = work / f"store-{n}"
    build = measure([*plankg_command(), "build", str(plans_dir), "--store", str(store)])
    dump = work / f"graph-{n}.nq"
    export = measure([*plankg_command(), "export", "--format", "nq", "--out", str(dump), "--store", str(store)])
    quads = sum(1 for _ in dump.open("rb"))
    load = measure(["oxigraph", "load", "--location", str(work / f"oxigraph-{n}"), "--file", str(dump)])
    bulk = measure([sys.executable, "-c", "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
                    "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush()",
                    str(work / f"pyoxigraph-{n}"), str(dump)])  # fmt: skip
    inner, report = phases(files, work / f"phases-{n}", profile)
    compiling, writing, _ = pipeline_split(files, work / f"split-{n}")
    return {"compiling": compiling, "writing": writing,
            "n": n, "files": files, "size": size, "generated_in": generated_in, "build": build, "export": export,
            "quads": quads, "load": load, "bulk": bulk, "phases": inner, "profile": report}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, nargs="+", default=[300], help="corpus sizes (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process phases")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="plankg-bench-build-"))
    print(f"plankg {git_head()} · load average before: {load_average()}")
    try:
        for n in args.plans:
            r = bench(n, args.seed, args.profile, work)
            b, x, lo, bu = r["build"], r["export"], r["load"], r["bulk"]
            suffixes: dict[str, int] = {}
            for f in r["files"]:
                suffixes[f.suffix] = suffixes.get(f.suffix, 0) + 1
            print(f"\n== N = {n} plans ({', '.join(f'{v} {k}' for k, v in sorted(suffixes.items()))}; "
                  f"{r['size'] / 1e6:.1f} MB; generated in {r['generated_in']:.1f} s) → {r['quads']:,} quads")
            print(f"plankg build DIR          {b['wall']:7.2f} s   peak RSS {mib(b['maxrss_kb'])} (largest process), "
                  f"{mib(b['tree_peak_kb'])} (whole tree, sampled)")
            print(f"plankg export --format nq {x['wall']:7.2f} s")
            print(f"oxigraph load (same nq)   {lo['wall']:7.2f} s   peak RSS {mib(lo['maxrss_kb'])}")
            print(f"pyoxigraph bulk_load      {bu['wall']:7.2f} s   peak RSS {mib(bu['maxrss_kb'])}")
            print(f"ratio build / oxigraph load: {b['wall'] / lo['wall']:.2f}x (goal ≤ 2x)   "
                  f"build / bulk_load: {b['wall'] / bu['wall']:.2f}x   load average now: {load_average()}")
            ph = r["phases"]
            total = sum(ph.values())
            print(f"in this process, one core: {total:.2f} s = "
                  + ", ".join(f"{k} {v:.2f} s ({100 * v / total:.0f} %)" for k, v in ph.items())
                  + f"; per plan {1000 * (total - ph['store'] - ph['registry']) / n:.1f} ms compile")
            print(f"build_into as the command runs it: compile {r['compiling']:.2f} s (worker processes; new plans "
                  f"are bulk-loaded meanwhile), then commit {r['writing']:.2f} s")
            if r["profile"]:
                print("\n---- cProfile of the phases (top by own time) ----\n" + r["profile"])
    finally:
        if args.keep:
            print(f"(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
