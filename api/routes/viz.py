"""The views of viz/ served, and the files people take away.

    /viz/coordination                 units sized by weighted load, who works with whom (?aggregate=)
    /viz/platform/{name}              a platform by any name or alias, its tasks and their units
    /viz/unit/{name}                  a unit by any name, alias or pkid path, its tasks and partners
    /viz/plan                         plan → chapters → tasks → units, platforms (?plan= one of them)
    /viz/matrix.svg, /viz/matrix.png  the coordination matrix as a heat map
    /viz/load.svg, /viz/load.png      weighted load per unit as a bar chart
    /exports/plankg.xlsx              the responsibility table (任务分工表), one sheet per plan
    /exports/coordination.graphml     the coordination network, for Gephi, yEd, networkx
    /exports/coordination.gexf        the same with Gephi's colours and sizes
    /exports/matrix.csv               the coordination matrix, UTF-8 with a BOM for Excel

Each is rendered by the viz function over an EngineRows adapter (api/rows.py) in a worker thread,
and kept until the graph changes (api/viewcache.py): the first request renders, the rest are
answered from memory (header X-Plankg-Cache: hit), with an ETag for conditional requests.

The network pages are viz/'s self-contained pages (vis-network inlined, no request to any host),
with a link back to the service's home added. Their Content-Security-Policy is the page's own (its
two scripts by hash, inline styles), sent as a header too, in place of the service's policy for its
other pages, which allows no inline script or style and would stop the view from drawing.
"""

from __future__ import annotations

import html
import re
import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from plankg.api.deps import EngineDep
from plankg.api.routes import pages
from plankg.api.viewcache import Rendered, view_cache
from plankg.api.viewlinks import EXPORTS
from plankg.viz import charts, network
from plankg.viz import data as vdata
from plankg.viz import exports as vexports

router = APIRouter(tags=["views"])

HTML_TYPE = "text/html; charset=utf-8"
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
MAX_NAME = 300
# An SVG opened on its own is a document: nothing in it may run or load.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}

_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"\s*/?>', re.I)
_HOME_STYLE = (
    "<style>#plankg-home{float:right;margin:2px 0 0 16px;color:#dbe7f5;font-size:13px;text-decoration:none}"
    "#plankg-home:hover,#plankg-home:focus{text-decoration:underline}</style>\n"
)
_HOME_LINK = '<a id="plankg-home" href="/">← 返回 plankg 首页</a>\n'
_ICON = '<link rel="icon" href="data:,">\n'  # no request for /favicon.ico
# matplotlib is not thread-safe (pyplot's figures, rcParams): one chart at a time
_CHARTS = threading.Lock()

# ---- helpers -----------------------------------------------------------------------------------


def page_csp(page: str) -> str:
    """The Content-Security-Policy a viz page declares in its <meta>, as a header (plus frame-ancestors,
    which only a header can carry)."""
    found = _META_CSP.search(page)
    if found is None:
        raise RuntimeError("the viz page declares no Content-Security-Policy")
    return html.unescape(found.group(1)).rstrip("; ") + "; frame-ancestors 'none'"


def with_home_link(page: str) -> str:
    """The viz page with a link back to the service's home in its header (and no favicon request)."""
    head_end = page.find("</head>")
    if head_end >= 0:
        page = page[:head_end] + _ICON + _HOME_STYLE + page[head_end:]
    for anchor in ("<header>", "<body>"):
        at = page.find(anchor)
        if at >= 0:
            at += len(anchor)
            return page[:at] + "\n" + _HOME_LINK + page[at:]
    raise RuntimeError("the viz page has no <header> or <body> to put the home link in")


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:80] + "…"


def _page(function, *args, **kwargs):
    def render(rows) -> tuple[bytes, str, dict]:
        page = with_home_link(function(rows, *args, **kwargs))
        return page.encode("utf-8"), HTML_TYPE, {"Content-Security-Policy": page_csp(page)}

    return render


def _chart(kind: str, fmt: str):
    def render(rows) -> tuple[bytes, str, dict]:
        vdata.load_snapshot(rows)  # the graph's rows read (or found in the memo) before taking the lock
        with _CHARTS:
            if fmt == "svg":
                text = (charts.matrix_svg if kind == "matrix" else charts.load_svg)(rows)
                content = text.encode("utf-8")
            else:
                from plankg.viz.views import chart_bytes

                content = chart_bytes(rows, kind, fmt)
        return content, CHART_TYPES[fmt], {"Content-Security-Policy": CHART_CSP}

    return render


def _export(fmt: str, media_type: str, filename: str):
    def render(rows) -> tuple[bytes, str, dict]:
        content = vexports.export_bytes(vdata.load_snapshot(rows), fmt)
        return content, media_type, {"Content-Disposition": f'attachment; filename="{filename}"'}

    return render


async def _serve(request: Request, engine, key: tuple, render, missing: str) -> Response:
    """The rendered thing from the cache (rendering it if need be); `missing`: the 404 message."""
    try:
        rendered, hit = await view_cache(request.app).get(engine, key, render)
    except (charts.FontMissing, network.AssetError) as exc:
        return pages.error_page(request, 500, f"服务器无法绘制该视图：{exc}")
    except vdata.ViewError:
        return pages.error_page(request, 404, missing)
    return _response(request, rendered, hit)


