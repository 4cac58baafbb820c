"""Synthetic plans in the seed's genre, each with its ground truth, for benchmarks and parser tests.

    python -m benchmarks.corpus --plans N --out DIR [--seed S]

writes N plan files (工作要点, 实施方案, 行动计划 of provinces, cities and counties: the 11 cities of
江西 and the counties of 九江 from ontology/regions.ttl, and places in other provinces) and, for
each, `<name>.gold.json` in the schema of shared/gold/seed.json. The same seed gives the same files,
byte for byte.

What varies from plan to plan, all in forms the parser reads:
- the notice around the plan (印发 notice with 常务会议 approval, a 关于印发…的通知 with 文号, or none);
- the outline: 一、 chapters with 1. tasks numbered through; (一) tasks restarting per chapter;
  (一) sections over 1. tasks; 一、 items that are themselves tasks (clause on a line of its own);
  1、 heading tasks with a body paragraph; 1. heading tasks with (1)(2) sub-items and a closing
  clause line; (一) sections over (1) tasks;
- the clause: (牵头单位:…,配合单位:…) in full- or half-width punctuation, 责任单位：…, X牵头，Y配合,
  W负责, X按职责分工负责, with 完成时限/时间节点 deadlines of several shapes;
- units drawn with Zipf-like weights (a few bureaus in most tasks), the registry's own units for
  九江 and 江西省, and collectives such as 各县（市、区）人民政府;
- platforms, technologies and initiatives from the registries in ontology/ (read with rdflib);
- the file: UTF-8 .txt, GB18030 .txt, Markdown, .docx and a government web page (.html), about
  10 % each of the last four.

Task sentences are composed from phrase templates; no sentence of a real plan is copied.
"""

from __future__ import annotations

import argparse
import calendar
import html
import io
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
PK = "https://w3id.org/plankg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
CN = "零一二三四五六七八九"
FORMAT_SHARES = (("gb18030", 0.10), ("md", 0.10), ("docx", 0.10), ("html", 0.10))  # the rest: UTF-8 .txt


# ---- the registries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registries:
    jiangxi_cities: tuple[str, ...]
    jiujiang_counties: tuple[str, ...]
    units: dict[str, tuple[str, ...]]  # region label → prefLabels of the registry's units there
    platforms: tuple[str, ...]  # prefLabels
    platform_labels: tuple[str, ...]  # every zh label of every platform (to keep filler clear of them)
    technologies: tuple[str, ...]
    initiatives: tuple[str, ...]


@lru_cache(maxsize=1)
def registries() -> Registries:
    import rdflib

    graph = rdflib.Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        graph.parse(path, format="turtle")
    rdf_type = rdflib.RDF.type
    pref, alt = rdflib.URIRef(SKOS + "prefLabel"), rdflib.URIRef(SKOS + "altLabel")
    label = rdflib.URIRef(RDFS + "label")
    part_of, region_p = rdflib.URIRef(PK + "partOfRegion"), rdflib.URIRef(PK + "region")

    def zh(subject, prop=pref) -> list[str]:
        return sorted(str(o) for o in graph.objects(subject, prop) if getattr(o, "language", None) == "zh")

    def of_kind(kind: str) -> list:
        return sorted(graph.subjects(rdf_type, rdflib.URIRef(PK + kind)), key=str)

    regions = {s: zh(s)[0] for s in of_kind("Region") if zh(s)}
    by_label = {v: k for k, v in regions.items()}
    jiangxi, jiujiang = by_label["江西省"], by_label["九江市"]
    cities = tuple(regions[s] for s in regions if (s, part_of, jiangxi) in graph)
    counties = tuple(regions[s] for s in regions if (s, part_of, jiujiang) in graph)
    units: dict[str, list[str]] = {}
    for subject in of_kind("Unit"):  # file order is lost in a graph: keep IRI order, stable
        region = next(iter(graph.objects(subject, region_p)), None)
        if region in regions and zh(subject):
            units.setdefault(regions[region], []).append(zh(subject)[0])
    platforms = of_kind("Platform")
    all_labels = sorted({n for s in platforms for p in (pref, alt, label) for n in zh(s, p) if len(n) >= 2})
    return Registries(
        jiangxi_cities=cities,
        jiujiang_counties=counties,
        units={k: tuple(v) for k, v in units.items()},
        platforms=tuple(zh(s)[0] for s in platforms if zh(s)),
        platform_labels=tuple(all_labels),
        technologies=tuple(zh(s)[0] for s in of_kind("Technology") if zh(s)),
        initiatives=tuple(zh(s)[0] for s in of_kind("Initiative") if zh(s)),
    )


# ---- places and their units ------------------------------------------------------------------------

OTHER_PROVINCES = ("湖南省", "浙江省", "安徽省", "广东省", "四川省", "湖北省")
# Other provinces' cities; none sounds like a registry place (福州 = 抚州, 伊春 = 宜春 in pinyin are left out:
# plankg's identifiers are pinyin slugs, and two places spelled alike would share one).
OTHER_CITIES = (
    "长沙市", "株洲市", "岳阳市", "杭州市", "宁波市", "温州市", "合肥市", "芜湖市", "广州市", "佛山市", "成都市",
    "绵阳市", "武汉市", "宜昌市", "襄阳市", "郑州市", "济南市", "青岛市", "南京市", "苏州市", "无锡市", "厦门市",
    "泉州市", "贵阳市", "昆明市", "西安市", "太原市", "南宁市",
)  # fmt: skip
OTHER_COUNTIES = ("长沙县", "萧山区", "义乌市", "昆山市", "江阴市", "晋江市", "肥西县", "双流区", "浏阳市", "慈溪市")

