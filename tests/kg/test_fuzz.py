"""Property-based tests: on any input, reading and parsing raise nothing but PlanError."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from plankg.kg.clauses import find_clauses, parse_deadline
from plankg.kg.errors import PlanError
from plankg.kg.parse import parse_plan
from plankg.kg.read import normalise, read_document

# ~200 examples each, no deadline (a slow 2-core CI machine must not flake), no example database on disk.
# Inputs that once broke the code are kept as explicit @example()s, so they are tried first, every run.
FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SEED_TEXT = normalise(
    (Path(__file__).resolve().parents[2] / "plankg" / "data" / "jiujiang-digital-government-2025.txt").read_text(
        encoding="utf-8"
    ),
    "seed",
    fmt="txt",
    encoding="utf-8",
    checksum="",
).text
SEED_LINES = SEED_TEXT.split("\n")
DOCX_BYTES = (Path(__file__).resolve().parents[1] / "data" / "shangrao_plan.docx").read_bytes()

# Characters plans are made of, so that random text often looks like a plan.
PLAN_ALPHABET = st.sampled_from(
    [*"一二三四五六七八九十、.．1234567890()（）〔〕【】《》“”:：,，;；。 \n\t",
       "牵头单位", "配合单位", "责任单位", "完成时限", "时间节点", "牵头", "配合", "负责", "按职责分工负责",
       "市数据局", "各县〔市、区〕人民政府", "各县(市、区)人民政府", "年底前", "2025年6月底", "第三季度",
       "工作要点", "九江市", "已经市政府第63次常务会议审议通过", "(此件主动公开)", "来源:", "2025年5月23日",
       "## ", "**", "<p>", "&nbsp;", "\r\n", "\u3000", "\ufeff", "①", "第一部分", "附件"]
)  # fmt: skip
plan_like_text = st.lists(PLAN_ALPHABET, max_size=120).map("".join)
BRACKETS = "()（）〔〕【】《》<>[]{}"


def unspaced(text: str) -> str:
    return "".join(text.split())


def check_parse(text: str) -> None:
    try:
        plan = parse_plan(text, "fuzz.txt")
    except PlanError as error:
        assert error.path == "fuzz.txt"
        return
    # what is parsed stays inside the text, and a unit's span holds its name (a line break inside
    # the name, as a mutation may put there, is not part of the name)
    for task in plan.tasks:
        assert 0 <= task.start <= task.end <= len(text)
        for assignment in task.assignments:
            assert unspaced(text[assignment.start : assignment.end]) == unspaced(assignment.name)


@FUZZ
@given(st.text(max_size=400))
@example("")
@example("一、")
@example("1.(")
@example("(牵头单位:")
@example("一、总则\n1.推进工作。(牵头单位:市数据局\n2.完成。)")
@example("①推进工作")  # circled numbers are a marker style: int("①") raised ValueError
def test_parse_arbitrary_text(text: str) -> None:
    check_parse(text)


@FUZZ
@given(plan_like_text)
@example("一、总则\n①推进工作。(市数据局负责)\n②完成。")
def test_parse_plan_like_text(text: str) -> None:
    check_parse(text)


@st.composite
def mutated_seed(draw) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "bracket", "cut", "splice"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "bracket":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(BRACKETS)) + lines[i][at:]
        elif kind == "cut":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at]
        else:  # join a line onto the next one, or split one in two
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(["\n", "", "。", "\n\n"])) + lines[i][at:]
    text = "\n".join(lines)
    if draw(st.booleans()):  # cut the whole document somewhere
        text = text[: draw(st.integers(0, len(text)))]
    return text


@FUZZ
@given(mutated_seed())
def test_parse_mutated_seed(text: str) -> None:
    check_parse(text)


@FUZZ
@given(plan_like_text, st.integers(min_value=1900, max_value=2100) | st.none())
def test_clauses_and_deadlines_never_raise(text: str, year: int | None) -> None:
    for clause in find_clauses(text):
        for unit in clause.units:
            assert unspaced(text[unit.start : unit.end]) == unspaced(unit.name)
        parse_deadline(clause.deadline_text, year)
    parse_deadline(text, year)


# ---- reading random bytes ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check_read(folder: Path, data: bytes, suffix: str) -> None:
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        doc = read_document(path)
    except PlanError as error:
        assert error.path == str(path)
        return
    assert len(doc.text) == len(doc.original) == len(doc.source_offsets)
    check_parse(doc.text)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".docx"])
@FUZZ
@given(data=st.binary(max_size=600))
@example(data=b"\xff\xfe\x00")
@example(data=b"\xfe\xff\x00")
@example(data=b"PK\x03\x04")
def test_read_random_bytes(folder: Path, suffix: str, data: bytes) -> None:
    check_read(folder, data, suffix)


@FUZZ
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_read_encoded_text(folder: Path, text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    check_read(folder, data, ".txt")


DOCX_PARTS = ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels"]


@FUZZ
@given(st.dictionaries(st.sampled_from(DOCX_PARTS), st.binary(max_size=200) | st.text(max_size=200).map(str.encode)))
@example({"[Content_Types].xml": b""})  # lxml XMLSyntaxError
@example({"[Content_Types].xml": b"<x/>"})  # AttributeError inside python-docx
def test_read_broken_docx(folder: Path, parts: dict[str, bytes]) -> None:
    """A real zip whose parts are missing or garbage: a broken Word file, not a crash."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    check_read(folder, buffer.getvalue(), ".docx")


@FUZZ
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=0))
@example(b"\x00", 97)  # zlib.error
@example(b"\x00", 38315)  # RuntimeError: the zip's encryption flag set
def test_read_corrupted_real_docx(folder: Path, noise: bytes, where: int) -> None:
    """The test .docx with a few bytes overwritten somewhere."""
    data = bytearray(DOCX_BYTES)
    at = where % len(data)
    data[at : at + len(noise)] = noise
    check_read(folder, bytes(data), ".docx")
