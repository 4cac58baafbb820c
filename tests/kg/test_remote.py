"""Remote stores against a real `oxigraph serve` (pip package oxigraph) started here on 127.0.0.1:
push through the Graph Store Protocol, query and ask through the SPARQL protocol, and the failures."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="no oxigraph server (pip oxigraph)")

GANTONGMA_UNITS = {"市公安局", "市发改委〔市数据局〕", "市民政局", "市住建局", "市行政审批局", "市文广旅局", "市人社局",
                   "市卫健委", "各县〔市、区〕人民政府"}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plankg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["plankg", *args], capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"plankg {' '.join(args)} failed:\n{done.stderr}")
    return done


class Oxigraph:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = ["oxigraph", "serve", "--location", str(folder), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, "--union-default-graph"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def local_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("remote") / "store"
    plankg("build", "--store", str(store))
    return store


@pytest.fixture(scope="module")
def server(tmp_path_factory, local_store):
    oxigraph = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "db")
    plankg("push", "--graph-store", oxigraph.base + "/store", "--store", str(local_store))
    yield oxigraph
    oxigraph.stop()


def count_triples(endpoint: str) -> int:
    out = plankg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint", endpoint, "-f", "json").stdout
    return int(json.loads(out)["results"]["bindings"][0]["n"]["value"])


def names(results: dict) -> set[str]:
    return {row["name"]["value"] for row in results["results"]["bindings"]}


def test_the_gantongma_question_gives_the_same_nine_units_every_way(server, local_store):
    args = ("units_touching_platform", "--param", "platform=赣通码", "-f", "json")
    local = json.loads(plankg("query", *args, "--store", str(local_store)).stdout)
    remote = json.loads(plankg("query", *args, "--endpoint", server.base + "/query").stdout)
    asked = json.loads(plankg("ask", "哪些单位涉及赣通码？", "--store", str(local_store), "-f", "json").stdout)
    asked_remote = json.loads(plankg("ask", "哪些单位涉及赣通码？", "--endpoint", server.base + "/query",
                                     "-f", "json").stdout)  # fmt: skip
    assert names(local) == names(remote) == names(asked["results"]) == names(asked_remote["results"]) == GANTONGMA_UNITS


def test_push_puts_every_graph_and_pushing_twice_changes_nothing(server, local_store):
    local = int(json.loads(plankg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(local_store),
                                  "-f", "json").stdout)["results"]["bindings"][0]["n"]["value"])  # fmt: skip
    assert count_triples(server.base + "/query") == local
    plankg("push", "--graph-store", server.base + "/store", "--store", str(local_store))
    assert count_triples(server.base + "/query") == local
    graphs = json.loads(plankg("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--endpoint",
                               server.base + "/query", "-f", "json").stdout)  # fmt: skip
    assert any("/graph/jiu-jiang" in row["g"]["value"] for row in graphs["results"]["bindings"])


def test_table_csv_and_construct_formats_work_remotely(server):
    csv = plankg("query", "units_touching_platform", "-p", "platform=赣服通", "--endpoint", server.base + "/query",
                 "-f", "csv").stdout  # fmt: skip
    assert csv.startswith("plan,planTitle,unit,name,tasks") and "市行政审批局" in csv
    ttl = plankg("query", "CONSTRUCT { ?u skos:prefLabel ?n } WHERE { ?u a pk:Unit ; skos:prefLabel ?n } LIMIT 3",
                 "--endpoint", server.base + "/query", "-f", "ttl").stdout  # fmt: skip
    assert "skos:prefLabel" in ttl or "prefLabel" in ttl


def test_a_dead_endpoint_gets_a_clear_message_and_exit_1(local_store):
    dead = f"http://127.0.0.1:{free_port()}"
    done = plankg("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--endpoint", dead + "/query", check=False)
    assert done.returncode == 1 and "cannot be reached" in done.stderr and "Traceback" not in done.stderr
    done = plankg("push", "--graph-store", dead + "/store", "--store", str(local_store), check=False)
    assert done.returncode == 1 and "cannot be reached" in done.stderr and "Traceback" not in done.stderr
    done = plankg("ask", "哪些单位涉及赣通码？", "--endpoint", dead + "/query", check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr


def test_a_malformed_query_is_refused_with_the_servers_message(server):
    done = plankg("query", "SELECT ?x WHERE { ?x ?p }", "--endpoint", server.base + "/query", check=False)
    assert done.returncode == 1 and "refused" in done.stderr and "Traceback" not in done.stderr


class _DiesAfter(http.server.BaseHTTPRequestHandler):
    """A Graph Store that takes a few graphs and then drops the connection, as a server dying would."""

    accepted = 0
    limit = 3

    def do_PUT(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        if type(self).accepted >= type(self).limit:
            self.connection.close()  # no answer at all
            return
        type(self).accepted += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_server_dying_mid_push_gets_a_clear_error_and_a_rerun_finishes(tmp_path, local_store):
    dying = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _DiesAfter)
    thread = threading.Thread(target=dying.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{dying.server_address[1]}/store"
        done = plankg("push", "--graph-store", url, "--store", str(local_store), check=False)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "3 of" in done.stderr and "run it again" in done.stderr
    finally:
        dying.shutdown()
    # the server comes back (a real one): the rerun puts every graph, and the result is complete
    oxigraph = Oxigraph(tmp_path / "db")
    try:
        plankg("push", "--graph-store", oxigraph.base + "/store", "--store", str(local_store))
        remote = json.loads(plankg("query", "units_touching_platform", "-p", "platform=赣通码", "--endpoint",
                                   oxigraph.base + "/query", "-f", "json").stdout)  # fmt: skip
        assert names(remote) == GANTONGMA_UNITS
    finally:
        oxigraph.stop()
