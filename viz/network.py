"""Network views as one self-contained HTML file: pyvis builds the vis-network data and options,
our own Jinja2 template (templates/network.html) draws the page around them.

pyvis's own templates load Bootstrap and vis-network from CDNs even in its in_line mode, so the
page here inlines the vis-network JavaScript and CSS that the pyvis package ships: the file makes
no request to any other host, and works on an intranet with no internet.

Text from plans never becomes markup: the whole graph goes into the page as JSON inside
<script type="application/json"> with <, >, & and the line separators escaped, and the page's
script puts every string into the DOM with textContent.  A Content-Security-Policy allows only
the page's own two scripts (by hash), no inline event handler, and no connection anywhere.

    render(graph) -> str                      the HTML page for a data.Graph
    coordination_html(store, ...) -> str      one function per view, for the service's routes
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from plankg.viz import data as vdata

VIS_NODE_KEYS = ("label", "color", "shape", "title", "font", "borderWidth", "mass")
VIS_EDGE_KEYS = ("color", "dashes", "arrows", "title", "width")
FONT_FACE = (
    "'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
)


class AssetError(vdata.ViewError):
    """The vis-network files that pyvis ships cannot be found."""


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(vis-network.min.js, vis-network.css) from the installed pyvis package, newest version."""
    import pyvis

    base = Path(pyvis.__file__).parent
    candidates = sorted(base.glob("lib/vis-*/vis-network.min.js")) + sorted(
        base.glob("templates/lib/vis-*/vis-network.min.js")
    )
    candidates.sort(key=lambda p: tuple(int(x) for x in p.parent.name[4:].split(".") if x.isdigit()))
    if not candidates:
        raise AssetError(f"no vis-network.min.js under {base}: reinstall pyvis (pip install pyvis)")
    js_path = candidates[-1]
    js = js_path.read_text(encoding="utf-8")
    css = (js_path.parent / "vis-network.css").read_text(encoding="utf-8")
    for name, text in (("vis-network.min.js", js), ("vis-network.css", css)):
        if "</script" in text.lower() or "</style" in text.lower():
            raise AssetError(f"{js_path.parent / name} cannot be inlined: it contains a closing tag")
    return js, css


def _template_text(name: str) -> str:
    return resources.files("plankg.viz").joinpath("templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FunctionLoader(_template_text),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
    )


