"""Responsibility clauses, unit lists and deadlines: pure functions over normalised text.

A clause names who does a task: labelled ("牵头单位:X、Y;配合单位:Z;完成时限:2025年6月底")
or inline ("X、Y牵头,Z配合", "W负责", "X、Y按职责分工负责").  Unit lists split on 、,;，；
and spaces, never inside brackets, so 各县〔市、区〕人民政府 stays one unit.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

LEAD, COOPERATING, RESPONSIBLE = "lead", "cooperating", "responsible"

OPEN_BRACKETS = "(〔【[（{<《"  # a list never splits inside these (tags and titles included)
CLOSE_BRACKETS = ")〕】]）}>》"

# Field labels of a labelled clause and the role each stands for ("deadline" is not a role).
FIELD_LABELS = {
    LEAD: ("牵头单位", "牵头部门", "牵头责任单位", "主责单位", "主责部门", "主办单位", "牵头"),
    COOPERATING: ("配合单位", "配合部门", "参与单位", "参与部门", "协办单位", "协同单位", "协助单位", "配合"),
    RESPONSIBLE: ("责任单位", "责任部门", "负责单位", "负责部门", "实施单位", "承办单位", "责任主体"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间安排", "时限"),
}
_LABEL_TO_FIELD = {label: name for name, labels in FIELD_LABELS.items() for label in labels}
_LABEL_RE = re.compile(
    "(" + "|".join(sorted(_LABEL_TO_FIELD, key=len, reverse=True)) + r")\s*[:：]\s*"
)
# Inline role suffixes, longest first: "X按职责分工负责" is responsible, "X牵头负责" is lead.
INLINE_SUFFIXES = (
    ("牵头负责", LEAD),
    ("牵头落实", LEAD),
    ("牵头", LEAD),
    ("按职责分工负责", RESPONSIBLE),
    ("按职责分工落实", RESPONSIBLE),
    ("按职能分工负责", RESPONSIBLE),
    ("按职责负责", RESPONSIBLE),
    ("分别负责", RESPONSIBLE),
    ("共同负责", RESPONSIBLE),
    ("具体负责", RESPONSIBLE),
    ("负责落实", RESPONSIBLE),
    ("负责", RESPONSIBLE),
    ("组织实施", RESPONSIBLE),
    ("具体实施", RESPONSIBLE),
    ("抓好落实", RESPONSIBLE),
    ("配合落实", COOPERATING),
    ("协同配合", COOPERATING),
    ("按职责配合", COOPERATING),
    ("配合", COOPERATING),
    ("参与", COOPERATING),
    ("协助", COOPERATING),
    ("落实", RESPONSIBLE),  # after 配合落实 / 负责落实: "各乡镇人民政府落实" carries the task out
)
CLAUSE_HINT = re.compile(
    "|".join(sorted(_LABEL_TO_FIELD, key=len, reverse=True)) + "|" + "|".join(s for s, _ in INLINE_SUFFIXES)
)
# Ends of a unit's name: an inline clause only counts when every name in it looks like a unit.
UNIT_ENDINGS = (
    "局", "委", "办", "厅", "府", "部", "会", "院", "署", "中心", "公司", "站", "队", "所", "馆", "行", "社",
    "联", "团", "处", "室", "集团", "单位", "部门", "政府", "机关", "法院", "检察院", "海关", "银行", "组",
    "协", "科", "台", "司", "区", "市", "县", "镇", "乡", "街道", "村", "学校", "大学", "医院", "协会",
)  # fmt: skip
SEPARATORS = "、,;，；/ \t\n"
MAX_CLAUSE_LENGTH = 400  # characters a bracketed clause may span
UNIT_NAME_STRIP = " \t\n。.,;:、，；：“”\"'"


@dataclass(frozen=True)
class UnitMention:
    role: str
    name: str
    start: int  # offsets relative to the text the clause was parsed from
    end: int


@dataclass(frozen=True)
class Clause:
    units: tuple[UnitMention, ...]
    deadline_text: str | None
    start: int
    end: int


def split_top_level(text: str, separators: str = SEPARATORS) -> list[tuple[int, int]]:
    """Spans of the pieces of `text` between separators that stand outside any bracket."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, ch in enumerate(text):
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return spans


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Spans (start of the opening bracket, end after the closing one) of top-level round-bracket groups."""
    groups: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for index, ch in enumerate(text):
        if ch in "(（":
            stack.append((ch, index))
        elif ch in ")）" and stack:
            _, begin = stack.pop()
            if not stack:
                groups.append((begin, index + 1))
        elif ch == "\n" and stack and index - stack[-1][1] > MAX_CLAUSE_LENGTH:
            stack.clear()  # a bracket left open long before does not run on (a hard wrap may break one)
    return groups


def unit_list(text: str, offset: int, role: str) -> list[UnitMention]:
    """The units named in a list such as "市公安局、市财政局,各县〔市、区〕人民政府"."""
    units = []
    for start, end in split_top_level(text):
        piece = text[start:end]
        name = clean_unit_name(piece)
        if name:
            begin = offset + start + piece.find(name)
            units.append(UnitMention(role, name, begin, begin + len(name)))
    return units


def clean_unit_name(piece: str) -> str:
    name = piece.strip(UNIT_NAME_STRIP)
    name = re.sub(r"^(由|请|及|和|以及)", "", name)
    name = re.sub(r"(等单位|等部门|等)$", "", name)
    return name.strip(UNIT_NAME_STRIP)


def looks_like_unit(name: str) -> bool:
    if not name or len(name) > 40:
        return False
    base = re.sub(r"[(〔【（][^)〕】）]*[)〕】）]$", "", name)  # 市发改委〔市数据局〕 ends in its main name
    return base.endswith(UNIT_ENDINGS) or name.endswith(UNIT_ENDINGS)


def parse_clause(text: str, offset: int = 0) -> Clause | None:
    """Parse the inside of a clause (without its brackets); None when it names no unit."""
    clause = _parse_labelled(text, offset) if _LABEL_RE.search(text) else _parse_inline(text, offset)
    if clause is None or not (clause.units or clause.deadline_text):
        return None
    return clause


def _parse_labelled(text: str, offset: int) -> Clause | None:
    matches = list(_LABEL_RE.finditer(text))
    # text before the first label may itself be an inline clause ("市公安局负责;完成时限:...")
    units: list[UnitMention] = []
    deadline_text = None
    head = text[: matches[0].start()]
    if head.strip(SEPARATORS + "。"):
        inline = _parse_inline(head, offset)
        if inline is None:
            return None
        units.extend(inline.units)
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        field = _LABEL_TO_FIELD[match.group(1)]
        value_end = following.start() if following else len(text)
        value = text[match.end() : value_end]
        if field == "deadline":
            deadline_text = value.strip(SEPARATORS + "。") or None
            continue
        inline = _parse_inline(value, offset + match.end()) if _has_role_words(value) else None
        if inline is not None:  # "责任单位:X牵头,Y配合": the words inside say who does what
            units.extend(inline.units)
            deadline_text = deadline_text or inline.deadline_text
        else:
            units.extend(unit_list(value, offset + match.end(), field))
    return Clause(tuple(units), deadline_text, offset, offset + len(text))


def _has_role_words(value: str) -> bool:
    """Does a list end one of its pieces with a role word (牵头, 配合, 负责 ...)?"""
    suffixes = tuple(s for s, _ in INLINE_SUFFIXES)
    return any(value[s:e].strip().endswith(suffixes) for s, e in split_top_level(value, ",;，；。\n"))


def _parse_inline(text: str, offset: int) -> Clause | None:
    """ "X、Y牵头,Z配合" / "W负责" / "由X负责,Y参与": every name must look like a unit."""
    units: list[UnitMention] = []
    pending: list[tuple[int, int]] = []  # names waiting for the role word that follows them
    deadline_text = None
    for start, end in split_top_level(text, ",;，；。\n"):
        segment = text[start:end].strip()
        if not segment:
            continue
        if DEADLINE_HINT.search(segment) and not segment.endswith(tuple(s for s, _ in INLINE_SUFFIXES)):
            deadline_text = segment
            continue
        role, body_end = None, end
        stripped = text[start:end].rstrip()
        for suffix, suffix_role in INLINE_SUFFIXES:
            if stripped.endswith(suffix):
                role = suffix_role
                body_end = start + len(stripped) - len(suffix)
                break
        if role is None:
            pending.append((start, end))
            continue
        names = [*pending, (start, body_end)]
        pending.clear()
        for name_start, name_end in names:
            found = unit_list(text[name_start:name_end], offset + name_start, role)
            if not found or not all(looks_like_unit(u.name) for u in found):
                return None
            units.extend(found)
    if pending or not units:
        return None
    return Clause(tuple(units), deadline_text, offset, offset + len(text))


def find_clauses(text: str) -> list[Clause]:
    """Every responsibility clause in a task's text: bracketed groups, then labelled lines."""
    clauses: list[Clause] = []
    taken: list[tuple[int, int]] = []
    for begin, end in bracket_groups(text):
        inner = text[begin + 1 : end - 1]
        if not CLAUSE_HINT.search(inner.replace("\n", "")):
            continue
        clause = _parse_unwrapped(inner, begin + 1)
        if clause is not None:
            clauses.append(Clause(clause.units, clause.deadline_text, begin, end))
            taken.append((begin, end))
    # unbracketed "责任单位:X、Y" running to the end of its line
    for match in _LABEL_RE.finditer(text):
        if any(b <= match.start() < e for b, e in taken):
            continue
        line_end = text.find("\n", match.start())
        line_end = len(text) if line_end < 0 else line_end
        if not text[match.end() : line_end].strip():
            line_end = _list_below(text, line_end)  # "责任单位:" alone, the units a line each below it
        clause = parse_clause(text[match.start() : line_end], match.start())
        if clause is not None:
            clauses.append(clause)
            taken.append((clause.start, clause.end))
    if not clauses:
        tail = _tail_sentence_clause(text)
        if tail is not None:
            clauses.append(tail)
    return sorted(clauses, key=lambda c: c.start)