# Units a place of each level has, most often named first: the order is the Zipf rank.
BUREAUS = (
    "数据局", "发改委", "财政局", "公安局", "行政审批局", "委网信办", "工信局", "市场监管局", "人社局", "自然资源局",
    "住建局", "卫健委", "教育局", "民政局", "生态环境局", "交通运输局", "水利局", "农业农村局", "商务局", "文广旅局",
    "应急管理局", "医保局", "司法局", "城市管理局", "科技局", "统计局", "税务局", "国资委", "委组织部", "委宣传部",
    "委政法委", "信访局", "林业局", "退役军人事务局", "气象局", "审计局", "政府办公室", "机关事务管理局", "档案馆",
    "融媒体中心", "消防救援支队", "邮政管理局", "总工会", "妇联", "残联", "科协",
)  # fmt: skip
PROVINCE_BUREAUS = (
    "数据局", "发展改革委", "财政厅", "公安厅", "政务服务办", "委网信办", "工业和信息化厅", "市场监管局",
    "人力资源社会保障厅", "自然资源厅", "住房城乡建设厅", "卫生健康委", "教育厅", "民政厅", "生态环境厅",
    "交通运输厅", "水利厅", "农业农村厅", "商务厅", "文化和旅游厅", "应急管理厅", "医保局", "司法厅", "科技厅",
    "统计局", "税务局", "国资委", "委组织部", "委宣传部", "信访局", "林业局", "审计厅", "政府办公厅",
)  # fmt: skip
# The registry's own units of 九江 and 江西省, most often named first; the rest follow in registry order.
REGISTRY_FIRST = {
    "九江市": ("市发改委〔市数据局〕", "市财政局", "市公安局", "市行政审批局", "市委网信办", "市工信局", "市市场监管局",
              "市人社局", "市自然资源局", "市住建局", "市卫健委", "市教育局", "市民政局"),
    "江西省": ("省数据局", "省发展改革委", "省财政厅", "省公安厅", "省政务服务办", "省委网信办", "省工业和信息化厅",
              "省市场监管局", "省人力资源社会保障厅", "省自然资源厅", "省卫生健康委", "省教育厅"),
}  # fmt: skip
UNIT_END = re.compile(r"(局|委|办|厅|府|部|会|院|中心|公司|站|队|所|馆|行|联|处|室|单位|部门|海关)$")


@dataclass(frozen=True)
class Place:
    name: str
    level: str  # "province" | "city" | "county"
    prefix: str  # 省 / 市 / 县 / 区: how its own bureaus are written
    units: tuple[str, ...]  # Zipf rank order
    collectives: tuple[str, ...]  # 各县（市、区）人民政府 ...
    in_jiangxi: bool
    issuer: str  # who issues the notice
    doc_prefix: str  # 文号 issuer abbreviation


def place(name: str, level: str, in_jiangxi: bool) -> Place:
    regs = registries()
    prefix = {"province": "省", "city": "市"}.get(level) or name[-1]
    if name in REGISTRY_FIRST:
        first = REGISTRY_FIRST[name]
        own = [u for u in regs.units.get(name, ()) if UNIT_END.search(u) and not u.startswith(("各", "市直", "省直"))]
        own = [u for u in own if "有关" not in u and "各部门" not in u]
        units = tuple(first) + tuple(u for u in own if u not in first)
    else:
        bureaus = PROVINCE_BUREAUS if level == "province" else BUREAUS
        units = tuple(("团" + prefix + "委") if b == "团委" else prefix + b for b in bureaus)
    if level == "province":
        collectives = ("各设区市人民政府", "省直有关单位")
    elif level == "city":
        collectives = ("各县〔市、区〕人民政府" if name == "九江市" else "各县（市、区）人民政府", "市直有关单位")
    elif prefix == "区":
        collectives = ("各街道办事处", "区直有关单位")
    else:
        collectives = ("各乡镇人民政府", prefix + "直有关单位")
    short = name[:-1] if len(name) > 2 else name
    issuer = name + ("人民政府办公厅" if level == "province" else "人民政府办公室")
    doc_prefix = {"province": "府办字", "city": "府办字", "county": "府办发"}[level]
    return Place(name, level, prefix, units, collectives, in_jiangxi, issuer, short[:1] + doc_prefix)


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    regs = registries()
    found = [place("江西省", "province", True)]
    found += [place(c, "city", True) for c in regs.jiangxi_cities]
    found += [place(c, "county", True) for c in regs.jiujiang_counties]
    found += [place(p, "province", False) for p in OTHER_PROVINCES]
    found += [place(c, "city", False) for c in OTHER_CITIES]
    found += [place(c, "county", False) for c in OTHER_COUNTIES]
    return tuple(found)


# ---- phrase banks ---------------------------------------------------------------------------------

