"""Parse normalised plan text into plain Python objects: the notice, chapters, sections, tasks.

No RDF here.  Every element keeps its character span [start, end) in the normalised text.

The outline is read the way a person reads it: each numbering style (一、 / (一) / 1. / (1) / ①)
opens a level the first time it is seen, and a style already open closes everything below it.
Tasks are the items that carry a responsibility clause (and their clause-less siblings);
what stands above them is a chapter (top level) or a section (in between).
"""

from __future__ import annotations

import bisect
import contextlib
import re
from dataclasses import dataclass, field
from datetime import date

from plankg.kg.clauses import CLAUSE_HINT, FIELD_LABELS, Clause, UnitMention, find_clauses, parse_deadline
from plankg.kg.errors import PlanError

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = "[一二三四五六七八九十百零〇两]+"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (style, pattern): the number is group 1; the match ends where the item's own text begins.
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第({CN_NUM})(?:部分|章|篇)\s*")),
    ("cn", re.compile(rf"^({CN_NUM})\s*[、.]\s*")),
    ("cn_paren", re.compile(rf"^[(（]\s*({CN_NUM})\s*[)）]\s*[、.]?\s*")),
    ("arabic", re.compile(r"^(\d{1,3})\s*(?:[、.](?!\d)|\s+(?=[\u4e00-\u9fff]))\s*")),
    ("arabic_paren", re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*[、.]?\s*")),
    ("circled", re.compile(rf"^([{CIRCLED}])\s*")),
)
SUB_ITEM_STYLES = {"arabic_paren", "circled"}
GENRES = (
    "工作要点", "实施方案", "行动计划", "行动方案", "工作方案", "实施意见", "指导意见", "工作计划",
    "规划", "方案", "计划", "要点", "意见",
)  # fmt: skip
NOT_A_TASK = re.compile(
    r"^(总体要求|指导思想|基本原则|工作目标|主要目标|总体目标|发展目标|工作原则|保障措施|组织保障|"
    r"组织实施|组织领导|工作要求|实施步骤|工作步骤|进度安排|有关要求|其他事项|附则|重点任务|主要任务)"
)
# Lines of a web page or a printed page that are not the plan.
FURNITURE = re.compile(
    r"^(【?字[体号][:：]|打印本页|关闭窗口|打印|关闭|分享到|扫一扫|上一篇|下一篇|浏览次数|阅读次数|点击数|"
    r"责任编辑|编辑[:：]|信息来源[:：].{0,30}$|发布时间|发布日期|当前位置|您当前的位置|首页\s*[>›»]|"
    r"[-—–]\s*\d+\s*[-—–]$|第\s*\d+\s*页|\d+\s*/\s*\d+$|【\s*(大|中|小|打印|关闭)|收藏|相关链接|附件下载)"
)
SOURCE_LINE = re.compile(r"^(来源|稿源|文章来源)[:：]\s*(.+)$")
DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PUBLICITY_LINE = re.compile(r"^[(（]?\s*(此件|本件)?\s*(主动公开|依申请公开|不予公开|删减后公开)\s*[)）]?$")
APPROVAL = re.compile(r"已经(.{2,30}?(?:常务会议|全体会议|会议|常委会))(?:审议)?(?:通过|同意)")
QUOTED_TITLE = re.compile(r"《([^》]{4,80})》")
# 文号: issuer abbreviation, year in 〔〕 (or [] / () / 【】 as typed), serial number: 国发〔2022〕14号
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10})\s*[〔\[(【]\s*((?:19|20)\d{2})\s*[〕\])】]\s*(\d{1,4})\s*号")
NOT_ISSUER = "和与及并根据按照对于在的将以为由、"  # words a 文号 can follow in running text
CITATION = re.compile(r"《([^》]{4,80})》(?:\s*[(（]\s*([^()（）]{4,30}?号)\s*[)）])?")
REGION_PREFIX = re.compile(
    r"^(?:中共)?([\u4e00-\u9fff]{1,10}?(?:省|自治区|特别行政区|市|自治州|州|盟|地区|县|自治县|区|旗))"
    r"(?=\S)"
)


