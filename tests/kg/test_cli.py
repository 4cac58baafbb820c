"""kg/cli.py: build, query, stats and export, in-process (CliRunner) and as the real `plankg` command."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from plankg.kg.cli import app
from plankg.kg.store import PlanStore
from rdflib.query import Result
from typer.testing import CliRunner

SEED_TITLE = "九江市数字政府建设2025年工作要点"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
FIRST_TASKS = """SELECT ?title ?n WHERE { ?t a pk:Task ; rdfs:label ?title ; pk:number ?n } ORDER BY ?n LIMIT 3"""
TASK_COUNT = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }"


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2 keeps stderr apart


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner().invoke(app, [str(a) for a in args], env=env)


def plankg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The installed command (or `python -m plankg`), exactly as a user runs it."""
    command = [shutil.which("plankg")] if shutil.which("plankg") else [sys.executable, "-m", "plankg"]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, timeout=120, env=full_env)


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str):
    """The entry point `plankg` runs (plankg.kg.cli:main), in this process: (exit code, stdout, stderr).
    An exception escaping main() is what a user would see as a traceback, so it is reported as one."""
    import traceback

    from plankg.kg.cli import main

    monkeypatch.setattr(sys, "argv", ["plankg", *map(str, args)])
    code, crash = 0, ""
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception:
        code, crash = 1, traceback.format_exc()
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(["plankg", *args], code, captured.out, captured.err + crash)


def assert_clean_failure(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert any(line.startswith("error: ") for line in result.stderr.splitlines()), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def nquads(path: Path) -> list[bytes]:
    store = PlanStore(path)
    try:
        return sorted(store.dump(ox.RdfFormat.N_QUADS).splitlines())
    finally:
        del store


BUILT_PLANS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pk:Plan ; pk:sourceFile ?file }"


