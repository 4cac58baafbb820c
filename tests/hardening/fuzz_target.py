"""Fuzz read + parse on mutated bytes of the test plans: nothing but PlanError may come out, and no
input may hang.  Run by tests/hardening/test_fuzz_mutations.py in a subprocess:

    python tests/hardening/fuzz_target.py WORKDIR RUNS SECONDS

With atheris installed, libFuzzer drives it (coverage-guided through plankg.kg's read, parse and
clauses modules; -timeout gives each input its time limit).  Without atheris a plain mutation loop
does the same work (bit flips, byte and chunk edits, splices between plans, plan tokens put in),
each input under signal.alarm.  Either way the first byte of an input picks the file type
(.txt .md .html .docx) and the rest is the file.  The exit status is 0 when every input was read
or refused with PlanError; otherwise the input is saved in WORKDIR (crash-*, timeout-*) and the
status is not 0.

The count of inputs tried is in libFuzzer's last line, "Done N runs in T second(s)", or in ours,
"fuzz: mutations N runs in T s".
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
import traceback
from pathlib import Path

SUFFIXES = (".txt", ".md", ".html", ".docx")
PER_INPUT_SECONDS = 10
REPO = Path(__file__).resolve().parents[2]
TOKENS = [t.encode() for t in (
    "一、", "二、", "(一)", "（二）", "1.", "2、", "(1)", "①", "第一部分", "牵头单位:", "配合单位：", "责任单位：",
    "完成时限:", "牵头", "配合", "负责", "按职责分工负责", "各县〔市、区〕人民政府", "市数据局", "(", ")", "（", "）",
    "〔", "〕", "、", "，", "；", "。", "\n", "\r\n", "2025年6月底", "年底前", "《", "》", "“", "”", "<p>", "</p>",
    "<div>", "<body>", "<html>", "<!--", "&nbsp;", "\xef\xbb\xbf", "\ufeff", "第", "号", "〔2025〕",
)]  # fmt: skip


# Inputs that once broke reading or parsing, tried first on every run (file-type byte, then the file).
FOUND = [
    b"\x02<meta charset=\"\x00utf-8\"><p>\xe4\xb8\x80\xe3\x80\x81</p>",  # ValueError from lxml: a NUL in the charset
]


class Hang(Exception):
    pass


def seeds() -> list[bytes]:
    """The inputs that broke it once, every plan of tests/data and the seed, each with its file-type byte in front."""
    found = [REPO / "plankg" / "data" / "jiujiang-digital-government-2025.txt"]
    found += sorted(p for p in (REPO / "tests" / "data").iterdir() if p.suffix in SUFFIXES and p.name != "README.md")
    return FOUND + [bytes([SUFFIXES.index(p.suffix)]) + p.read_bytes() for p in found]


def make_check(workdir: Path):
    from plankg.kg.errors import PlanError
    from plankg.kg.parse import parse_plan
    from plankg.kg.read import read_document

    paths = [workdir / f"input{suffix}" for suffix in SUFFIXES]

    def check(data: bytes) -> None:
        if not data:
            return
        path = paths[data[0] % len(SUFFIXES)]
        path.write_bytes(data[1:])
        try:
            document = read_document(path)
            parse_plan(document.text, str(path), fallback_title=path.stem)
        except PlanError as error:
            if error.path != str(path):
                raise AssertionError(f"PlanError names {error.path!r}, not the file read") from error

    return check


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(buffer))
        kind = rng.randrange(7)
        if kind == 0 and buffer:  # flip bits
            i = rng.randrange(len(buffer))
            buffer[i] ^= 1 << rng.randrange(8)
        elif kind == 1:  # random bytes in
            buffer[at:at] = rng.randbytes(rng.randint(1, 8))
        elif kind == 2:  # a span out
            del buffer[at : at + rng.randint(1, 64)]
        elif kind == 3 and buffer:  # a span copied elsewhere
            start = rng.randrange(len(buffer))
            buffer[at:at] = buffer[start : start + rng.randint(1, 256)]
        elif kind == 4:  # a plan token in
            buffer[at:at] = rng.choice(TOKENS)
        elif kind == 5:  # spliced with another plan
            other = rng.choice(pool)
            cut = rng.randint(0, len(other))
            buffer = buffer[:at] + bytearray(other[cut : cut + rng.randint(1, 2048)])
        else:  # cut short
            del buffer[at:]
    if buffer and rng.random() < 0.1:  # another file type
        buffer[0] = rng.randrange(len(SUFFIXES))
    return bytes(buffer)


def with_atheris(workdir: Path, runs: int, seconds: int) -> int:
    import atheris

    with atheris.instrument_imports(include=["plankg.kg"]):
        import plankg.kg.clauses
        import plankg.kg.parse
        import plankg.kg.read  # noqa: F401
    check = make_check(workdir)
    corpus = workdir / "corpus"
    corpus.mkdir(exist_ok=True)
    for index, seed in enumerate(seeds()):
        (corpus / f"seed-{index}").write_bytes(seed)
    argv = [sys.argv[0], f"-runs={runs}", f"-max_total_time={seconds}", f"-timeout={PER_INPUT_SECONDS}",
            "-rss_limit_mb=3072", "-max_len=200000", "-print_final_stats=1",
            f"-artifact_prefix={workdir}/", str(corpus)]  # fmt: skip
    atheris.Setup(argv, check)
    atheris.Fuzz()  # exits the process: 0 when done ("Done N runs in T second(s)"), else non-zero
    return 0


def without_atheris(workdir: Path, runs: int, seconds: int) -> int:
    check = make_check(workdir)
    pool = seeds()
    rng = random.Random(int(os.environ.get("PLANKG_FUZZ_SEED", "0")) or time.time_ns())

    def alarm(signum, frame):
        raise Hang(f"an input ran over {PER_INPUT_SECONDS} s")

    signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    count = 0
    inputs = iter(pool)  # the plans as they are first, then mutations
    while count < runs and time.monotonic() - started < seconds:
        data = next(inputs, None) or mutate(rng.choice(pool), pool, rng)
        count += 1
        signal.alarm(PER_INPUT_SECONDS)
        try:
            check(data)
        except BaseException:
            signal.alarm(0)
            crash = workdir / f"crash-{count}"
            crash.write_bytes(data)
            traceback.print_exc()
            print(f"fuzz: input saved in {crash}", flush=True)
            return 1
        signal.alarm(0)
    print(f"fuzz: mutations {count} runs in {time.monotonic() - started:.1f} s", flush=True)
    return 0


def main() -> int:
    workdir, runs, seconds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    workdir.mkdir(parents=True, exist_ok=True)
    if os.environ.get("PLANKG_FUZZ_ENGINE") != "mutations":
        try:
            import atheris  # noqa: F401
        except ImportError:
            pass
        else:
            return with_atheris(workdir, runs, seconds)
    return without_atheris(workdir, runs, seconds)


if __name__ == "__main__":
    sys.exit(main())