@dataclass
class Chapter:
    ordinal: int
    number: int
    numeral: str
    title: str
    start: int
    end: int


@dataclass
class Section:
    ordinal: int
    number: int
    chapter: int | None  # ordinal of its chapter
    title: str
    start: int
    end: int


@dataclass
class Assignment:
    role: str
    name: str  # simplified form, as written otherwise
    start: int
    end: int


@dataclass
class Task:
    ordinal: int
    number: int
    title: str
    text: str  # the whole task without its responsibility clause
    start: int
    end: int
    chapter: int | None
    section: int | None
    assignments: list[Assignment] = field(default_factory=list)
    deadline: date | None = None
    deadline_text: str | None = None


@dataclass
class Notice:
    addressees: list[str] = field(default_factory=list)
    issued: date | None = None
    approved_by: str | None = None
    publicity: str | None = None
    source: str | None = None
    identifier: str | None = None  # the plan's own 文号, on a line of its own in the notice


@dataclass
class Plan:
    title: str
    region: str | None
    level: str | None  # "national" | "provincial" | "municipal" | "county"
    genre: str | None
    year: int | None
    notice: Notice
    preamble: str
    chapters: list[Chapter]
    sections: list[Section]
    tasks: list[Task]
    citations: list[Citation]


@dataclass(frozen=True)
class Citation:
    title: str | None  # 《…》 without the brackets
    identifier: str | None  # 文号 in its standard form: 国发〔2022〕14号


@dataclass
class _Line:
    number: int  # 1-based line number in the normalised text
    start: int
    end: int
    text: str
    wrapped: bool = False  # runs on into the next line (hard-wrapped text)


@dataclass
class _Node:
    style: str
    number: int
    numeral: str
    line: _Line
    content_start: int  # where the item's own text begins (after the marker)
    end: int
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    depth: int = 0


def parse_plan(text: str, path: str = "<text>", fallback_title: str | None = None) -> Plan:
    """Parse a plan's normalised text.  Raises PlanError when no plan can be found in it."""
    lines, dropped = [], []
    for line in _lines(text):
        (dropped if FURNITURE.search(line.text) or _foreign(line.text) else lines).append(line)
    if not lines:
        raise PlanError(path, None, "holds no Chinese text; expected a plan (工作要点, 实施方案, 行动计划 ...)")
    text = _without(text, dropped)
    lines = _unwrap(lines, text)
    notice, title, body_lines = _notice_and_title(lines, fallback_title)
    roots, preamble_lines = _outline(body_lines, text)
    if not roots:
        line = body_lines[0].number if body_lines else lines[-1].number
        raise PlanError(path, line, "found no numbered items (一、 / (一) / 1.); expected the plan's chapters or tasks")
    year = _year(title, notice)
    chapters, sections, tasks = _structure(roots, text, year)
    if not tasks:
        raise PlanError(path, roots[0].line.number, "found no tasks under the numbered items")
    _within_limits(tasks, text, path)
    region = _region(title)
    return Plan(
        title=title,
        region=region,
        level=_level(region, title, notice, tasks),
        genre=next((g for g in GENRES if g in title), None),
        year=year,
        notice=notice,
        preamble="".join(line.text for line in preamble_lines),
        chapters=chapters,
        sections=sections,
        tasks=tasks,
        citations=[c for c in citations(text, title) if c.title or c.identifier != notice.identifier],
    )


# What one plan of the genre holds at most, with room to spare (the seed: 23 tasks of < 400 characters,
# at most 15 units a task); past these a file is not a plan but a table or a list pasted in.
MAX_TASKS = 5000
MAX_TASK_CHARACTERS = 20_000
MAX_UNITS_PER_TASK = 300