TOPICS = (
    "数字政府建设", "数据要素市场化配置改革", "政务服务提质增效", "营商环境数字化改革", "新型智慧城市建设",
    "公共数据开发利用", "数字经济高质量发展", "政务数据共享", "网络安全保障", "数字乡村建设", "智慧医疗健康服务",
    "智慧教育发展", "智慧交通建设", "生态环境智慧监管", "应急管理信息化", "基层治理数字化", "社会信用体系建设",
    "数字文旅融合发展", "智慧养老服务", "数字机关建设", "城市运行管理数字化", "数据基础设施建设",
    "人工智能赋能行动", "低空经济数字化发展",
)  # fmt: skip
CHAPTERS = (
    "规范信息化项目统筹管理", "增强部门数字履职本领", "释放政务数据要素价值", "筑牢数字政府运行底座",
    "守住数字政府安全底线", "优化政务服务供给", "推进社会治理精细化", "提升城市运行效能", "推动数字经济提质扩量",
    "筑牢数据安全防线", "完善数据要素市场体系", "加快数字基础设施布局", "增进民生服务便利", "推进机关运行数字化",
    "深化改革创新试点", "健全协同推进机制",
)  # fmt: skip
SECTIONS = (
    "推进智慧教育", "推进智慧医疗", "提升社保服务", "发展智慧养老", "优化交通出行", "完善城市治理", "强化数据治理",
    "夯实网络基础", "提升监管效能", "深化改革试点", "加强人才支撑", "优化企业服务",
)  # fmt: skip
VERBS = ("推进", "深化", "健全", "完善", "加快", "加强", "提升", "推动", "强化", "优化", "构建", "拓展", "规范", "探索")
OBJECTS = (
    "跨层级数据回流应用", "信息化项目全周期管理", "公共数据授权运营", "一体化政务服务能力", "基层报表减负工作",
    "城市运行监测体系", "政务网络安全防护", "数据资源目录编制", "智慧医疗服务体系", "智慧教育公共服务",
    "社会保障经办服务", "养老服务信息化", "交通运行监测调度", "生态环境智能监测", "自然资源智慧管控",
    "应急指挥调度能力", "市场主体信用监管", "涉企服务集成办理", "工程建设项目审批", "不动产登记网上办理",
    "公共资源交易监管", "政务新媒体管理", "数字机关协同办公", "档案信息化管理", "政务视频资源整合",
    "数据安全风险监测", "关键信息基础设施保护", "信息系统密码应用", "数字化人才培养", "数据要素流通交易",
    "农业农村数据采集", "智慧水利监测预警", "智慧林业资源管护", "文旅数字化服务", "智慧社区服务",
    "医保基金智能监管", "就业服务数字化", "智慧消防建设", "城市排水防涝监测", "数字孪生城市建设",
    "统计数据采集质量", "惠企政策精准推送", "政务服务事项标准化", "跨部门综合监管", "行政执法信息化",
    "食品药品安全追溯", "校园安全智能防控", "城市停车智能管理", "公共交通一码通行", "数字普惠金融服务",
    "乡村治理数字化", "网格化管理服务", "诉求办理闭环管理", "公共法律服务数字化", "退役军人服务信息化",
    "气象灾害监测预警", "地理空间数据体系", "电子档案单套归档", "数据质量治理", "政务信息系统整合",
)  # fmt: skip
ACTS = (
    "统筹推进", "持续完善", "加快建设", "全面梳理", "深入推进", "积极探索", "有序推进", "建立健全", "组织开展",
    "进一步规范", "分类推进", "集中整治", "动态更新", "系统谋划",
)  # fmt: skip
THINGS = (
    "部门间业务协同", "数据归集治理", "共享交换机制", "应用场景清单", "运维保障体系", "标准规范体系", "绩效评估机制",
    "跨部门联动机制", "问题整改清单", "服务事项目录", "基础数据库建设", "主题数据库建设", "考核评价办法",
    "专家咨询制度", "试点示范项目", "数据供需对接", "业务流程再造", "线上线下融合服务", "风险隐患排查",
    "常态化巡检机制", "全流程闭环管理", "资源集约共享",
)  # fmt: skip
GOALS = (
    "提升服务质效", "提高治理效能", "降低运行成本", "增强群众获得感", "为高质量发展提供有力支撑", "切实减轻基层负担",
    "实现全流程闭环管理", "推动工作提质增效", "形成一批可复制推广的经验", "提升企业群众满意度", "筑牢安全底线",
)  # fmt: skip
PREAMBLE_LEADS = (
    "为深入贯彻落实党中央、国务院和省委、省政府关于{topic}的决策部署",
    "为加快推进{topic}，进一步提升治理体系和治理能力现代化水平",
    "为全面落实上级关于{topic}的工作要求，推动各项任务落地见效",
)


def _clean(bank: tuple[str, ...]) -> tuple[str, ...]:
    """Phrases that name no registry platform, so only the sentences meant to mention one do."""
    labels = registries().platform_labels
    return tuple(p for p in bank if not any(label in p for label in labels))


# ---- the plan as the generator composes it ---------------------------------------------------------


@dataclass
class Task:
    number: int
    numeral: str  # as printed: "1", "一", "（一）" …
    chapter: int | None
    title: str
    body: list[str]  # sentences after the title
    sub_items: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    deadline: date | None = None
    platforms: list[str] = field(default_factory=list)
    technologies: list[str] = field(default_factory=list)
    clause: str = ""


