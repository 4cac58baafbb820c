"""Round trip: plans written from hypothesis strategies (chapters, tasks, responsibility clauses in
every form the parser reads) are parsed back to exactly what was written: the title, every chapter,
every task (number, chapter, section, title) and every unit assignment (role and name, in order), and the
deadlines.

tests/kg/test_fuzz.py checks that nothing but PlanError comes out of arbitrary input; this checks
that well-formed input comes out right, in combinations no hand-written test lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from plankg.kg.parse import parse_plan
from plankg.kg.read import normalise

LEAD, COOPERATING, RESPONSIBLE = "lead", "cooperating", "responsible"
UNITS = [
    "市数据局", "市发改委〔市数据局〕", "市公安局", "市财政局", "市人社局", "市民政局", "市教育局", "市卫生健康委员会",
    "市政务服务管理局", "市城管局", "市市场监管局", "市工业和信息化局", "国网九江供电公司", "各县〔市、区〕人民政府",
    "各县（市、区）人民政府", "市委网信办", "市住建局", "市自然资源局", "市交通运输局", "市应急管理局", "九江银行",
    "市大数据中心", "中国电信九江分公司", "市文广旅局", "市行政审批局",
]  # fmt: skip
VERBS = ["加快建设", "持续完善", "深入推进", "全面提升", "积极拓展", "统筹优化", "迭代升级", "大力推广"]
NOUNS = [
    "政务云平台", "电子证照库", "数据共享交换体系", "一体化政务服务平台", "公共数据目录", "城市运行管理平台",
    "赣服通移动端", "数字档案系统", "智慧社区应用", "网络安全防护体系", "政务外网", "视频监控资源",
]  # fmt: skip
CHAPTERS = ["夯实数字基础设施", "深化数据共享应用", "提升政务服务效能", "强化网络安全能力", "推动数字经济发展",
            "优化营商环境", "创新社会治理方式"]  # fmt: skip
CITIES = ["九江市", "南昌市", "赣州市", "上饶市", "修水县"]
TOPICS = ["数字政府建设", "政务数据治理", "智慧城市建设", "政务服务提质增效"]
GENRES = ["工作要点", "实施方案", "行动计划"]
CN = "一二三四五六七八九十"
DEADLINES = {"2025年6月底": date(2025, 6, 30), "年底前": date(2025, 12, 31), "2025年第三季度": date(2025, 9, 30),
             "2025年10月": date(2025, 10, 31)}  # fmt: skip


def norm(text: str) -> str:
    """What the reader makes of it (full-width ASCII → ASCII), as the parser sees it."""
    return normalise(text, "x", fmt="txt", encoding="utf-8", checksum="").text


@dataclass
class Task:
    title: str
    assignments: list[tuple[str, str]]
    deadline: str | None
    line: str = ""  # the task as written, clause included
    number: int = 0
    chapter: int = 0
    section: int | None = None


@dataclass
class Written:
    title: str
    chapters: list[str]
    tasks: list[Task] = field(default_factory=list)
    text: str = ""


@st.composite
def clause(draw, units: list[str]) -> tuple[str, str, list[tuple[str, str]], str | None]:
    """(text put in the task's line, a line of its own after it or "", assignments, deadline)."""
    form = draw(st.sampled_from(["labelled", "responsible", "inline", "inline_responsible", "tail", "label_line"]))
    comma, semicolon, colon = (draw(st.sampled_from(p)) for p in (["，", ","], ["；", ";", "，"], ["：", ":"]))
    opening, closing = draw(st.sampled_from([("（", "）"), ("(", ")")]))
    split = draw(st.integers(1, len(units)))
    leads, others = units[:split], units[split:]
    deadline = draw(st.sampled_from([None, *DEADLINES])) if form in ("labelled", "responsible") else None
    due = f"{semicolon}完成时限{colon}{deadline}" if deadline else ""
    led = [(LEAD, u) for u in leads] + [(COOPERATING, u) for u in others]
    everyone = [(RESPONSIBLE, u) for u in units]
    if form == "labelled":
        body = f"牵头单位{colon}{'、'.join(leads)}"
        if others:
            body += f"{semicolon}配合单位{colon}{'、'.join(others)}"
        return f"{opening}{body}{due}{closing}", "", led, deadline
    if form == "responsible":
        label = draw(st.sampled_from(["责任单位", "责任部门"]))
        return f"{opening}{label}{colon}{'、'.join(units)}{due}{closing}", "", everyone, deadline
    if form == "inline":
        body = f"{'、'.join(leads)}牵头" + (f"{comma}{'、'.join(others)}配合" if others else "")
        return f"{opening}{body}{closing}", "", led, None
    if form == "inline_responsible":
        words = draw(st.sampled_from(["负责", "按职责分工负责"]))
        return f"{opening}{'、'.join(units)}{words}{closing}", "", everyone, None
    if form == "tail":
        body = f"{'、'.join(leads)}牵头" + (f"{comma}{'、'.join(others)}配合" if others else "")
        return f"{body}。", "", led, None
    return "", f"责任单位{colon}{'、'.join(units)}", everyone, None


@st.composite
def task(draw) -> Task:
    title = draw(st.sampled_from(VERBS)) + draw(st.sampled_from(NOUNS))
    rest = draw(st.sampled_from(["", "，" + draw(st.sampled_from(VERBS)) + draw(st.sampled_from(NOUNS))]))
    units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=6, unique=True))
    inside, below, assignments, deadline = draw(clause(units))
    line = f"{title}{rest}。{inside}" + (f"\n{below}" if below else "")
    return Task(title + rest, assignments, deadline, line)