def _within_limits(tasks: list[Task], text: str, path: str) -> None:
    if len(tasks) > MAX_TASKS:
        raise PlanError(path, None, f"holds {len(tasks):,} tasks; a plan has at most {MAX_TASKS:,}")
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    for task in tasks:
        line = bisect.bisect_left(newlines, task.start) + 1
        if task.end - task.start > MAX_TASK_CHARACTERS:
            length = task.end - task.start
            raise PlanError(path, line, f"task {task.number} runs for {length:,} characters; a task is at most "
                            f"{MAX_TASK_CHARACTERS:,} (is a table or a list pasted into it?)")  # fmt: skip
        if len(task.assignments) > MAX_UNITS_PER_TASK:
            raise PlanError(path, line, f"task {task.number} names {len(task.assignments):,} units; "
                            f"a task names at most {MAX_UNITS_PER_TASK}")  # fmt: skip


def _without(text: str, dropped: list[_Line]) -> str:
    """The text with page furniture and foreign lines blanked out, offsets unchanged."""
    if not dropped:
        return text
    chars = list(text)
    for line in dropped:
        chars[line.start : line.end] = " " * (line.end - line.start)
    return "".join(chars)


def _unwrap(lines: list[_Line], text: str) -> list[_Line]:
    """Join the lines of text hard-wrapped at a fixed width (pasted from a PDF) back into paragraphs.

    A document is taken as hard-wrapped when most of its long lines have the same length; a line of
    that length runs on into the next unless the next one opens a numbered item.
    """
    widths = [line.end - _line_start(text, line.start) for line in lines]
    long = [w for w in widths if w >= 20]
    if len(long) < 8:
        return lines
    width = max(set(long), key=long.count)
    if sum(1 for w in long if width - 1 <= w <= width) < 0.4 * len(long):
        return lines
    merged: list[_Line] = []
    for line, line_width in zip(lines, widths, strict=True):
        previous = merged[-1] if merged else None
        if (previous is not None and previous.wrapped and not _marker(line.text)
                and not DATE_LINE.match(line.text) and not PUBLICITY_LINE.match(line.text)):  # fmt: skip
            merged[-1] = _Line(previous.number, previous.start, line.end, previous.text + line.text,
                               wrapped=line_width >= width - 1)  # fmt: skip
        else:
            merged.append(_Line(line.number, line.start, line.end, line.text, wrapped=line_width >= width - 1))
    return merged


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


# Markdown that plans written as .md carry: heading marks, quotes, bold around a heading.
MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s*|\*\*|__)+")
MARKDOWN_SUFFIX = re.compile(r"(?:\*\*|__)$")


def doc_number(text: str) -> str | None:
    """A 文号 in its standard form (〔〕 brackets, no spaces), or None."""
    match = DOC_NUMBER.search(text)
    if not match:
        return None
    issuer = match.group(1).lstrip(NOT_ISSUER)  # "和赣府厅字" → 赣府厅字
    return f"{issuer}〔{match.group(2)}〕{match.group(3)}号" if issuer else None


def citations(text: str, own_title: str) -> list[Citation]:
    """《title》 (with its 文号 where one follows in brackets) and bare 文号, each once, in order."""
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for match in CITATION.finditer(text):
        title = match.group(1).strip()
        if _same_title(title, own_title) or "关于印发" in title:
            continue
        found.append(Citation(title, doc_number(match.group(2)) if match.group(2) else None))
        taken.append(match.span())
    for match in DOC_NUMBER.finditer(text):
        if not any(s <= match.start() < e for s, e in taken):
            identifier = doc_number(match.group(0))
            if identifier:
                found.append(Citation(None, identifier))
    unique: dict[tuple, Citation] = {}
    for citation in found:
        unique.setdefault((citation.title, citation.identifier), citation)
    return list(unique.values())


def _lines(text: str) -> list[_Line]:
    result = []
    position = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped:
            start = position + raw.index(stripped[0])
            prefix = MARKDOWN_PREFIX.match(stripped)
            if prefix:
                start += prefix.end()
                stripped = stripped[prefix.end() :]
            stripped = MARKDOWN_SUFFIX.sub("", stripped).strip()
            if stripped:
                result.append(_Line(number, start, start + len(stripped), stripped))
        position += len(raw) + 1
    return result