@dataclass
class Chapter:
    title: str
    sections: list[tuple[str, list[Task]]]  # (section title or "", tasks)


@dataclass
class GeneratedPlan:
    name: str
    place: Place
    title: str
    genre: str
    year: int  # the year the parser reads from the title (the last of a range)
    years: tuple[int, int]
    issued: date | None
    approved_by: str | None
    header: str  # "approved" | "notice" | "none"
    style: str
    chapters: list[Chapter]
    closing: list[str]  # a closing chapter's (一) paragraphs, without clauses
    fmt: str
    half_width: bool
    preamble: str = ""
    doc_number: str = ""

    @property
    def tasks(self) -> list[Task]:
        return [t for c in self.chapters for _, tasks in c.sections for t in tasks]


STYLES = ("A", "B", "C", "D", "E", "F", "G")
# A 一、 chapters, 1. tasks through the plan (the seed) · B 一、 chapters, (一) tasks per chapter ·
# C 一、 chapters, (一) sections, 1. tasks through · D 一、 items are the tasks, clause on its own line ·
# E 一、 chapters, 1、 heading tasks per chapter with a body paragraph · F 一、 chapters, 1. heading tasks
# with (1)(2) sub-items and a closing clause line · G 一、 chapters, (一) sections, (1) tasks per section


