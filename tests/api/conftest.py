"""Fixtures for the service: a store with the seed and the hostile plan, the app in a TestClient, and
real servers (`python -m plankg serve` in a subprocess on 127.0.0.1 and a free port) for what needs
one: time limits, concurrency, SPARQL clients, updates."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
HOSTILE_PLAN = DATA_DIR / "hostile_plan.txt"
SEED_PLAN_ID = "plan/jiu-jiang-shi-shu-zi-zheng-fu-jian-she-2025-nian-gong-zuo-yao-dian"
GANTONGMA_UNITS = {
    "市公安局",
    "市发改委〔市数据局〕",
    "市民政局",
    "市住建局",
    "市行政审批局",
    "市文广旅局",
    "市人社局",
    "市卫健委",
    "各县〔市、区〕人民政府",
}
# The question of shared/design/vocabulary.md, asked with its terms alone.
GANTONGMA_QUERY = """PREFIX pk: <https://w3id.org/plankg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?unit ?name WHERE {
  ?platform skos:prefLabel|skos:altLabel "赣通码"@zh .
  ?task pk:mentionsPlatform ?platform ; pk:involvedUnit ?unit .
  ?unit skos:prefLabel ?name .
  FILTER(LANG(?name) = "zh")
}"""
# A cross join of every triple with itself four times: never finishes on any graph worth the name.
EXPLOSIVE_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def build_store(path: Path, *, hostile: bool = True) -> Path:
    from plankg.kg.pipeline import build_into, bundled_seed
    from plankg.kg.store import PlanStore

    store = PlanStore(path)
    build_into(store, [bundled_seed(), HOSTILE_PLAN] if hostile else [bundled_seed()])
    del store
    return path


@pytest.fixture(scope="session")
def api_store(tmp_path_factory) -> Path:
    """The seed plan and the hostile plan (names with <script> in them), built once."""
    return build_store(tmp_path_factory.mktemp("api") / "store")


@pytest.fixture(scope="session")
def app(api_store):
    from plankg.api.app import create_app
    from plankg.api.settings import Settings

    return create_app(Settings(store_path=api_store, timeout=10, row_cap=10_000, workers=2))


@pytest.fixture(scope="session")
def client(app) -> Iterator:
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    store: Path
    started_in: float

    @property
    def log(self) -> str:
        return (self.store.parent / "serve.log").read_text()

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.url + path, timeout=kwargs.pop("timeout", 30), **kwargs)

    def post(self, path: str, **kwargs) -> httpx.Response:
        return httpx.post(self.url + path, timeout=kwargs.pop("timeout", 30), **kwargs)


def start_server(store: Path, *options: str) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "plankg", "serve", "--store", str(store), "--port", str(port), *options]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    log = store.parent / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = started + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"plankg serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/api/status", timeout=2).status_code == 200:
                return Server(url, process, store, time.monotonic() - started)
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("plankg serve did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """A real server with a 1 s time limit and a row cap of 1000, on a store of its own."""
    store = build_store(tmp_path_factory.mktemp("served") / "store")
    live = start_server(store, "--timeout", "1", "--row-cap", "1000")
    yield live
    stop_server(live.process)
