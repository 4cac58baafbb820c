"""Exports for other tools (xlsx, graphml, gexf, csv) and the `plankg viz` / `plankg export` commands."""

from __future__ import annotations

import csv
import io

import pytest
from plankg.viz import data as vdata
from plankg.viz import exports

BIG = "市发改委〔市数据局〕"
SEED_TITLE = "九江市数字政府建设2025年工作要点"


def workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def test_xlsx_responsibility_table(seed_snapshot) -> None:
    book = workbook(exports.responsibility_xlsx(seed_snapshot))
    assert book.sheetnames == [SEED_TITLE, exports.LOAD_SHEET]
    sheet = book[SEED_TITLE]
    assert sheet["A1"].value == SEED_TITLE
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == exports.TABLE_HEADER == ("序号", "章节", "任务", "牵头单位", "配合单位/责任单位", "完成时限")
    tasks = rows[1:]
    assert len(tasks) == 23  # one row per task
    assert [r[0] for r in tasks] == list(range(1, 24))
    first = tasks[0]
    assert first[1] == "一、强化数字化项目建设管理"
    assert first[2] == "健全数字化项目管理机制"
    assert first[3] == BIG
    assert first[4] == "市委网信办、市委保密机要局、市公安局、市财政局、市国资委"  # in the document's order
    assert tasks[1][3] == "市发改委〔市数据局〕、市财政局、市委网信办"
    assert {r[1][:2] for r in tasks} == {"一、", "二、", "三、", "四、", "五、"}
    assert all(r[5] in (None, "") for r in tasks)  # the seed states no deadlines
    assert sheet.freeze_panes == "A3"


