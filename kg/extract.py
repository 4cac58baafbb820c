"""Mentions in a parsed plan: which unit each name stands for, and the platforms, technologies,
initiatives and regions each task names.  The registries are the gazetteers; names not in them
are still found (units from clauses, platforms from quoted names such as “X”平台)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plankg.kg.ids import iri, short_hash, slug
from plankg.kg.parse import Plan
from plankg.kg.registry import Registry, name_key, unit_key

MENTION_KINDS = ("Platform", "Technology", "Initiative", "Region")
# “X”平台 / “X”系统 / “X”码 ...: a quoted name that a platform word follows, or that ends in one.
PLATFORM_WORDS = "平台|系统|智能体|小程序|门户|APP|App|app|客户端|专区|热线|数据库|一张图|大脑|云|码|通"
QUOTED_PLATFORM = re.compile(rf"“([^”]{{2,20}}?)”\s*((?:移动办公|综合|服务|管理|应用|信息)?(?:{PLATFORM_WORDS}))?")
ENDS_AS_PLATFORM = re.compile(rf"(?:{PLATFORM_WORDS})$")
# A task that relies on what the province (or the nation) provides or requires:
# 依托全省…平台, 结合省…平台建设, 按照省级…要求, 承接使用省…平台, 与省级平台数据共享.
UPWARD = re.compile(
    r"(?:依托|结合|承接使用|承接|按照|根据|对接|接入|融入|落实|与)"
    r"(?:全省|省级|省|国家|全国)[^,，。；;:：]{0,40}?(?:平台|系统|要求|部署|规定|标准|规范|安排|试点)"
    r"(?:数据共享|互联互通|对接|建设)?"
    r"(?:、[^,，。；;]{2,24}?(?:平台|系统))*"
)
UPWARD_PLATFORM = re.compile(r"(?:全省|省级|省|国家|全国)[^,，。；;:：、“”]{2,30}?(?:平台|系统)")

UNIT_TYPES = (  # (pattern, class) in order: the first that matches names the type
    (re.compile(r"^(各|有关|相关)|(各|有关|相关)(单位|部门)$|^.{0,4}直(各|有关)"), "Collective"),
    (re.compile(r"^(中共)?[省市县区]?委(?!员会$)|^[省市县区]委|纪委|监委|党委|党校|组织部|宣传部|统战部|政法委"),
     "PartyOrgan"),
    (re.compile(r"团[省市县区]?委|^团|妇联|工会|科协|残联|侨联|文联|红十字会|工商联"), "PeoplesOrganisation"),
    (re.compile(r"海关|海事局|边防检查站|气象局|税务局|邮政管理局|金融监管|人民银行|通信管理局|统计调查|烟草|铁路|电力"),
     "VerticallyManaged"),
    (re.compile(r"开发区|经开区|高新区|新区管委会|管委会|综合保税区"), "DevelopmentZone"),
    (re.compile(r"人行"), "VerticallyManaged"),
    (re.compile(r"集团|公司$"), "StateOwnedEnterprise"),
    (re.compile(r"大学|学院|学校|医院|研究院|研究所|中心$|图书馆|博物馆"), "PublicInstitution"),
)
# The level a unit's name gives away: 省… / 各设区市 / 市… / 县…, 各县(市、区) …
UNIT_LEVELS = (
    (re.compile(r"^(各设区市|各市)"), "municipal"),
    (re.compile(r"^(各县|各区|各乡|各镇|县|区(?!域)|乡|镇|街道)"), "county"),
    (re.compile(r"^(省|全省)"), "provincial"),
    (re.compile(r"^(市|全市)"), "municipal"),
    (re.compile(r"^(国家|国务院|中央|全国)|部$"), "national"),
)


@dataclass(frozen=True)
class UnitRef:
    iri: str
    name: str  # as the plan writes it (simplified)
    in_registry: bool
    unit_type: str  # a subclass of pk:Unit, e.g. "GovernmentDepartment"
    level: str | None = None  # "provincial" ... where the name tells, else the plan's


@dataclass(frozen=True)
class NewPlatform:
    iri: str
    name: str
    level: str | None = None


@dataclass(frozen=True)
class UpwardReference:
    wording: str  # as the task writes it: 依托全省企业群众诉求统一受理平台
    platforms: tuple[str, ...]  # IRIs of the higher-level platforms it relies on


@dataclass(frozen=True)
class CitedPlan:
    iri: str
    title: str | None
    identifier: str | None
    level: str | None  # from the 文号's issuer: 国发 → national, 赣府发 → provincial
    in_registry: bool


@dataclass
class Extraction:
    region_iri: str | None
    region_slug: str
    units: dict[str, UnitRef] = field(default_factory=dict)  # name as written → unit
    mentions: dict[int, dict[str, set[str]]] = field(default_factory=dict)  # task ordinal → kind → iris
    new_platforms: dict[str, NewPlatform] = field(default_factory=dict)  # iri → platform
    upward: dict[int, list[UpwardReference]] = field(default_factory=dict)  # task ordinal → references
    cited: list[CitedPlan] = field(default_factory=list)


def extract(plan: Plan, registry: Registry) -> Extraction:
    region_iri = registry.region_names.get(name_key(plan.region)) if plan.region else None
    region_slug = region_iri.rsplit("/", 1)[-1] if region_iri else new_region_slug(plan.region, registry)
    result = Extraction(region_iri=region_iri, region_slug=region_slug)
    result.cited = [cited_plan(c.title, c.identifier, registry) for c in plan.citations]
    for task in plan.tasks:
        for assignment in task.assignments:
            if assignment.name not in result.units:
                result.units[assignment.name] = resolve_unit(
                    assignment.name, region_iri, region_slug, registry, plan.region
                )
        found = {kind: find_mentions(task.text, registry, kind) for kind in MENTION_KINDS}
        for platform in new_platforms(task.text, registry):
            result.new_platforms[platform.iri] = platform
            found["Platform"].add(platform.iri)
        result.mentions[task.ordinal] = found
        references = upward_references(task.text, registry, result)
        if references:
            result.upward[task.ordinal] = references
            for reference in references:
                found["Platform"].update(reference.platforms)
    return result


PROVINCE_ABBREVIATIONS = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新"


def cited_plan(title: str | None, identifier: str | None, registry: Registry) -> CitedPlan:
    """The plan a citation names: the registry's where it knows the 文号 or title, else a new node."""
    known = registry.identifiers.get(identifier or "") or next(iter(registry.lookup("Plan", title or "")), None)
    if known:
        return CitedPlan(known, title, identifier, None, True)
    from plankg.kg.build import PlanIds  # the same IRI a build of the cited plan itself would get

    node = PlanIds.for_title(title).plan if title else iri("plan", "doc", slug(identifier or "unknown"))
    return CitedPlan(node, title, identifier, issuer_level(identifier), False)