def _foreign(line: str) -> bool:
    """A line in another language (mostly Latin letters, no Chinese): not part of the plan."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in line)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in line)
    return cjk == 0 and (letters >= 3 or not any(ch.isdigit() for ch in line))


def _notice_and_title(lines: list[_Line], fallback_title: str | None) -> tuple[Notice, str, list[_Line]]:
    """Split the notice around the plan (addressees, approval, date, publicity, source) from its body.

    The notice stands before the plan or, as in many 通知, after it ("…关于印发…的通知", 文号,
    addressees, signature, date); annexes (附件) end the body too.
    """
    notice = Notice()
    first_marker = next((i for i, line in enumerate(lines) if _marker(line.text)), len(lines))
    end = next((i for i in range(first_marker, len(lines)) if _END_OF_BODY.search(lines[i].text)), len(lines))
    head, tail = lines[:first_marker], lines[end:]
    notice_lines = head + [line for line in tail if not _ANNEX.match(line.text)]
    joined = "".join(line.text for line in notice_lines)  # a 《title》 may wrap over two lines
    quoted = _quoted_title(joined)
    notice.addressees = _addressees(notice_lines)
    own_number = next((line.text for line in notice_lines if DOC_NUMBER.fullmatch(line.text.strip())), None)
    notice.identifier = doc_number(own_number) if own_number else None
    if m := APPROVAL.search(joined):
        notice.approved_by = m.group(1)
    title_index, title = _title_line(head, quoted)
    if title is None:
        title = quoted or fallback_title or "未命名计划"
    body: list[_Line] = []
    for index, line in enumerate(lines[:end]):
        text = line.text
        if (m := DATE_LINE.match(text)) and notice.issued is None:
            with contextlib.suppress(ValueError):
                notice.issued = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            continue
        if m := PUBLICITY_LINE.match(text):
            notice.publicity = m.group(2)
            continue
        if m := SOURCE_LINE.match(text):
            notice.source = m.group(2).strip()
            continue
        if title_index is not None and index <= title_index:
            continue
        body.append(line)
    for line in tail:  # the notice after the plan: its date, publicity and source
        if (m := DATE_LINE.match(line.text)) and notice.issued is None:
            with contextlib.suppress(ValueError):
                notice.issued = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif m := PUBLICITY_LINE.match(line.text):
            notice.publicity = m.group(2)
        elif m := SOURCE_LINE.match(line.text):
            notice.source = m.group(2).strip()
    return notice, title, body


def _quoted_title(joined: str) -> str | None:
    """The plan's title as the notice quotes it: 《X》已经…通过 / 现将《X》印发 / 关于印发X的通知."""
    for m in QUOTED_TITLE.finditer(joined):
        around = joined[max(0, m.start() - 12) : m.end() + 30]
        if re.search("印发|通过|同意|审议", around):
            return m.group(1)
    if m := NOTICE_TITLE.search(joined):
        return m.group(1).strip("《》")
    return None


def _addressees(notice_lines: list[_Line]) -> list[str]:
    for index, line in enumerate(notice_lines):
        text = line.text
        if text.endswith((":", "：")) and len(text) < 300 and re.search("政府|部门|单位|管委会|各", text):
            previous = notice_lines[index - 1] if index else None
            if previous is not None and previous.number == line.number - 1 and previous.text.startswith("各"):
                text = previous.text + text  # the list wrapped over two lines
            return _split_addressees(text.rstrip(":："))
    return []


