"""Writes tests/data/jingdezhen_table_plan.docx and .html: an invented 实施方案 whose tasks are only in a
table (序号 / 重点任务 / 具体内容 / 牵头单位 / 配合单位 / 完成时限), as many 分工 annexes are: in Word with
a merged cell and an empty row, on a web page inside a layout table. Their ground truth is
jingdezhen_table_plan.gold.json, written by hand.

    python tests/data/make_table_plan.py
"""

from __future__ import annotations

from pathlib import Path

import docx

HERE = Path(__file__).resolve().parent
ROWS = [
    ("1", "建设城市运行管理平台", "整合城管、应急、交通等数据，建成市级城市运行管理平台，实现一屏统览。", "市城管局", "市数据局、市应急管理局", "2025年9月底前"),
    ("2", "推广赣服通景德镇分厅", "新增高频服务事项50项，提升赣服通景德镇分厅办件量。", "市行政审批局", "市数据局", "2025年12月底前"),
    ("3", "推进赣通码多码融合应用", "在公交、医院、景区推广赣通码一码通行。", "市数据局", "市交通运输局、市卫健委、市文广新旅局", "2025年10月底前"),
    ("4", "完善政务云资源管理", "开展政务云资源使用评估，回收闲置资源。", "市数据局", "市财政局", "长期坚持"),
    ("", "", "", "", "", ""),
    ("5", "加强数据安全监测", "建设数据安全监测预警系统，运用大数据开展数据安全检查。", "市委网信办", "市公安局、市数据局", "2025年11月底前"),
    ("6", "开展陶瓷产业数字化转型", "培育陶瓷工业互联网平台，推动20家企业上云用数。", "市工信局", "市科技局", "2025年12月底前"),
]


def main() -> None:
    doc = docx.Document()
    doc.add_paragraph("景德镇市数字政府建设2025年重点任务实施方案")
    doc.add_paragraph("为加快推进全市数字政府建设，结合我市实际，制定本实施方案。各项重点任务及分工如下：")
    table = doc.add_table(rows=1, cols=6)
    for cell, name in zip(table.rows[0].cells, ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"],
                          strict=True):
        cell.text = name
    for values in ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    last = table.rows[-1].cells  # task 6: its lead cell merged across the cooperating column (no cooperating unit)
    last[3].merge(last[4]).text = "市工信局"
    doc.add_paragraph("各牵头单位要细化工作措施，按时完成各项任务。")
    doc.add_paragraph("景德镇市人民政府办公室")
    doc.add_paragraph("2025年3月15日")
    doc.save(HERE / "jingdezhen_table_plan.docx")

    cells = "".join(f"<th>{name}</th>" for name in ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"])
    body = "".join("<tr>" + "".join(f"<td>{value}</td>" for value in values[:3])
                   + (f'<td colspan="2">{values[3]}</td>' if values[0] == "6" else
                      f"<td>{values[3]}</td><td>{values[4]}</td>") + f"<td>{values[5]}</td></tr>"
                   for values in ROWS)  # fmt: skip
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>景德镇市数字政府建设2025年重点任务实施方案_景德镇市人民政府</title></head>
<body><div class="header">首页 &gt; 政务公开 &gt; 政策文件</div>
<table class="layout"><tr><td><div class="article-content">
<h1>景德镇市数字政府建设2025年重点任务实施方案</h1>
<p>为加快推进全市数字政府建设，结合我市实际，制定本实施方案。各项重点任务及分工如下：</p>
<table border="1"><tr>{cells}</tr>{body}</table>
<p>各牵头单位要细化工作措施，按时完成各项任务。</p>
<p>景德镇市人民政府办公室</p><p>2025年3月15日</p>
</div></td></tr></table>
<div class="footer">主办：景德镇市人民政府办公室</div></body></html>
"""
    (HERE / "jingdezhen_table_plan.html").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