def issuer_level(identifier: str | None) -> str | None:
    if not identifier:
        return None
    if identifier.startswith(("国", "中发", "中办", "国办")):
        return "national"
    issuer = identifier.split("〔")[0]
    # 赣府发 / 赣府厅字 / 赣办发: the province's government or party office; 赣市府办字 is 赣州 (a city)
    if issuer[0] in PROVINCE_ABBREVIATIONS and issuer[1:2] in ("府", "办", "政"):
        return "provincial"
    return None


def new_region_slug(name: str | None, registry: Registry) -> str:
    """The slug of a place the registry does not know; where its pinyin is a known place's (福州市 and
    抚州市 are both fu-zhou-shi) a short hash of the name keeps the two places, and their units, apart."""
    base = slug(name or "unknown")
    known = {entry.iri.rsplit("/", 1)[-1] for entry in registry.entries.values() if entry.kind == "Region"}
    return f"{base}-{short_hash(name or '', 6)}" if base in known else base


def resolve_unit(
    name: str, region_iri: str | None, region_slug: str, registry: Registry, region_name: str | None = None
) -> UnitRef:
    """The registry's unit for a name (as written, or by its unit_key), else a unit of the plan's place
    whose IRI comes from the key, so 新余市财政局 and 市财政局 in one plan are one unit."""
    key = unit_key(name, region_name)
    entry = registry.unit(name, region_iri) or registry.unit_by_key(key, region_iri)
    if entry is not None:
        return UnitRef(entry.iri, name, True, unit_type(entry.label))
    return UnitRef(iri("unit", region_slug, slug(key)), name, False, unit_type(name), unit_level(name))


def unit_level(name: str) -> str | None:
    for pattern, level in UNIT_LEVELS:
        if pattern.search(name):
            return level
    return None


def unit_type(name: str) -> str:
    for pattern, type_name in UNIT_TYPES:
        if pattern.search(name):
            return type_name
    return "GovernmentDepartment"


def find_mentions(text: str, registry: Registry, kind: str) -> set[str]:
    """The registry entries of one kind whose labels occur in the text.

    A platform named only inside the name of another platform is not mentioned:
    国家网络安全协调指挥平台 is not the city's 网络安全协调指挥平台.  A technology inside another's
    name is (无人机遥感 is also 无人机), so technologies, initiatives and regions keep every match.
    """
    key = name_key(text)
    if kind != "Platform":
        return {entry for label, entry in registry.mention_labels(kind) if label in key}
    spans: list[tuple[int, int, str]] = []
    for label, entry in registry.mention_labels(kind):  # longest first
        start = key.find(label)
        while start >= 0:
            end = start + len(label)
            if not any(s <= start and end <= e and other != entry for s, e, other in spans):
                spans.append((start, end, entry))
            start = key.find(label, start + 1)
    return {entry for _, _, entry in spans}


def upward_references(text: str, registry: Registry, result: Extraction) -> list[UpwardReference]:
    """Wording by which a task relies on the province's or the nation's platforms or requirements."""
    references = []
    for match in UPWARD.finditer(text):
        wording = match.group(0)
        # the wording itself says the platforms it names are the province's (or the nation's)
        platforms = find_mentions(wording, registry, "Platform")
        if not platforms:  # a provincial platform the registry does not know yet
            for name in UPWARD_PLATFORM.findall(wording):
                platform = NewPlatform(iri("platform", slug(name_key(name))), name, level="provincial")
                if name.startswith(("国家", "全国")):
                    platform = NewPlatform(platform.iri, name, level="national")
                result.new_platforms[platform.iri] = platform
                platforms.add(platform.iri)
        references.append(UpwardReference(wording, tuple(sorted(platforms))))
    return references


def new_platforms(text: str, registry: Registry) -> list[NewPlatform]:
    """Quoted names that a platform word follows or ends, and that no registry entry already names."""
    found = []
    for match in QUOTED_PLATFORM.finditer(text):
        quoted, word = match.group(1), match.group(2)
        if not word and (not ENDS_AS_PLATFORM.search(quoted) or len(quoted) < 3):
            continue  # “扫码” is an action; a platform named by its ending has a name before it
        if registry.lookup("Platform", quoted) or (registry.lookup("Initiative", quoted) and not word):
            continue
        name = quoted if (not word or ENDS_AS_PLATFORM.search(quoted)) else quoted + word
        if registry.lookup("Platform", name) or registry.lookup("Technology", quoted):
            continue
        found.append(NewPlatform(iri("platform", slug(name_key(name))), name))
    return found