def _list_below(text: str, position: int) -> int:
    """Where a list of names that starts on the next line ends: at a sentence, a long line or a new label."""
    end = position
    while end < len(text):
        next_end = text.find("\n", end + 1)
        next_end = len(text) if next_end < 0 else next_end
        line = text[end + 1 : next_end].strip()
        if not line or "。" in line or len(line) > 80 or _LABEL_RE.match(line):
            break
        end = next_end
    return end


def _parse_unwrapped(text: str, offset: int) -> Clause | None:
    """parse_clause on text that a hard wrap broke over lines ("市\n工业和信息化局"), spans kept."""
    if "\n" not in text:
        return parse_clause(text, offset)
    kept: list[int] = []  # each line's content without the indentation and blanks around it
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            first = position + line.index(stripped[0])
            kept.extend(range(first, first + len(stripped)))
        position += len(line) + 1
    clause = parse_clause("".join(text[i] for i in kept), 0)
    if clause is None:
        return None

    def back(position: int) -> int:
        return offset + (kept[position] if position < len(kept) else len(text))

    units = tuple(UnitMention(u.role, u.name, back(u.start), back(u.end - 1) + 1) for u in clause.units)
    return Clause(units, clause.deadline_text, offset, offset + len(text))


def _tail_sentence_clause(text: str) -> Clause | None:
    """A last sentence that is nothing but a clause: "由市公安局负责。" / "市教育局牵头,市财政局配合。" """
    body = text.rstrip(" \n。")
    cut = max(body.rfind("。"), body.rfind("\n"))
    sentence_start = cut + 1
    sentence = body[sentence_start:]
    if not sentence.strip() or not CLAUSE_HINT.search(sentence) or len(sentence) > 120:
        return None
    clause = _parse_inline(sentence, sentence_start)
    if clause is None:
        return None
    return Clause(clause.units, clause.deadline_text, sentence_start, len(text.rstrip(" \n")))


