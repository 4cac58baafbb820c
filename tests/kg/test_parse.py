"""kg/parse.py: the notice, chapters, sections and tasks of a plan, with their spans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from plankg.kg.errors import PlanError
from plankg.kg.parse import parse_plan
from plankg.kg.read import read_document

CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """一 … 九十九, as plans print them."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def starts_with_number(text: str, number: int) -> bool:
    """`1.` / `1、` / `1 ` / `(一)` / `一、`: the item's printed number opens its span."""
    head = text.lstrip("(（")
    if head.startswith(str(number)):
        return not head[len(str(number)) : len(str(number)) + 1].isdigit()
    numeral = cn_numeral(number)
    return head.startswith(numeral) and head[len(numeral) : len(numeral) + 1] in ("、", ".", ")", "）")


def cited_titles(plan) -> list[str]:
    """The titles of the documents a plan cites (a citation is a title or an object with a .title)."""
    return [getattr(c, "title", c) for c in plan.citations]


def parsed(path: Path):
    doc = read_document(path)
    return doc, parse_plan(doc.text, str(path), fallback_title=path.stem)


# ---- the seed ----------------------------------------------------------------------------------


def test_seed_plan_metadata(seed_plan) -> None:
    assert seed_plan.title == "九江市数字政府建设2025年工作要点"
    assert seed_plan.region == "九江市"
    assert seed_plan.level == "municipal"
    assert seed_plan.year == 2025
    assert seed_plan.genre == "工作要点"


def test_seed_notice(seed_plan) -> None:
    notice = seed_plan.notice
    assert notice.addressees == ["各县(市、区)人民政府", "市政府有关部门", "市直及驻市有关单位"]
    assert notice.issued == date(2025, 5, 23)
    assert notice.approved_by == "市政府第63次常务会议"
    assert notice.publicity == "主动公开"
    assert notice.source == "中国九江网"


def test_seed_preamble_is_the_opening_paragraph_only(seed_plan) -> None:
    assert seed_plan.preamble.startswith("2025年是“十四五”规划收官之年")
    assert seed_plan.preamble.endswith("提供有力支撑。")
    for notice_text in ("印发给你们", "2025年5月23日", "此件主动公开", "中国九江网", "市直及驻市有关单位"):
        assert notice_text not in seed_plan.preamble


def test_seed_chapters(seed_plan, seed_doc, seed_gold) -> None:
    chapters = seed_plan.chapters
    assert [(c.ordinal, c.number, c.numeral, c.title) for c in chapters] == [
        (i, g["number"], g["numeral"], g["title"]) for i, g in enumerate(seed_gold["chapters"], start=1)
    ]
    for chapter in chapters:
        assert seed_doc.text[chapter.start :].startswith(f"{chapter.numeral}、{chapter.title}")
        tasks = [t for t in seed_plan.tasks if t.chapter == chapter.ordinal]
        assert tasks and chapter.start < tasks[0].start and tasks[-1].end <= chapter.end
    assert [len([t for t in seed_plan.tasks if t.chapter == c.ordinal]) for c in chapters] == [3, 12, 2, 3, 3]


def test_seed_tasks(seed_plan, seed_gold) -> None:
    tasks = seed_plan.tasks
    assert len(tasks) == 23
    assert [t.ordinal for t in tasks] == list(range(1, 24))
    assert [(t.number, t.chapter, t.title) for t in tasks] == [
        (g["number"], g["chapter"], g["title"]) for g in seed_gold["tasks"]
    ]
    assert all(t.section is None for t in tasks)
    assert seed_plan.sections == []


def test_seed_task_spans_start_with_their_number(seed_plan, seed_doc) -> None:
    previous_end = 0
    for task in seed_plan.tasks:
        span = seed_doc.text[task.start : task.end]
        assert span.startswith(f"{task.number}.{task.title}。")
        assert span.endswith(")")  # the task runs to the end of its clause
        assert task.start >= previous_end
        previous_end = task.end


def test_seed_task_text_excludes_the_clause(seed_plan) -> None:
    first = seed_plan.tasks[0]
    assert first.text == (
        "健全数字化项目管理机制。严格数字化项目建设管理,制定数字化项目论证评估、联合会审、竣工验收等工作机制,"
        "进一步提升数字化项目管理的规范性和可操作性。扩充市级数字化项目专家库,充分发挥专家智力支撑作用,提高项目管理质效。"
    )
    for task in seed_plan.tasks:
        assert task.text.startswith(task.title + "。")
        assert task.text.endswith("。")
        for word in ("牵头单位", "配合单位", "市发改委〔市数据局〕"):
            assert word not in task.text


