"""Static pictures with matplotlib (Agg): the coordination matrix as a heat map and the load per
unit as a bar chart, as SVG or PNG, with Chinese labels.

The labels need a CJK font from the system's packages: Debian's fonts-noto-cjk (Noto Sans CJK SC)
or fonts-wqy-microhei (WenQuanYi Micro Hei).  It is looked up through matplotlib's font manager at
run time; without one the charts fail with a message naming the package, rather than drawing
empty boxes.  SVG text is drawn as paths, so the files show the same anywhere, without the font.
"""

from __future__ import annotations

import io
from pathlib import Path

from plankg.viz import data as vdata

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
)
CJK_PACKAGES = "fonts-noto-cjk (or fonts-wqy-microhei)"
FORMATS = ("svg", "png")
MATRIX_TOP = 60  # the heat map shows the 60 heaviest units at most


class FontMissing(vdata.ViewError):
    """No CJK font for the Chinese labels."""


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return matplotlib, plt


def cjk_font() -> str:
    """The family name of an installed CJK font that matplotlib can use."""
    from matplotlib import font_manager

    def known() -> set[str]:
        return {f.name for f in font_manager.fontManager.ttflist}

    names = known()
    for family in CJK_FONTS:
        if family in names:
            return family
    # Installed after matplotlib built its font cache: add the system's CJK files by hand.
    for path in font_manager.findSystemFonts():
        lower = Path(path).name.lower()
        if any(key in lower for key in ("notosanscjk", "notoserifcjk", "wqy", "sourcehansans")):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    names = known()
    for family in CJK_FONTS:
        if family in names:
            return family
    raise FontMissing(
        f"no CJK font found for the Chinese labels: install the Debian package {CJK_PACKAGES}, "
        "e.g. `apt-get install fonts-noto-cjk`"
    )


def _setup():
    matplotlib, plt = _matplotlib()
    family = cjk_font()
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "plankg",  # the same SVG for the same data
        }
    )
    return plt


def _save(fig, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"chart format must be svg or png, not {fmt!r}")
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": "plankg"}
    fig.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def _title(snapshot: vdata.Snapshot, what: str) -> str:
    if len(snapshot.plans) == 1:
        return f"{next(iter(snapshot.plans.values())).title}：{what}"
    return f"{len(snapshot.plans)} 个计划：{what}"


def matrix_chart(snapshot: vdata.Snapshot, fmt: str = "svg", top: int = MATRIX_TOP) -> bytes:
    """Units × units heat map of shared tasks (the diagonal: the unit's own tasks), heaviest first."""
    plt = _setup()
    rows, matrix = vdata.coordination_matrix(snapshot, top=top)
    if not rows:
        raise vdata.ViewError("the store holds no task with a responsible unit: nothing to draw")
    import numpy as np

    values = np.array(matrix, dtype=float)
    n = len(rows)
    size = max(6.0, 0.26 * n + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    masked = np.ma.masked_where(values == 0, values)
    cmap = plt.get_cmap("YlOrRd").with_extremes(bad="#f4f6f8")
    image = ax.imshow(masked, cmap=cmap, interpolation="nearest", vmin=0.5)
    labels = [r.label for r in rows]
    ax.set_xticks(range(n), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(n), labels, fontsize=8)
    for i in range(n):
        for j in range(n):
            if values[i, j]:
                dark = values[i, j] > values.max() * 0.6
                ax.text(
                    j,
                    i,
                    f"{int(values[i, j])}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if dark else "#333333",
                )
    ax.set_xticks(np.arange(-0.5, n, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    shown = f"（负荷最大的 {n} 个单位）" if len(vdata.load_table(snapshot)) > n else ""
    ax.set_title(_title(snapshot, "单位协同矩阵（共同任务数）" + shown), fontsize=12, pad=12)
    bar = fig.colorbar(image, ax=ax, fraction=0.035, pad=0.02)
    bar.set_label("共同任务数（对角线：本单位任务数）")
    return _save(fig, fmt)


def load_chart(snapshot: vdata.Snapshot, fmt: str = "svg", top: int | None = 60) -> bytes:
    """Weighted load per unit as horizontal stacked bars: 2 × lead, 1 × cooperating, 1.5 × responsible."""
    plt = _setup()
    rows = vdata.load_table(snapshot)
    if not rows:
        raise vdata.ViewError("the store holds no task with a responsible unit: nothing to draw")
    total = len(rows)
    if top is not None:
        rows = rows[:top]
    rows = rows[::-1]  # heaviest at the top
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.28 * len(rows) + 1.5)))
    left = [0.0] * len(rows)
    for role, count in (("lead", "lead"), ("cooperating", "cooperating"), ("responsible", "responsible")):
        widths = [getattr(r, count) * vdata.ROLE_WEIGHT[role] for r in rows]
        if any(widths):
            label = f"{vdata.ROLE_LABEL[role]} × {vdata.ROLE_WEIGHT[role]:g}"
            ax.barh(range(len(rows)), widths, left=left, color=vdata.ROLE_COLOR[role], label=label, height=0.7)
            left = [a + b for a, b in zip(left, widths, strict=True)]
    for i, r in enumerate(rows):
        ax.text(left[i] + 0.2, i, f"{r.load:g}", va="center", fontsize=8, color="#333333")
    ax.set_yticks(range(len(rows)), [r.label for r in rows], fontsize=9)
    ax.set_xlabel("加权负荷 = 2×牵头 + 1×配合 + 1.5×负责")
    shown = f"（前 {len(rows)} 个，共 {total} 个单位）" if total > len(rows) else ""
    ax.set_title(_title(snapshot, "各单位任务负荷" + shown), fontsize=12)
    ax.legend(loc="lower right", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max(left) * 1.08 + 1)
    return _save(fig, fmt)


def matrix_svg(store) -> str:
    """The heat map as SVG text (for the service's pages)."""
    return matrix_chart(vdata.load_snapshot(store), "svg").decode("utf-8")


def load_svg(store) -> str:
    """The bar chart as SVG text (for the service's pages)."""
    return load_chart(vdata.load_snapshot(store), "svg").decode("utf-8")
