"""kg/clauses.py: responsibility clauses, unit lists and deadlines, as pure functions.

The inputs are normalised text (what read_document gives): full-width ASCII punctuation such as
（）：，； has become ()：,; but 〔〕、。“” stay.  Some cases keep full-width forms on purpose, since
the functions must not depend on the reader for them.
"""

from __future__ import annotations

from datetime import date

import pytest
from plankg.kg.clauses import (
    COOPERATING,
    LEAD,
    RESPONSIBLE,
    find_clauses,
    parse_clause,
    parse_deadline,
    split_top_level,
    unit_list,
)


def roles(clause) -> list[tuple[str, str]]:
    return [(u.role, u.name) for u in clause.units]


def assert_spans(text: str, clause) -> None:
    for unit in clause.units:
        assert text[unit.start : unit.end] == unit.name, unit


# ---- labelled clauses --------------------------------------------------------------------------

LABELLED = [
    (  # the seed's form, with the hexagonal-bracket unit
        "牵头单位:市发改委〔市数据局〕,配合单位:市委网信办、市委保密机要局、市公安局",
        [(LEAD, "市发改委〔市数据局〕"), (COOPERATING, "市委网信办"), (COOPERATING, "市委保密机要局"),
         (COOPERATING, "市公安局")],
        None,
    ),
    (  # full-width colons and commas, semicolon before the deadline
        "牵头单位：市数据局，配合单位：市公安局；完成时限：2025年6月底",
        [(LEAD, "市数据局"), (COOPERATING, "市公安局")],
        "2025年6月底",
    ),
    (  # semicolons between every label; a comma inside the cooperating list
        "牵头单位:省发展改革委;配合单位:省公安厅,各设区市人民政府;完成时限:2025年9月底前",
        [(LEAD, "省发展改革委"), (COOPERATING, "省公安厅"), (COOPERATING, "各设区市人民政府")],
        "2025年9月底前",
    ),
    (  # several leads, the collective with its brackets after a comma
        "牵头单位:市发改委〔市数据局〕、市财政局、市委网信办,配合单位:各县〔市、区〕人民政府",
        [(LEAD, "市发改委〔市数据局〕"), (LEAD, "市财政局"), (LEAD, "市委网信办"),
         (COOPERATING, "各县〔市、区〕人民政府")],
        None,
    ),
    (  # 责任单位 with round brackets inside a unit, and a deadline
        "责任单位:市行政审批局、市司法局、各县(市、区)人民政府;完成时限:2025年6月底前",
        [(RESPONSIBLE, "市行政审批局"), (RESPONSIBLE, "市司法局"), (RESPONSIBLE, "各县(市、区)人民政府")],
        "2025年6月底前",
    ),
    (  # full-width round brackets inside a unit name
        "责任单位：市民政局、市住建局、各县（市、区）人民政府",
        [(RESPONSIBLE, "市民政局"), (RESPONSIBLE, "市住建局"), (RESPONSIBLE, "各县（市、区）人民政府")],
        None,
    ),
    (  # 时间节点 as the deadline label
        "牵头单位:市数据局,配合单位:市公安局,时间节点:2025年9月底",
        [(LEAD, "市数据局"), (COOPERATING, "市公安局")],
        "2025年9月底",
    ),
    (  # labels separated by a space only; a trailing full stop
        "牵头单位:市数据局 配合单位:市公安局。",
        [(LEAD, "市数据局"), (COOPERATING, "市公安局")],
        None,
    ),
    (  # 等 after the last unit
        "责任单位:市数据局、市公安局等",
        [(RESPONSIBLE, "市数据局"), (RESPONSIBLE, "市公安局")],
        None,
    ),
    (  # half-width colons and commas throughout
        "牵头单位:县数据局,配合单位:县财政局、县委网信办;完成时限:2025年12月底前",
        [(LEAD, "县数据局"), (COOPERATING, "县财政局"), (COOPERATING, "县委网信办")],
        "2025年12月底前",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "want", "deadline"), LABELLED, ids=[f"labelled-{i}" for i in range(len(LABELLED))])