def test_seed_assignments(seed_plan, seed_doc, seed_gold) -> None:
    for task, gold in zip(seed_plan.tasks, seed_gold["tasks"], strict=True):
        for role in ("lead", "cooperating", "responsible"):
            assert [a.name for a in task.assignments if a.role == role] == gold.get(role, []), (task.number, role)
        for assignment in task.assignments:
            assert seed_doc.text[assignment.start : assignment.end] == assignment.name
            assert task.start < assignment.start < assignment.end <= task.end


def test_seed_has_no_deadlines_or_self_citation(seed_plan) -> None:
    assert all(t.deadline is None and t.deadline_text is None for t in seed_plan.tasks)
    assert cited_titles(seed_plan) == []


# ---- every plan against its gold file ----------------------------------------------------------


def test_structure_matches_gold(gold_case, norm) -> None:
    _doc, plan = parsed(gold_case.document)
    gold = gold_case.gold
    assert [(c.number, c.numeral, norm(c.title)) for c in plan.chapters] == [
        (g["number"], g["numeral"], norm(g["title"])) for g in gold["chapters"]
    ]
    assert len(plan.tasks) == gold["plan"]["tasks"] == len(gold["tasks"])
    assert [(t.number, t.chapter, norm(t.title)) for t in plan.tasks] == [
        (g["number"], g["chapter"], norm(g["title"])) for g in gold["tasks"]
    ]


def test_assignments_and_deadlines_match_gold(gold_case, norm) -> None:
    _doc, plan = parsed(gold_case.document)
    for task, gold in zip(plan.tasks, gold_case.gold["tasks"], strict=True):
        for role in ("lead", "cooperating", "responsible"):
            got = sorted(norm(a.name) for a in task.assignments if a.role == role)
            assert got == sorted(norm(n) for n in gold.get(role, [])), (task.number, task.title, role)
        want = date.fromisoformat(gold["deadline"]) if gold.get("deadline") else None
        assert task.deadline == want, (task.number, task.title, task.deadline_text)


def test_plan_metadata_matches_gold(gold_case, norm) -> None:
    _doc, plan = parsed(gold_case.document)
    gold = gold_case.gold["plan"]
    assert norm(plan.title) == norm(gold["title"])
    assert plan.notice.issued == date.fromisoformat(gold["issued"])
    assert plan.notice.approved_by == gold.get("approved_by")


def test_plan_region_matches_gold(gold_case, norm) -> None:
    _doc, plan = parsed(gold_case.document)
    assert plan.region == gold_case.gold["plan"]["region"]


def test_task_and_assignment_spans(plan_file: Path) -> None:
    doc, plan = parsed(plan_file)
    previous_end = 0
    for task in plan.tasks:
        span = doc.text[task.start : task.end]
        assert starts_with_number(span, task.number), (task.number, span[:12])
        assert task.title in span
        assert task.start >= previous_end
        previous_end = task.end
        for assignment in task.assignments:
            assert doc.text[assignment.start : assignment.end] == assignment.name
            assert task.start <= assignment.start < assignment.end <= task.end
    for chapter in plan.chapters:
        assert doc.text[chapter.start :].startswith(chapter.numeral)


def test_task_text_excludes_clauses(plan_file: Path) -> None:
    _doc, plan = parsed(plan_file)
    for task in plan.tasks:
        for word in ("牵头单位", "配合单位", "责任单位", "完成时限", "时间节点", "按职责分工负责"):
            assert word not in task.text, (task.number, task.text)
        for assignment in task.assignments:
            assert f"{assignment.name}牵头" not in task.text
            assert f"{assignment.name}负责" not in task.text


# ---- structure: sections, top-level tasks, restarting numbers -----------------------------------


def test_sections(data_dir: Path) -> None:
    doc, plan = parsed(data_dir / "nanchang_action_plan.md")
    assert [(s.number, s.chapter, s.title) for s in plan.sections] == [
        (1, 1, "推进智慧教育"), (2, 1, "推进智慧医疗"),
        (1, 2, "提升社保就业服务"), (2, 2, "发展智慧养老"),
        (1, 3, "提升交通出行便利度"), (2, 3, "提升城市治理效能"),
        (1, 4, "强化数据供给"), (2, 4, "加强安全保障"),
    ]  # fmt: skip
    assert [t.section for t in plan.tasks] == [1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8]
    assert [t.number for t in plan.tasks] == list(range(1, 17))  # numbered continuously
    for section in plan.sections:
        assert doc.text[section.start :].startswith(f"({cn_numeral(section.number)}){section.title}")
        for task in plan.tasks:
            if task.section == section.ordinal:
                assert section.start < task.start and task.end <= section.end
                assert task.chapter == section.chapter


