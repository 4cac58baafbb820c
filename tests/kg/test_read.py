"""kg/read.py: bytes of any supported file → normalised text, with the original kept index for index."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from plankg.kg.errors import PlanError
from plankg.kg.parse import parse_plan
from plankg.kg.read import MAX_BYTES, read_document

FULL_WIDTH_ASCII = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
HALF_WIDTH_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ---- encodings -------------------------------------------------------------------------------


def test_utf8_text(data_dir: Path) -> None:
    path = data_dir / "jiangxi_province_2025.txt"
    data = path.read_bytes()
    doc = read_document(path)
    assert (doc.format, doc.encoding, doc.traditional) == ("txt", "utf-8", False)
    assert doc.checksum == "sha256:" + hashlib.sha256(data).hexdigest()
    assert doc.path == str(path)
    assert "江西省数字政府建设2025年工作要点" in doc.text
    # one character out per character in: the decoded text and the normalised one line up
    decoded = data.decode("utf-8")
    assert "\r" not in decoded
    assert len(doc.text) == len(decoded)
    assert list(doc.source_offsets) == list(range(len(decoded)))


def test_utf8_with_bom_markdown(data_dir: Path) -> None:
    path = data_dir / "nanchang_action_plan.md"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    doc = read_document(path)
    assert (doc.format, doc.encoding) == ("md", "utf-8-sig")
    assert "\ufeff" not in doc.text
    assert doc.text.startswith("各县(区)人民政府,各开发区(新区)管委会,市政府各部门:")
    assert len(doc.text) == len(data[3:].decode("utf-8"))


def test_gb18030_text(data_dir: Path) -> None:
    path = data_dir / "ganzhou_implementation_gbk.txt"
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert "赣州市推进政务服务“一网通办”提质增效实施方案" in doc.text
    assert "责任单位:市行政审批局、市司法局、各县(市、区)人民政府;完成时限:2025年6月底前" in doc.text
    assert "\ufffd" not in doc.text
    assert len(doc.text) == len(data.decode("gb18030").replace("\r\n", "\n"))


def test_traditional_is_simplified_and_original_kept(data_dir: Path) -> None:
    doc = read_document(data_dir / "taipei_style_traditional.txt")
    assert doc.traditional is True
    assert len(doc.original) == len(doc.text) == len(doc.source_offsets)
    simplified, traditional = "修水县数字政府建设2025年工作要点", "修水縣數字政府建設2025年工作要點"
    assert traditional not in doc.text
    index = doc.text.index(simplified)
    assert doc.original[index : index + len(simplified)] == traditional
    assert doc.original_span(index, index + len(simplified)) == traditional
    unit = doc.text.index("县数据局")
    assert doc.original[unit : unit + 4] == "縣數據局"
    # simplified text stays simplified: every character that differs is a traditional form
    assert sum(a != b for a, b in zip(doc.text, doc.original, strict=True)) > 100


@pytest.mark.parametrize(
    "name",
    ["jiangxi_province_2025.txt", "nanchang_action_plan.md", "ganzhou_implementation_gbk.txt",
     "shangrao_plan.docx", "jingdezhen_page.html", "hostile_plan.txt", "no_lead_plan.txt"],
)  # fmt: skip
def test_simplified_plans_are_not_traditional(data_dir: Path, name: str) -> None:
    doc = read_document(data_dir / name)
    assert doc.traditional is False
    assert doc.original == doc.text


def test_seed_is_simplified_and_keeps_hexagonal_brackets(seed_doc) -> None:
    assert seed_doc.traditional is False
    assert "市发改委〔市数据局〕" in seed_doc.text
    assert "各县〔市、区〕人民政府" in seed_doc.text


# ---- docx --------------------------------------------------------------------------------------


def test_docx_runs_are_joined(data_dir: Path) -> None:
    doc = read_document(data_dir / "shangrao_plan.docx")
    assert (doc.format, doc.encoding) == ("docx", "docx")
    # the clause is split into runs, once inside 市住 + 建局
    assert "(责任单位:市住建局、市自然资源局、市数据局)" in doc.text
    assert "1、推进新型基础设施建设" in doc.text.split("\n")


def test_docx_paragraphs_are_the_source_lines(data_dir: Path) -> None:
    docx = read_document(data_dir / "shangrao_plan.docx")
    source = read_document(data_dir / "shangrao_plan.source.txt")
    lines = [line for line in docx.text.split("\n") if line.strip()]
    assert lines == [line for line in source.text.split("\n") if line.strip()]
    assert len(lines) == 38


# ---- html --------------------------------------------------------------------------------------


def test_html_article_kept_page_furniture_dropped(data_dir: Path) -> None:
    doc = read_document(data_dir / "jingdezhen_page.html")
    assert doc.format == "html"
    lines = doc.text.split("\n")
    assert "一、夯实陶瓷产业数字化基础" in lines
    assert "景德镇市陶瓷产业数字化转型2025年工作要点" in lines
    assert any(line.startswith("(二)加大金融财税支持。") for line in lines)
    for furniture in ("首页", "政务公开", "政务服务", "当前位置", "浏览次数", "主办单位", "承办单位",
                      "ICP", "版权所有", "打印本页", "关闭窗口", "相关链接", "网站地图", "setFontSize"):  # fmt: skip
        assert furniture not in doc.text, furniture
    # entities decoded, and the signature's <br> is a line break
    assert "“智改数转网联”" in doc.text
    assert "&ldquo;" not in doc.text and "&nbsp;" not in doc.text and "\xa0" not in doc.text
    assert "景德镇市人民政府办公室\n2025年6月10日" in doc.text


def test_html_english_line_and_font_size_widget_are_not_plan_text(data_dir: Path) -> None:
    doc = read_document(data_dir / "jingdezhen_page.html")
    plan = parse_plan(doc.text, doc.path)
    assert plan.title == "景德镇市陶瓷产业数字化转型2025年工作要点"
    assert len(plan.tasks) == 11
    shown = [plan.title, plan.preamble, *(c.title for c in plan.chapters)]
    shown += [t.title for t in plan.tasks] + [t.text for t in plan.tasks]
    for text in shown:
        assert "Jingdezhen" not in text
        assert "字体" not in text
        assert "大 中 小" not in text


def test_text_file_that_looks_like_html_is_read_as_text(data_dir: Path) -> None:
    doc = read_document(data_dir / "hostile_plan.txt")
    assert doc.format == "txt"
    assert "新余市<script>alert(1)</script>数字政府建设2025年工作要点" in doc.text
    assert "市委网信办<img src=x onerror=alert(1)>" in doc.text


def test_txt_holding_a_web_page_is_read_as_html(tmp_path: Path) -> None:
    page = ("<!DOCTYPE html><html><head><title>页</title></head><body><nav>首页 政务公开</nav>"
            "<div class='article-content'><p>某市数字政府建设2025年工作要点</p><p>一、基础</p>"
            "<p>1.推进工作。(牵头单位:市数据局)</p></div><footer>版权所有</footer></body></html>")  # fmt: skip
    doc = read_document(write(tmp_path, "page.txt", page))
    assert doc.format == "html"
    assert "1.推进工作。(牵头单位:市数据局)" in doc.text.split("\n")
    assert "版权所有" not in doc.text and "首页" not in doc.text


# ---- normalisation: one character for one character ------------------------------------------


def test_full_width_ascii_becomes_ascii_one_for_one(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "wide.txt", FULL_WIDTH_ASCII))
    assert doc.text == HALF_WIDTH_ASCII
    assert list(doc.source_offsets) == list(range(len(FULL_WIDTH_ASCII)))


def test_clause_punctuation_normalised_in_place(tmp_path: Path) -> None:
    raw = "1.推进工作。（牵头单位：市数据局，配合单位：市公安局；完成时限：2025年６月底）\u3000完"
    doc = read_document(write(tmp_path, "clause.txt", raw))
    assert doc.text == "1.推进工作。(牵头单位:市数据局,配合单位:市公安局;完成时限:2025年6月底) 完"
    assert len(doc.text) == len(raw)
    for index, ch in enumerate(raw):
        if ch not in "（）：，；６\u3000":
            assert doc.text[index] == ch


def test_brackets_and_quotes_that_names_use_are_kept(tmp_path: Path) -> None:
    raw = "各县〔市、区〕人民政府“赣通码”《要点》【注】、。"
    doc = read_document(write(tmp_path, "keep.txt", raw))
    assert doc.text == raw


def test_crlf_and_zero_width_characters_are_mapped_back(tmp_path: Path) -> None:
    raw = "一、总则\r\n1.\u200b推进\r\n"
    doc = read_document(write(tmp_path, "crlf.txt", raw))
    assert doc.text == "一、总则\n1.推进\n"
    assert len(doc.source_offsets) == len(doc.text)
    for index, ch in enumerate(doc.text):
        assert raw[doc.source_offsets[index]] in (ch, "\r")
    assert doc.source_offsets[doc.text.index("推")] == raw.index("推")


def test_lone_carriage_returns_are_line_ends(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "cr.txt", "一\r二\r三"))
    assert doc.text == "一\n二\n三"


# ---- bad input: PlanError that names the file -------------------------------------------------


def assert_plan_error(path: Path, fragment: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        read_document(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert fragment in info.value.message
    return info.value


def test_too_big(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no 20 MB written
    assert_plan_error(path, "MiB")


def test_empty_file(tmp_path: Path) -> None:
    assert_plan_error(write(tmp_path, "empty.txt", b""), "no text")


def test_blank_file(tmp_path: Path) -> None:
    assert_plan_error(write(tmp_path, "blank.md", "\ufeff  \n\u3000\n"), "no text")


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "plans.txt"
    folder.mkdir()
    assert_plan_error(folder, "folder")


def test_missing_file(tmp_path: Path) -> None:
    assert_plan_error(tmp_path / "nope.txt", "cannot open")


@pytest.mark.parametrize("suffix", [".pdf", ".doc", ".xlsx", ".csv"])
def test_unknown_suffix(tmp_path: Path, suffix: str) -> None:
    error = assert_plan_error(write(tmp_path, "plan" + suffix, "一、总则"), "unsupported file type")
    assert suffix in error.message


def test_undecodable_bytes(tmp_path: Path) -> None:
    assert_plan_error(write(tmp_path, "binary.txt", bytes(range(256)) * 8), "encoding")


def test_not_a_docx(tmp_path: Path) -> None:
    assert_plan_error(write(tmp_path, "fake.docx", "一、总则\n1.推进工作。"), ".docx")


def test_html_without_text(tmp_path: Path) -> None:
    assert_plan_error(write(tmp_path, "empty.html", "<html><body><nav>首页</nav></body></html>"), "no")


def test_truncated_utf16_is_a_plan_error(tmp_path: Path) -> None:
    """A UTF-16 BOM followed by an odd number of bytes cannot be decoded: that is bad input, not a crash."""
    assert_plan_error(write(tmp_path, "utf16.txt", b"\xff\xfe" + "一、总则".encode("utf-16-le") + b"\x00"), "")


def test_a_responsibility_table_becomes_task_lines_in_the_genre_form():
    from plankg.kg.read import responsibility_lines, table_lines

    rows = [
        ["序号", "主要任务", "责任单位", "时间节点"],
        ["1", "建设一体化政务服务平台", "市行政审批局、市数据局", "2025年6月底前"],
        ["", "", "", ""],
        ["2", "完善数据共享机制；", "市数据局", ""],
    ]
    assert responsibility_lines(rows) == [
        "1.建设一体化政务服务平台。（责任单位：市行政审批局、市数据局；完成时限：2025年6月底前）",
        "2.完善数据共享机制。（责任单位：市数据局）",
    ]
    assert table_lines(rows) == responsibility_lines(rows)


def test_other_tables_are_rows_of_cells():
    from plankg.kg.read import responsibility_lines, table_lines

    budget = [["项目", "金额（万元）", "备注"], ["城市大脑", "1200", "续建"], ["城市大脑", "1200", ""], ["9", "9", "9"]]
    assert responsibility_lines(budget) is None
    assert table_lines(budget) == ["项目　金额（万元）　备注", "城市大脑　1200　续建", "城市大脑　1200", "9　9　9"]
    assert responsibility_lines([["任务", "内容"], ["甲", "乙"]]) is None  # no lead or responsible column
    assert responsibility_lines([]) is None


def test_a_web_page_responsibility_table_with_spanning_cells(tmp_path):
    """A lead unit's cell spanning three rows (rowspan) leads each of them; a cell across two columns
    (colspan) counts in its first."""
    page = tmp_path / "plan.html"
    page.write_text(
        """<html><head><meta charset="utf-8"><title>某市2025年数据工作实施方案</title></head><body>
<div class="article-content"><h1>某市2025年数据工作实施方案</h1><p>重点任务分工如下：</p>
<table><tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
<tr><td>1</td><td>编制数据资源目录</td><td rowspan="3">市数据局</td><td>市直各部门</td><td>2025年6月底前</td></tr>
<tr><td>2</td><td>建设数据共享平台</td><td>市财政局</td><td>2025年9月底前</td></tr>
<tr><td>3</td><td>开展数据质量评估</td><td colspan="2">（无）</td></tr>
<tr><td>4</td><td>完善安全制度</td><td>市委网信办</td><td>市公安局</td><td>年底前</td></tr>
</table></div></body></html>""",
        encoding="utf-8",
    )
    lines = [line for line in read_document(page).text.splitlines() if line[:1].isdigit()]
    assert lines == [
        "1.编制数据资源目录。(牵头单位:市数据局;配合单位:市直各部门;完成时限:2025年6月底前)",
        "2.建设数据共享平台。(牵头单位:市数据局;配合单位:市财政局;完成时限:2025年9月底前)",
        "3.开展数据质量评估。(牵头单位:市数据局;配合单位:(无))",
        "4.完善安全制度。(牵头单位:市委网信办;配合单位:市公安局;完成时限:年底前)",
    ]
