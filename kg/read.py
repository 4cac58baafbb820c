"""Read a document (.txt/.md in any common encoding, .docx, .html) into normalised text.

Normalisation keeps one character of output per character of input, so a span in the
normalised text is also a span in the decoded source (`source_offsets` maps any leftover
differences, such as dropped carriage returns).  Full-width ASCII variants become ASCII,
traditional characters become simplified; the original form of every character is kept in
`original` at the same index, so a name can be shown as the document wrote it.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from plankg.kg.errors import PlanError

MAX_BYTES = 20 * 1024 * 1024  # a plan is tens of kilobytes; refuse what cannot be one
MAX_DOCX_UNPACKED = 50 * 1024 * 1024  # a .docx unpacked: python-docx reads every part (a zip bomb: gigabytes)
MAX_HTML_TAGS = 100_000  # a government web page has a few thousand; parsing takes ~30 µs a tag
TEXT_SUFFIXES = {".txt", ".md", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED = sorted(TEXT_SUFFIXES - {""} | HTML_SUFFIXES | DOCX_SUFFIXES)


@dataclass(frozen=True)
class Document:
    path: str
    text: str  # normalised: simplified, half-width ASCII punctuation, "\n" line ends
    original: str  # same length as text: the characters before traditional→simplified
    source_offsets: range | list[int] = field(repr=False)  # text[i] came from decoded source [offsets[i]]
    format: str = "txt"
    encoding: str = "utf-8"
    checksum: str = ""
    traditional: bool = False

    def original_span(self, start: int, end: int) -> str:
        return self.original[start:end]


def read_document(path: str | Path) -> Document:
    """Read one file; raise PlanError naming the file for anything that is not a readable plan."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PlanError(str(path), None, f"cannot open the file ({exc.strerror})") from exc
    if path.is_dir():
        raise PlanError(str(path), None, "is a folder; expected a plan file")
    if size > MAX_BYTES:
        raise PlanError(str(path), None, f"is {size / 2**20:,.0f} MiB; a plan file must be under {MAX_BYTES >> 20} MiB")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    checksum = "sha256:" + hashlib.sha256(data).hexdigest()
    if suffix in DOCX_SUFFIXES:
        raw, encoding, fmt = docx_text(data, str(path)), "docx", "docx"
    elif suffix in HTML_SUFFIXES:
        raw, encoding = html_text(data, str(path))
        fmt = "html"
    elif suffix in TEXT_SUFFIXES:
        raw, encoding = decode(data, str(path))
        fmt = "md" if suffix == ".md" else "txt"
        if looks_like_html(raw):
            raw, encoding = html_text(data, str(path))
            fmt = "html"
    else:
        raise PlanError(str(path), None, f"unsupported file type {suffix!r}; expected one of {', '.join(SUPPORTED)}")
    if not raw.strip():
        raise PlanError(str(path), None, "holds no text")
    return normalise(raw, str(path), fmt=fmt, encoding=encoding, checksum=checksum)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes to text: a BOM wins, then strict UTF-8, then GB18030, then charset detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise PlanError(name, None, f"starts as UTF-16 but is cut short or damaged ({exc.reason})") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # GB18030 decodes almost any byte string, Big5 included (as nonsense): where both decode,
    # let the detector's language model choose between just these two
    candidates = [e for e in ("gb18030", "big5") if _decodes(data, e)]
    if len(candidates) == 1:
        return data.decode(candidates[0]), candidates[0]
    if candidates:
        best = from_bytes(data, cp_isolation=candidates).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise PlanError(name, None, "cannot tell its text encoding; expected UTF-8, GB18030/GBK or Big5 text")
    return str(best), best.encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def docx_text(data: bytes, name: str) -> str:
    import docx

    try:
        if _unpacks_to_more_than(data, MAX_DOCX_UNPACKED):
            raise PlanError(name, None, f"unpacks to more than {MAX_DOCX_UNPACKED >> 20} MB; a .docx plan unpacks "
                            "to a few (is it a zip bomb?)")  # fmt: skip
        document = docx.Document(io.BytesIO(data))  # reads every part whole: checked before
        return "\n".join(_docx_lines(document))
    except PlanError:
        raise
    except Exception as exc:  # a damaged file fails anywhere inside zipfile, zlib, lxml or python-docx
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise PlanError(name, None, f"is not a readable .docx file ({detail})") from exc


def _docx_lines(document) -> list[str]:
    """The body's paragraphs and tables in document order; a table row is one line, its cells apart."""
    from docx.table import Table

    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [_row_texts(row) for row in block.rows]
            lines.extend(table_lines(rows))
        else:
            lines.append(block.text)
    return lines


def _row_texts(row) -> list[str]:
    """A table row's cells as text, one per column; a merged cell, which python-docx gives again for each
    column it spans, counts in its first column only."""
    seen, texts = set(), []
    for cell in row.cells:
        texts.append("" if id(cell._tc) in seen else " ".join(cell.text.split()))
        seen.add(id(cell._tc))
    return texts