# ---- deadlines ------------------------------------------------------------------------------

DEADLINE_RE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?|(?P<quarter>第?[一二三四1-4]季度)"
    r"|(?P<half>上半年|下半年)|(?P<yearend>年底|年末|底))(?:底|末|前|中旬|上旬|下旬)*(?:前)?"
)
DEADLINE_HINT = re.compile(r"\d{4}年|\d{1,2}月|年底|年末|季度|上半年|下半年|长期坚持|持续推进|常态化")
_QUARTER_END = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}


def parse_deadline(text: str | None, plan_year: int | None) -> date | None:
    """The last day a deadline allows: 2025年6月底 → 2025-06-30; 年底前 → 12-31 of the plan's year."""
    if not text:
        return None
    text = text.replace(" ", "")
    best: date | None = None
    for match in DEADLINE_RE.finditer(text):
        year = int(match.group("year")) if match.group("year") else plan_year
        if year is None:
            continue
        if match.group("month"):
            month = int(match.group("month"))
            if not 1 <= month <= 12:
                continue
            if match.group("day"):
                try:
                    found = date(year, month, int(match.group("day")))
                except ValueError:
                    continue
            else:
                found = date(year, month, calendar.monthrange(year, month)[1])
        elif match.group("quarter"):
            month = _QUARTER_END[match.group("quarter").strip("第季度")[0]]
            found = date(year, month, calendar.monthrange(year, month)[1])
        elif match.group("half"):
            found = date(year, 6, 30) if match.group("half") == "上半年" else date(year, 12, 31)
        elif match.group("yearend") and (match.group("year") or match.group("yearend") != "底"):
            found = date(year, 12, 31)
        else:
            continue
        best = found if best is None or found > best else best  # "6月底前启动,年底前完成" → the last
    return best
