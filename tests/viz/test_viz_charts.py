"""The heat map and the bar chart: SVG and PNG, Chinese labels in a CJK font, a clear error without one."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from plankg.viz import charts
from plankg.viz import data as vdata

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_cjk_font_is_found() -> None:
    assert charts.cjk_font() in charts.CJK_FONTS


@pytest.mark.parametrize("kind", ["matrix", "load"])
def test_charts_as_png_and_svg(seed_snapshot, kind) -> None:
    draw = charts.matrix_chart if kind == "matrix" else charts.load_chart
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw(seed_snapshot, "png")
        svg = draw(seed_snapshot, "svg")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message).lower()]
    assert missing == [], missing[:3]  # every Chinese label had its glyphs
    assert png.startswith(PNG) and len(png) > 20_000
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"<text" not in svg  # labels drawn as paths: the file shows the same without the font
    assert b'href="http' not in svg  # namespaces only, nothing fetched
    for image in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}image"):  # the heat map's raster
        assert image.get("{http://www.w3.org/1999/xlink}href").startswith("data:image/png;base64,")
    assert svg == draw(seed_snapshot, "svg")  # the same data, the same file
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"{kind}.png").write_bytes(png)


def test_hostile_names_in_svg_are_only_paths(hostile_snapshot) -> None:
    """matplotlib keeps each label as an escaped XML comment beside its glyph paths: never markup."""
    svg = charts.matrix_chart(hostile_snapshot, "svg")
    for raw in (b"<script", b"<img", b"<svg onload", b"<iframe", b"<foreignObject"):
        assert raw not in svg, raw
    assert b"&lt;img src=x onerror=alert(1)&gt;" in svg
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "foreignObject", "a")]


def test_missing_font_names_the_package(monkeypatch) -> None:
    from matplotlib import font_manager

    monkeypatch.setattr(charts, "CJK_FONTS", ("No Such Font CJK",))
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    with pytest.raises(charts.FontMissing, match="fonts-noto-cjk"):
        charts.cjk_font()


def test_bad_format(seed_snapshot) -> None:
    with pytest.raises(ValueError, match="svg or png"):
        charts.load_chart(seed_snapshot, "gif")


def test_empty_store_has_nothing_to_draw() -> None:
    empty = vdata.Snapshot({}, {}, {}, {}, [], {}, [])
    with pytest.raises(vdata.ViewError):
        charts.matrix_chart(empty)
    with pytest.raises(vdata.ViewError):
        vdata.coordination(empty)


def test_docs_pictures_exist() -> None:
    """The README shows docs/coordination.png and docs/matrix.png (copies of the screenshots)."""
    docs = SCREENSHOTS.parents[2] / "docs"
    if not docs.is_dir():
        pytest.skip("no docs/ folder in this checkout")
    for name in ("coordination.png", "matrix.png"):
        assert (docs / name).read_bytes().startswith(PNG)