def _response(request: Request, rendered: Rendered, hit: bool) -> Response:
    headers = {
        **COMMON_HEADERS,
        **rendered.headers,
        "ETag": rendered.etag,
        "X-Plankg-Cache": "hit" if hit else "miss",
        "Server-Timing": f"render;dur={rendered.seconds * 1000:.1f}",
    }
    if rendered.etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Disposition"})
    return Response(content=rendered.content, media_type=rendered.media_type, headers=headers)


def _bad_name(name: str) -> bool:
    return not name.strip() or len(name) > MAX_NAME


# ---- the network pages -------------------------------------------------------------------------

PAGE_RESPONSES = {
    200: {"content": {"text/html": {}}, "description": "The view: one self-contained HTML page"},
    404: {"content": {"text/html": {}}, "description": "No such unit, platform or plan (a page in Chinese)"},
}


@router.get("/viz/coordination", summary="The coordination network (HTML)", responses=PAGE_RESPONSES)
async def coordination_view(
    request: Request,
    engine: EngineDep,
    aggregate: Annotated[
        Literal["auto", "none", "type", "plan"],
        Query(description="auto: by unit type past 3 plans or 300 units; none, type or plan"),
    ] = "auto",
) -> Response:
    """Units as nodes sized by weighted load and coloured by type; an edge for each pair of units
    that share tasks (width: how many), or from lead to cooperating unit; legend, search, filters."""
    return await _serve(request, engine, ("coordination", aggregate),
                        _page(network.coordination_html, aggregate=aggregate),
                        "图谱中还没有带责任单位的任务，无法绘制协同网络。")


@router.get("/viz/platform/{name:path}", summary="A platform and who works on it (HTML)", responses=PAGE_RESPONSES)
async def platform_view(
    request: Request, engine: EngineDep, name: Annotated[str, Path(description="e.g. 赣通码 (or an alias)")]
) -> Response:
    """The platform, the tasks that mention it, and every unit on them, by role."""
    missing = f"图谱中没有名为“{_shown(name)}”的平台。"
    if _bad_name(name):
        return pages.error_page(request, 404, missing)
    return await _serve(request, engine, ("platform", name.strip()), _page(network.platform_html, name.strip()),
                        missing)


@router.get("/viz/unit/{name:path}", summary="A unit, its tasks and its partners (HTML)", responses=PAGE_RESPONSES)
async def unit_view(
    request: Request, engine: EngineDep, name: Annotated[str, Path(description="e.g. 市数据局 (or unit/jiujiang/…)")]
) -> Response:
    """One unit, its tasks by role, and the units it shares them with."""
    missing = f"图谱中没有名为“{_shown(name)}”的单位，或该单位没有承担任务。"
    if _bad_name(name):
        return pages.error_page(request, 404, missing)
    return await _serve(request, engine, ("unit", name.strip()), _page(network.unit_html, name.strip()), missing)


@router.get("/viz/plan", summary="Plan → chapters → tasks → units (HTML)", responses=PAGE_RESPONSES)
async def plan_view(
    request: Request,
    engine: EngineDep,
    plan: Annotated[str | None, Query(max_length=MAX_NAME, description="a plan's title, key or IRI; all if absent")]
    = None,
) -> Response:
    """The structure of every plan (past 3 plans: plans and chapters only), or of one."""
    name = (plan or "").strip() or None
    missing = f"图谱中没有名为“{_shown(name)}”的计划。" if name else "图谱中还没有计划，无法绘制。"
    return await _serve(request, engine, ("plan", name), _page(network.plan_html, name), missing)


# ---- the charts --------------------------------------------------------------------------------


def _add_chart_route(kind: str, fmt: str, summary: str) -> None:
    async def chart(request: Request, engine: EngineDep) -> Response:
        return await _serve(request, engine, (kind, fmt), _chart(kind, fmt),
                            "图谱中还没有带责任单位的任务，无法绘图。")

    chart.__name__ = f"{kind}_{fmt}"
    router.add_api_route(
        f"/viz/{kind}.{fmt}", chart, methods=["GET"], summary=summary,
        responses={200: {"content": {CHART_TYPES[fmt]: {}}, "description": summary}},
        response_class=Response,
    )


for _fmt in ("svg", "png"):
    _add_chart_route("matrix", _fmt, f"The coordination matrix as a heat map ({_fmt.upper()})")
    _add_chart_route("load", _fmt, f"Weighted load per unit as a bar chart ({_fmt.upper()})")


# ---- the exports -------------------------------------------------------------------------------


def _add_export_route(filename: str, fmt: str, media_type: str, label: str) -> None:
    async def export(request: Request, engine: EngineDep) -> Response:
        return await _serve(request, engine, ("export", fmt), _export(fmt, media_type, filename),
                            "图谱中还没有可导出的内容。")

    export.__name__ = "export_" + fmt
    router.add_api_route(
        f"/exports/{filename}", export, methods=["GET"], summary=f"Download: {label}",
        responses={200: {"content": {media_type.split(";")[0]: {}}, "description": label}},
        response_class=Response,
    )


for _name, (_format, _media, _label) in EXPORTS.items():
    _add_export_route(_name, _format, _media, _label)
