"""kg/extract.py (+ registry.py): which unit a name stands for, and what each task mentions."""

from __future__ import annotations

from pathlib import Path

import pytest
from plankg.kg.extract import extract, new_platforms, resolve_unit, unit_type
from plankg.kg.ids import PKID
from plankg.kg.parse import parse_plan
from plankg.kg.read import read_document

JIUJIANG = PKID + "region/jiujiang"
UNIT = PKID + "unit/"


def extraction_of(path: Path, registry):
    doc = read_document(path)
    plan = parse_plan(doc.text, str(path), fallback_title=path.stem)
    return plan, extract(plan, registry)


@pytest.fixture(scope="module")
def seed_extraction(seed_plan, registry):
    return extract(seed_plan, registry)


# ---- units -------------------------------------------------------------------------------------


def test_development_and_reform_commission_is_the_data_bureau(seed_extraction, registry) -> None:
    """市发改委〔市数据局〕 is one responsible party: one IRI for all three ways of writing it."""
    unit = seed_extraction.units["市发改委〔市数据局〕"]
    assert unit.in_registry
    for name in ("市发改委", "市数据局", "市发改委〔市数据局〕", "市发改委(市数据局)"):
        assert resolve_unit(name, JIUJIANG, "jiujiang", registry).iri == unit.iri
    labels = {registry.entries[unit.iri].label} | {
        label for label, iris in registry.labels["Unit"].items() if unit.iri in iris
    }
    assert {"市发改委", "市数据局"} <= labels


@pytest.mark.parametrize("name", ["各县〔市、区〕人民政府", "各县(市、区)人民政府", "各县（市、区）人民政府"])
def test_collective_of_counties_is_one_unit(registry, name: str) -> None:
    unit = resolve_unit(name, JIUJIANG, "jiujiang", registry)
    assert unit.iri == UNIT + "jiujiang/ge-xian-shi-qu-ren-min-zheng-fu"
    assert unit.unit_type == "Collective"


def test_seed_units_are_all_jiujiang_units(seed_extraction) -> None:
    assert seed_extraction.region_iri == JIUJIANG
    iris = {u.iri for u in seed_extraction.units.values()}
    assert len(iris) == 38  # distinct units of the seed, aliases merged
    assert all(i.startswith(UNIT + "jiujiang/") for i in iris)
    assert all(u.in_registry for u in seed_extraction.units.values())


@pytest.mark.parametrize(
    ("name", "region_slug"),
    [
        ("ganzhou_implementation_gbk.txt", "gan-zhou-shi"),
        ("hostile_plan.txt", "xin-yu-shi"),
        ("jiangxi_province_2025.txt", "jiangxi"),
        ("jingdezhen_page.html", "jing-de-zhen-shi"),
        ("nanchang_action_plan.md", "nan-chang-shi"),
        ("no_lead_plan.txt", "ping-xiang-shi"),
        ("shangrao_plan.docx", "shang-rao-shi"),
        ("taipei_style_traditional.txt", "xiu-shui-xian"),
    ],
)
def test_units_belong_to_the_plans_region(data_dir: Path, registry, name: str, region_slug: str) -> None:
    """A city's 市数据局 is that city's, never 九江's."""
    _plan, extraction = extraction_of(data_dir / name, registry)
    assert extraction.region_slug == region_slug
    for written, unit in extraction.units.items():
        assert unit.iri.startswith(f"{UNIT}{region_slug}/"), (written, unit.iri)


