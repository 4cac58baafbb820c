"""Reading and parsing mutated bytes of the test plans: only PlanError, never another exception, never
a hang.  tests/kg/test_fuzz.py fuzzes with hypothesis (random text, plan-like tokens, line edits of
the seed, random and damaged .docx); this drives tests/hardening/fuzz_target.py, coverage-guided by
atheris (libFuzzer) when it is installed, else by a plain mutation loop, on every plan of tests/data
and the seed, as raw bytes of every file type, in a subprocess with a time limit per input.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ_TARGET = Path(__file__).resolve().parent / "fuzz_target.py"
RUNS = 20_000
SECONDS = 25  # whichever comes first: on 2 cores 100-200 inputs a second (atheris), 200-500 without


def run_fuzzer(workdir: Path, runs: int, seconds: int, engine: str | None = None) -> tuple[str, int]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if engine:
        env["PLANKG_FUZZ_ENGINE"] = engine
    done = subprocess.run([sys.executable, str(FUZZ_TARGET), str(workdir), str(runs), str(seconds)],
                          capture_output=True, text=True, env=env, timeout=seconds + 120)  # fmt: skip
    output = done.stdout + done.stderr
    crashes = sorted(p.name for p in workdir.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert done.returncode == 0 and not crashes, f"exit {done.returncode}, saved {crashes}:\n{output[-6000:]}"
    libfuzzer = re.search(r"Done (\d+) runs in (\d+) second", output)
    ours = re.search(r"fuzz: \w+ (\d+) runs", output)
    runs_done = int((libfuzzer or ours).group(1))
    return output, runs_done


@pytest.mark.slow
def test_mutated_plans_raise_only_plan_error(tmp_path: Path) -> None:
    engine = "atheris" if importlib.util.find_spec("atheris") else "mutations"
    _, runs = run_fuzzer(tmp_path, RUNS, SECONDS)
    print(f"\nfuzz ({engine}): {runs} inputs, no exception but PlanError, none over the time limit")
    assert runs >= 500


def test_the_plain_mutation_loop_runs(tmp_path: Path) -> None:
    """The engine used where atheris does not install: a short run, so it cannot rot unnoticed."""
    _, runs = run_fuzzer(tmp_path, 300, 20, engine="mutations")
    assert runs == 300 or runs > 50


def test_a_control_character_in_the_declared_charset(tmp_path: Path) -> None:
    """Found by the fuzzer: lxml refused the encoding name and its ValueError escaped; the page is read
    with the encoding told from its bytes instead."""
    from plankg.kg.read import read_document

    page = tmp_path / "page.html"
    page.write_bytes('<html><head><meta charset="\x00utf-8"></head><body><p>一、推进工作</p></body></html>'.encode())
    assert read_document(page).text == "一、推进工作"
