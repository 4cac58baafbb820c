"""The synthetic corpus of benchmarks/corpus.py: the same seed writes the same bytes, and plankg reads every
plan exactly as its gold file says (every task found, no extra task, assignment F1 1.0, deadlines,
chapters, distinct units, platform mentions), since the generator writes only forms the parser reads.

The comparison is the one shared/checks/extraction.py makes, done in-process for all 30 plans (one
store, each plan's tasks taken from its own named graph); extraction.py itself runs on two of them.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `benchmarks` is a folder of the checkout, not an installed package
    sys.path.insert(0, str(REPO))

from benchmarks import corpus  # noqa: E402

PLANS = 30
ROLES = {"leadUnit": "lead", "cooperatingUnit": "cooperating", "responsibleUnit": "responsible"}
EXTRACTION_CHECK = REPO.parent / "shared" / "checks" / "extraction.py"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return corpus.generate(PLANS, tmp_path_factory.mktemp("corpus"), seed=7)


@pytest.fixture(scope="module")
def built(generated: list[Path], tmp_path_factory: pytest.TempPathFactory):
    from plankg.kg.pipeline import build_into
    from plankg.kg.store import PlanStore

    store = PlanStore(tmp_path_factory.mktemp("corpus-store") / "store")
    items = build_into(store, generated)
    return store, {Path(item.path).name: item.ids.graph for item in items}


def test_same_seed_same_bytes(generated: list[Path], tmp_path: Path) -> None:
    again = corpus.generate(PLANS, tmp_path / "again", seed=7)
    assert [p.name for p in again] == [p.name for p in generated]
    assert digest(tmp_path / "again") == digest(generated[0].parent)
    other = corpus.generate(3, tmp_path / "other", seed=8)
    mine, theirs = digest(generated[0].parent), digest(other[0].parent)
    common = set(mine) & set(theirs)  # the gold files at least
    assert common and all(mine[name] != theirs[name] for name in common)  # another seed, other plans


def test_variety(generated: list[Path]) -> None:
    golds = [json.loads(corpus.gold_file(p).read_text(encoding="utf-8")) for p in generated]
    titles = [g["plan"]["title"] for g in golds]
    assert len(set(titles)) == len(titles)
    assert {p.suffix for p in generated} >= {".txt", ".md", ".docx", ".html"}
    assert any(p.suffix == ".txt" and not _is_utf8(p.read_bytes()) for p in generated)  # GB18030
    assert len({g["plan"]["region"] for g in golds}) >= 10
    assert {t for g in golds for t in ("工作要点", "实施方案", "行动计划") if t in g["plan"]["title"]} == {
        "工作要点", "实施方案", "行动计划"}  # fmt: skip
    roles = {r for g in golds for t in g["tasks"] for r in ("lead", "cooperating", "responsible") if t[r]}
    assert roles == {"lead", "cooperating", "responsible"}
    assert any(g["plan"]["chapters"] == 0 for g in golds) and any(g["plan"]["chapters"] > 0 for g in golds)
    # Zipf-like: the most named unit of a plan is on many of its tasks
    for g in golds:
        counts: dict[str, int] = {}
        for t in g["tasks"]:
            for name in {*t["lead"], *t["cooperating"], *t["responsible"]}:
                counts[name] = counts.get(name, 0) + 1
        assert max(counts.values()) >= 0.25 * len(g["tasks"])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def compare(store, graph: str, gold: dict, norm) -> list[str]:
    """What shared/checks/extraction.py reports as wrong, for the plan in `graph`; [] when it would pass."""
    problems: list[str] = []
    g = ox.NamedNode(graph)
    labels: dict[str, set[str]] = {}
    for row in store.select("SELECT DISTINCT ?u ?l WHERE { GRAPH ?g { ?t pk:involvedUnit ?u } "
                            "?u a pk:Unit ; skos:prefLabel|skos:altLabel ?l }", {"g": g}):  # fmt: skip
        labels.setdefault(row["u"], set()).add(norm(row["l"]))
    titles = {r["t"]: r["title"] for r in store.select(
        "SELECT ?t ?title WHERE { GRAPH ?g { ?t a pk:Task ; rdfs:label ?title } }", {"g": g})}  # fmt: skip
    got: dict[str, set[tuple[str, str]]] = {norm(t): set() for t in titles.values()}
    for r in store.select(
        """SELECT ?title ?p ?u WHERE { GRAPH ?g { ?t a pk:Task ; rdfs:label ?title ; ?p ?u .
             FILTER(?p IN (pk:leadUnit, pk:cooperatingUnit, pk:responsibleUnit)) } }""",
        {"g": g},
    ):
        got.setdefault(norm(r["title"]), set()).add((ROLES[r["p"].rsplit("#", 1)[-1]], r["u"]))
    if len(titles) != len(gold["tasks"]):
        problems.append(f"{len(titles)} tasks, expected {len(gold['tasks'])}")
    for task in gold["tasks"]:
        have = got.get(norm(task["title"]))
        if have is None:
            problems.append(f"task not found: {task['title']}")
            continue
        want = {(role, norm(name)) for role in ROLES.values() for name in task[role]}
        named = {(role, name) for role, unit in have for name in labels.get(unit, set())}
        if not want <= named or len(have) != len(want):
            problems.append(f"{task['title']}: got {sorted(have)}, expected {sorted(want)}")
    rows = store.select("SELECT ?title ?d WHERE { GRAPH ?g { ?t a pk:Task ; rdfs:label ?title ; pk:deadline ?d } }",
                        {"g": g})  # fmt: skip
    deadlines = {norm(r["title"]): r["d"][:10] for r in rows}
    expected = {norm(t["title"]): t["deadline"] for t in gold["tasks"] if t.get("deadline")}
    if deadlines != expected:
        problems.append(f"deadlines {deadlines} != {expected}")
    (chapters,) = store.select("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?c a pk:Chapter } }", {"g": g})
    (units,) = store.select("SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { GRAPH ?g { ?t pk:involvedUnit ?u } }", {"g": g})
    if (int(chapters["n"]), int(units["n"])) != (gold["plan"]["chapters"], gold["plan"]["distinct_units"]):
        problems.append(f"chapters, units {chapters['n']}, {units['n']} != {gold['plan']}")
    for kind, prop, exact in (("platform_mentions", "mentionsPlatform", True),
                              ("technology_mentions_at_least", "mentionsTechnology", False)):  # fmt: skip
        for name, numbers in gold.get(kind, {}).items():
            rows = store.select(
                f"""SELECT DISTINCT ?n WHERE {{ ?x skos:prefLabel|skos:altLabel ?l . FILTER(STR(?l) = STR(?name))
                      GRAPH ?g {{ ?t pk:{prop} ?x ; pk:number ?n }} }}""",
                {"g": g, "name": ox.Literal(name)},
            )
            found = {int(r["n"]) for r in rows}
            if (found != set(numbers)) if exact else not set(numbers) <= found:
                problems.append(f"{name}: tasks {sorted(found)}, expected {numbers}")
    rows = store.select("SELECT ?title ?issued WHERE { GRAPH ?g { ?p a pk:Plan ; rdfs:label ?title . "
                        "OPTIONAL { ?p pk:issued ?issued } } }", {"g": g})  # fmt: skip
    if [(norm(r["title"]), r["issued"]) for r in rows] != [(norm(gold["plan"]["title"]), gold["plan"]["issued"])]:
        problems.append(f"plan {rows} != {gold['plan']['title']} {gold['plan']['issued']}")
    return problems


def test_every_plan_read_as_its_gold_says(generated: list[Path], built, norm) -> None:
    store, graphs = built
    wrong = {}
    for path in generated:
        gold = json.loads(corpus.gold_file(path).read_text(encoding="utf-8"))
        problems = compare(store, graphs[path.name], gold, norm)
        if problems:
            wrong[path.name] = problems
    assert wrong == {}


@pytest.mark.skipif(not EXTRACTION_CHECK.is_file(), reason="../shared is not beside this checkout")
def test_the_shared_check_passes_on_two_of_them(generated: list[Path]) -> None:
    picked = [next(p for p in generated if p.suffix == ".txt"), next(p for p in generated if p.suffix != ".txt")]
    for path in picked:
        result = subprocess.run(
            [sys.executable, str(EXTRACTION_CHECK), str(path), str(corpus.gold_file(path))],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "F1 1.000" in result.stdout
