"""Start-up of the command line: `plankg query` next to `python -c "import pyoxigraph, rdflib"`.

    python -m benchmarks.bench_startup [--runs 10] [--store S]

Builds the bundled seed plan into a store once (unless --store names one), then runs, alternating so
that both see the same machine, `plankg query units_touching_platform -p platform=赣通码 --store S`
(warm store, answer printed as a table) and `python -c "import pyoxigraph, rdflib"` --runs times
each; prints the medians and their ratio (the goal is at most 2.5x). Then lists what
`python -X importtime -c "import plankg.kg.cli"` spends most on, and which heavy packages (fastapi,
pyvis, owlready2, matplotlib, pyshacl …) the query command imports at all.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import git_head, load_average, plankg_command

HEAVY = ("fastapi", "starlette", "uvicorn", "pyvis", "owlready2", "matplotlib", "pyshacl", "owlrl", "networkx",
         "openpyxl", "jinja2", "SPARQLWrapper", "httpx", "docx", "bs4", "lxml", "opencc", "pypinyin", "rdflib",
         "charset_normalizer", "rich", "typer", "click", "pydantic")  # fmt: skip


def run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    return time.perf_counter() - started


def import_times(module_code: str) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) from -X importtime, every module."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", module_code], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    rows = []
    for line in result.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), int(m.group(1)), m.group(3) + m.group(4)))  # (cumulative, self, name)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--store", type=Path, help="a built store (default: the seed built into a new one)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="plankg-bench-startup-"))
    try:
        store = args.store or work / "store"
        if args.store is None:
            subprocess.run([*plankg_command(), "build", "--store", str(store)], check=True, capture_output=True)
        query = ["plankg", "query", "units_touching_platform", "-p", "platform=赣通码", "--store", str(store)]
        if shutil.which("plankg") is None:
            query = [*plankg_command(), *query[1:]]
        baseline = [sys.executable, "-c", "import pyoxigraph, rdflib"]
        run(query)  # warm the page cache and the store
        run(baseline)
        print(f"plankg {git_head()} · load average before: {load_average()}")
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(run(query))
            theirs.append(run(baseline))
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"plankg query units_touching_platform (warm store)  median {a * 1000:6.0f} ms  "
              f"(min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f}; {args.runs} runs)")
        print(f'python -c "import pyoxigraph, rdflib"              median {b * 1000:6.0f} ms  '
              f"(min {min(theirs) * 1000:.0f}, max {max(theirs) * 1000:.0f})")
        print(f"ratio {a / b:.2f}x (goal ≤ 2.5x) · load average after: {load_average()}")

        rows = import_times("import plankg.kg.cli")
        total = max(cum for cum, _, _ in rows) if rows else 0
        print(f"\n`import plankg.kg.cli`: {total / 1000:.0f} ms of imports; the largest (cumulative, own):")
        top_level = [r for r in rows if not r[2].startswith("  ")]
        for cum, own, name in sorted(top_level, reverse=True)[:12]:
            print(f"  {cum / 1000:7.1f} ms {own / 1000:7.1f} ms  {name.strip()}")
        print("  by own time, any depth:")
        for _, own, name in sorted(rows, key=lambda r: -r[1])[:10]:
            print(f"  {own / 1000:7.1f} ms  {name.strip()}")
        query_rows = import_times(
            "import sys; sys.argv = ['plankg', 'query', 'units_touching_platform', '-p', 'platform=赣通码', "
            f"'--store', {str(store)!r}]\nfrom plankg.kg.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass"
        )
        loaded = {name.strip().split(".")[0] for _, _, name in query_rows}
        print("heavy packages a `plankg query` imports: " + (", ".join(h for h in HEAVY if h in loaded) or "none")
              + " · not imported: " + ", ".join(h for h in HEAVY if h not in loaded))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