def test_xlsx_load_sheet(seed_snapshot) -> None:
    sheet = workbook(exports.responsibility_xlsx(seed_snapshot))[exports.LOAD_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == exports.LOAD_HEADER
    assert len(rows) == 1 + 38
    assert rows[1] == (BIG, "政府部门", 14, 7, 0, 35)
    loads = [r[5] for r in rows[1:]]
    assert loads == sorted(loads, reverse=True)


def test_xlsx_deadlines_and_responsible_units(many_snapshot) -> None:
    book = workbook(exports.responsibility_xlsx(many_snapshot))
    assert len(book.sheetnames) == 7 + 1
    assert all(len(name) <= 31 for name in book.sheetnames)
    cells = [row for name in book.sheetnames[:-1] for row in book[name].iter_rows(min_row=3, values_only=True)]
    assert len(cells) == len(many_snapshot.tasks)
    assert any(r[5] for r in cells), "some plans state deadlines"
    held = {(t, r) for t, _, r in many_snapshot.assignments}
    only_responsible = [t for t in many_snapshot.tasks if (t, "responsible") in held and (t, "lead") not in held]
    assert only_responsible, "the test plans have tasks with 责任单位 only"
    for task in only_responsible:
        rec = many_snapshot.tasks[task]
        row = next(r for r in exports.responsibility_rows(many_snapshot, rec.plan) if r[2] == rec.title)
        assert row[3] == "" and row[4], row
        names = [many_snapshot.units[u].label for t, u, r in many_snapshot.assignments if t == task]
        assert all(n in row[4] for n in names)


def test_xlsx_and_csv_never_write_formulas() -> None:
    unit = '=HYPERLINK("http://example.org","x")'
    snapshot = vdata.Snapshot(
        plans={"p": vdata.PlanRec("p", "+计划")},
        chapters={},
        tasks={"t": vdata.TaskRec("t", "p", 1, "-任务")},
        units={"u": vdata.UnitRec("u", unit, "GovernmentDepartment"), "v": vdata.UnitRec("v", "@单位")},
        assignments=[("t", "u", "lead"), ("t", "v", "cooperating")],
        things={},
        mentions=[],
    )
    book = workbook(exports.responsibility_xlsx(snapshot))
    sheet = book[book.sheetnames[0]]
    assert sheet["C3"].value == "-任务" and sheet["C3"].data_type == "s"
    assert sheet["D3"].value == unit and sheet["D3"].data_type == "s"
    load = book[exports.LOAD_SHEET]
    assert load["A2"].data_type == "s"
    text = exports.matrix_csv(snapshot).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[1:] == ["'" + unit, "'@单位"]


def test_sheet_names() -> None:
    taken: set[str] = set()
    assert exports.sheet_name("a[b]:c*d?e/f\\g", taken) == "a_b__c_d_e_f_g"
    long = "很" * 40
    first, second = exports.sheet_name(long, taken), exports.sheet_name(long, taken)
    assert len(first) == len(second) == 31 and first != second


def test_graphml(seed_snapshot) -> None:
    import networkx as nx

    g = nx.read_graphml(io.BytesIO(exports.coordination_graphml(seed_snapshot)))
    assert g.number_of_nodes() == 38 and g.number_of_edges() == 259
    big = next(n for n, a in g.nodes(data=True) if a["label"] == BIG)
    assert g.nodes[big]["load"] == 35.0 and g.nodes[big]["type"] == "GovernmentDepartment"
    counties = next(n for n, a in g.nodes(data=True) if a["label"] == "各县〔市、区〕人民政府")
    assert g.edges[big, counties]["weight"] == 15
    assert sum(a["lead_to_cooperating"] for _, _, a in g.edges(data=True)) > 0


def test_gexf(seed_snapshot) -> None:
    import networkx as nx

    g = nx.read_gexf(io.BytesIO(exports.coordination_gexf(seed_snapshot)))
    assert g.number_of_nodes() == 38 and g.number_of_edges() == 259
    labels = {a["label"] for _, a in g.nodes(data=True)}
    assert BIG in labels
    big = next(a for _, a in g.nodes(data=True) if a["label"] == BIG)
    assert big["viz"]["size"] == max(a["viz"]["size"] for _, a in g.nodes(data=True))


def test_hostile_graphml_and_gexf_parse(hostile_snapshot) -> None:
    import networkx as nx

    for content, read in (
        (exports.coordination_graphml(hostile_snapshot), nx.read_graphml),
        (exports.coordination_gexf(hostile_snapshot), nx.read_gexf),
    ):
        g = read(io.BytesIO(content))
        assert "市委网信办<img src=x onerror=alert(1)>" in {a["label"] for _, a in g.nodes(data=True)}


def test_csv_matrix(seed_snapshot) -> None:
    content = exports.matrix_csv(seed_snapshot)
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 39 and all(len(r) == 39 for r in rows)
    assert rows[0][0] == "单位" and rows[0][1] == BIG and rows[1][0] == BIG
    values = [[int(x) for x in r[1:]] for r in rows[1:]]
    assert values[0][0] == 21 and values[0][1] == 15
    assert all(values[i][j] == values[j][i] for i in range(38) for j in range(38))


def test_unknown_format(seed_snapshot) -> None:
    with pytest.raises(ValueError):
        exports.export_bytes(seed_snapshot, "pdf")


# ---- the command line -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    """A store folder the commands fill with the seed on first use."""
    return tmp_path_factory.mktemp("cli") / "store"


def run(*args: str):
    import gc

    from plankg.kg.cli import app
    from typer.testing import CliRunner

    gc.collect()  # a store left in a previous command's traceback still holds the folder's lock
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_export_command(cli_store, tmp_path, fmt) -> None:
    out = tmp_path / f"plan.{fmt}"
    result = run("export", "--format", fmt, "--out", str(out), "--store", str(cli_store))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    if fmt == "xlsx":
        assert workbook(out.read_bytes()).sheetnames[-1] == exports.LOAD_SHEET


def test_export_csv_to_stdout(cli_store) -> None:
    result = run("export", "--format", "csv", "--store", str(cli_store))
    assert result.exit_code == 0
    assert result.stdout.lstrip("\ufeff").startswith("单位," + BIG)


@pytest.mark.parametrize(
    ("view", "name"),
    [
        ("coordination", "coordination.html"),
        ("platform/赣通码", "platform-gan-tong-ma.html"),
        ("unit/市数据局", "unit-shi-shu-ju-ju.html"),
        ("plan", "plan.html"),
    ],
)
def test_viz_command_pages(cli_store, tmp_path, monkeypatch, view, name) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("viz", view, "--store", str(cli_store))
    assert result.exit_code == 0, result.output
    page = (tmp_path / name).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="plankg-data"' in page
    out = tmp_path / "elsewhere" / "view.html"
    assert run("viz", view, "--store", str(cli_store), "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == page


@pytest.mark.parametrize("kind", ["matrix", "load"])
def test_viz_command_charts(cli_store, tmp_path, monkeypatch, kind) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("viz", kind, "--store", str(cli_store))
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{kind}.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / f"{kind}.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert run("viz", kind, "--store", str(cli_store), "--out", str(tmp_path / "x.png")).exit_code == 0
    bad = run("viz", kind, "--store", str(cli_store), "--out", str(tmp_path / "x.jpg"))
    assert bad.exit_code == 1 and ".svg or .png" in bad.output


@pytest.mark.parametrize(
    ("view", "message"),
    [("bogus", "unknown view"), ("platform/没有这个平台", "no platform named"), ("unit", "needs a name")],
)
def test_viz_command_errors(cli_store, tmp_path, view, message) -> None:
    result = run("viz", view, "--store", str(cli_store), "--out", str(tmp_path / "x.html"))
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "x.html").exists()