def _title_line(head: list[_Line], quoted: str | None) -> tuple[int | None, str | None]:
    """Where the title stands before the plan (one line, or two when it wraps) and what it says."""
    found: tuple[int, str] | None = None
    for index, line in enumerate(head):  # the last match: the plan's own title comes after its notice
        pair = line.text + (head[index + 1].text if index + 1 < len(head) else "")
        if quoted and _same_title(line.text, quoted):
            found = index, _strip_title(line.text)
        elif quoted and index + 1 < len(head) and _same_title(pair, quoted):
            found = index + 1, _strip_title(pair)
    if found is not None:
        last_notice = max((i for i, line in enumerate(head) if _notice_line(line.text)), default=-1)
        return max(found[0], last_notice), found[1]
    if quoted is None:
        for index, line in enumerate(head):
            if _looks_like_title(line.text):
                return index, _strip_title(line.text)
    return None, quoted


def _notice_line(text: str) -> bool:
    """A line of the notice around a plan: 文号, addressees, 《…》印发 / 通过, signature, date."""
    return bool(
        DOC_NUMBER.fullmatch(text)
        or (text.endswith((":", "：")) and len(text) < 300)
        or (QUOTED_TITLE.search(text) and re.search("印发|通过|同意", text))
        or DATE_LINE.match(text)
        or PUBLICITY_LINE.match(text)
        or (len(text) <= 20 and text.endswith(("办公室", "办公厅", "人民政府", "委员会")))
    )


def _strip_title(text: str) -> str:
    text = text.strip("《》 ")
    if m := NOTICE_HEAD.search(text):
        text = m.group(1).strip("《》")
    return text


def _split_addressees(text: str) -> list[str]:
    from plankg.kg.clauses import split_top_level

    return [text[s:e].strip() for s, e in split_top_level(text, ",，;；") if text[s:e].strip()]


def _same_title(line: str, title: str) -> bool:
    def key(s: str) -> str:
        return re.sub(r"[\s《》“”\"]", "", s)

    return key(line) == key(title) or key(line).endswith("关于印发" + key(title) + "的通知")


def _looks_like_title(text: str) -> bool:
    return len(text) <= 60 and "。" not in text and any(g in text for g in GENRES) and not text.endswith((":", "："))


def _marker(text: str) -> tuple[str, re.Match[str]] | None:
    for style, pattern in MARKERS:
        match = pattern.match(text)
        if match and match.end() < len(text):
            return style, match
    return None


def _number(numeral: str) -> int:
    if numeral in CIRCLED:  # before isdigit(): "①".isdigit() is True
        return CIRCLED.index(numeral) + 1
    if numeral.isascii() and numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            current = CN_DIGITS.get(ch, 0)
    return total + current


_ANNEX = re.compile(r"^(附件|附表|附:|附：)")
NOTICE_HEAD = re.compile(r"关于印发(.+?)的通知$")
NOTICE_TITLE = re.compile(r"关于印发(.+?)的通知")
_END_OF_BODY = re.compile(rf"{_ANNEX.pattern}|{NOTICE_HEAD.pattern}")


def _outline(lines: list[_Line], text: str) -> tuple[list[_Node], list[_Line]]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    preamble: list[_Line] = []
    closed = False  # the item above ended with its responsibility clause: a new paragraph is not its own
    for line in lines:
        found = _marker(line.text)
        if found is None:
            if stack and not (closed and not CLAUSE_LINE.match(line.text)):
                stack[-1].end = line.end
                closed = _ends_with_clause(line.text) or _complete_label_line(line.text)
            elif not stack:
                preamble.append(line)
            continue
        closed = _ends_with_clause(line.text)
        style, match = found
        styles = [node.style for node in stack]
        if style in styles:
            del stack[styles.index(style) :]
        node = _Node(
            style=style,
            number=_number(match.group(1)),
            numeral=match.group(1),
            line=line,
            content_start=line.start + match.end(),
            end=line.end,
            parent=stack[-1] if stack else None,
            depth=len(stack) + 1,
        )
        (node.parent.children if node.parent else roots).append(node)
        for ancestor in stack:
            ancestor.end = line.end
        stack.append(node)
    for node in _walk(roots):
        node.end = max([node.end, *(child.end for child in node.children)])
        own_end = node.children[0].line.start if node.children else node.end
        own = text[node.content_start : own_end]
        node.clauses = [_shift(c, node.content_start) for c in find_clauses(own)]
    for node in _walk(roots):
        _lift_closing_clause(node, text)
    return roots, preamble