def json_for_html(value: Any) -> str:
    """JSON that is safe inside <script type="application/json">: no <, >, & or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _script_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def vis_payload(graph: vdata.Graph) -> dict:
    """pyvis builds the node and edge data and the vis-network options for a graph."""
    from pyvis.network import Network

    big = len(graph.nodes) > 150 or len(graph.edges) > 600
    net = Network(directed=True, cdn_resources="in_line")  # directed: no O(E²) duplicate check; arrows set per edge
    net.force_atlas_2based(
        gravity=-90 if graph.view == "coordination" else -60,
        central_gravity=0.012,
        spring_length=140 if graph.view == "coordination" else 90,
        spring_strength=0.06,
        damping=0.45,
        overlap=0.6,
    )
    net.set_edge_smooth("continuous")
    coordination = graph.view == "coordination"
    node_size = _scale([n.get("value") for n in graph.nodes], 8, 48 if coordination else 28)
    font_size = _scale([n.get("value") for n in graph.nodes], 12, 26 if coordination else 18)
    for node, size, font in zip(graph.nodes, node_size, font_size, strict=True):
        options = {k: node[k] for k in VIS_NODE_KEYS if node.get(k) is not None}
        options["size"] = size  # fixed here, so a filter never rescales what stays visible
        options["font"] = {"size": font, **options.get("font", {})}
        net.add_node(node["id"], **options)
    all_edges = [*graph.edges, *graph.alt_edges]
    for edge, width in zip(all_edges, _scale([e.get("value") for e in all_edges], 1, 9), strict=True):
        options = {k: edge[k] for k in VIS_EDGE_KEYS if edge.get(k) is not None}
        if edge.get("value") is not None:
            options["width"] = width
        options.setdefault("arrows", {"to": {"enabled": False}})
        net.add_edge(edge["from"], edge["to"], id=edge["id"], **options)
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    options = json.loads(options_json)
    options["physics"]["stabilization"] = {
        "enabled": True,
        "iterations": 600 if big else 400,
        "updateInterval": 25,
        "fit": True,
    }
    options["physics"]["minVelocity"] = 1.0
    options["layout"] = {"randomSeed": 7, "improvedLayout": len(graph.nodes) <= 150}  # the same picture each time
    options["edges"].update(
        {
            "color": {
                "color": "#a7b1bd",
                "highlight": "#e67e22",
                "hover": "#e67e22",
                "opacity": 0.75,
                "inherit": False,
            },
            "selectionWidth": 2,
        }
    )
    options["nodes"] = {
        "font": {"face": FONT_FACE, "size": 14, "color": "#1b2631", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "borderWidth": 1,
    }
    options["interaction"].update({"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False})
    return {"nodes": nodes, "edges": edges, "options": options}


def _scale(values: list, low: float, high: float) -> list[float]:
    """Linear from the smallest value to the largest onto low..high (what vis-network's value
    scaling does, but once for the whole graph); missing values get the middle."""
    present = [v for v in values if v is not None]
    if not present:
        return [(low + high) / 2] * len(values)
    smallest, largest = min(present), max(present)
    span = largest - smallest
    return [
        round((low + high) / 2 if v is None else low + (high - low) * ((v - smallest) / span if span else 0.5), 2)
        for v in values
    ]


def page_data(graph: vdata.Graph) -> dict:
    """Everything the page's script reads: the vis payload and the details of each node and edge."""
    node_info = {
        n["id"]: {
            k: n.get(k) for k in ("label", "kind", "group", "type_label", "href", "names", "details", "tasks", "facts")
        }
        for n in graph.nodes
    }
    edge_info = {e["id"]: {"facts": e["facts"], "mode": "shares"} for e in graph.edges}
    edge_info.update({e["id"]: {"facts": e["facts"], "mode": "leads"} for e in graph.alt_edges})
    counts: dict[str, int] = {}
    for n in graph.nodes:
        counts[n["group"]] = counts.get(n["group"], 0) + n.get("members", 1)  # aggregated: the units inside
    legend = [{**item, "count": counts.get(item["key"], 0)} for item in graph.legend]
    return {
        "view": graph.view,
        "title": graph.title,
        "subtitle": graph.subtitle,
        "aggregated": graph.aggregated,
        "legend": legend,
        "chapters": graph.chapters,
        "roles": graph.roles,
        "has_alt_edges": bool(graph.alt_edges),
        "vis": vis_payload(graph),
        "nodes": node_info,
        "edges": edge_info,
    }


def render(graph: vdata.Graph) -> str:
    """The self-contained HTML page of a graph."""
    vis_js, vis_css = vis_assets()
    app_js = _template_text("network.js")
    page_css = _template_text("network.css")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_script_hash(vis_js)} {_script_hash(app_js)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    template = _environment().get_template("network.html")
    return template.render(
        title=graph.title,
        csp=csp,
        vis_js=vis_js,
        vis_css=vis_css,
        app_js=app_js,
        page_css=page_css,
        data_json=json_for_html(page_data(graph)),
    )


# ---- one function per view, each returning the HTML string (for `plankg viz` and the service) -----


def coordination_html(store, plans: list[str] | None = None, aggregate: str = "auto") -> str:
    return render(vdata.coordination(vdata.load_snapshot(store), plans=plans, aggregate=aggregate))


def platform_html(store, name: str) -> str:
    return render(vdata.platform(vdata.load_snapshot(store), name))


def unit_html(store, name: str) -> str:
    return render(vdata.unit(vdata.load_snapshot(store), name))


def plan_html(store, name: str | None = None) -> str:
    return render(vdata.plan(vdata.load_snapshot(store), name))
