"""`plankg build` killed with SIGKILL at random moments: the store still opens, and every graph in it
is exactly its old content or exactly its new content, never a mix.

Two cases, each against a store holding the seed and the plain-text test plans:
- fresh: a folder of 40 new plans, which go in through Oxigraph's bulk loader, 10 at a time while the
  others are still compiling, each under a crash mark that stays until the build commits: all or none;
- rebuild: the same 40 plans with changed text, replacing their graphs in SPARQL updates of 10 plans.

The old and new content of every graph comes from reference builds into separate stores, made
beforehand; each graph is compared by triple count and a digest of its sorted N-Triples.

Half the kills come at a random delay between 0.2 s and the build's normal duration (most land
while plans are being read and parsed); the other half at a random moment of the write phase,
which the build marks in a file (tests/hardening/build_runner.py runs `plankg build` unchanged
otherwise).  The test reports how many kills landed in each phase.  After a kill in the middle of a
bulk load, running the build again finishes the job.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from plankg.kg.store import MANIFEST_GRAPH

from .conftest import (
    BUILD_RUNNER,
    EMPTY,
    build_store,
    changed_copy,
    copy_store,
    graph_digests,
    make_corpus,
    seed_and_test_plans,
)

PLANS = 40  # at least pipeline.PARALLEL_FROM: the plans are compiled in worker processes, as at scale
BATCH = 10  # kg.store.WRITE_BATCH for these builds: new plans are bulk-loaded in 4 batches while others compile
ROUNDS = 14
ROUNDS_AT_LEAST = 8
ROUND_BUDGET = 45.0  # seconds for all rounds: no new round starts after that (at least ROUNDS_AT_LEAST run)


@dataclass
class Run:
    """One run of the build: when it started, when its write phase began and ended (monotonic)."""

    started: float
    ended: float | None
    write_start: float | None
    write_end: float | None

    @property
    def duration(self) -> float:
        return (self.ended or time.monotonic()) - self.started


@dataclass
class Case:
    name: str
    start_store: Path  # the store before the build
    folder: Path
    old: dict[str, tuple[int, str]]
    new: dict[str, tuple[int, str]]
    reference: Run
    new_store: Path  # the reference build: the store after the build


def read_marks(path: Path) -> dict[str, float]:
    marks: dict[str, float] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2:
                marks.setdefault(parts[0], float(parts[1]))
    return marks


def start_build(folder: Path, store: Path, marks: Path) -> subprocess.Popen:
    """`plankg build FOLDER --store STORE` in a session of its own (its worker processes die with it)."""
    return subprocess.Popen(
        [sys.executable, str(BUILD_RUNNER), str(marks), str(BATCH), "build", str(folder), "--store", str(store)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def reference_build(folder: Path, start: Path, target: Path) -> Run:
    copy_store(start, target)
    marks = target.parent / (target.name + ".marks")
    started = time.monotonic()
    process = start_build(folder, target, marks)
    try:
        _, err = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    ended = time.monotonic()
    assert process.returncode == 0, err.decode()
    found = read_marks(marks)
    return Run(started, ended, found.get("write-start"), found.get("write-end"))


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    root = tmp_path_factory.mktemp("crash")
    base = build_store(root / "base", seed_and_test_plans())
    fresh_folder = root / "plans"
    files = make_corpus(fresh_folder, PLANS, seed=20250601)
    assert len(files) == PLANS
    changed_folder = root / "plans-changed"
    changed_copy(fresh_folder, changed_folder)

    fresh_run = reference_build(fresh_folder, base, root / "ref-fresh")
    rebuild_run = reference_build(changed_folder, root / "ref-fresh", root / "ref-rebuild")
    before, after_fresh, after_rebuild = (graph_digests(p) for p in (base, root / "ref-fresh", root / "ref-rebuild"))

    plan_graphs = set(after_fresh) - set(before)
    assert len(plan_graphs) == PLANS, "every plan of the folder is a graph of its own"
    assert set(after_rebuild) == set(after_fresh), "the changed plans keep their titles, hence their graphs"
    assert all(after_rebuild[g] != after_fresh[g] for g in plan_graphs), "every changed plan has new content"
    return [
        Case("fresh", base, fresh_folder, before, after_fresh, fresh_run, root / "ref-fresh"),
        Case("rebuild", root / "ref-fresh", changed_folder, after_fresh, after_rebuild, rebuild_run,
             root / "ref-rebuild"),
    ]


def check_store(store: Path, case: Case) -> str:
    """The store opens; every graph is its old or its new content; 'old', 'new' for the whole batch."""
    now = graph_digests(store)  # opening drops what a bulk load left half written
    assert MANIFEST_GRAPH not in now, "no crash mark is left once the store has been opened"
    states: dict[str, str] = {}
    for graph in set(now) | set(case.old) | set(case.new):
        got, old, new = now.get(graph, EMPTY), case.old.get(graph, EMPTY), case.new.get(graph, EMPTY)
        assert got in (old, new), (
            f"{case.name}: graph <{graph or 'default'}> holds {got[0]} triples, neither the old content "
            f"({old[0]} triples) nor the new ({new[0]} triples)"
        )
        if old != new and graph != "(entities, additive)":  # shared descriptions go in ahead of the plans
            states[graph] = "old" if got == old else "new"
    # new plans stay marked until the build commits, however many batches they were loaded in; plans that
    # replace others are written in transactions of BATCH plans, each all old or all new
    if case.name == "fresh" or PLANS <= BATCH:
        assert len(set(states.values())) == 1, f"{case.name}: some plans old, some new: {states}"
    return next(iter(states.values()))


def phase(marks: dict[str, float], killed_at: float) -> str:
    if "write-start" not in marks or killed_at < marks["write-start"]:
        return "reading"
    if "write-end" not in marks or killed_at < marks["write-end"]:
        return "writing"
    return "after writing"


@pytest.mark.slow
def test_sigkill_during_build_leaves_old_or_new_graphs(cases: list[Case], tmp_path: Path) -> None:
    rng = random.Random(os.environ.get("PLANKG_CRASH_SEED") or time.time_ns())
    outcomes: list[tuple[str, str, str, float]] = []
    rerun_store: Path | None = None
    began = time.monotonic()
    for round_number in range(ROUNDS):
        if round_number >= ROUNDS_AT_LEAST and time.monotonic() - began > ROUND_BUDGET:
            break
        case = cases[round_number % 2]
        store = copy_store(case.start_store, tmp_path / f"store-{round_number}")
        marks_file = tmp_path / f"marks-{round_number}"
        process = start_build(case.folder, store, marks_file)
        started = time.monotonic()
        reference = case.reference
        try:
            if round_number % 4 < 2:  # anywhere between 0.2 s and the normal duration of the build
                deadline = started + rng.uniform(0.2, reference.duration)
                while time.monotonic() < deadline and process.poll() is None:
                    time.sleep(0.005)
            else:  # somewhere in the write phase: wait for it to start
                writing = reference.write_end - reference.write_start
                while "write-start" not in read_marks(marks_file) and process.poll() is None:
                    time.sleep(0.002)
                time.sleep(rng.uniform(0, 0.8 * writing))
        finally:
            killed_at = time.monotonic()
            finished = process.poll() is not None
            if not finished:
                os.killpg(process.pid, signal.SIGKILL)
            _, err = process.communicate(timeout=30)
        assert not finished or process.returncode == 0, err.decode()
        where = "finished" if finished else phase(read_marks(marks_file), killed_at)
        state = check_store(store, case)
        if where == "reading":
            assert state == "old", f"{case.name}: killed before writing, yet the store holds new graphs"
        if where in ("after writing", "finished"):
            assert state == "new", f"{case.name}: killed after the write ended, yet the store holds old graphs"
        outcomes.append((case.name, where, state, killed_at - started))
        if rerun_store is None and case.name == "fresh" and where == "writing":
            rerun_store = store  # kept for the rerun below
        else:
            shutil.rmtree(store)

    summary = ", ".join(f"{c}/{w}→{s} at {t:.2f}s" for c, w, s, t in outcomes)
    during_write = sum(1 for _, where, _, _ in outcomes if where == "writing")
    timings = "; ".join(f"{c.name} build {c.reference.duration:.1f} s, write phase "
                        f"{c.reference.write_end - c.reference.write_start:.2f} s" for c in cases)  # fmt: skip
    print(f"\n{len(outcomes)} kills, {during_write} during the write phase ({timings}): {summary}")
    assert len(outcomes) >= ROUNDS_AT_LEAST
    for name in ("fresh", "rebuild"):  # the write phase itself was hit, in both ways of writing
        assert any(c == name and w == "writing" for c, w, _, _ in outcomes), f"no kill landed while {name} wrote"

    # killed in the middle of a bulk load, the build is simply run again and the store holds every plan
    assert rerun_store is not None
    rerun = subprocess.run([sys.executable, "-m", "plankg", "build", str(cases[0].folder), "--store", str(rerun_store)],
                           capture_output=True, text=True, timeout=180)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert graph_digests(rerun_store) == cases[0].new



@pytest.mark.slow
def test_the_check_sees_a_mix(cases: list[Case], tmp_path: Path) -> None:
    """The comparison itself: a graph missing one triple, or plans half old and half new, is caught."""
    import gc

    import pyoxigraph as ox
    from plankg.kg.store import PlanStore

    old_case, case = cases  # the rebuild: its old content is the fresh case's new content
    graph = ox.NamedNode(min(g for g in case.new if case.old.get(g) != case.new[g]))

    cut = PlanStore(copy_store(case.new_store, tmp_path / "cut"))
    cut.store.remove(next(iter(cut.store.quads_for_pattern(None, None, None, graph))))
    del cut
    gc.collect()
    with pytest.raises(AssertionError, match="neither the old content"):
        check_store(tmp_path / "cut", case)

    # the fresh build with one of its new plans missing: new plans come all together or not at all
    mixed = PlanStore(copy_store(old_case.new_store, tmp_path / "mixed"))
    mixed.store.update(f"DROP GRAPH <{graph.value}>")
    del mixed
    gc.collect()
    with pytest.raises(AssertionError, match="some plans old, some new"):
        check_store(tmp_path / "mixed", old_case)