# A line that carries on a clause: "完成时限:年底前", "责任单位:…", "(牵头单位:…)".
_FIELD_NAMES = sorted({label for labels in FIELD_LABELS.values() for label in labels}, key=len, reverse=True)
CLAUSE_LINE = re.compile(r"^[(（]?\s*(" + "|".join(_FIELD_NAMES) + r")")


def _complete_label_line(line: str) -> bool:
    """A "责任单位:X、Y" line closes its item; a bare "责任单位:" has its list on the lines below."""
    match = CLAUSE_LINE.match(line)
    return bool(match) and bool(line[match.end() :].strip(" :：(（"))


def _ends_with_clause(line: str) -> bool:
    """Does the line end with a bracketed responsibility clause (牵头单位…) / (X负责)?"""
    line = line.rstrip(" 。.")
    if not line.endswith((")", "）")):
        return False
    opening = max(line.rfind("("), line.rfind("（"))
    return opening >= 0 and bool(CLAUSE_HINT.search(line[opening:]))


def _lift_closing_clause(parent: _Node, text: str) -> None:
    """A clause on a line of its own after the last sub-item closes the item above them:

        1.推进城市运行管理服务平台建设
        (1)完善……;
        (2)推动……。
        (牵头单位:市城市管理局;配合单位:市数据局)

    is one task (1.) with two sub-items, not two tasks of which the second has the clause.
    """
    children = parent.children
    if parent.clauses or len(children) < 2 or any(c.clauses for c in children[:-1]):
        return
    last = children[-1]
    if not last.clauses or last.children:
        return
    standalone = all(text[_line_start(text, c.start) : c.start].strip() == "" for c in last.clauses)
    # a clause that ends the last sub-item's own line counts only under sub-item numbering ((1), ①)
    sub_items = last.style in SUB_ITEM_STYLES and parent.depth > 1
    if standalone or sub_items:
        parent.clauses, last.clauses = last.clauses, []


def _shift(clause: Clause, offset: int) -> Clause:
    units = tuple(UnitMention(u.role, u.name, u.start + offset, u.end + offset) for u in clause.units)
    return Clause(units, clause.deadline_text, clause.start + offset, clause.end + offset)


