"""Shared helpers of the hardening tests: stores built and compared graph by graph, the memory of a
process tree read from /proc, synthetic plan folders, and the `slow` marker.

Every test here is bounded in time; the long ones carry @pytest.mark.slow (they still run in the
default `python -m pytest`, as CI runs it; `-m "not slow"` leaves them out on a developer's machine).
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO_DIR = HERE.parents[1]
DATA_DIR = REPO_DIR / "tests" / "data"
BUILD_RUNNER = HERE / "build_runner.py"
EMPTY = (0, hashlib.sha256(b"").hexdigest())  # the digest of a graph that is not there
_BLANK = re.compile(r"_:\S+")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a bounded but long hardening test (runs by default; -m 'not slow' skips)")


# ---- stores --------------------------------------------------------------------------------------


def seed_and_test_plans() -> list[Path]:
    """The bundled seed plan and the plain-text plans of tests/data."""
    from plankg.kg.pipeline import bundled_seed

    return [bundled_seed(), *sorted(DATA_DIR.glob("*.txt"))]


def build_store(path: Path, files: list[Path]) -> Path:
    """A store on disk holding `files`, closed again when this returns."""
    from plankg.kg.pipeline import build_into
    from plankg.kg.store import PlanStore

    store = PlanStore(path)
    build_into(store, files)
    del store
    gc.collect()  # pyoxigraph lets go of the RocksDB lock when the Store is freed
    return path


def graph_digests(path: Path) -> dict[str, tuple[int, str]]:
    """Open the store as plankg does (PlanStore: half-loaded graphs dropped) and give, for every
    graph (the default graph as ""), its triple count and the SHA-256 of its sorted N-Triples
    (blank node labels masked: the ontology's are not stable across loads)."""
    import pyoxigraph as ox
    from plankg.kg.store import ENTITIES_GRAPH, PlanStore

    store = PlanStore(path)
    lines: dict[str, list[str]] = defaultdict(list)
    for quad in store.store:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        if graph == ENTITIES_GRAPH:
            # what several plans say of shared things: only ever added to (a set, so adding again adds
            # nothing), never replaced, so it is not one plan's old or new graph; test_crash checks it grows
            graph = "(entities, additive)"
        lines[graph].append(_BLANK.sub("_:b", f"{quad.subject} {quad.predicate} {quad.object} ."))
    del store
    gc.collect()
    return {g: (len(ls), hashlib.sha256("\n".join(sorted(ls)).encode()).hexdigest()) for g, ls in lines.items()}


def copy_store(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


# ---- plan folders --------------------------------------------------------------------------------


def make_corpus(out: Path, plans: int, seed: int) -> list[Path]:
    """`plans` distinct plan files in `out`: benchmarks/corpus.py when it is there, else variants of
    the test plans under changed titles.  Gold files are left out of the folder."""
    corpus = REPO_DIR / "benchmarks" / "corpus.py"
    if corpus.is_file():
        generated = out.parent / (out.name + "-generated")
        subprocess.run([sys.executable, "-m", "benchmarks.corpus", "--plans", str(plans), "--out", str(generated),
                        "--seed", str(seed)], cwd=REPO_DIR, check=True, capture_output=True, timeout=120)  # fmt: skip
        out.mkdir(parents=True, exist_ok=True)
        for path in sorted(generated.iterdir()):
            if not path.name.endswith(".json"):
                shutil.copy(path, out / path.name)
        shutil.rmtree(generated)
    else:
        title_variants(out, plans)
    return sorted(out.iterdir())


def title_variants(out: Path, count: int) -> None:
    """Copies of the seed and the test plans (.txt, .md), each under a title of its own."""
    from plankg.kg.parse import parse_plan
    from plankg.kg.read import read_document

    sources = []  # (file, its text, its encoding, its title as written)
    plans = [p for p in seed_and_test_plans() if p.suffix == ".txt"]
    for path in plans + [p for p in sorted(DATA_DIR.glob("*.md")) if p.name != "README.md"]:
        document = read_document(path)
        raw = path.read_bytes().decode(document.encoding)
        title = parse_plan(document.text, str(path)).title
        if title in raw:  # not the plan in traditional characters, whose title is read as simplified
            sources.append((path, raw, document.encoding, title))
    out.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        path, raw, encoding, title = sources[index % len(sources)]
        changed = raw.replace(title, f"{title}(第{index + 1}批)")
        (out / f"variant-{index:03d}{path.suffix}").write_bytes(changed.encode(encoding))


def changed_copy(source_dir: Path, out: Path) -> list[Path]:
    """The same plans with changed text (推进 → 加快推进) but not a changed title, so the same graphs."""
    from plankg.kg.parse import parse_plan
    from plankg.kg.read import read_document

    def change(text: str, title: str) -> str:
        return title.join(part.replace("推进", "加快推进") for part in text.split(title))

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(source_dir.iterdir()):
        document = read_document(path)
        title = parse_plan(document.text, str(path), fallback_title=path.stem).title
        data = path.read_bytes()
        if path.suffix == ".docx":
            buffer = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
                for item in old.infolist():
                    part = old.read(item)
                    if item.filename == "word/document.xml":
                        part = change(part.decode("utf-8"), title).encode("utf-8")
                    new.writestr(item, part)
            data = buffer.getvalue()
        else:
            encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else document.encoding
            data = (change(data.decode(encoding), title) + "\n").encode(encoding)
        (out / path.name).write_bytes(data)
    return sorted(out.iterdir())


# ---- processes -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(store: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`plankg serve --store STORE OPTIONS` on 127.0.0.1 and a free port, as the command line starts it,
    once it answers /api/status (at most 60 s): its URL and process; stopped again afterwards. Its output
    goes to serve.log beside the store."""
    import time

    import httpx

    port = free_port()
    log_path = store.parent / "serve.log"
    command = [sys.executable, "-m", "plankg", "serve", "--store", str(store), "--port", str(port), *options]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if httpx.get(url + "/api/status", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "plankg serve did not answer within 60 s"
            time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def rss_kb(pid: int) -> int:
    """Resident memory of one process (kB), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children ...), from /proc/*/stat."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(fields[1])].append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_rss_kb(pid: int) -> dict[int, int]:
    """RSS (kB) of a process and of every process below it."""
    return {p: rss_kb(p) for p in [pid, *descendants(pid)]}


# A small go-between that runs the command and writes its peak RSS: the peak of a process forked
# from this one (os.wait4, RUSAGE_CHILDREN) counts this whole test process's memory too, since
# Linux carries the high-water mark across exec.
_MEASURE = """import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(status)
"""


def run_with_peak_rss(command: list[str], timeout: float, env: dict | None = None) -> tuple[int, str, int, float]:
    """Run a command; (exit status, its stdout and stderr, its peak RSS in kB, seconds)."""
    import tempfile
    import time

    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-c", _MEASURE, str(peak), *command], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, env=env, start_new_session=True)  # fmt: skip
        try:
            output, _ = process.communicate(timeout=timeout)
        finally:
            if process.poll() is None:  # over the time limit: the command and the go-between both
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
        elapsed = time.monotonic() - started
        return process.returncode, output.decode("utf-8", errors="replace"), int(peak.read_text()), elapsed