def cn_number(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n - 10] if n > 10 else "")
    return CN[n // 10] + "十" + (CN[n % 10] if n % 10 else "")


def zipf_pick(rng: random.Random, pool: tuple[str, ...], k: int, s: float, exclude: set[str]) -> list[str]:
    """k distinct names, rank r drawn with weight 1 / r^s (a few names in most draws)."""
    candidates = [u for u in pool if u not in exclude]
    weights = [1 / (rank + 1) ** s for rank in range(len(candidates))]
    chosen: list[str] = []
    while len(chosen) < min(k, len(candidates)):
        name = rng.choices(candidates, weights)[0]
        if name not in chosen:
            chosen.append(name)
    return chosen


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def deadline(rng: random.Random, years: tuple[int, int]) -> tuple[str, date | None]:
    """A deadline as a plan writes it and the last day it allows (None: 长期坚持 …)."""
    first, last = years
    single = first == last
    kind = rng.choice(["month", "month_before", "quarter", "year_end", "relative", "ongoing"])
    year = rng.randint(first, last)
    if kind == "month":
        month = rng.randint(3, 12)
        return f"{year}年{month}月底", last_day(year, month)
    if kind == "month_before":
        month = rng.randint(3, 12)
        return f"{year}年{month}月底前", last_day(year, month)
    if kind == "quarter":
        q = rng.randint(1, 4)
        return f"{year}年第{CN[q]}季度", last_day(year, 3 * q)
    if kind == "year_end":
        return f"{year}年底前", date(year, 12, 31)
    if kind == "relative" and single:  # 年底前 / 上半年: the plan's own year
        return rng.choice([("年底前", date(first, 12, 31)), ("上半年", date(first, 6, 30)),
                           ("下半年", date(first, 12, 31))])  # fmt: skip
    return rng.choice(["长期坚持", "持续推进"]), None


def join_units(names: list[str]) -> str:
    return "、".join(names)


def compose_clause(rng: random.Random, task: Task, plan: GeneratedPlan, form: str) -> None:
    """Choose the task's units and write its responsibility clause in `form`."""
    p = plan.place
    collective = p.collectives[0] if rng.random() < 0.4 else None
    if form in ("labelled", "inline_lead"):
        task.lead = zipf_pick(rng, p.units, rng.choices([1, 2, 3], [6, 3, 1])[0], 1.4, set())
        task.cooperating = zipf_pick(rng, p.units, rng.choices(range(7), [1, 3, 3, 2, 2, 1, 1])[0], 1.0, set(task.lead))
        if collective:
            task.cooperating.append(collective)
        if not task.cooperating and form == "inline_lead":
            task.cooperating = zipf_pick(rng, p.units, 1, 1.0, set(task.lead))
    elif form in ("responsible", "inline_responsible"):
        task.responsible = zipf_pick(rng, p.units, rng.choices([1, 2, 3], [5, 3, 2])[0], 1.2, set())
        if collective and form == "responsible":
            task.responsible.append(collective)
        if form == "inline_responsible" and rng.random() < 0.5:
            task.cooperating = zipf_pick(rng, p.units, rng.randint(1, 3), 1.0, set(task.responsible))
    else:  # by division of duties: the collectives, or a few bureaus, each on its own part
        names = zipf_pick(rng, p.units, rng.randint(1, 2), 1.2, set()) if rng.random() < 0.5 else []
        task.responsible = names + list(p.collectives[: rng.randint(1, 2)])
    with_deadline = rng.random() < 0.45
    if with_deadline:
        task.deadline_text, task.deadline = deadline(rng, plan.years)
    hw = plan.half_width
    colon, comma, semi = (":", ",", ";") if hw else ("：", "，", "；")
    open_, close = ("(", ")") if hw else ("（", "）")
    dl_label = rng.choice(["完成时限", "完成时限", "时间节点"])
    dl = f"{semi}{dl_label}{colon}{task.deadline_text}" if with_deadline else ""
    if form == "labelled":
        between = rng.choice([comma, semi])
        coop = f"{between}配合单位{colon}{join_units(task.cooperating)}" if task.cooperating else ""
        inner = f"牵头单位{colon}{join_units(task.lead)}{coop}{dl}"
    elif form == "responsible":
        inner = f"责任单位{colon}{join_units(task.responsible)}{dl}"
    elif form == "inline_lead":
        inner = f"{join_units(task.lead)}牵头{comma}{join_units(task.cooperating)}配合{dl}"
    elif form == "inline_responsible":
        coop = f"{comma}{join_units(task.cooperating)}配合" if task.cooperating else ""
        inner = f"{join_units(task.responsible)}负责{coop}{dl}"
    else:
        inner = f"{join_units(task.responsible)}按职责分工负责{dl}"
    task.clause = inner if plan.style == "D" else open_ + inner + close


def sentence(rng: random.Random, task: Task, plan: GeneratedPlan, kind: str, name: str = "") -> str:
    acts, things, goals = _clean(ACTS), _clean(THINGS), _clean(GOALS)
    act, thing, goal = rng.choice(acts), rng.choice(things), rng.choice(goals)
    if kind == "platform":
        shown = f"“{name}”" if len(name) <= 5 and not name[0].isdigit() else name
        return rng.choice([
            f"依托{shown}，{act}{thing}，{goal}。",
            f"推动{shown}迭代升级，{act}{thing}。",
            f"拓展{shown}应用场景，{goal}。",
            f"加快{shown}推广应用，{act}{thing}，{goal}。",
        ])  # fmt: skip
    if kind == "technology":
        names = "、".join(task.technologies)
        return f"运用{names}等技术，{act}{thing}，{goal}。"
    if kind == "initiative":
        return rng.choice([f"深入推进“{rng.choice(_initiatives())}”改革，{goal}。",
                           f"全面推行“{rng.choice(_initiatives())}”，{act}{thing}。"])  # fmt: skip
    second = rng.choice([t for t in things if t != thing])
    return f"{act}{thing}，{rng.choice(acts)}{second}，{goal}。"


@lru_cache(maxsize=1)
def _initiatives() -> tuple[str, ...]:
    labels = registries().platform_labels
    return tuple(i for i in registries().initiatives if not any(label in i for label in labels))


def platform_pool(p: Place) -> tuple[str, ...]:
    """Platforms a plan of this place names, most often named first."""
    regs = registries()
    local_marks = ("赣", "江西", "九江", "全省", "省", "小赣事", "企业之家")
    pool = [x for x in regs.platforms if p.in_jiangxi or not x.startswith(local_marks)]
    if p.name != "九江市":
        pool = [x for x in pool if "九江" not in x]
    first = ("赣服通", "赣通码", "政务云", "12345热线", "一体化政务大数据平台", "赣政通", "数字政府大脑")
    return tuple([x for x in first if x in pool] + [x for x in pool if x not in first])


def nested(a: str, b: str) -> bool:
    return a in b or b in a


def compose(index: int, seed: int, taken: set[str]) -> GeneratedPlan:
    """Plan number `index` of the corpus for `seed`; `taken` holds the identifiers of titles used so far."""
    from plankg.kg.ids import slug  # plankg names a plan's graph by this slug of its title: keep them apart

    rng = random.Random(f"plankg-corpus/{seed}/{index}")
    all_places = places()
    weights = [3 if p.level == "city" and p.in_jiangxi else 2 if p.in_jiangxi else 1 for p in all_places]
    while True:
        where = rng.choices(all_places, weights)[0]
        genre = rng.choice(["工作要点", "实施方案", "行动计划"])
        topic = rng.choice(TOPICS)
        first = rng.choice([2024, 2025, 2026])
        multi = genre != "工作要点" and rng.random() < 0.5
        years = (first, first + 2) if multi else (first, first)
        if genre == "工作要点":
            title = f"{where.name}{topic}{first}年工作要点"
        elif multi:
            title = f"{where.name}{topic}{genre}（{first}—{first + 2}年）"
        else:
            title = f"{where.name}{first}年{topic}{genre}"
        key = slug(title, max_len=96)
        if key not in taken:
            taken.add(key)
            break
    style = rng.choice(STYLES)
    fmt = "txt"
    roll = rng.random()
    for name, share in FORMAT_SHARES:
        if roll < share:
            fmt = name
            break
        roll -= share
    header = rng.choice(["approved", "approved", "notice", "none"])
    issued = date(first, rng.randint(1, 6), rng.randint(1, 28)) if header != "none" else None
    council = {"province": "省政府", "city": "市政府", "county": where.prefix + "政府"}[where.level]
    approved = f"{council}第{rng.randint(5, 90)}次常务会议" if header == "approved" else None
    plan = GeneratedPlan(
        name=f"plan-{index:05d}", place=where, title=title, genre=genre, year=years[1], years=years, issued=issued,
        approved_by=approved, header=header, style=style, chapters=[], closing=[], fmt=fmt,
        half_width=rng.random() < 0.3,
    )  # fmt: skip
    topic_short = topic
    lead = rng.choice(PREAMBLE_LEADS).format(topic=topic_short)
    own = {"province": "全省", "city": "我市", "county": "我" + where.prefix}[where.level]
    word = {"工作要点": "本工作要点", "实施方案": "本方案", "行动计划": "本行动计划"}[genre]
    plan.preamble = f"{lead}，{rng.choice(_clean(GOALS))}，结合{own}实际，制定{word}。"
    plan.doc_number = f"{where.doc_prefix}〔{first}〕{rng.randint(1, 60)}号"

    # the outline
    n_chapters = 0 if style == "D" else rng.randint(3, 6)
    chapter_titles = rng.sample(_clean(CHAPTERS), n_chapters)
    objects = list(_clean(OBJECTS))
    rng.shuffle(objects)
    verbs = _clean(VERBS)
    titles_used: set[str] = set()

    def new_title() -> str:
        while True:
            obj = objects.pop() if objects else rng.choice(_clean(OBJECTS))
            candidate = rng.choice(verbs) + obj
            if candidate not in titles_used:
                titles_used.add(candidate)
                return candidate

    platforms = platform_pool(where)
    techs = registries().technologies
    forms = ["labelled", "labelled", "responsible", "inline_lead", "inline_responsible", "division"]
    if style == "D":  # a clause on a line of its own is read when it is labelled (责任单位：…)
        forms = ["labelled", "responsible"]
    dialect = rng.sample(forms, rng.randint(1, min(3, len(forms))))  # each plan writes its clauses one to three ways
    number = 0

    def make_task(chapter: int | None, local_number: int) -> Task:
        nonlocal number
        number += 1
        shown = local_number if style in ("B", "E", "G") else number
        task = Task(number=shown, numeral=str(shown), chapter=chapter, title=new_title(), body=[])
        kinds = ["filler"] * rng.randint(1, 2)
        if rng.random() < 0.35:
            task.platforms.append(zipf_pick(rng, platforms, 1, 1.0, set())[0])
            kinds.insert(rng.randint(0, len(kinds)), "platform")
            if rng.random() < 0.2:
                other = [x for x in platforms if not any(nested(x, y) for y in task.platforms)]
                if other:
                    task.platforms.append(zipf_pick(rng, tuple(other), 1, 1.0, set())[0])
                    kinds.append("platform")
        if rng.random() < 0.3:
            task.technologies = rng.sample(techs, rng.randint(1, 2))
            kinds.append("technology")
        if rng.random() < 0.15:
            kinds.append("initiative")
        queue = list(task.platforms)
        for kind in kinds:  # one sentence per platform, in the order chosen
            task.body.append(sentence(rng, task, plan, kind, queue.pop(0) if kind == "platform" else ""))
        if style == "F":
            task.sub_items = [sentence(rng, task, plan, "filler") for _ in range(rng.randint(2, 3))]
        compose_clause(rng, task, plan, rng.choice(dialect))
        return task

    if style == "D":
        plan.chapters = [Chapter("", [("", [make_task(None, i + 1) for i in range(rng.randint(6, 14))])])]
    else:
        for c, chapter_title in enumerate(chapter_titles, start=1):
            if style in ("C", "G"):
                sections = []
                for s_title in rng.sample(_clean(SECTIONS), rng.randint(1, 3)):
                    sections.append((s_title, [make_task(c, i + 1) for i in range(rng.randint(1, 4))]))
            else:
                sections = [("", [make_task(c, i + 1) for i in range(rng.randint(2, 6))])]
            plan.chapters.append(Chapter(chapter_title, sections))
        if rng.random() < 0.3:
            headings = rng.sample(["加强组织领导", "强化督促落实", "做好宣传引导", "强化要素保障"], rng.randint(2, 3))
            plan.closing = [f"{h}。各地各部门要{rng.choice(_clean(ACTS))}{rng.choice(_clean(THINGS))}，"
                            f"{rng.choice(_clean(GOALS))}。" for h in headings]  # fmt: skip
    return plan


# ---- writing it out ------------------------------------------------------------------------------


def lines_of(plan: GeneratedPlan) -> list[tuple[str, str]]:
    """The plan as (kind, text) lines: kind is title, chapter, section, body or notice."""
    p = plan.place
    out: list[tuple[str, str]] = []
    addressees = {
        "province": "各设区市人民政府，省政府各部门：",
        "city": "各县（市、区）人民政府，市政府各部门，市直各单位：",
        "county": f"各乡镇人民政府，{p.prefix}政府各部门：",
    }[p.level]
    issued = f"{plan.issued.year}年{plan.issued.month}月{plan.issued.day}日" if plan.issued else ""
    council = "省" if p.level == "province" else p.prefix
    if plan.header == "approved":
        out += [("notice", addressees),
                ("body", f"《{plan.title}》已经{plan.approved_by}审议通过，现印发给你们，请认真抓好贯彻落实。"),
                ("notice", issued), ("notice", "（此件主动公开）")]  # fmt: skip
    elif plan.header == "notice":
        out += [("title", f"{p.issuer}关于印发{plan.title}的通知"), ("notice", plan.doc_number),
                ("notice", addressees),
                ("body", f"经{council}政府同意，现将《{plan.title}》印发给你们，请认真贯彻执行。"),
                ("notice", p.issuer), ("notice", issued), ("notice", "（此件主动公开）")]  # fmt: skip
    out.append(("title", plan.title))
    out.append(("body", plan.preamble))
    sep = "." if plan.style in ("A", "C", "F") else "、"
    for c, chapter in enumerate(plan.chapters, start=1):
        if plan.style != "D":
            out.append(("chapter", f"{cn_number(c)}、{chapter.title}"))
        for s, (section_title, tasks) in enumerate(chapter.sections, start=1):
            if section_title:
                out.append(("section", f"（{cn_number(s)}）{section_title}"))
            for task in tasks:
                body = "".join(task.body)
                if plan.style == "B":
                    out.append(("body", f"（{cn_number(task.number)}）{task.title}。{body}{task.clause}"))
                elif plan.style == "G":
                    out.append(("body", f"（{task.number}）{task.title}。{body}{task.clause}"))
                elif plan.style == "D":
                    out += [("task", f"{cn_number(task.number)}、{task.title}"), ("body", body), ("body", task.clause)]
                elif plan.style == "E":
                    out += [("task", f"{task.number}{sep}{task.title}"), ("body", body + task.clause)]
                elif plan.style == "F":
                    out.append(("task", f"{task.number}{sep}{task.title}"))
                    items = [s.rstrip("。") for s in task.sub_items]
                    for i, item in enumerate(items, start=1):
                        end = "。" if i == len(items) else "；"
                        out.append(("body", f"（{i}）{body if i == 1 else ''}{item}{end}"))
                    out.append(("body", task.clause))
                else:  # A, C
                    out.append(("body", f"{task.number}{sep}{task.title}。{body}{task.clause}"))
    if plan.closing:
        out.append(("chapter", f"{cn_number(len(plan.chapters) + 1)}、保障措施"))
        for i, paragraph in enumerate(plan.closing, start=1):
            out.append(("body", f"（{cn_number(i)}）{paragraph}"))
    if plan.style == "D":
        out.append(("body", f"各地各部门要{rng_free_goal(plan)}，确保各项任务按期完成。"))
    if plan.header == "approved" and p.level != "province":
        out.append(("notice", f"来源：{p.name[:-1] if len(p.name) > 2 else p.name}发布"))
    return out


def rng_free_goal(plan: GeneratedPlan) -> str:
    return GOALS[len(plan.title) % len(GOALS)]


def render_text(lines: list[tuple[str, str]], indent: bool) -> str:
    pad = "\u3000\u3000" if indent else ""
    return "\n".join((pad + text) if kind == "body" and indent else text for kind, text in lines) + "\n"


def render_md(lines: list[tuple[str, str]]) -> str:
    heads = {"title": "# ", "chapter": "## ", "section": "### ", "task": "#### "}
    return "\n\n".join(heads.get(kind, "") + text for kind, text in lines) + "\n"


def render_html(plan: GeneratedPlan, lines: list[tuple[str, str]]) -> str:
    e = html.escape
    paragraphs = []
    for kind, text in lines:
        if kind == "title" and text == plan.title:  # a page names its plan in an <h1> (else <title> would win)
            paragraphs.append(f'<h1 class="article-title">{e(text)}</h1>')
        elif kind == "title":
            paragraphs.append(f'<p style="text-align:center;"><strong>{e(text)}</strong></p>')
        elif kind in ("chapter", "section", "task"):
            paragraphs.append(f'<p style="text-indent:2em;"><strong>{e(text)}</strong></p>')
        else:
            paragraphs.append(f'<p style="text-indent:2em;">{e(text)}</p>')
    site = plan.place.name + "人民政府"
    body = "\n      ".join(paragraphs)
    links = (("/", "首页"), ("/zwgk/", "政务公开"), ("/zwfw/", "政务服务"), ("/hdjl/", "互动交流"))
    menu = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    side = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in (("/zwgk/zfwj/", "政府文件"),
                                                                              ("/zwgk/zcjd/", "政策解读")))
    sizes = " ".join(f'<a href="javascript:setFontSize({px})">{word}</a>' for px, word in ((20, "大"), (16, "中"),
                                                                                          (14, "小")))
    tools = '<a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a>'
    published = plan.issued.isoformat() if plan.issued else "2025-01-01"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{e(plan.title)}_政府文件_{e(site)}</title>