def _walk(nodes: list[_Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _has_clause_below(node: _Node) -> bool:
    return any(child.clauses or _has_clause_below(child) for child in node.children)


def _task_nodes(roots: list[_Node]) -> list[_Node]:
    """Items carrying a clause with none below, and their clause-less sibling items."""
    all_nodes = list(_walk(roots))
    if not any(node.clauses for node in all_nodes):
        # no clause anywhere: the leaves below the top level, or the top level itself
        deep = [n for n in all_nodes if not n.children and n.depth > 1]
        return deep or [n for n in roots if not n.children]
    tasks = []
    for node in all_nodes:
        if _has_clause_below(node):
            continue
        if node.clauses:
            tasks.append(node)
            continue
        siblings = node.parent.children if node.parent else roots
        clause_siblings = any(s.clauses and s.style == node.style for s in siblings)
        if clause_siblings and not NOT_A_TASK.match(_heading(node)) and (node.parent is None or not node.children):
            tasks.append(node)
    return tasks


def _heading(node: _Node) -> str:
    return node.line.text[node.content_start - node.line.start :]


def _structure(roots: list[_Node], text: str, year: int | None) -> tuple[list[Chapter], list[Section], list[Task]]:
    task_nodes = _task_nodes(roots)
    chapters: list[Chapter] = []
    sections: list[Section] = []
    tasks: list[Task] = []
    top_level_tasks = any(node.depth == 1 for node in task_nodes)
    chapter_of: dict[int, int] = {}
    section_of: dict[int, int] = {}
    if not top_level_tasks:
        for node in roots:
            chapters.append(
                Chapter(len(chapters) + 1, node.number, node.numeral, _title(_heading(node)), node.line.start, node.end)
            )
            chapter_of[id(node)] = len(chapters)
    task_ids = {id(n) for n in task_nodes}
    for node in _walk(roots):
        if node.depth == 2 and not top_level_tasks and id(node) not in task_ids and any(
            id(d) in task_ids for d in _walk(node.children)
        ):
            sections.append(
                Section(
                    len(sections) + 1, node.number, chapter_of.get(id(node.parent)), _title(_heading(node)),
                    node.line.start, node.end,
                )
            )
            section_of[id(node)] = len(sections)
    for node in task_nodes:
        chapter = section = None
        ancestor = node.parent
        while ancestor is not None:
            chapter = chapter_of.get(id(ancestor), chapter)
            section = section_of.get(id(ancestor), section)
            ancestor = ancestor.parent
        tasks.append(_task(node, len(tasks) + 1, text, chapter, section, year))
    return chapters, sections, tasks


def _task(node: _Node, ordinal: int, text: str, chapter: int | None, section: int | None, year: int | None) -> Task:
    # the task's text without its clauses, kept with newlines collapsed
    pieces, cursor = [], node.content_start
    for clause in node.clauses:
        pieces.append(text[cursor : clause.start])
        cursor = clause.end
    pieces.append(text[cursor : node.end])
    plain = re.sub(r"\s*\n\s*", "\n", "".join(pieces)).strip()  # a heading line stays its own line
    title = _title(_heading(node))
    assignments = [Assignment(u.role, u.name, u.start, u.end) for c in node.clauses for u in c.units]
    deadline_text = next((c.deadline_text for c in node.clauses if c.deadline_text), None)
    return Task(
        ordinal=ordinal,
        number=node.number,
        title=title,
        text=plain,
        start=node.line.start,
        end=node.end,
        chapter=chapter,
        section=section,
        assignments=_unique(assignments),
        deadline=parse_deadline(deadline_text, year),
        deadline_text=deadline_text,
    )


def _unique(assignments: list[Assignment]) -> list[Assignment]:
    seen: set[tuple[str, str]] = set()
    result = []
    for a in assignments:
        if (a.role, a.name) not in seen:
            seen.add((a.role, a.name))
            result.append(a)
    return result


def _title(heading: str) -> str:
    """A heading up to its first full stop, without a trailing clause or punctuation."""
    first = heading.split("。")[0]
    for begin, _ in _clause_groups(first):
        first = first[:begin]
        break
    return first.strip(" 。.;；,，:：")


def _clause_groups(text: str) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in find_clauses(text)]


def _year(title: str, notice: Notice) -> int | None:
    if m := re.search(r"(20\d{2})\s*年", title):
        return int(m.group(1))
    if m := re.search(r"(20\d{2})\s*[-—–至]\s*(20\d{2})", title):
        return int(m.group(2))
    return notice.issued.year if notice.issued else None


def _region(title: str) -> str | None:
    m = REGION_PREFIX.match(title)
    if not m:
        return None
    region = m.group(1)
    rest = title[m.end() :]
    if rest[:1] in ("市", "县", "区", "州") and region[-1] in "州盟":
        region += rest[0]  # 赣州市, 泉州市: the shortest match stopped at 州
    return region


def _level(region: str | None, title: str, notice: Notice, tasks: list[Task]) -> str | None:
    if title.startswith(("国务院", "全国", "国家", "中共中央")):
        return "national"
    if region:
        if region.endswith(("省", "自治区")):
            return "provincial"
        if region.endswith(("县", "旗", "区", "自治县")):
            return "county"
        if region.endswith(("市", "州", "盟", "地区")):
            return "municipal"
    # fall back on who the units are: 省X厅 / 市X局 / 县X局
    prefixes = [a.name[:1] for t in tasks for a in t.assignments]
    for prefix, level in (("省", "provincial"), ("市", "municipal"), ("县", "county")):
        if prefixes and prefixes.count(prefix) > len(prefixes) / 2:
            return level
    return None