def test_labelled_clause(text: str, want: list, deadline: str | None) -> None:
    clause = parse_clause(text)
    assert clause is not None
    assert roles(clause) == want
    assert clause.deadline_text == deadline
    assert_spans(text, clause)


def test_deadline_only_clause() -> None:
    clause = parse_clause("完成时限:长期坚持")
    assert clause is not None
    assert clause.units == ()
    assert clause.deadline_text == "长期坚持"


def test_label_offset_is_added_to_spans() -> None:
    text = "前文。(牵头单位:市数据局,配合单位:市公安局)"
    inner_start = text.index("(") + 1
    clause = parse_clause(text[inner_start:-1], inner_start)
    assert clause is not None
    assert_spans(text, clause)
    assert (clause.start, clause.end) == (inner_start, len(text) - 1)


# ---- inline clauses ----------------------------------------------------------------------------

INLINE = [
    ("市数据局牵头,市公安局、市财政局配合", [(LEAD, "市数据局"), (COOPERATING, "市公安局"), (COOPERATING, "市财政局")]),
    ("市数据局牵头，市公安局、市财政局配合",
     [(LEAD, "市数据局"), (COOPERATING, "市公安局"), (COOPERATING, "市财政局")]),
    ("市卫健委、市医保局牵头,市数据局配合", [(LEAD, "市卫健委"), (LEAD, "市医保局"), (COOPERATING, "市数据局")]),
    ("市教育局负责", [(RESPONSIBLE, "市教育局")]),
    ("由市公安局负责", [(RESPONSIBLE, "市公安局")]),
    ("市医保局负责,市卫健委、市财政局配合", [(RESPONSIBLE, "市医保局"), (COOPERATING, "市卫健委"),
                                           (COOPERATING, "市财政局")]),
    ("市公安局、市交通运输局按职责分工负责", [(RESPONSIBLE, "市公安局"), (RESPONSIBLE, "市交通运输局")]),
    ("各县(区)政府、市直有关单位按职责分工负责", [(RESPONSIBLE, "各县(区)政府"), (RESPONSIBLE, "市直有关单位")]),
    ("各县〔市、区〕人民政府按职责分工负责", [(RESPONSIBLE, "各县〔市、区〕人民政府")]),
    ("市数据局牵头负责,市公安局配合", [(LEAD, "市数据局"), (COOPERATING, "市公安局")]),
    ("市数据局牵头,各县(市、区)人民政府配合", [(LEAD, "市数据局"), (COOPERATING, "各县(市、区)人民政府")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "want"), INLINE, ids=[f"inline-{i}" for i in range(len(INLINE))])
def test_inline_clause(text: str, want: list) -> None:
    clause = parse_clause(text)
    assert clause is not None
    assert roles(clause) == want
    assert_spans(text, clause)


def test_inline_clause_with_deadline() -> None:
    text = "市卫健委、市医保局牵头,市数据局配合;时间节点:2025年12月底"
    clause = parse_clause(text)
    assert clause is not None
    assert roles(clause) == [(LEAD, "市卫健委"), (LEAD, "市医保局"), (COOPERATING, "市数据局")]
    assert clause.deadline_text == "2025年12月底"
    assert_spans(text, clause)


@pytest.mark.parametrize(
    "text",
    ["国发〔2022〕14号", "CIM", "社区", "市、区", "2025—2026年", "含各类平台", "推动各方共同参与", "以下简称“一网通办”",
     "部门负责人", "详见附件"],
)  # fmt: skip
def test_brackets_that_are_not_clauses(text: str) -> None:
    assert parse_clause(text) is None


# ---- clauses in a task's text ------------------------------------------------------------------


def test_find_clause_in_task_text_with_full_spans() -> None:
    text = ("推动“赣政通”移动办公平台及各县(市、区)综合协同办公系统信创升级改造。"
            "(牵头单位:市发改委〔市数据局〕,配合单位:各县〔市、区〕人民政府)")  # fmt: skip
    clauses = find_clauses(text)
    assert len(clauses) == 1  # 各县(市、区)综合协同 in the body is not a clause
    clause = clauses[0]
    assert text[clause.start] == "(" and clause.end == len(text)
    assert roles(clause) == [(LEAD, "市发改委〔市数据局〕"), (COOPERATING, "各县〔市、区〕人民政府")]
    assert_spans(text, clause)


def test_find_clause_with_nested_round_brackets_keeps_the_unit_whole() -> None:
    text = "推进政务服务。（牵头单位：市数据局，配合单位：市财政局，各县（市、区）人民政府；完成时限：年底前）"
    (clause,) = find_clauses(text)
    assert roles(clause) == [(LEAD, "市数据局"), (COOPERATING, "市财政局"), (COOPERATING, "各县（市、区）人民政府")]
    assert clause.deadline_text == "年底前"
    assert text[clause.start : clause.end] == text[text.index("（牵头") :]
    assert_spans(text, clause)


def test_find_clause_half_width_brackets_in_full_width_text() -> None:
    text = "开展网络安全攻防演练。(牵头单位：市委网信办，配合单位：市公安局；完成时限：2025年第三季度)"
    (clause,) = find_clauses(text)
    assert roles(clause) == [(LEAD, "市委网信办"), (COOPERATING, "市公安局")]
    assert parse_deadline(clause.deadline_text, 2025) == date(2025, 9, 30)


def test_find_unbracketed_responsibility_line() -> None:
    text = "全面梳理政务服务事项。\n责任单位:市行政审批局、市司法局、各县(市、区)人民政府;完成时限:2025年6月底前\n"
    (clause,) = find_clauses(text)
    assert roles(clause) == [(RESPONSIBLE, "市行政审批局"), (RESPONSIBLE, "市司法局"),
                             (RESPONSIBLE, "各县(市、区)人民政府")]  # fmt: skip
    assert clause.deadline_text == "2025年6月底前"
    assert text[clause.start :].startswith("责任单位")
    assert_spans(text, clause)


def test_find_inline_clause_followed_by_deadline_sentence() -> None:
    text = "建设全市教育资源公共服务平台。(市教育局负责)时间节点:2025年9月底。"
    clauses = find_clauses(text)
    units = [u for c in clauses for u in c.units]
    assert [(u.role, u.name) for u in units] == [(RESPONSIBLE, "市教育局")]
    deadlines = [c.deadline_text for c in clauses if c.deadline_text]
    assert deadlines == ["2025年9月底"]
    for clause in clauses:
        assert_spans(text, clause)


def test_find_tail_sentence_clause() -> None:
    text = "推进数据共享应用。由市数据局负责,市公安局配合。"
    (clause,) = find_clauses(text)
    assert roles(clause) == [(RESPONSIBLE, "市数据局"), (COOPERATING, "市公安局")]
    assert text[clause.start :].startswith("由市数据局负责")
    assert_spans(text, clause)


def test_body_brackets_are_not_clauses() -> None:
    text = "构建城市信息模型(CIM)基础平台,覆盖村(社区),落实《意见》(国发〔2022〕14号)要求。"
    assert find_clauses(text) == []


def test_half_width_bracket_inside_full_width_clause() -> None:
    """The hostile plan: a half-width (1) inside the unit name of a full-width clause."""
    text = "组织开展攻防演练。（牵头单位：市委网信办<img src=x onerror=alert(1)>，配合单位：市公安局）"
    (clause,) = find_clauses(text)
    assert roles(clause) == [(LEAD, "市委网信办<img src=x onerror=alert(1)>"), (COOPERATING, "市公安局")]
    assert_spans(text, clause)


# ---- splitting unit lists ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("各县〔市、区〕人民政府", ["各县〔市、区〕人民政府"]),
        ("各县(市、区)人民政府", ["各县(市、区)人民政府"]),
        ("各县（市、区）人民政府", ["各县（市、区）人民政府"]),
        ("各县（市、区）政府、市直有关单位", ["各县（市、区）政府", "市直有关单位"]),
        ("市公安局、市财政局,市民政局;市人社局，市医保局；市卫健委", ["市公安局", "市财政局", "市民政局", "市人社局",
                                                        "市医保局", "市卫健委"]),
        ("市发改委〔市数据局〕、市委网信办", ["市发改委〔市数据局〕", "市委网信办"]),
        ("各开发区(新区、园区)管委会,市直各单位", ["各开发区(新区、园区)管委会", "市直各单位"]),
    ],
)  # fmt: skip
def test_unit_list_never_splits_inside_brackets(text: str, want: list[str]) -> None:
    units = unit_list(text, 0, RESPONSIBLE)
    assert [u.name for u in units] == want
    for unit in units:
        assert text[unit.start : unit.end] == unit.name