def test_markdown_heading_marks_are_not_titles(data_dir: Path) -> None:
    _doc, plan = parsed(data_dir / "nanchang_action_plan.md")
    assert plan.title == "南昌市数据赋能民生服务行动计划(2025—2026年)"
    assert all("#" not in c.title for c in plan.chapters)
    assert all("#" not in s.title for s in plan.sections)


def test_top_level_items_are_tasks(data_dir: Path) -> None:
    doc, plan = parsed(data_dir / "ganzhou_implementation_gbk.txt")
    assert plan.chapters == [] and plan.sections == []
    assert [t.number for t in plan.tasks] == list(range(1, 11))
    assert all(t.chapter is None for t in plan.tasks)
    assert plan.tasks[0].title == "推行政务服务事项标准化管理"
    assert plan.tasks[2].title == "深化“高效办成一件事”改革"
    assert doc.text[plan.tasks[9].start :].startswith("十、加强队伍建设和考核评价")
    assert [t.deadline for t in plan.tasks][:3] == [date(2025, 6, 30), date(2025, 12, 31), date(2025, 9, 30)]
    assert plan.tasks[4].deadline is None and plan.tasks[4].deadline_text == "长期坚持"
    assert plan.tasks[7].deadline is None and plan.tasks[7].deadline_text == "持续推进"


def test_preamble_target_belongs_to_no_task(data_dir: Path) -> None:
    _doc, plan = parsed(data_dir / "ganzhou_implementation_gbk.txt")
    assert "到2025年底" in plan.preamble
    assert all("到2025年底" not in t.text for t in plan.tasks)


def test_closing_paragraph_is_not_part_of_the_last_task(data_dir: Path) -> None:
    """ganzhou: an unnumbered closing paragraph follows task 10's responsibility line."""
    doc, plan = parsed(data_dir / "ganzhou_implementation_gbk.txt")
    last = plan.tasks[-1]
    assert "各地各部门要切实提高思想认识" not in last.text
    assert "各地各部门要切实提高思想认识" not in doc.text[last.start : last.end]


def test_numbering_restarts_in_every_chapter(data_dir: Path) -> None:
    _doc, plan = parsed(data_dir / "jiangxi_province_2025.txt")
    assert [t.number for t in plan.tasks] == [1, 2, 3, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 1, 2, 3, 1, 2, 3]
    assert [t.chapter for t in plan.tasks] == [1] * 3 + [2] * 7 + [3] * 3 + [4] * 3 + [5] * 3
    assert [t.ordinal for t in plan.tasks] == list(range(1, 20))
    assert plan.level == "provincial" and plan.region == "江西省"
    assert cited_titles(plan) == ["国务院关于加强数字政府建设的指导意见"]


def test_heading_line_tasks_with_body_paragraphs(data_dir: Path) -> None:
    """shangrao: `1、标题` on its own line, body below; task 3's body spans two paragraphs."""
    _doc, plan = parsed(data_dir / "shangrao_plan.docx")
    third = plan.tasks[2]
    assert third.title == "建设城市信息模型平台"
    assert "形成城市数字底板" in third.text and "加快推进中心城区CIM平台一期建设" in third.text
    assert [(a.role, a.name) for a in third.assignments] == [
        ("responsible", "市住建局"), ("responsible", "市自然资源局"), ("responsible", "市数据局")
    ]


def test_traditional_plan_parses_as_simplified(data_dir: Path) -> None:
    _doc, plan = parsed(data_dir / "taipei_style_traditional.txt")
    assert plan.title == "修水县数字政府建设2025年工作要点"
    assert plan.region == "修水县" and plan.level == "county"
    assert plan.notice.approved_by == "县政府第28次常务会议"
    assert cited_titles(plan) == ["九江市数字政府建设2025年工作要点"]
    assert plan.tasks[0].assignments[0].name == "县数据局"
    # 村（社區） in the body is not a clause
    assert [(a.role, a.name) for a in plan.tasks[0].assignments] == [("lead", "县数据局"), ("cooperating", "县公安局")]


