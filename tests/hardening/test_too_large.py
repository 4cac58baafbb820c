"""Inputs too large to be a plan get a clear refusal (the file named, exit 1, no traceback, the store
unchanged), quickly and in little memory, never an out-of-memory or a crash.

- a 200 MB file (sparse: nothing is written to disk), alone or in a folder with good plans;
- a responsibility clause naming 10,000 units, one to a line or all on one line;
- a .docx whose word/document.xml unpacks to 300 MB (a zip bomb of 1 MB, made with a generator),
  also with its sizes understated in the zip's directory, and with the bomb in other parts;
- a web page of 1,000,000 nested tags; and one deep enough to break a recursive tree walk
  (2,000 levels, 10 KB), which must simply be read.

Memory is the peak RSS of the `plankg build` process (os.wait4), compared with the same command
refusing an empty file.
"""

from __future__ import annotations

import struct
import sys
import time
import zipfile
from pathlib import Path

import pytest
from plankg.kg.errors import PlanError
from plankg.kg.parse import parse_plan
from plankg.kg.read import read_document

from .conftest import DATA_DIR, build_store, graph_digests, run_with_peak_rss, seed_and_test_plans

MB = 1024 * 1024
HEAD = "九江市数字政府建设2025年工作要点\n一、总体安排\n1.推进政务数据共享。"
TAIL = "\n2.完成年度目标。(市数据局负责)\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("large") / "store", seed_and_test_plans()[:2])


@pytest.fixture(scope="module")
def before(store: Path) -> dict:
    return graph_digests(store)


@pytest.fixture(scope="module")
def baseline_rss(store: Path, tmp_path_factory: pytest.TempPathFactory) -> int:
    """Peak RSS (kB) of `plankg build` refusing an empty file: what any refusal costs."""
    empty = tmp_path_factory.mktemp("empty") / "empty.txt"
    empty.write_bytes(b"")
    status, output, rss, _ = run_with_peak_rss(build_command(empty, store), timeout=120)
    assert status == 1 and "holds no text" in output, output
    print(f"\nrefusing an empty file: peak RSS {rss // 1024} MB")
    return rss


def build_command(source: Path, store: Path) -> list[str]:
    return [sys.executable, "-m", "plankg", "build", str(source), "--store", str(store)]


def refuse(source: Path, store: Path, before: dict, baseline_rss: int, named: Path, *expected: str,
           seconds: float = 30, more_mb: int = 50) -> tuple[str, int, float]:  # fmt: skip
    """`plankg build SOURCE` exits 1 with one line naming `named`, fast, in at most `more_mb` MB more than
    refusing an empty file; the store is as it was."""
    status, output, rss, elapsed = run_with_peak_rss(build_command(source, store), timeout=120)
    assert status == 1, output
    assert "Traceback" not in output, output
    assert str(named) in output and all(text in output for text in expected), output
    assert len(output.strip().splitlines()) <= 3, output
    assert elapsed < seconds, f"{elapsed:.1f} s"
    assert rss < baseline_rss + more_mb * 1024, f"peak RSS {rss // 1024} MB; an empty file: {baseline_rss // 1024} MB"
    assert graph_digests(store) == before
    return output, rss, elapsed


# ---- a 200 MB file -------------------------------------------------------------------------------


def sparse_file(path: Path, size: int, head: bytes = b"") -> Path:
    with open(path, "wb") as out:
        out.write(head)
        out.truncate(size)
    return path


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".html"])
def test_a_200_mb_file_is_refused_unread(tmp_path, store, before, baseline_rss, suffix) -> None:
    big = sparse_file(tmp_path / f"big_plan{suffix}", 200 * MB, HEAD.encode())
    output, rss, elapsed = refuse(big, store, before, baseline_rss, big, "200 MiB", "must be under")
    print(f"\n{big.name}: refused in {elapsed:.2f} s, peak RSS {rss // 1024} MB: {output.strip()}")


def test_a_200_mb_file_among_good_plans_leaves_the_store_as_it_was(tmp_path, store, before, baseline_rss) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    for source in [DATA_DIR / "no_lead_plan.txt", DATA_DIR / "jiangxi_province_2025.txt"]:
        (folder / source.name).write_bytes(source.read_bytes())
    big = sparse_file(folder / "zz_big_plan.txt", 200 * MB, HEAD.encode())
    # the good plans are read and parsed first (the registries, OpenCC: ~60 MB), then the big one refused
    refuse(folder, store, before, baseline_rss, big, "must be under", more_mb=100)


# ---- 10,000 units in one clause ------------------------------------------------------------------

UNITS = [f"市第{i}局" for i in range(10_000)]
LISTS = {
    "bracketed, one unit a line": HEAD + "(牵头单位:\n" + "\n".join(UNITS) + ")" + TAIL,
    "bracketed, one line": HEAD + "(牵头单位:" + "、".join(UNITS) + ")" + TAIL,
    "labelled line": HEAD + "\n责任单位：" + "、".join(UNITS) + TAIL,
    "inline": HEAD + "、".join(UNITS) + "牵头。" + TAIL,
    "1,000 units, one line": HEAD + "(牵头单位:" + "、".join(UNITS[:1000]) + ")" + TAIL,
    "10,000 tasks": HEAD + "\n".join(f"{i % 999 + 1}.推进第{i}项工作。(市第{i}局负责)" for i in range(10_000)) + TAIL,
}