def test_unit_list_offsets() -> None:
    units = unit_list("市公安局、 市财政局等", 100, LEAD)
    assert [(u.name, u.start, u.end) for u in units] == [("市公安局", 100, 104), ("市财政局", 106, 110)]


def test_split_top_level_spans() -> None:
    text = "甲、乙〔丙、丁〕,戊"
    assert [text[s:e] for s, e in split_top_level(text)] == ["甲", "乙〔丙、丁〕", "戊"]


# ---- deadlines ---------------------------------------------------------------------------------

DEADLINES = [
    ("2025年6月底", 2025, date(2025, 6, 30)),
    ("2025年6月底前", 2025, date(2025, 6, 30)),
    ("年底前", 2025, date(2025, 12, 31)),
    ("年底前", 2026, date(2026, 12, 31)),
    ("2025年底前", 2025, date(2025, 12, 31)),
    ("第三季度", 2025, date(2025, 9, 30)),
    ("2025年第三季度", 2026, date(2025, 9, 30)),
    ("2025年第一季度", 2025, date(2025, 3, 31)),
    ("2025年4季度", 2025, date(2025, 12, 31)),
    ("上半年", 2025, date(2025, 6, 30)),
    ("下半年", 2025, date(2025, 12, 31)),
    ("2025年12月31日前", 2025, date(2025, 12, 31)),
    ("2025年2月底", 2025, date(2025, 2, 28)),
    ("2024年2月底", 2024, date(2024, 2, 29)),
    ("2026年6月底", 2025, date(2026, 6, 30)),
    ("9月", 2025, date(2025, 9, 30)),
    ("2025年10月15日", 2025, date(2025, 10, 15)),
    ("6月底前启动,年底前完成", 2025, date(2025, 12, 31)),
    ("2025年9月底前完成", 2025, date(2025, 9, 30)),
    ("长期坚持", 2025, None),
    ("持续推进", 2025, None),
    ("常态化开展", 2025, None),
    ("", 2025, None),
    (None, 2025, None),
    ("年底前", None, None),
    ("2025年2月30日", 2025, None),
    ("2025年13月底", 2025, None),
]


@pytest.mark.parametrize(("text", "year", "want"), DEADLINES, ids=[f"{t}|{y}" for t, y, _ in DEADLINES])
def test_parse_deadline(text: str | None, year: int | None, want: date | None) -> None:
    assert parse_deadline(text, year) == want


def test_a_label_alone_on_its_line_takes_the_list_below_it():
    from plankg.kg.parse import parse_plan

    text = (
        "测试市2025年工作要点\n一、总体\n1.推进工作。做好工作。\n责任单位：\n市数据局\n市公安局、市财政局\n"
        "完成时限：2025年6月底\n2.加强保障。落实责任。\n责任单位：市委网信办\n"
    )
    plan = parse_plan(text, "below.txt")
    first, second = plan.tasks
    assert [(a.role, a.name) for a in first.assignments] == [
        ("responsible", "市数据局"), ("responsible", "市公安局"), ("responsible", "市财政局")]
    assert first.deadline is not None and first.deadline.isoformat() == "2025-06-30"
    assert [(a.role, a.name) for a in second.assignments] == [("responsible", "市委网信办")]
