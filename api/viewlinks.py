"""Where the views and downloads of api/routes/viz.py live, for the service's pages that link to them
(not to be confused with /links, the links between plans)."""

from __future__ import annotations

from urllib.parse import quote

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = {  # file name → (viz.exports format, media type, what it is)
    "plankg.xlsx": ("xlsx", XLSX_TYPE, "任务分工表（Excel）"),
    "coordination.graphml": ("graphml", "application/graphml+xml", "协同网络（GraphML）"),
    "coordination.gexf": ("gexf", "application/gexf+xml", "协同网络（GEXF，Gephi）"),
    "matrix.csv": ("csv", "text/csv; charset=utf-8", "协同矩阵（CSV）"),
}
# the links the service's pages show (home, coordination)
VIEW_LINKS = [
    {"label": "协同网络图", "href": "/viz/coordination", "note": "单位大小 = 加权负荷，连线 = 共同任务",
     "twin": None},
    {"label": "计划结构图", "href": "/viz/plan", "note": "计划 → 章 → 任务 → 单位、平台、技术",
     "twin": None},
    {"label": "协同矩阵热力图", "href": "/viz/matrix.svg", "note": "单位 × 单位，共同任务数（另有 PNG）",
     "twin": "/viz/matrix.png"},
    {"label": "单位负荷图", "href": "/viz/load.svg", "note": "2×牵头 + 1×配合 + 1.5×负责（另有 PNG）",
     "twin": "/viz/load.png"},
]
DOWNLOADS = [{"label": label, "href": f"/exports/{name}", "file": name} for name, (_, _, label) in EXPORTS.items()]


def viz_href(kind: str, name: str) -> str:
    """/viz/unit/市公安局: the view of a unit or platform by name (or by pkid path, e.g. unit/jiujiang/x)."""
    return f"/viz/{kind}/{quote(name, safe='')}"


def viz_plan_href(plan_iri: str) -> str:
    """/viz/plan?plan=<the plan's key>: the structure of one plan."""
    return "/viz/plan?plan=" + quote(plan_iri.rstrip("/").rsplit("/", 1)[-1], safe="")