<script>function setFontSize(s) {{ document.getElementById("zoom").style.fontSize = s + "px"; }}</script>
</head>
<body>
<header class="top">
  <nav class="menu"><ul>{menu}</ul></nav>
</header>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 正文</div>
<div class="main">
  <aside class="sidebar"><h3>政务公开</h3><ul>{side}</ul></aside>
  <div class="content">
    <div class="article-info">发布时间：{published}　浏览次数：<span>{len(plan.title) * 37}</span></div>
    <div class="article-content" id="zoom">
      <p class="font-size">【字体：{sizes}】</p>
      {body}
    </div>
    <div class="article-tools">{tools}</div>
  </div>
</div>
<footer class="footer"><p>主办单位：{e(plan.place.issuer)}</p><p>版权所有：{e(site)}</p></footer>
</body>
</html>
"""


DOCX_TIME = (2025, 1, 1, 9, 0, 0)


def render_docx(plan: GeneratedPlan, lines: list[tuple[str, str]]) -> bytes:
    """One Word paragraph per line; fixed properties and zip timestamps, so the bytes repeat."""
    import datetime as dt

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    fixed = dt.datetime(*DOCX_TIME)
    doc.core_properties.title = plan.title
    doc.core_properties.author = plan.place.issuer
    doc.core_properties.last_modified_by = plan.place.issuer
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed
    doc.core_properties.revision = 1
    for kind, text in lines:
        if kind == "chapter":
            paragraph = doc.add_paragraph(style="Heading 1")
            paragraph.add_run(text)
        elif kind == "title":
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(text).bold = True
        elif kind in ("section", "task"):
            paragraph = doc.add_paragraph()
            paragraph.add_run(text).bold = True
        else:
            paragraph = doc.add_paragraph()
            cut = text.rfind("（")  # a clause in runs of its own, as Word leaves it after edits
            if cut > 0 and text.endswith("）"):
                paragraph.add_run(text[:cut])
                paragraph.add_run(text[cut : cut + 5])
                paragraph.add_run(text[cut + 5 :])
            else:
                paragraph.add_run(text)
    raw = io.BytesIO()
    doc.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=DOCX_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zout.writestr(entry, zin.read(info.filename))
    return out.getvalue()


def gold(plan: GeneratedPlan) -> dict:
    """The ground truth in the schema of shared/gold/seed.json."""
    tasks = plan.tasks
    units = {u for t in tasks for u in (*t.lead, *t.cooperating, *t.responsible)}
    chapters = [{"number": i, "numeral": cn_number(i), "title": c.title} for i, c in enumerate(plan.chapters, 1)]
    if plan.closing:
        chapters.append({"number": len(chapters) + 1, "numeral": cn_number(len(chapters) + 1), "title": "保障措施"})
    if plan.style == "D":
        chapters = []
    platform_mentions: dict[str, set[int]] = {}
    technology_mentions: dict[str, set[int]] = {}
    for task in tasks:
        for name in task.platforms:
            platform_mentions.setdefault(name, set()).add(task.number)
        for name in task.technologies:
            technology_mentions.setdefault(name, set()).add(task.number)
    result: dict = {
        "about": f"Ground truth for a synthetic plan written by benchmarks/corpus.py (style {plan.style}, "
        f"{plan.fmt}); every task, unit, role and deadline is as the generator composed it.",
        "plan": {
            "title": plan.title,
            "issued": plan.issued.isoformat() if plan.issued else None,
            **({"approved_by": plan.approved_by} if plan.approved_by else {}),
            "region": plan.place.name,
            "chapters": len(chapters),
            "tasks": len(tasks),
            "distinct_units": len(units),
        },
        "chapters": chapters,
        "tasks": [
            {
                "number": t.number,
                "chapter": t.chapter,
                "title": t.title,
                "lead": t.lead,
                "cooperating": t.cooperating,
                "responsible": t.responsible,
                **({"deadline": t.deadline.isoformat()} if t.deadline else {}),
            }
            for t in tasks
        ],
        "platform_mentions": {k: sorted(v) for k, v in sorted(platform_mentions.items())},
        "technology_mentions_at_least": {k: sorted(v) for k, v in sorted(technology_mentions.items())},
    }
    if platform_mentions:
        busiest = max(sorted(platform_mentions), key=lambda k: len(platform_mentions[k]))
        touching = {u for t in tasks if busiest in t.platforms for u in (*t.lead, *t.cooperating, *t.responsible)}
        result["units_touching"] = {busiest: sorted(touching)}
    return result


def write_plan(plan: GeneratedPlan, out: Path) -> Path:
    lines = lines_of(plan)
    if plan.fmt == "docx":
        path = out / f"{plan.name}.docx"
        path.write_bytes(render_docx(plan, lines))
    elif plan.fmt == "html":
        path = out / f"{plan.name}.html"
        path.write_text(render_html(plan, lines), encoding="utf-8")
    elif plan.fmt == "md":
        path = out / f"{plan.name}.md"
        path.write_bytes(b"\xef\xbb\xbf" * (len(plan.title) % 2) + render_md(lines).encode("utf-8"))
    elif plan.fmt == "gb18030":
        path = out / f"{plan.name}.txt"
        path.write_bytes(render_text(lines, indent=True).encode("gb18030"))
    else:
        path = out / f"{plan.name}.txt"
        path.write_text(render_text(lines, indent=len(plan.title) % 3 == 0), encoding="utf-8")
    gold_path = out / f"{plan.name}.gold.json"
    gold_path.write_text(json.dumps(gold(plan), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def generate(n: int, out: Path, seed: int = 0) -> list[Path]:
    """Write plans 0 … n-1 of the corpus for `seed` into `out`; the plan files, in order."""
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    return [write_plan(compose(i, seed, taken), out) for i in range(n)]


def gold_file(plan_file: Path) -> Path:
    return plan_file.with_name(plan_file.stem + ".gold.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=300, help="how many plans (default 300)")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write them to")
    parser.add_argument("--seed", type=int, default=0, help="the same seed writes the same files")
    args = parser.parse_args(argv)
    files = generate(args.plans, args.out, args.seed)
    kinds: dict[str, int] = {}
    for f in files:
        kinds[f.suffix] = kinds.get(f.suffix, 0) + 1
    print(f"wrote {len(files)} plans ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}) and their gold files "
          f"to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
