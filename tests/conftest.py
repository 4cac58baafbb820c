"""Shared fixtures: the test plans and their gold files, the seed, and a store built from the seed.

Parametrisation over the plans in tests/data is done here (pytest_generate_tests), so every test
module can ask for `gold_case` (one plan file with its gold file) or `plan_file` (every plan file)
and gets one test id per plan.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
REPO_DIR = TESTS_DIR.parent
# CI checks the project out with ../shared beside it; a developer's machine has it too.
SHARED_DIR = REPO_DIR.parent / "shared"
SHARED_SEED_GOLD = SHARED_DIR / "gold" / "seed.json"
LOCAL_SEED_GOLD = DATA_DIR / "seed.gold.json"  # a copy, so the tests never depend on ../shared
PLAN_SUFFIXES = {".txt", ".md", ".html", ".docx"}


@dataclass(frozen=True)
class GoldCase:
    """One plan file and the ground truth it must give."""

    id: str
    document: Path
    gold_file: Path

    @property
    def gold(self) -> dict:
        return json.loads(self.gold_file.read_text(encoding="utf-8"))


def seed_gold_file() -> Path:
    return SHARED_SEED_GOLD if SHARED_SEED_GOLD.is_file() else LOCAL_SEED_GOLD


def seed_document() -> Path:
    from plankg.kg.pipeline import bundled_seed

    return bundled_seed()


def plan_documents() -> list[Path]:
    """Every plan file in tests/data (not the README, gold or alignment files, nor scripts)."""
    return sorted(
        p for p in DATA_DIR.iterdir() if p.suffix.lower() in PLAN_SUFFIXES and p.name != "README.md"
    )


def gold_cases() -> list[GoldCase]:
    """Every tests/data/<name>.gold.json with each plan file named <name>.*, and the seed."""
    cases = []
    for gold_file in sorted(DATA_DIR.glob("*.gold.json")):
        stem = gold_file.name[: -len(".gold.json")]
        if stem == "seed":
            continue
        documents = [p for p in plan_documents() if p.name.startswith(stem + ".")]
        assert documents, f"{gold_file.name} has no plan file beside it"
        for document in documents:
            case_id = stem if len(documents) == 1 else document.name
            cases.append(GoldCase(case_id, document, gold_file))
    cases.append(GoldCase("seed", seed_document(), seed_gold_file()))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "gold_case" in metafunc.fixturenames:
        cases = gold_cases()
        marker = metafunc.definition.get_closest_marker("gold_with")
        if marker is not None:  # only the plans whose gold file gives these keys
            cases = [c for c in cases if all(c.gold.get(key) for key in marker.args)]
        metafunc.parametrize("gold_case", cases, ids=[c.id for c in cases])
    if "plan_file" in metafunc.fixturenames:
        files = [*plan_documents(), seed_document()]
        metafunc.parametrize("plan_file", files, ids=[p.name for p in files])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "gold_with(*keys): run only for the gold files that give these keys")
    # hypothesis keeps caches in ./.hypothesis; a test run writes nothing into the checkout
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:  # pragma: no cover - hypothesis is a test dependency
        return
    config._plankg_hypothesis_home = tempfile.mkdtemp(prefix="plankg-hypothesis-")
    set_hypothesis_home_dir(config._plankg_hypothesis_home)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = getattr(config, "_plankg_hypothesis_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _private_default_store(tmp_path_factory: pytest.TempPathFactory):
    """No test ever touches the user's own store: the default store location is a temporary one."""
    saved = {name: os.environ.get(name) for name in ("PLANKG_STORE", "XDG_DATA_HOME")}
    home = tmp_path_factory.mktemp("xdg")
    os.environ["XDG_DATA_HOME"] = str(home)
    os.environ.pop("PLANKG_STORE", None)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def norm(name: str) -> str:
    """The gold checker's comparison form (shared/checks/extraction.py): traditional → simplified,
    brackets unified, quotes and spaces dropped."""
    name = _t2s().convert(name)
    name = re.sub(r"[〔（(\[【]", "(", name)
    name = re.sub(r"[〕）)\]】]", ")", name)
    name = re.sub(r"[“”「」『』\"'‘’《》]", "", name)
    return re.sub(r"\s+", "", name)


@pytest.fixture(scope="session", name="norm")
def norm_fixture():
    return norm


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return seed_document()


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(seed_gold_file().read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_doc(seed_path: Path):
    from plankg.kg.read import read_document

    return read_document(seed_path)


@pytest.fixture(scope="session")
def seed_plan(seed_doc):
    from plankg.kg.parse import parse_plan

    return parse_plan(seed_doc.text, seed_doc.path)


@pytest.fixture(scope="session")
def registry():
    from plankg.kg.registry import load_registry

    return load_registry()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory, seed_path: Path):
    """A store on disk holding the seed plan, built once per session.

    Tests only read it. It stays open (an Oxigraph store takes a lock), so a test that runs the
    command line in a subprocess builds its own store instead.
    """
    from plankg.kg.pipeline import build_into
    from plankg.kg.store import PlanStore

    store = PlanStore(tmp_path_factory.mktemp("seed-store") / "store")
    build_into(store, [seed_path])
    return store


@pytest.fixture
def empty_store(tmp_path: Path):
    from plankg.kg.store import PlanStore

    return PlanStore(tmp_path / "store")