def test_hostile_names_are_kept_verbatim(data_dir: Path) -> None:
    _doc, plan = parsed(data_dir / "hostile_plan.txt")
    assert plan.title == "新余市<script>alert(1)</script>数字政府建设2025年工作要点"
    assert plan.chapters[0].title == "强化<img src=x onerror=alert(1)>基础支撑"
    assert plan.tasks[1].title == "推进<b>数据</b>&共享应用"
    assert plan.tasks[2].assignments[0].name == "市委网信办<img src=x onerror=alert(1)>"


def test_task_without_clause_has_no_assignments(data_dir: Path) -> None:
    _doc, plan = parsed(data_dir / "no_lead_plan.txt")
    assert [len(t.assignments) for t in plan.tasks] == [2, 3, 0, 3]
    assert plan.tasks[2].title == "加强数据治理宣传培训"


@pytest.mark.parametrize(
    ("name", "addressees"),
    [
        ("ganzhou_implementation_gbk.txt", ["各县(市、区)人民政府", "市政府各部门", "市直各单位"]),
        ("jingdezhen_page.html", ["各县(市、区)人民政府", "市政府各部门", "景德镇高新区、昌南新区管委会"]),
        ("shangrao_plan.docx",
         ["各县(市、区)人民政府", "上饶经开区、上饶高铁经济试验区、三清山管委会", "市政府各部门"]),
        ("jiangxi_province_2025.txt", ["各设区市人民政府", "省政府各部门"]),
        ("taipei_style_traditional.txt", ["各乡镇人民政府", "县政府各部门", "县直各单位"]),
    ],
)  # fmt: skip
def test_notice_addressees_after_a_notice_title(data_dir: Path, name: str, addressees: list[str]) -> None:
    """The addressee line need not be the first line: a notice title and 文号 may stand above it."""
    _doc, plan = parsed(data_dir / name)
    assert plan.notice.addressees == addressees
    for notice_text in ("印发给你们", "人民政府办公室"):
        assert notice_text not in plan.preamble


# ---- other numbering styles ------------------------------------------------------------------

NUMBERING = {
    "arabic-paren": "一、夯实基础\n（1）推进政务云建设。（牵头单位：市数据局，配合单位：市财政局）\n"
                    "（2）推进数据共享。（市公安局负责）\n二、强化保障\n（1）加强安全。（市委网信办负责；完成时限：2025年上半年）\n",
    "parts": "第一部分 夯实基础\n一、推进政务云建设。（牵头单位：市数据局，配合单位：市财政局）\n"
             "二、推进数据共享。（市公安局负责）\n第二部分 强化保障\n"
             "一、加强安全。（市委网信办负责；完成时限：2025年上半年）\n",
    "circled": "一、夯实基础\n①推进政务云建设。（牵头单位：市数据局，配合单位：市财政局）\n"
               "②推进数据共享。（市公安局负责）\n二、强化保障\n①加强安全。（市委网信办负责；完成时限：2025年上半年）\n",
}  # fmt: skip


@pytest.mark.parametrize("style", NUMBERING)
def test_numbering_styles(style: str) -> None:
    plan = parse_plan("某市数据工作2025年工作要点\n" + NUMBERING[style], style + ".txt")
    assert [(c.number, c.title) for c in plan.chapters] == [(1, "夯实基础"), (2, "强化保障")]
    assert [(t.number, t.chapter, t.title) for t in plan.tasks] == [
        (1, 1, "推进政务云建设"), (2, 1, "推进数据共享"), (1, 2, "加强安全")
    ]  # fmt: skip
    assert [[(a.role, a.name) for a in t.assignments] for t in plan.tasks] == [
        [("lead", "市数据局"), ("cooperating", "市财政局")],
        [("responsible", "市公安局")],
        [("responsible", "市委网信办")],
    ]  # fmt: skip
    assert plan.tasks[2].deadline == date(2025, 6, 30)


# ---- bad input ---------------------------------------------------------------------------------


def test_no_numbered_items_is_a_plan_error_with_a_line() -> None:
    text = "九江市数字政府建设2025年工作要点\n这是一段没有编号的文字。\n另一段文字。\n"
    with pytest.raises(PlanError) as info:
        parse_plan(text, "plain.txt")
    assert info.value.path == "plain.txt"
    assert info.value.line == 2
    assert str(info.value).startswith("plain.txt:2: ")
    assert "一、" in info.value.message


@pytest.mark.parametrize("text", ["", "\n\n  \n", "hello world\nJingdezhen Municipal People's Government"])
def test_no_chinese_text_is_a_plan_error(text: str) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(text, "empty.txt")
    assert info.value.path == "empty.txt"
