"""Every plan with a gold file, built into its own store, compared the way shared/checks/extraction.py
compares it: tasks by normalised title, every assignment (role, unit by label or gold alias), deadlines,
platform and technology mentions, chapter count, distinct involved units, units touching a platform.

Our own plans must all be read exactly: every task found, no extra task, assignment F1 == 1.0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from plankg.kg.pipeline import build_into
from plankg.kg.store import PlanStore

ROLES = {"leadUnit": "lead", "cooperatingUnit": "cooperating", "responsibleUnit": "responsible"}
SHARED_SEED_GOLD = Path(__file__).resolve().parents[3] / "shared" / "gold" / "seed.json"
LOCAL_SEED_GOLD = Path(__file__).resolve().parents[1] / "data" / "seed.gold.json"


@dataclass
class Comparison:
    found: int = 0
    extra_tasks: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


class Checked:
    """One plan built into a fresh store, with the gold file's helpers."""

    def __init__(self, store: PlanStore, gold: dict, norm) -> None:
        self.store, self.gold, self.norm = store, gold, norm
        self.aliases = {
            norm(k): {norm(a) for a in v} | {norm(k)} for k, v in gold.get("unit_aliases", {}).items()
        }
        self.unit_labels: dict[str, set[str]] = {}
        for r in store.select("SELECT ?u ?l WHERE { ?u a pk:Unit ; skos:prefLabel|skos:altLabel ?l }"):
            self.unit_labels.setdefault(r["u"], set()).add(norm(r["l"]))

    def same_unit(self, gold_name: str, unit: str) -> bool:
        names = self.aliases.get(self.norm(gold_name), {self.norm(gold_name)})
        return bool(names & self.unit_labels.get(unit, set()))

    def compare_assignments(self) -> Comparison:
        norm, result = self.norm, Comparison()
        rows = self.store.select("SELECT ?t ?title WHERE { ?t a pk:Task ; rdfs:label ?title }")
        titles = {r["t"]: r["title"] for r in rows}
        got_by_title: dict[str, set[tuple[str, str]]] = {norm(t): set() for t in titles.values()}
        rows = self.store.select(
            """SELECT ?t ?title ?p ?u WHERE { ?t a pk:Task ; rdfs:label ?title ; ?p ?u .
                 FILTER(?p IN (pk:leadUnit, pk:cooperatingUnit, pk:responsibleUnit)) }"""
        )
        for r in rows:
            got_by_title.setdefault(norm(r["title"]), set()).add((ROLES[r["p"].rsplit("#", 1)[-1]], r["u"]))
        for gold_task in self.gold["tasks"]:
            want = [(role, name) for role in ROLES.values() for name in gold_task.get(role, [])]
            got = got_by_title.get(norm(gold_task["title"]))
            if got is None:
                result.fn += len(want)
                result.problems.append(f"task not found: {gold_task['title']}")
                continue
            result.found += 1
            matched: set[tuple[str, str]] = set()
            for role, name in want:
                hit = next((g for g in got if g[0] == role and g not in matched and self.same_unit(name, g[1])), None)
                if hit:
                    result.tp += 1
                    matched.add(hit)
                else:
                    result.fn += 1
                    result.problems.append(f"missing: {gold_task['title']} {role} {name}")
            for role, unit in got - matched:
                result.fp += 1
                labels = sorted(self.unit_labels.get(unit, {unit}))
                result.problems.append(f"extra: {gold_task['title']} {role} {labels}")
        result.extra_tasks = len(titles) - result.found
        return result

    def tasks_mentioning(self, prop: str, label: str) -> set[int]:
        rows = self.store.select(
            f"""SELECT DISTINCT ?n WHERE {{ ?x skos:prefLabel|skos:altLabel ?l . FILTER(STR(?l) = STR(?label))
                  ?t pk:{prop} ?x ; pk:number ?n }}""",
            {"label": ox.Literal(label)},
        )
        return {int(r["n"]) for r in rows}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory, norm):
    """The built store of a gold case, built once per module."""
    cache: dict[str, Checked] = {}

    def get(case) -> Checked:
        if case.id not in cache:
            store = PlanStore(tmp_path_factory.mktemp("gold") / "store")
            build_into(store, [case.document])
            cache[case.id] = Checked(store, case.gold, norm)
        return cache[case.id]

    return get


# ---- the comparisons ---------------------------------------------------------------------------


def test_every_task_found_and_no_extra(gold_case, checked) -> None:
    result = checked(gold_case).compare_assignments()
    assert result.found == len(gold_case.gold["tasks"]), result.problems
    assert result.extra_tasks == 0


def test_assignments_exact(gold_case, checked) -> None:
    result = checked(gold_case).compare_assignments()
    assert result.problems == []
    assert result.f1 == 1.0
    assert result.fp == result.fn == 0


