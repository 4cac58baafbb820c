"""Write queries/expected/<name>.json: each canned query's result on the bundled seed plan.

    python tests/queries/make_expected.py [NAME ...]

The files are the reference the tests compare with, so a new or changed file must be checked by
hand against the seed plan (shared/seeds/000_1f569bf571d472ec.txt) and its gold file before it is
kept: this script only saves you typing the JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox
from plankg.kg.pipeline import build_into, bundled_seed
from plankg.kg.store import PlanStore
from plankg.queries import load_queries, queries_dir


def result_json(store: PlanStore, name: str) -> dict:
    query = load_queries()[name]
    solutions = store.query(query.sparql, query.example_bindings())
    return json.loads(solutions.serialize(format=ox.QueryResultsFormat.JSON))


def dumps(document: dict) -> str:
    """The results JSON with one binding per line, so a changed row shows as one changed line."""
    head = json.dumps(document["head"], ensure_ascii=False)
    rows = [json.dumps(row, ensure_ascii=False) for row in document["results"]["bindings"]]
    body = "[]" if not rows else "[\n  " + ",\n  ".join(rows) + "\n ]"
    return f'{{\n "head": {head},\n "results": {{"bindings": {body}}}\n}}\n'


def write(document: dict, path: Path) -> None:
    text = dumps(document)
    assert json.loads(text) == document
    path.write_text(text, encoding="utf-8")


def main(names: list[str]) -> None:
    store = PlanStore(None)  # in memory: the same build the tests make on disk
    build_into(store, [bundled_seed()])
    target = queries_dir() / "expected"
    target.mkdir(exist_ok=True)
    for name in names or sorted(load_queries()):
        document = result_json(store, name)
        write(document, target / f"{name}.json")
        print(f"{name}: {len(document['results']['bindings'])} rows → {target / (name + '.json')}")


if __name__ == "__main__":
    main(sys.argv[1:])
