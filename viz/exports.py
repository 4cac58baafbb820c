"""Exports people use outside plankg.

    xlsx     the responsibility table a bureau keeps (任务分工表: 序号, 章节, 任务, 牵头单位,
             配合单位/责任单位, 完成时限), one row per task and one sheet per plan, and a sheet of
             load per unit (openpyxl)
    graphml  the coordination network, for Gephi, yEd, networkx, igraph
    gexf     the same with Gephi's colours and sizes
    csv      the coordination matrix (units × units, shared tasks), UTF-8 with a BOM for Excel

Each function takes a data.Snapshot and returns bytes.  Text cells are written as text, never as
formulas: a title or unit name that starts with = + - @ stays a string in the workbook, and in
the CSV it gets a leading apostrophe (the usual guard against formula injection).
"""

from __future__ import annotations

import csv
import io
import re

from plankg.viz import data as vdata

FORMATS = ("xlsx", "graphml", "gexf", "csv")
TABLE_HEADER = ("序号", "章节", "任务", "牵头单位", "配合单位/责任单位", "完成时限")
LOAD_HEADER = ("单位", "类型", "牵头", "配合", "负责", "加权负荷")
LOAD_SHEET = "单位负荷"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_bytes(snapshot: vdata.Snapshot, fmt: str) -> bytes:
    if fmt == "xlsx":
        return responsibility_xlsx(snapshot)
    if fmt == "graphml":
        return coordination_graphml(snapshot)
    if fmt == "gexf":
        return coordination_gexf(snapshot)
    if fmt == "csv":
        return matrix_csv(snapshot)
    raise ValueError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")


# ---- the responsibility table ---------------------------------------------------------------


def responsibility_rows(snapshot: vdata.Snapshot, plan: str) -> list[tuple[str, str, str, str, str, str]]:
    """One row per task of the plan, in document order: 序号, 章节, 任务, 牵头单位, 配合/责任单位, 完成时限."""
    task_units = snapshot.task_units()
    rows = []
    tasks = sorted((t for t in snapshot.tasks.values() if t.plan == plan), key=lambda t: snapshot.task_sort_key(t.iri))
    for task in tasks:
        units = task_units.get(task.iri, {})

        def names(role: str, units=units, task=task) -> list[str]:
            chosen = [u for u, roles in units.items() if role in roles]
            chosen.sort(key=lambda u: (snapshot.unit_order.get((task.iri, u), 1 << 30), snapshot.units[u].label))
            return [snapshot.units[u].label for u in chosen]

        cooperating, responsible = names("cooperating"), names("responsible")
        others = "、".join(cooperating)
        if responsible:
            others = (others + "；责任单位：" if others else "") + "、".join(responsible)
        chapter = snapshot.chapters[task.chapter].heading if task.chapter in snapshot.chapters else ""
        number = "" if task.number is None else str(task.number)
        rows.append(
            (number, chapter, task.title, "、".join(names("lead")), others, task.deadline_text or task.deadline or "")
        )
    return rows


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name for a plan: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_FORBIDDEN.sub("_", title).strip("' ") or "计划"
    name = base[:31]
    n = 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"（{n}）"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def responsibility_xlsx(snapshot: vdata.Snapshot) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    taken: set[str] = {LOAD_SHEET}

    def put(sheet, row: int, values, header: bool = False) -> None:
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            cell.alignment = wrap
            if header:
                cell.font, cell.fill = bold, fill

    for plan in sorted(snapshot.plans.values(), key=lambda p: p.title):
        sheet = workbook.create_sheet(sheet_name(plan.title, taken))
        sheet.cell(row=1, column=1, value=plan.title).data_type = "s"
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TABLE_HEADER))
        put(sheet, 2, TABLE_HEADER, header=True)
        for i, row in enumerate(responsibility_rows(snapshot, plan.iri), start=3):
            number, *rest = row
            put(sheet, i, [int(number) if number.isdigit() else number, *rest])
        for col, width in enumerate((6, 26, 34, 24, 48, 14), start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        sheet.freeze_panes = "A3"
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(TABLE_HEADER))}{max(2, sheet.max_row)}"
    load = workbook.create_sheet(LOAD_SHEET)
    put(load, 1, LOAD_HEADER, header=True)
    for i, row in enumerate(vdata.load_table(snapshot), start=2):
        put(load, i, [row.label, row.type_label, row.lead, row.cooperating, row.responsible, row.load])
    for col, width in enumerate((26, 14, 8, 8, 8, 10), start=1):
        load.column_dimensions[get_column_letter(col)].width = width
    load.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- the coordination network ---------------------------------------------------------------


def coordination_networkx(snapshot: vdata.Snapshot):
    """The coordination view (every unit, never aggregated) as a networkx Graph with scalar attributes."""
    import networkx as nx

    graph = vdata.coordination(snapshot, aggregate="none")
    g = nx.Graph(name=graph.title)
    for node in graph.nodes:
        g.add_node(
            node["id"],
            label=node["label"],
            type=node["type"],
            type_label=node["type_label"],
            level=node["level"] or "",
            lead=node["lead"],
            cooperating=node["cooperating"],
            responsible=node["responsible"],
            load=float(node["load"]),
            color=node["color"],
        )
    chapters = {c["id"]: c["label"] for c in graph.chapters}
    for edge in graph.edges:
        edge_chapters = sorted({chapters.get(f["chapter"], "") for f in edge["facts"]} - {""})
        g.add_edge(
            edge["from"],
            edge["to"],
            weight=edge["weight"],
            tasks="；".join(edge["tasks"]),
            chapters="；".join(edge_chapters),
        )
    leads: dict[tuple[str, str], int] = {}
    for edge in graph.alt_edges:
        leads[(edge["from"], edge["to"])] = edge["weight"]
    for a, b, attrs in g.edges(data=True):
        attrs["lead_to_cooperating"] = leads.get((a, b), 0)
        attrs["cooperating_to_lead"] = leads.get((b, a), 0)
    return g


def _xml_safe(text: str) -> str:
    """XML 1.0 has no place for most control characters; drop them."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def _clean(g):
    for _, attrs in g.nodes(data=True):
        for key, value in attrs.items():
            if isinstance(value, str):
                attrs[key] = _xml_safe(value)
    for _, _, attrs in g.edges(data=True):
        for key, value in attrs.items():
            if isinstance(value, str):
                attrs[key] = _xml_safe(value)
    return g


def coordination_graphml(snapshot: vdata.Snapshot) -> bytes:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(_clean(coordination_networkx(snapshot)), buffer, encoding="utf-8")
    return buffer.getvalue()


def coordination_gexf(snapshot: vdata.Snapshot) -> bytes:
    import networkx as nx

    g = _clean(coordination_networkx(snapshot))
    for _, attrs in g.nodes(data=True):
        color = attrs["color"].lstrip("#")
        r, gr, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
        attrs["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}, "size": 5.0 + 1.5 * attrs["load"]}
    buffer = io.BytesIO()
    nx.write_gexf(g, buffer, encoding="utf-8")
    return buffer.getvalue()


# ---- the coordination matrix ----------------------------------------------------------------


def _csv_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def matrix_csv(snapshot: vdata.Snapshot) -> bytes:
    """Units × units, shared tasks; the diagonal holds each unit's own number of tasks."""
    rows, matrix = vdata.coordination_matrix(snapshot)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["单位", *(_csv_text(r.label) for r in rows)])
    for row, values in zip(rows, matrix, strict=True):
        writer.writerow([_csv_text(row.label), *values])
    return buffer.getvalue().encode("utf-8-sig")