# A responsibility table (分工表): which header names which column.
_TASK_HEADER = re.compile(r"任务|工作内容|工作事项|重点工作|事项|举措")
_DETAIL_HEADER = re.compile(r"具体内容|主要内容|工作措施|具体措施|内容")
_LEAD_HEADER = re.compile(r"牵头")
_COOPERATING_HEADER = re.compile(r"配合|协同|参与")
_RESPONSIBLE_HEADER = re.compile(r"责任单位|责任部门|负责单位|主体")
_DEADLINE_HEADER = re.compile(r"时限|时间|进度|节点")


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as lines of text: a responsibility table as task lines (responsibility_lines), any other
    one line per row, its non-empty cells apart."""
    found = responsibility_lines(rows)
    if found is not None:
        return found
    return ["　".join(cell for cell in row if cell) for row in rows]


def responsibility_lines(rows: list[list[str]]) -> list[str] | None:
    """A responsibility table (分工表: its header names a task column and a lead or responsible column)
    as one task line per row in the genre's own form, "N.任务。内容（牵头单位：…；配合单位：…；完成时限：…）",
    which the parser reads like any plan; None for any other table."""
    if not rows:
        return None
    header = rows[0]

    def column(pattern: re.Pattern, taken: set[int]) -> int | None:
        return next((i for i, name in enumerate(header) if i not in taken and pattern.search(name)), None)

    taken: set[int] = set()
    columns = {}
    for key, pattern in (("lead", _LEAD_HEADER), ("cooperating", _COOPERATING_HEADER),
                         ("responsible", _RESPONSIBLE_HEADER), ("deadline", _DEADLINE_HEADER),
                         ("detail", _DETAIL_HEADER), ("task", _TASK_HEADER)):  # fmt: skip
        found = column(pattern, taken)
        if found is not None:
            columns[key] = found
            taken.add(found)
    if "task" not in columns or not ({"lead", "responsible"} & set(columns)):
        return None
    lines = []
    number = 0
    for row in rows[1:]:
        cell = {key: row[i].strip() if i < len(row) else "" for key, i in columns.items()}
        if not cell["task"]:
            continue
        number += 1
        clause = [f"{name}：{cell[key]}" for key, name in (("lead", "牵头单位"), ("cooperating", "配合单位"),
                                                          ("responsible", "责任单位"), ("deadline", "完成时限"))
                  if cell.get(key)]  # fmt: skip
        task = cell["task"].rstrip("。；;")
        detail = cell.get("detail", "").rstrip("。；;")
        text = f"{task}。{detail}。" if detail and detail != task else f"{task}。"
        lines.append(f"{number}.{text}" + (f"（{'；'.join(clause)}）" if clause else ""))
    return lines


def _unpacks_to_more_than(data: bytes, limit: int) -> bool:
    """Do a zip's parts unpack to more than `limit` bytes?  Counted by unpacking them a megabyte at a
    time: the sizes the zip's directory declares may lie, and zipfile unpacks a part whole whatever
    size it claims."""
    import copy
    import zipfile

    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            unbounded = copy.copy(info)
            unbounded.file_size = 1 << 62  # read to the end of the compressed data, not to the declared size
            with archive.open(unbounded) as part:
                while chunk := part.read(1 << 20):
                    total += len(chunk)
                    if total > limit:
                        return True
    return False


# Containers that hold the article on Chinese government sites, most specific first.
ARTICLE_SELECTORS = (
    "article",
    "[class*=TRS_Editor]",
    "[class*=article-content]",
    "[class*=article_content]",
    "[class*=content-text]",
    "[id*=zoom]",
    "[class*=zoom]",
    "[class*=detail]",
    "[id*=content]",
    "[class*=content]",
    "main",
)
DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "template")
BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "table", "article"}


def html_text(data: bytes, name: str) -> tuple[str, str]:
    """The article of a government web page as text, one block per line."""
    from bs4 import BeautifulSoup

    tags = data.count(b"<") - data.count(b"</")  # opening tags, at most: counted before parsing them all
    if tags > MAX_HTML_TAGS:
        raise PlanError(name, None, f"holds {tags:,} HTML tags; a plan's web page has at most {MAX_HTML_TAGS:,}")
    try:
        soup = BeautifulSoup(data, "lxml")
        encoding = soup.original_encoding or "utf-8"
    except ValueError:  # lxml refuses the encoding the page declares (a name with a control character in it)
        markup, encoding = decode(data, name)
        soup = BeautifulSoup(markup, "lxml")
    for tag in soup(DROP_TAGS):
        tag.decompose()
    body = soup.body or soup
    article = best_article(body)
    title_tag = soup.find("title")
    lines: list[str] = []
    if article is not body and title_tag is not None and not article.find(["h1", "h2", "h3"]):
        lines.append(title_tag.get_text(" ", strip=True))
    lines.extend(block_lines(article))
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise PlanError(name, None, "the web page holds no article text")
    return text, encoding


def best_article(body):
    """The container with the most Chinese text among the usual article containers."""
    candidates = []
    for selector in ARTICLE_SELECTORS:
        candidates.extend(body.select(selector))
    best, best_score = body, 0
    total = cjk_count(body.get_text())
    for node in candidates:
        score = cjk_count(node.get_text())
        # the smallest container that still holds most of the page's Chinese text
        if score >= 0.5 * total and (best is body or score < best_score or best_score == 0):
            best, best_score = node, score
    return best


def block_lines(node) -> list[str]:
    from bs4 import NavigableString

    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\r\n\u00a0]+", " ", "".join(current)).strip()
        if text:
            lines.append(text)
        current.clear()

    # depth first without recursion (a page may nest tags thousands deep): a block tag ends the
    # line before it and the line it holds
    stack = [(iter(node.children), False)]
    while stack:
        children, in_block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if in_block:
                flush()
        elif isinstance(child, NavigableString):
            current.append(str(child))
        elif child.name == "table" and (tasks := _html_responsibility_table(child)) is not None:
            flush()
            lines.extend(tasks)
        else:
            block = child.name in BLOCK_TAGS
            if block:
                flush()
            stack.append((iter(child.children), block))
    flush()
    return lines


def _html_responsibility_table(table) -> list[str] | None:
    """A 分工表 on a web page as task lines; None for any other table (pages are often laid out in tables,
    whose text is read as blocks like any other)."""
    if table.find("table") is not None:
        return None
    rows = []
    carried: dict[int, tuple[str, int]] = {}  # column → (text of a cell with rowspan, rows it still covers)
    for row in table.find_all("tr"):
        texts: list[str] = []
        cells = iter(row.find_all(["td", "th"]))
        while True:
            column = len(texts)
            if column in carried:  # a cell from a row above spans this one: a lead unit for several tasks
                text, left = carried.pop(column)
                texts.append(text)
                if left > 1:
                    carried[column] = (text, left - 1)
                continue
            cell = next(cells, None)
            if cell is None:
                break
            text = " ".join(cell.get_text(" ").split())
            down = _span(cell, "rowspan")
            if down > 1:
                carried[column] = (text, down - 1)
            texts += [text] + [""] * (_span(cell, "colspan") - 1)  # across columns: counted in its first
        if texts:
            rows.append(texts)
    return responsibility_lines(rows)


def _span(cell, attribute: str) -> int:
    value = str(cell.get(attribute, "1")).strip()
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


def cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


# Full-width ASCII variants (U+FF01..U+FF5E) map one to one onto ASCII; the ideographic space too.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
# Brackets and quotes are punctuation a plan uses on purpose (〔〕 in unit names, “” around names):
# keep them, except the full-width round brackets and colon that clauses use interchangeably.
_KEEP = {ord("“"), ord("”")}


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# One character in, one out: widths, odd line separators.  Dropped characters are handled apart.
_ONE_TO_ONE = str.maketrans({**{cp: to for cp, to in _WIDTH.items() if cp not in _KEEP},
                             **{ord(c): "\n" for c in "\u2028\u2029\x0b\x0c"}})  # fmt: skip
_DROPPED = re.compile("[\ufeff\u200b\u200c\u200d]|\r(?=\n)")


def normalise(raw: str, path: str, *, fmt: str, encoding: str, checksum: str) -> Document:
    offsets: range | list[int]
    if _DROPPED.search(raw):  # keep the map back to the source for every character that stays
        offsets = [m.start() for m in re.finditer(r"(?s).", raw) if not _DROPPED.match(raw, m.start())]
        raw_kept = _DROPPED.sub("", raw)
    else:
        offsets, raw_kept = range(len(raw)), raw
    chars = raw_kept.replace("\r", "\n").translate(_ONE_TO_ONE)
    original = chars
    text, traditional = to_simplified(original)
    return Document(
        path=path,
        text=text,
        original=original,
        source_offsets=offsets,
        format=fmt,
        encoding=encoding,
        checksum=checksum,
        traditional=traditional,
    )


def to_simplified(text: str) -> tuple[str, bool]:
    """Traditional → simplified, keeping the length so spans stay valid; (text, was_traditional)."""
    converter = _t2s()
    lines = text.split("\n")
    out: list[str] = []
    changed = 0
    for line in lines:
        converted = converter.convert(line)
        if len(converted) != len(line):  # a phrase changed length: fall back to one character at a time
            converted = "".join(c if len(c) == 1 else ch for ch, c in ((ch, converter.convert(ch)) for ch in line))
        changed += sum(1 for a, b in zip(line, converted, strict=True) if a != b)
        out.append(converted)
    simplified = "\n".join(out)
    # a handful of changed characters happen in simplified text too (variant forms); a plan written
    # in traditional characters changes a large share of them
    return simplified, changed > max(3, cjk_count(text) // 50)