def cn_number(number: int) -> str:
    return CN[number - 1] if number <= 10 else "十" + CN[number - 11]


@st.composite
def plan(draw) -> Written:
    title = draw(st.sampled_from(CITIES)) + draw(st.sampled_from(TOPICS)) + "2025年" + draw(st.sampled_from(GENRES))
    chapters = draw(st.lists(st.sampled_from(CHAPTERS), min_size=1, max_size=4, unique=True))
    style = draw(st.sampled_from(["1.", "1、", "(一)", "（一）", "sections"]))
    restart = style.startswith(("(", "（")) or draw(st.booleans())
    indent = draw(st.sampled_from(["", "　　", "  "]))
    gap = draw(st.sampled_from(["\n", "\n\n"]))
    written = Written(title, chapters)
    lines = [title]
    if draw(st.booleans()):
        lines.append(indent + "为深入贯彻数字中国建设整体布局规划，结合本地实际，制定本要点。")
    number = section = 0
    for index, chapter_title in enumerate(chapters, start=1):
        lines.append(f"{indent}{cn_number(index)}、{chapter_title}")
        if restart:
            number = 0
        groups = draw(st.lists(st.lists(task(), min_size=1, max_size=4), min_size=1, max_size=3))
        for group_number, group in enumerate(groups, start=1):
            if style == "sections":  # (一) sections over 1. tasks
                section += 1
                lines.append(f"{indent}({cn_number(group_number)}){draw(st.sampled_from(CHAPTERS))}")
            for item in group:
                number += 1
                item.number, item.chapter, item.section = number, index, section or None
                if style in ("1.", "1、", "sections"):
                    marker = f"{number}{'、' if style == '1、' else '.'}"
                else:
                    marker = f"{style[0]}{cn_number(number)}{style[-1]}"
                lines.append(indent + marker + item.line.replace("\n", "\n" + indent))
                written.tasks.append(item)
    written.text = gap.join(lines) + "\n"
    if draw(st.booleans()):
        written.text = written.text.replace("\n", "\r\n")
    return written


SEED_LIKE = Written("九江市数字政府建设2025年工作要点", ["夯实数字基础设施"], [
    Task("加快建设政务云平台", [(LEAD, "市数据局"), (COOPERATING, "各县〔市、区〕人民政府")], "2025年6月底",
         "加快建设政务云平台。（牵头单位：市数据局；配合单位：各县〔市、区〕人民政府；完成时限：2025年6月底）", 1, 1),
], "九江市数字政府建设2025年工作要点\n一、夯实数字基础设施\n1.加快建设政务云平台。（牵头单位：市数据局；配合单位："
   "各县〔市、区〕人民政府；完成时限：2025年6月底）\n")  # fmt: skip


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan())
@example(SEED_LIKE)
def test_a_written_plan_parses_back_to_what_was_written(written: Written) -> None:
    parsed = parse_plan(norm(written.text), "generated.txt")
    assert parsed.title == written.title
    assert [c.title for c in parsed.chapters] == written.chapters
    assert len(parsed.tasks) == len(written.tasks), written.text
    for got, want in zip(parsed.tasks, written.tasks, strict=True):
        where = f"task {want.number} of chapter {want.chapter}:\n{want.line}\n\n{written.text}"
        assert (got.number, got.chapter, got.section) == (want.number, want.chapter, want.section), where
        assert got.title == norm(want.title), where
        assert [(a.role, a.name) for a in got.assignments] == [(r, norm(n)) for r, n in want.assignments], where
        assert got.deadline == (DEADLINES[want.deadline] if want.deadline else None), where