@pytest.mark.parametrize("text", LISTS.values(), ids=LISTS.keys())
def test_a_huge_unit_list_is_refused(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(PlanError) as refusal:
        parse_plan(text, "list.txt")
    assert refusal.value.path == "list.txt"
    assert any(words in refusal.value.message for words in ("characters; a task is at most", "units; a task names",
                                                            "tasks; a plan has at most"))  # fmt: skip
    assert time.monotonic() - started < 5


def test_a_unit_list_below_its_label_is_read_or_refused() -> None:
    """责任单位： on a line of its own, the units a line each below it: read, and refused when there are too many."""
    text = HEAD + "\n责任单位：\n" + "\n".join(unit + "、" for unit in UNITS) + TAIL
    try:
        plan = parse_plan(text, "list.txt")
    except PlanError:
        return
    assert len(plan.tasks[0].assignments) == len(UNITS)


def test_a_huge_unit_list_through_the_command_line(tmp_path, store, before, baseline_rss) -> None:
    plan = tmp_path / "unit_list_plan.txt"
    plan.write_text(LISTS["bracketed, one unit a line"], encoding="utf-8")
    refuse(plan, store, before, baseline_rss, plan, "unit_list_plan.txt:3", "a task is at most")


# ---- a zip bomb .docx ----------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def zip_bomb(path: Path, megabytes: int, part: str = "word/document.xml") -> Path:
    """A .docx whose `part` unpacks to `megabytes` MB of paragraphs, written a megabyte at a time."""
    paragraph = "<w:p><w:r><w:t>1.推进政务数据共享，提升政务服务效能。(牵头单位:市数据局)</w:t></w:r></w:p>".encode()
    chunk = paragraph * (MB // len(paragraph))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        if part != "word/document.xml":
            archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>'
                             f"<w:p><w:r><w:t>{HEAD}</w:t></w:r></w:p></w:body></w:document>")  # fmt: skip
        with archive.open(part, "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode())
            for _ in range(megabytes):
                out.write(chunk)
            out.write(b"</w:body></w:document>")
    return path


def test_a_docx_zip_bomb_is_refused(tmp_path, store, before, baseline_rss) -> None:
    bomb = zip_bomb(tmp_path / "bomb_plan.docx", 300)
    assert bomb.stat().st_size < 5 * MB
    output, rss, elapsed = refuse(bomb, store, before, baseline_rss, bomb, "unpacks to more than 50 MB")
    print(f"\n{bomb.name} ({bomb.stat().st_size // 1024} kB → 300 MB): refused in {elapsed:.2f} s, "
          f"peak RSS {rss // 1024} MB: {output.strip()}")  # fmt: skip


def understated(path: Path) -> Path:
    """The same zip with every part's size in its central directory understated as 1000 bytes."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        struct.pack_into("<I", data, at + 24, 1000)  # uncompressed size of this entry
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def test_a_docx_zip_bomb_that_understates_its_size_is_refused(tmp_path, store, before, baseline_rss) -> None:
    """zipfile would unpack the part whole (300 MB, and a copy) before finding its size wrong."""
    bomb = understated(zip_bomb(tmp_path / "lying_bomb.docx", 300))
    with zipfile.ZipFile(bomb) as archive:
        assert all(info.file_size == 1000 for info in archive.infolist())
    _, rss, elapsed = refuse(bomb, store, before, baseline_rss, bomb, "unpacks to more than 50 MB")
    print(f"\n{bomb.name} (says 3 kB, unpacks to 300 MB): refused in {elapsed:.2f} s, peak RSS {rss // 1024} MB")


@pytest.mark.parametrize("part", ["word/styles.xml", "word/media/image1.png"])
def test_a_bomb_in_another_part_of_the_docx_is_refused(tmp_path, part: str) -> None:
    """python-docx reads every part of the package into memory, not only the document."""
    bomb = zip_bomb(tmp_path / "part_bomb.docx", 60, part=part)
    with pytest.raises(PlanError, match="unpacks to more than 50 MB"):
        read_document(bomb)


def test_a_docx_under_the_limit_still_reads(tmp_path) -> None:
    document = read_document(DATA_DIR / "shangrao_plan.docx")
    assert "上饶市" in document.text


# ---- deep HTML -----------------------------------------------------------------------------------


def nested_page(depth: int) -> bytes:
    head = "<html><head><title>九江市数字政府建设2025年工作要点</title></head><body>"
    body = "一、总体安排\n1.推进政务数据共享。(市数据局负责)"
    return (head + "<div>" * depth + body + "</div>" * depth + "</body></html>").encode()


def test_a_page_of_a_million_nested_tags_is_refused(tmp_path, store, before, baseline_rss) -> None:
    page = tmp_path / "nested_plan.html"
    page.write_bytes(nested_page(1_000_000))
    _, rss, elapsed = refuse(page, store, before, baseline_rss, page, "HTML tags")
    print(f"\n{page.name} ({page.stat().st_size // MB} MB): refused in {elapsed:.2f} s, peak RSS {rss // 1024} MB")


@pytest.mark.parametrize("depth", [2_000, 50_000])
def test_a_deeply_nested_page_is_read(tmp_path, depth: int) -> None:
    """Deeper than Python's recursion limit: read all the same, in bounded time."""
    page = tmp_path / "deep_plan.html"
    page.write_bytes(nested_page(depth))
    started = time.monotonic()
    document = read_document(page)
    assert "推进政务数据共享" in document.text
    plan = parse_plan(document.text, str(page))
    assert [a.name for a in plan.tasks[0].assignments] == ["市数据局"]
    assert time.monotonic() - started < 20