def test_deadlines(gold_case, checked, norm) -> None:
    check = checked(gold_case)
    want = {norm(t["title"]): t["deadline"] for t in gold_case.gold["tasks"] if t.get("deadline")}
    got = {
        norm(r["title"]): r["d"][:10]
        for r in check.store.select("SELECT ?title ?d WHERE { ?t a pk:Task ; rdfs:label ?title ; pk:deadline ?d }")
    }
    assert got == want  # exactly the tasks that state one, and no others


@pytest.mark.gold_with("platform_mentions")
def test_platform_mentions(gold_case, checked) -> None:
    mentions = gold_case.gold["platform_mentions"]
    check = checked(gold_case)
    got = {name: check.tasks_mentioning("mentionsPlatform", name) for name in mentions}
    assert got == {name: set(numbers) for name, numbers in mentions.items()}


@pytest.mark.gold_with("technology_mentions_at_least")
def test_technology_mentions(gold_case, checked) -> None:
    mentions = gold_case.gold["technology_mentions_at_least"]
    check = checked(gold_case)
    for name, numbers in mentions.items():
        assert set(numbers) <= check.tasks_mentioning("mentionsTechnology", name), name


def test_chapters_and_distinct_units(gold_case, checked) -> None:
    check = checked(gold_case)
    plan = gold_case.gold["plan"]
    (chapters,) = check.store.select("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a pk:Chapter }")
    (units,) = check.store.select("SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?t pk:involvedUnit ?u }")
    assert (int(chapters["n"]), int(units["n"])) == (plan["chapters"], plan["distinct_units"])


@pytest.mark.gold_with("units_touching")
def test_units_touching(gold_case, checked) -> None:
    touching = gold_case.gold["units_touching"]
    check = checked(gold_case)
    for platform, want in touching.items():
        rows = check.store.select(
            """SELECT DISTINCT ?unit WHERE { ?platform skos:prefLabel|skos:altLabel ?name .
                 ?task pk:mentionsPlatform ?platform ; pk:involvedUnit ?unit . }""",
            {"name": ox.Literal(platform, language="zh")},
        )
        got = [r["unit"] for r in rows]
        assert len(got) == len(want)
        for name in want:
            assert any(check.same_unit(name, unit) for unit in got), name


def test_plan_title_and_issue_date(gold_case, checked, norm) -> None:
    check = checked(gold_case)
    (row,) = check.store.select(
        "SELECT DISTINCT ?title ?issued WHERE {"
        " ?p a pk:Plan ; pk:sourceFile ?f ; rdfs:label ?title ; pk:issued ?issued }"
    )
    assert norm(row["title"]) == norm(gold_case.gold["plan"]["title"])
    assert row["issued"] == gold_case.gold["plan"]["issued"]


# ---- the seed's own figures, and the copy of its gold file ------------------------------------


def test_seed_headline_figures(seed_gold) -> None:
    plan = seed_gold["plan"]
    assert (plan["tasks"], plan["chapters"], plan["distinct_units"]) == (23, 5, 38)
    assert len(seed_gold["units_touching"]["赣通码"]) == 9


def test_units_touching_gantongma_in_the_seed(seed_store, seed_gold, norm) -> None:
    rows = seed_store.select(
        """SELECT DISTINCT ?name WHERE { ?platform skos:prefLabel|skos:altLabel "赣通码"@zh .
             ?task pk:mentionsPlatform ?platform ; pk:involvedUnit ?unit .
             ?unit skos:prefLabel ?name FILTER(LANG(?name) = "zh") }"""
    )
    assert sorted(norm(r["name"]) for r in rows) == sorted(norm(n) for n in seed_gold["units_touching"]["赣通码"])


def test_local_seed_gold_is_a_true_copy() -> None:
    local = json.loads(LOCAL_SEED_GOLD.read_text(encoding="utf-8"))
    assert len(local["tasks"]) == 23
    if not SHARED_SEED_GOLD.is_file():
        pytest.skip("../shared is not beside this checkout")
    assert local == json.loads(SHARED_SEED_GOLD.read_text(encoding="utf-8"))


def test_the_comparison_catches_a_wrong_gold(seed_store, seed_gold, norm) -> None:
    """The checker above is not vacuous: a gold file with one wrong role and one unknown task fails it."""
    wrong = json.loads(json.dumps(seed_gold))
    first = wrong["tasks"][0]
    first["responsible"] = first.pop("lead")  # 市发改委〔市数据局〕 leads task 1; call it responsible
    wrong["tasks"].append({"number": 24, "chapter": 5, "title": "不存在的任务", "lead": ["市公安局"]})
    result = Checked(seed_store, wrong, norm).compare_assignments()
    assert result.found == 23
    assert (result.tp, result.fp, result.fn) == (120, 1, 2)
    assert result.f1 < 1.0
    assert "task not found: 不存在的任务" in result.problems
