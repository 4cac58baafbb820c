"""The views by name, as `plankg viz VIEW` takes them and a service route would:

coordination          units and who works with whom (aggregated past 3 plans or 300 units)
platform/<name>       a platform by any label or alias, e.g. platform/赣通码
unit/<name>           a unit by any label, alias or full name, e.g. unit/市数据局
plan, plan/<name>     plan → chapters → tasks → units, platforms, technologies
matrix                the coordination matrix as a heat map (.svg and .png)
load                  load per unit as a bar chart (.svg and .png)
"""

from __future__ import annotations

from pathlib import Path

from plankg.kg.ids import slug
from plankg.viz import data as vdata

PAGES = ("coordination", "platform", "unit", "plan")
CHARTS = ("matrix", "load")
VIEW_HELP = "coordination | platform/<name> | unit/<name> | plan[/<name>] | matrix | load"


def parse_view(view: str) -> tuple[str, str | None]:
    """'platform/赣通码' → ('platform', '赣通码'); a ViewError for anything else than the views above."""
    kind, _, name = view.strip().partition("/")
    kind = kind.lower()
    name = name.strip() or None
    if kind not in PAGES + CHARTS:
        raise vdata.ViewError(f"unknown view {view!r}; expected {VIEW_HELP}")
    if kind in ("platform", "unit") and not name:
        raise vdata.ViewError(
            f"the {kind} view needs a name: {kind}/<name>, e.g. "
            + ("platform/赣通码" if kind == "platform" else "unit/市数据局")
        )
    if kind in ("coordination", *CHARTS) and name:
        raise vdata.ViewError(f"the {kind} view takes no name (got {view!r})")
    return kind, name


def default_outputs(view: str) -> list[Path]:
    """coordination.html, platform-gan-tong-ma.html, matrix.svg + matrix.png ... in the current folder."""
    kind, name = parse_view(view)
    if kind in CHARTS:
        return [Path(f"{kind}.svg"), Path(f"{kind}.png")]
    return [Path(f"{kind}-{slug(name)}.html" if name else f"{kind}.html")]


def page_html(store, view: str, aggregate: str = "auto") -> str:
    """The HTML page of a network view (coordination, platform/…, unit/…, plan[/…])."""
    from plankg.viz import network

    kind, name = parse_view(view)
    snapshot = vdata.load_snapshot(store)
    if kind == "coordination":
        graph = vdata.coordination(snapshot, aggregate=aggregate)
    elif kind == "platform":
        graph = vdata.platform(snapshot, name)
    elif kind == "unit":
        graph = vdata.unit(snapshot, name)
    elif kind == "plan":
        graph = vdata.plan(snapshot, name)
    else:
        raise vdata.ViewError(f"{kind} is a chart, not a page: it is written as .svg or .png")
    return network.render(graph)


def chart_bytes(store, view: str, fmt: str) -> bytes:
    """The matrix or load chart as SVG or PNG bytes."""
    from plankg.viz import charts

    kind, _ = parse_view(view)
    if kind not in CHARTS:
        raise vdata.ViewError(f"{kind} is a page, not a chart")
    snapshot = vdata.load_snapshot(store)
    return (charts.matrix_chart if kind == "matrix" else charts.load_chart)(snapshot, fmt)


def write_view(store, view: str, out: Path | None = None, aggregate: str = "auto") -> list[Path]:
    """Write a view to `out` (or its default file names); the paths written."""
    kind, _ = parse_view(view)
    targets = [out] if out is not None else default_outputs(view)
    written = []
    for target in targets:
        if kind in CHARTS:
            fmt = target.suffix.lower().lstrip(".")
            if fmt not in ("svg", "png"):
                raise vdata.ViewError(f"{target}: the {kind} chart is written as .svg or .png")
            content = chart_bytes(store, view, fmt)
        else:
            content = page_html(store, view, aggregate=aggregate).encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written.append(target)
    return written