@pytest.fixture(scope="module")
def built_seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store the command line built from the bundled seed (`plankg build` with no SOURCE), and a copy
    of it made before anything else opened it, for the tests that run `plankg` in a subprocess."""
    path = tmp_path_factory.mktemp("cli") / "store"
    result = invoke("build", "--store", path)
    assert result.exit_code == 0, result.stderr
    assert "23 tasks" in result.stderr and "38 units" in result.stderr and "5 chapters" in result.stderr
    copy = path.parent / "copy"
    shutil.copytree(path, copy)
    return path, copy


@pytest.fixture(scope="module")
def cli_store(built_seed: tuple[Path, Path]) -> Path:
    return built_seed[0]


@pytest.fixture(scope="module")
def subprocess_store(built_seed: tuple[Path, Path]) -> Path:
    """The seed store for `plankg` subprocesses (never opened in this process)."""
    return built_seed[1]


# ---- build -------------------------------------------------------------------------------------


def test_build_files_and_folders(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ("no_lead_plan.txt", "jingdezhen_page.html", "shangrao_plan.docx"):
        shutil.copy(data_dir / name, folder / name)
    store = tmp_path / "store"
    result = invoke("build", folder, data_dir / "nanchang_action_plan.md", "--store", store)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("built ") == 4
    result = invoke("query", "--store", store, "--format", "csv", BUILT_PLANS)
    assert result.stdout.splitlines() == ["n", "4"]


def test_rebuild_keeps_the_triple_count(tmp_path: Path, data_dir: Path) -> None:
    store = tmp_path / "store"
    plan = data_dir / "taipei_style_traditional.txt"
    assert invoke("build", plan, "--store", store).exit_code == 0
    first = invoke("query", "--store", store, "-f", "csv", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert invoke("build", plan, "--store", store).exit_code == 0
    second = invoke("query", "--store", store, "-f", "csv", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert first.stdout == second.stdout
    assert int(first.stdout.splitlines()[1]) > 1000


# ---- query: formats ----------------------------------------------------------------------------


def test_query_json_is_exactly_sparql_results_json(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "json", FIRST_TASKS)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"head", "results"}
    assert document["head"] == {"vars": ["title", "n"]}
    bindings = document["results"]["bindings"]
    assert [b["n"] for b in bindings] == [
        {"type": "literal", "value": str(n), "datatype": "http://www.w3.org/2001/XMLSchema#integer"} for n in (1, 2, 3)
    ]
    assert bindings[0]["title"] == {"type": "literal", "value": "健全数字化项目管理机制", "xml:lang": "zh"}
    parsed = Result.parse(io.StringIO(result.stdout), format="json")
    assert [str(row.title) for row in parsed] == [
        "健全数字化项目管理机制", "加强存量数字化项目处置应用", "推动数字政府建设应用创新"
    ]  # fmt: skip


def test_query_csv(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "csv", FIRST_TASKS)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["title", "n"], ["健全数字化项目管理机制", "1"], ["加强存量数字化项目处置应用", "2"],
                    ["推动数字政府建设应用创新", "3"]]  # fmt: skip


def test_query_tsv(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "tsv", FIRST_TASKS)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "?title\t?n"
    assert lines[1] == '"健全数字化项目管理机制"@zh\t1'
    assert len(lines) == 4


def test_query_xml(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "xml", FIRST_TASKS)
    assert result.exit_code == 0, result.stderr
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == SPARQL_RESULTS + "sparql"
    assert [v.get("name") for v in root.iter(SPARQL_RESULTS + "variable")] == ["title", "n"]
    assert len(list(root.iter(SPARQL_RESULTS + "result"))) == 3
    parsed = Result.parse(io.BytesIO(result.stdout.encode("utf-8")), format="xml")
    assert [int(row.n) for row in parsed] == [1, 2, 3]


def test_query_table(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, FIRST_TASKS)
    assert result.exit_code == 0, result.stderr
    assert "健全数字化项目管理机制" in result.stdout and "title" in result.stdout
    assert "3 rows" in result.stderr


def test_ask_json(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "json", f'ASK {{ ?p rdfs:label "{SEED_TITLE}"@zh }}')
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}


def test_ask_xml_is_sparql_results_xml(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "xml", f'ASK {{ ?p rdfs:label "{SEED_TITLE}"@zh }}')
    assert result.exit_code == 0, result.stderr
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == SPARQL_RESULTS + "sparql"
    assert root.find(SPARQL_RESULTS + "boolean").text == "true"


def test_construct_as_turtle(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "ttl",
                    "CONSTRUCT { ?t rdfs:label ?l } WHERE { ?t a pk:Task ; rdfs:label ?l }")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) == 23


def test_select_as_turtle_is_refused(cli_store: Path) -> None:
    result = invoke("query", "--store", cli_store, "--format", "ttl", FIRST_TASKS)
    assert result.exit_code == 1
    assert "CONSTRUCT" in result.stderr


# ---- query: canned names, parameters, .rq files ------------------------------------------------


def test_canned_query_with_param(cli_store: Path, seed_gold: dict, norm) -> None:
    result = invoke("query", "units_touching_platform", "--param", "platform=赣通码",
                    "--store", cli_store, "-f", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert {"unit", "name"} <= set(document["head"]["vars"])
    bindings = document["results"]["bindings"]
    assert len({b["unit"]["value"] for b in bindings}) == len(bindings) == 9
    names = sorted(norm(b["name"]["value"]) for b in bindings)
    assert names == sorted(norm(n) for n in seed_gold["units_touching"]["赣通码"])


def test_canned_query_by_alias_label(cli_store: Path) -> None:
    result = invoke("query", "units_touching_platform", "-p", "platform=12345热线", "--store", cli_store, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert "市行政审批局" in {r["name"] for r in rows}


def test_canned_query_without_its_param(cli_store: Path) -> None:
    result = invoke("query", "units_touching_platform", "--store", cli_store)
    assert result.exit_code == 1
    assert "--param platform=" in result.stderr


def test_unknown_canned_name(cli_store: Path) -> None:
    result = invoke("query", "no_such_query", "--store", cli_store)
    assert result.exit_code == 1
    assert "units_touching_platform" in result.stderr  # the known ones are listed


def test_rq_file(cli_store: Path, tmp_path: Path) -> None:
    plain = tmp_path / "count.rq"
    plain.write_text(TASK_COUNT + "\n", encoding="utf-8")
    result = invoke("query", plain, "--store", cli_store, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "23"]


def test_rq_file_with_header_and_typed_param(cli_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "task_by_number.rq"
    query.write_text(
        "# title: 按编号查任务 | Task by number\n"
        "# param: n (integer) the task's number\n"
        "SELECT ?title WHERE { ?t a pk:Task ; pk:number ?n ; rdfs:label ?title }\n",
        encoding="utf-8",
    )
    result = invoke("query", query, "--param", "n=7", "--store", cli_store, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["title", "统一企业群众诉求受理渠道"]


def test_param_value_is_bound_not_pasted(cli_store: Path) -> None:
    result = invoke("query", "units_touching_platform", "--param", 'platform="}} ; DROP ALL ; #',
                    "--store", cli_store, "-f", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == []
    count = invoke("query", "--store", cli_store, "-f", "csv", TASK_COUNT)
    assert count.stdout.splitlines() == ["n", "23"]


# ---- stats and export ----------------------------------------------------------------------------


def test_stats(cli_store: Path) -> None:
    result = invoke("stats", "--store", cli_store)
    assert result.exit_code == 0, result.stderr
    rows = {}
    for line in result.stdout.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 2:
            rows[cells[0]] = cells[1]
    assert rows["chapters"] == "5" and rows["tasks"] == "23" and rows["units"] == "38"
    assert rows["plans"] == "1"
    assert int(rows["triples"].replace(",", "")) > 1000
    assert SEED_TITLE in result.stdout


@pytest.fixture(scope="module")
def store_size(cli_store: Path) -> tuple[int, int]:
    """(quads in the store, distinct triples in the union graph)."""
    all_quads = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    quads = invoke("query", "--store", cli_store, "-f", "csv", all_quads)
    triples = invoke("query", "--store", cli_store, "-f", "csv",
                     "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")  # fmt: skip
    return int(quads.stdout.splitlines()[1]), int(triples.stdout.splitlines()[1])


@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers use its deprecated API
@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")])
def test_export_datasets_parse_back(cli_store: Path, tmp_path: Path, store_size, fmt: str, rdflib_format: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = invoke("export", "--format", fmt, "--out", out, "--store", cli_store)
    assert result.exit_code == 0, result.stderr
    dataset = rdflib.Dataset()
    dataset.parse(out, format=rdflib_format)
    quads = list(dataset.quads((None, None, None, None)))
    assert len(quads) == store_size[0]
    graphs = {str(q[3]) for q in quads}
    assert any(g.startswith("https://w3id.org/plankg/id/graph/jiu-jiang") for g in graphs)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt")])
def test_export_graphs_parse_back(cli_store: Path, tmp_path: Path, store_size, fmt: str, rdflib_format: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = invoke("export", "--format", fmt, "--out", out, "--store", cli_store)
    assert result.exit_code == 0, result.stderr
    graph = rdflib.Graph().parse(out, format=rdflib_format)
    assert len(graph) == store_size[1]


@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")
def test_export_to_stdout(cli_store: Path, store_size) -> None:
    result = invoke("export", "--format", "nq", "--store", cli_store)
    assert result.exit_code == 0, result.stderr
    dataset = rdflib.Dataset().parse(data=result.stdout, format="nquads")
    assert len(list(dataset.quads((None, None, None, None)))) == store_size[0]


# ---- the real command: bad input, first use, the environment ---------------------------------------


def test_malformed_query(subprocess_store: Path) -> None:
    result = plankg("query", "--store", subprocess_store, "SELECT ?x WHERE { ?x ?p }")
    assert_clean_failure(result, "malformed SPARQL")


def test_bad_plan_file_leaves_the_store_unchanged(tmp_path: Path, data_dir: Path) -> None:
    store = tmp_path / "store"
    assert invoke("build", data_dir / "no_lead_plan.txt", "--store", store).exit_code == 0
    before = nquads(store)
    bad = tmp_path / "notes.txt"
    bad.write_text("九江市工作要点\n这是一段没有编号的文字。\n", encoding="utf-8")
    result = plankg("build", data_dir / "jingdezhen_page.html", bad, "--store", store)
    assert_clean_failure(result, str(bad), ":2:", "一、")
    assert nquads(store) == before


@pytest.mark.parametrize("name", ["missing.txt", "plan.pdf", "folder"])
def test_unreadable_plan_file(tmp_path: Path, monkeypatch, capsys, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4")
    elif name == "folder":
        path.mkdir()
    result = run_main(monkeypatch, capsys, "build", path, "--store", tmp_path / "store")
    assert_clean_failure(result, str(path))


def test_empty_store_is_seeded_on_first_query(tmp_path: Path) -> None:
    store = tmp_path / "new-store"
    result = plankg("query", "--store", store, "--format", "csv", TASK_COUNT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "23"]
    assert "empty" in result.stderr
    again = plankg("query", "--store", store, "--format", "csv", TASK_COUNT)
    assert again.stdout.splitlines() == ["n", "23"]
    assert "empty" not in again.stderr


def test_plankg_store_environment_variable(tmp_path: Path) -> None:
    store = tmp_path / "env-store"
    result = plankg("query", "--format", "json", TASK_COUNT, env={"PLANKG_STORE": str(store)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == "23"
    assert str(store) in result.stderr
    assert any(store.iterdir())
    # --store wins over the variable
    other = tmp_path / "other-store"
    result = invoke("build", "--store", other, env={"PLANKG_STORE": str(store)})
    assert result.exit_code == 0, result.stderr
    assert str(other) in result.stderr and any(other.iterdir())


def test_store_that_is_a_file(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "store"
    path.write_text("x")
    assert_clean_failure(run_main(monkeypatch, capsys, "stats", "--store", path), str(path))


def test_store_in_use(seed_store) -> None:
    """The session's seed store is open in this process: another process gets a message, not a crash."""
    assert_clean_failure(plankg("stats", "--store", seed_store.path), str(seed_store.path))