def test_units_of_an_unknown_city_get_iris_under_its_slug(registry) -> None:
    text = (
        "成都市数据工作2025年工作要点\n"
        "一、夯实基础\n"
        "1.推进政务云建设。(牵头单位:市数据局,配合单位:市公安局、各县(市、区)人民政府、市特别局)\n"
        "2.推进数据共享。(市发改委负责)\n"
    )
    plan = parse_plan(text, "chengdu.txt")
    extraction = extract(plan, registry)
    assert plan.region == "成都市"
    assert extraction.region_iri is None
    assert extraction.region_slug == "cheng-du-shi"
    assert extraction.units["市特别局"].iri == UNIT + "cheng-du-shi/shi-te-bie-ju"
    for written, unit in extraction.units.items():
        assert unit.iri.startswith(UNIT + "cheng-du-shi/"), (written, unit.iri)
        assert not unit.in_registry, written


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("市公安局", "GovernmentDepartment"),
        ("市政府办公室", "GovernmentDepartment"),
        ("市委网信办", "PartyOrgan"),
        ("市委保密机要局", "PartyOrgan"),
        ("团市委", "PeoplesOrganisation"),
        ("市妇联", "PeoplesOrganisation"),
        ("九江海关", "VerticallyManaged"),
        ("九江出入境边防检查站", "VerticallyManaged"),
        ("九江经开区管委会", "DevelopmentZone"),
        ("各县〔市、区〕人民政府", "Collective"),
        ("市直有关单位", "Collective"),
    ],
)
def test_unit_type(name: str, kind: str) -> None:
    assert unit_type(name) == kind


# ---- mentions ----------------------------------------------------------------------------------


def platform_names(extraction, ordinal: int, registry) -> set[str]:
    names = set()
    for target in extraction.mentions[ordinal]["Platform"]:
        entry = registry.entries.get(target)
        names.add(entry.label if entry else extraction.new_platforms[target].name)
    return names


def test_seed_platform_mentions(seed_extraction, seed_gold, registry) -> None:
    for platform, numbers in seed_gold["platform_mentions"].items():
        found = {o for o in seed_extraction.mentions if platform in platform_names(seed_extraction, o, registry)}
        assert found == set(numbers), platform  # the seed's task numbers are its ordinals


def test_seed_mentions_region_and_technology(seed_extraction) -> None:
    assert PKID + "region/hu-kou-xian" in seed_extraction.mentions[17]["Region"]
    technologies = {t.rsplit("/", 1)[-1] for t in seed_extraction.mentions[3]["Technology"]}
    assert {"qu-kuai-lian", "da-shu-ju"} <= technologies


def test_traditional_plan_finds_simplified_platform_labels(data_dir: Path, registry) -> None:
    _plan, extraction = extraction_of(data_dir / "taipei_style_traditional.txt", registry)
    assert "赣通码" in platform_names(extraction, 3, registry)
    assert "赣服通" in platform_names(extraction, 5, registry)
    assert "政务云" in platform_names(extraction, 2, registry)


def test_new_platform_from_a_quoted_name(registry) -> None:
    found = new_platforms("推动“南昌教育云”与国家智慧教育平台对接,建设“城市停车”系统和“一码游上饶”小程序。", registry)
    assert {p.name for p in found} == {"南昌教育云", "城市停车系统", "一码游上饶小程序"}
    assert all(p.iri.isascii() and p.iri.startswith(PKID + "platform/") for p in found)


def test_registry_platforms_are_not_new(registry) -> None:
    assert new_platforms("推动“赣政通”移动办公平台升级,拓展“赣通码”应用。", registry) == []


@pytest.mark.parametrize(
    "text", ["实现定点医药机构医保结算“刷脸”“扫码”全覆盖。", "推行“综合查一次”“扫码入企”。"], ids=["scan", "initiative"]
)
def test_quoted_actions_are_not_platforms(registry, text: str) -> None:
    """“扫码” (scan the code) ends in 码, but it is something people do, not a platform."""
    assert [p.name for p in new_platforms(text, registry)] == []


def test_a_place_whose_pinyin_is_a_known_places_gets_its_own_ids():
    """福州市 (not in the registry) and 抚州市 (in it) are both fu-zhou-shi in pinyin."""
    from plankg.kg.extract import new_region_slug
    from plankg.kg.registry import load_registry

    registry = load_registry()
    fuzhou = new_region_slug("福州市", registry)
    assert fuzhou.startswith("fu-zhou-shi-") and fuzhou != "fu-zhou-shi"
    assert new_region_slug("福州市", registry) == fuzhou  # stable across builds
    assert new_region_slug("昆明市", registry) == "kun-ming-shi"  # no clash, no hash
