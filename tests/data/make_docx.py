#!/usr/bin/env python3
"""Make tests/data/shangrao_plan.docx from tests/data/shangrao_plan.source.txt.

Usage: python tests/data/make_docx.py [SOURCE.txt [OUT.docx]]

Each non-empty line of the source is one Word paragraph, formatted the way such notices usually are:
  - the notice title and the plan title: centred, bold, 小标宋-like font;
  - chapter headings (一、…): the built-in "Heading 1" style (so a reader must not rely on it being absent);
  - task headings (1、…): Normal style with a bold run for the heading text, the number "1、" in its own run;
  - body paragraphs: first-line indent; a trailing （责任单位：…） clause is written as separate runs
    (split at ：, at each 、 and once inside the name 市住建局), as Word often does after edits,
    so a reader must join runs before parsing.
The output is byte-for-byte reproducible: fixed core properties and fixed zip timestamps.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2025, 4, 30, 9, 0, 0)
CHAPTER = re.compile(r"^[一二三四五六七八九十]+、")
TASK = re.compile(r"^(\d+、)(.*)$")
CLAUSE = re.compile(r"（责任单位：[^（）]*(?:（[^（）]*）[^（）]*)*）$")


def _font(run, east_asian: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _clause_pieces(clause: str) -> list[str]:
    head, _, rest = clause.partition("：")
    pieces = [head + "："]
    for i, part in enumerate(rest.split("、")):
        pieces.append(("、" if i else "") + part)
    out: list[str] = []
    for p in pieces:
        if "市住建局" in p:
            a, b = p.split("市住建局", 1)
            out += [a + "市住", "建局" + b]
        else:
            out.append(p)
    return [p for p in out if p]


def build(lines: list[str]) -> Document:
    doc = Document()
    doc.core_properties.title = "上饶市智慧城市建设2025年工作要点"
    doc.core_properties.author = "上饶市人民政府办公室"
    doc.core_properties.last_modified_by = "上饶市人民政府办公室"
    doc.core_properties.created = FIXED
    doc.core_properties.modified = FIXED
    doc.core_properties.revision = 1
    titles = {lines[0]} | {line for line in lines if line.endswith("工作要点")}
    for line in lines:
        if line in titles:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(line), "方正小标宋简体", 22 if line != lines[0] else 16, bold=True)
        elif CHAPTER.match(line):
            p = doc.add_paragraph(style="Heading 1")
            _font(p.add_run(line), "黑体", 16)
        elif m := TASK.match(line):
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            _font(p.add_run(m.group(1)), "楷体_GB2312", 16, bold=True)
            _font(p.add_run(m.group(2)), "楷体_GB2312", 16, bold=True)
        else:
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            m = CLAUSE.search(line)
            body, clause = (line[: m.start()], m.group(0)) if m else (line, "")
            _font(p.add_run(body), "仿宋_GB2312", 16)
            for piece in _clause_pieces(clause) if clause else []:
                _font(p.add_run(piece), "仿宋_GB2312", 16)
    return doc


def save_reproducibly(doc: Document, out: Path) -> None:
    raw = io.BytesIO()
    doc.save(raw)
    raw.seek(0)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    out.write_bytes(fixed.getvalue())


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else HERE / "shangrao_plan.source.txt"
    out = Path(argv[2]) if len(argv) > 2 else HERE / "shangrao_plan.docx"
    lines = [line.strip() for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    save_reproducibly(build(lines), out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