@pytest.mark.parametrize(
    "args",
    [
        ["SELECT ?x WHERE { ?x ?p ?o }", "--param", "1x=2"],
        ["CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", "--param", "o=1"],
    ],
    ids=["bad-variable-name", "construct-without-where"],
)
def test_parameters_that_cannot_be_bound(tmp_path: Path, monkeypatch, capsys, args: list[str]) -> None:
    assert_clean_failure(run_main(monkeypatch, capsys, "query", "--store", tmp_path / "store", *args))


def test_export_to_a_missing_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "no" / "such" / "dir" / "kg.ttl"
    result = run_main(monkeypatch, capsys, "export", "--format", "ttl", "--out", out, "--store", tmp_path / "store")
    assert_clean_failure(result, str(out))


@pytest.mark.parametrize("value", ["-5", "500"])
def test_serve_refuses_a_worker_memory_it_cannot_run_with(cli_store: Path, value: str) -> None:
    result = invoke("serve", "--store", cli_store, "--port", "9", "--worker-memory", value)
    assert result.exit_code == 1
    assert f"--worker-memory {value}: expected 0 (no limit) or at least 1024 MiB" in result.stderr


def test_the_default_worker_memory_is_a_share_of_the_machine() -> None:
    from plankg.api.settings import default_worker_memory

    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert default_worker_memory(2) == total // 3
    assert default_worker_memory(1) == total // 2
