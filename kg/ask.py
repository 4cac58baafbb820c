"""Questions in Chinese → the canned query that answers them, with its parameters bound (plankg ask, /api/ask).

Three steps, each a plain function of its input:

1. The question is normalised the way a document is read (kg/read.py): full-width forms become
   half-width, traditional characters simplified; spaces are dropped.
2. What it is about: a `Gazetteer`, built from the store, holds every name a question may use (units by
   their labels, aliases, full names and unambiguous short forms such as 公安局 or 数据局; platforms,
   technologies and initiatives by every label; chapters and tasks by title, part of a title or number;
   plans; levels; unit types), and reads months (6月, 六月, 年底). Where names overlap the longest wins.
3. What is asked: `INTENTS` is a table, one row per question form, each naming the canned query it is
   answered with, the kinds of names its parameters take, and cue words that speak for or against it.
   Every intent whose needs are met gets a score; the best one answers. A question asking for "most"
   gets its rows ordered by the column it means.

Nothing the user typed reaches SPARQL: parameter values are the store's own names for what the question
named (or a number, a month, an IRI from the store), bound through a VALUES block by PlanStore.query.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from plankg.kg.read import normalise
from plankg.kg.sparql import bind_values

# ---- names ------------------------------------------------------------------------------------

EXACT, DERIVED, FRAGMENT = 0, 1, 2  # how a name was got: as written in the store, derived from it, part of a title
CN_DIGITS = "零一二三四五六七八九"
CN_NUMERALS = set("零〇一二两三四五六七八九十百")
NUMBERED_KINDS = {"chapter", "task", "month"}
DATE_WORDS = set("月日年号时点%")
# Natural names of the levels and unit types, by the local name of their term in the ontology (their own
# labels come from the store).
LEVEL_VARIANTS = {
    "National": ("国家级的", "国家层面", "国家一级", "中央级", "全国性"),
    "Provincial": ("省里", "省级的", "省一级", "省上", "省里面", "省内"),
    "Municipal": ("市里", "市级的", "市一级", "市本级", "市里面"),
    "County": ("县里", "县级的", "县一级", "县区级", "区县级"),
}
TYPE_VARIANTS = {
    "PartyOrgan": ("党委机关", "党委单位", "党的部门", "党委工作部门", "党口单位", "党委系统"),
    "GovernmentDepartment": ("政府组成部门", "政府工作部门", "政府机构", "行政部门", "政府单位", "政府职能部门"),
    "PeoplesOrganisation": ("群团单位", "群团", "人民团体", "群众团体", "群团部门"),
    "VerticallyManaged": ("垂直管理部门", "垂直管理机构", "垂管单位", "垂管部门", "垂直单位", "驻市单位",
                          "中央驻市单位", "垂直管理"),
    "DevelopmentZone": ("开发区", "开发区管委会", "园区管委会", "园区"),
    "Collective": ("集合单位", "统称单位"),
    "PublicInstitution": ("事业机构",),
    "StateOwnedEnterprise": ("国企", "国有企业单位", "市属国企"),
}  # fmt: skip
# Kinds whose canned queries take any of their labels (so one label can stand for all that have it).
LABEL_KINDS = {"unit", "platform", "technology", "initiative"}
# Short forms that name no one in particular.
GENERIC_SHORT_FORMS = {"人民政府", "政府", "委员会", "办公室", "管委会", "人民政府办公室", "管理委员会"}
BRACKETS = re.compile(r"[(〔【\[]([^()〔〕【】\[\]]*)[)〕】\]]")
ASCII_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]{1,7}$")  # AI, GIS, 5G, IPv6: English labels a question uses
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def normalise_question(question: str) -> str:
    """The question as kg/read.py normalises a document (half-width, simplified), without spaces."""
    text = normalise(question or "", "<question>", fmt="text", encoding="utf-8", checksum="").text
    return re.sub(r"\s+", "", text)


def _key(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def chinese_number(n: int) -> str:
    """1 → 一, 11 → 十一, 23 → 二十三 (up to 99)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _cn_value(numeral: str) -> int:
    if numeral.isdigit():
        return int(numeral)
    if numeral.startswith("十"):
        return 10 + (CN_DIGITS.index(numeral[1]) if len(numeral) > 1 else 0)
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return CN_DIGITS.index(tens) * 10 + (CN_DIGITS.index(ones) if ones else 0)
    return CN_DIGITS.index(numeral.replace("两", "二"))


@dataclass(frozen=True)
class Entity:
    """Something a question can name: `value` is what the canned query's parameter is bound to."""

    kind: str
    value: str  # a name the canned query matches, a chapter number, a task IRI, a month YYYY-MM
    label: str  # how a question names it (in suggestions and explanations)
    plan: str | None = None  # tasks: the plan they stand in; plans: their IRI
    chapter: int | None = None  # tasks: the number of their chapter (numbering may restart in each)
    plans: frozenset[str] = frozenset()  # units: the plans they take part in


@dataclass(frozen=True)
class Mention:
    """A stretch of the question that names one entity (or several, when the name is ambiguous)."""

    start: int
    end: int
    surface: str
    entities: tuple[Entity, ...]
    quality: int = EXACT

    def of(self, kind: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.kind == kind)


# ---- months -----------------------------------------------------------------------------------

_MONTH = re.compile(r"(?:(\d{4})年)?(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?")
_YEAR_END = re.compile(r"(?:(\d{4})年(?:底|末|终|内)|(?:今年|本年度?)?(?:年底|年末|年终|岁末|年内))")
_HALF = re.compile(r"(?:(\d{4})年)?(上半年|年中|下半年)")
_QUARTER = re.compile(r"(?:(\d{4})年)?第?([一二三四1-4])季度")
_ISO_MONTH = re.compile(r"(?<![0-9])((?:19|20)\d{2})[-/.](1[0-2]|0?[1-9])(?![0-9])")


def _month_entity(year: int, month: int, default_year: int) -> Entity:
    label = f"{month}月" if year == default_year else f"{year}年{month}月"
    return Entity("month", f"{year:04d}-{month:02d}", label)


def find_months(text: str, default_year: int) -> list[tuple[int, int, Entity]]:
    """(start, end, month) for every month the text names: 6月, 2025年6月, 六月, 年底, 上半年, 三季度."""
    found = []
    for match in _MONTH.finditer(text):
        numeral_start = match.start(2)
        before = text[numeral_start - 1] if numeral_start else ""
        if match.group(1) is None and (before.isdigit() or before in CN_NUMERALS):
            continue  # the 1 of 11月 (finditer already took 11月), or 二 of 十二
        year = int(match.group(1)) if match.group(1) else default_year
        found.append((match.start(), match.end(), _month_entity(year, _cn_value(match.group(2)), default_year)))
    for match in _YEAR_END.finditer(text):
        year = int(match.group(1)) if match.group(1) else default_year
        found.append((match.start(), match.end(), _month_entity(year, 12, default_year)))
    for match in _HALF.finditer(text):
        year = int(match.group(1)) if match.group(1) else default_year
        month = 12 if match.group(2) == "下半年" else 6
        found.append((match.start(), match.end(), _month_entity(year, month, default_year)))
    for match in _ISO_MONTH.finditer(text):
        month = _month_entity(int(match.group(1)), int(match.group(2)), default_year)
        found.append((match.start(), match.end(), month))
    for match in _QUARTER.finditer(text):
        year = int(match.group(1)) if match.group(1) else default_year
        found.append((match.start(), match.end(), _month_entity(year, 3 * _cn_value(match.group(2)), default_year)))
    return found


# ---- the gazetteer ----------------------------------------------------------------------------


@dataclass
class Gazetteer:
    """Every name a question may use, read from the store; build it once and share it (it is read-only)."""

    names: dict[str, dict[Entity, int]]  # key form of a name → the entities it names → how it was got
    ambiguous: dict[str, tuple[Entity, ...]]  # names that stand for several entities of one kind
    year: int  # the year a bare month (6月) falls in: the latest plan's
    plans: tuple[Entity, ...] = ()  # the plans with tasks
    by_kind: dict[str, tuple[Entity, ...]] = field(default_factory=dict)  # every unambiguous entity, by kind
    longest: int = 0

    @classmethod
    def from_store(cls, store) -> Gazetteer:
        return _build(store)

    @property
    def default_plan(self) -> Entity | None:
        """The plan a question means when it names none: the only one there is."""
        return self.plans[0] if len(self.plans) == 1 else None

    def lookup(self, name: str) -> list[Entity]:
        """The entities a whole name stands for (one unless it is ambiguous: see `ambiguous`)."""
        text = normalise_question(name)
        found = list(self.names.get(_key(text), {}))
        found += [e for start, end, e in find_months(text, self.year) if (start, end) == (0, len(text))]
        return found

    def mentions(self, text: str) -> list[Mention]:
        """What a (normalised) question names: the longest names first, none overlapping, in text order."""
        key = _key(text)
        hits: list[Mention] = []
        for start in range(len(key)):
            for end in range(min(len(key), start + self.longest), start + 1, -1):
                piece = key[start:end]
                entries = dict(self.names.get(piece, {}))
                for entity in self.ambiguous.get(piece, ()):
                    entries.setdefault(entity, DERIVED)
                if not entries or not _bounded(text, start, end, entries):
                    continue
                quality = min(entries.values())
                best = tuple(e for e, q in entries.items() if q == quality)
                hits.append(Mention(start, end, text[start:end], best, quality))
        for start, end, entity in find_months(text, self.year):
            hits.append(Mention(start, end, text[start:end], (entity,), DERIVED))
        chosen: list[Mention] = []
        taken = [False] * len(text)
        for hit in sorted(hits, key=lambda m: (-(m.end - m.start), m.quality, m.start)):
            if not any(taken[hit.start : hit.end]):
                chosen.append(hit)
                for i in range(hit.start, hit.end):
                    taken[i] = True
        return sorted(chosen, key=lambda m: m.start)


def _bounded(text: str, start: int, end: int, entries: Mapping[Entity, int]) -> bool:
    """A name ending in a digit is not the start of a longer number (任务1 in 任务12); nor a Latin word's part."""
    last, first_ = text[end - 1], text[start]
    after = text[end] if end < len(text) else ""
    before = text[start - 1] if start else ""
    for edge, neighbour in ((last, after), (first_, before)):
        if edge.isascii() and edge.isalnum() and neighbour.isascii() and neighbour.isalnum():
            return False
    if not any(e.kind in NUMBERED_KINDS for e in entries):
        return True
    numeral = last.isdigit() or last in CN_NUMERALS
    if numeral and (after in CN_NUMERALS or after in DATE_WORDS):  # 任务6 of 任务6月前: a month, not a task
        return False
    return not (first_ in CN_NUMERALS and before in CN_NUMERALS)


class _Collector:
    """Names as they are found; `finish` settles which names are ambiguous."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[Entity, int]] = defaultdict(dict)
        self.written: dict[str, set[str]] = defaultdict(set)  # key → the labels as the store writes them
        self.order: dict[Entity, int] = {}

    def add(self, name: str, entity: Entity, quality: int) -> None:
        text = normalise_question(name).strip("“”\"'")
        if len(text) < 2:
            return
        if any("\u4e00" <= ch <= "\u9fff" for ch in text) or ASCII_NAME.match(text) or text.isdigit():
            key = _key(text)
            if quality < self.entries[key].get(entity, FRAGMENT + 1):
                self.entries[key][entity] = quality
            if quality == EXACT:
                self.written[key].add(name)
            self.order.setdefault(entity, len(self.order))

    def _by_label(self, key: str, same: list[Entity]) -> Entity | None:
        """Several units (platforms ...) that a question names by a label they all have, as written: the
        canned queries match labels, so the label itself names all of them (市公安局 of each city)."""
        written = self.written.get(key, set())
        if same[0].kind not in LABEL_KINDS or len(written) != 1:
            return None
        label = next(iter(written))
        return Entity(same[0].kind, label, label, plans=frozenset().union(*(e.plans for e in same)))

    def finish(self, year: int, plans: tuple[Entity, ...]) -> Gazetteer:
        names: dict[str, dict[Entity, int]] = {}
        ambiguous: dict[str, tuple[Entity, ...]] = {}
        for key, entries in self.entries.items():
            best = min(entries.values())  # a name as written beats one derived, across kinds too
            kept = {e: q for e, q in entries.items() if q == best}
            clear: dict[Entity, int] = {}
            for kind in {e.kind for e in kept}:
                same = [e for e in kept if e.kind == kind]
                together = self._by_label(key, same) if len(same) > 1 and best == EXACT else None
                if len(same) == 1:
                    clear[same[0]] = best
                elif together is not None:
                    clear[together] = best
                    self.order.setdefault(together, len(self.order))
                elif best != FRAGMENT:  # a fragment of two titles names neither
                    ambiguous[key] = (*ambiguous.get(key, ()), *sorted(same, key=self.order.__getitem__))
            if clear:
                names[key] = clear
        by_kind: dict[str, list[Entity]] = defaultdict(list)
        for entity in sorted({e for entries in names.values() for e in entries}, key=self.order.__getitem__):
            by_kind[entity.kind].append(entity)
        longest = max((len(k) for k in [*names, *ambiguous]), default=0)
        return Gazetteer(names, ambiguous, year, plans, {k: tuple(v) for k, v in by_kind.items()}, longest)


def _build(store) -> Gazetteer:
    names = _Collector()
    plans, aliases, year, regions = _plans(store, names)
    _units(store, names, regions)
    _concepts(store, names)
    _chapters_and_tasks(store, names, plans, aliases)
    _levels_and_types(store, names)
    return names.finish(year, tuple(plans.values()))


LABEL_FILTER = 'FILTER(LANG(?label) = "zh" || LANG(?label) = "" || (LANG(?label) = "en" && STRLEN(?label) <= 8))'


def _plans(store, names: _Collector) -> tuple[dict[str, Entity], dict[str, str], int, list[str]]:
    """Plans with tasks by title, by title without the region, and by their region where it has one plan.

    Returns the plans by IRI, a short name for each that has one (its region's), the latest plan year and
    the bare names of the regions (九江, 江西), which unit names start with.
    """
    rows = store.select("""
        SELECT DISTINCT ?plan ?title ?issued ?region ?regionLabel WHERE {
          ?plan a pk:Plan ; rdfs:label ?title .
          FILTER EXISTS { ?task a pk:Task ; pk:plan ?plan }
          OPTIONAL { ?plan pk:issued ?issued }
          OPTIONAL { ?plan pk:region ?region .
                     ?region skos:prefLabel|skos:altLabel|rdfs:label ?regionLabel . FILTER(LANG(?regionLabel) = "zh") }
        } ORDER BY ?title ?plan ?regionLabel""")  # fmt: skip
    region_labels = store.select("""
        SELECT DISTINCT ?label WHERE { ?region a pk:Region ; skos:prefLabel|skos:altLabel|rdfs:label ?label .
                                       FILTER(LANG(?label) = "zh") }""")  # fmt: skip
    regions = sorted({_bare_region(r["label"]) for r in region_labels} - {""}, key=len, reverse=True)
    plans: dict[str, Entity] = {}
    years: list[int] = []
    seen_years: set[str] = set()
    plans_of_region: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        plans.setdefault(row["plan"], Entity("plan", row["title"], row["title"], row["plan"]))
        if row["region"]:
            plans_of_region[row["region"]].add(row["plan"])
        # the year the plan is for (the first in its title), else the year it was issued
        found = re.search(r"((?:19|20)\d{2})", row["title"]) or re.search(r"^(\d{4})-", row["issued"] or "")
        if found and row["plan"] not in seen_years:
            seen_years.add(row["plan"])
            years.append(int(found.group(1)))
    aliases: dict[str, str] = {}
    for row in rows:
        entity = plans[row["plan"]]
        names.add(row["title"], entity, EXACT)
        for region in regions:
            if row["title"].startswith(region):
                names.add(re.sub(rf"^{re.escape(region)}[省市县区]?", "", row["title"]), entity, DERIVED)
        if row["regionLabel"] and len(plans_of_region[row["region"]]) == 1:
            names.add(row["regionLabel"], entity, DERIVED)
            if len(row["regionLabel"]) > len(aliases.get(row["plan"], "")):
                aliases[row["plan"]] = row["regionLabel"]
    # a month without a year falls in the year most plans are for (the latest of equals)
    year = max(Counter(years).items(), key=lambda item: (item[1], item[0]))[0] if years else date.today().year
    return plans, aliases, year, regions


def _bare_region(label: str) -> str:
    bare = re.sub(r"[省市县区]$", "", label) if len(label) > 2 else label
    return bare if len(bare) >= 2 else ""


def _units(store, names: _Collector, regions: list[str]) -> None:
    """Units that take part in a plan: every label, alias and full name, and their unambiguous short forms."""
    rows = store.select(f"""
        SELECT DISTINCT ?unit ?pref ?label WHERE {{
          ?task pk:involvedUnit ?unit .
          ?unit skos:prefLabel ?pref . FILTER(LANG(?pref) = "zh")
          ?unit skos:prefLabel|skos:altLabel|rdfs:label|pk:fullName ?label .
          {LABEL_FILTER}
        }} ORDER BY ?pref ?unit ?label""")  # fmt: skip
    plans_of: dict[str, set[str]] = defaultdict(set)
    for row in store.select("SELECT DISTINCT ?unit ?plan WHERE { ?task pk:involvedUnit ?unit ; pk:plan ?plan }"):
        plans_of[row["unit"]].add(row["plan"])
    prefix = re.compile(
        r"^(?:中共)?(?:" + "|".join(map(re.escape, regions)) + r")?(?:市委|省委|县委|区委|市|省|县|区)?"
        if regions else r"^(?:中共)?(?:市委|省委|县委|区委|市|省|县|区)?"
    )  # fmt: skip
    seen: dict[str, Entity] = {}
    for row in rows:
        entity = seen.setdefault(row["unit"], Entity("unit", row["pref"], row["pref"],
                                                     plans=frozenset(plans_of[row["unit"]])))  # fmt: skip
        names.add(row["label"], entity, EXACT)
        for short in _short_forms(normalise_question(row["label"]), prefix):
            names.add(short, entity, DERIVED)


def _short_forms(label: str, prefix: re.Pattern[str]) -> set[str]:
    """Names without the region and the brackets.

    市公安局 → 公安局; 市发改委〔市数据局〕 → 市发改委, 发改委, 市数据局, 数据局;
    九江市发展和改革委员会 → 发展和改革委员会.
    """
    outside = BRACKETS.sub("", label)
    parts = {outside} | {p for inside in BRACKETS.findall(label) for p in re.split(r"[、,，;；]", inside)}
    group = BRACKETS.search(label)
    pieces = re.split(r"[、,，;；]", group.group(1)) if group else []
    if pieces and all(len(p) == 1 for p in pieces):  # 各县〔市、区〕人民政府 → 各县市区人民政府, 各县区政府 ...
        for size in range(1, len(pieces) + 1):
            for chosen in itertools.combinations(pieces, size):
                inline = label[: group.start()] + "".join(chosen) + label[group.end() :]
                parts |= {inline, inline.replace("人民政府", "政府")}
    forms = set()
    for part in parts:
        for form in (part, prefix.sub("", part)):
            if len(form) >= 2 and form not in GENERIC_SHORT_FORMS and form != label:
                forms.add(form)
    return forms


def _concepts(store, names: _Collector) -> None:
    """Platforms, technologies and initiatives by every label (and a platform without its word 平台/系统)."""
    rows = store.select(f"""
        SELECT DISTINCT ?kind ?thing ?pref ?label WHERE {{
          VALUES ?kind {{ pk:Platform pk:Technology pk:Initiative }}
          ?thing a ?kind ; skos:prefLabel ?pref ; skos:prefLabel|skos:altLabel|rdfs:label ?label .
          FILTER(LANG(?pref) = "zh")
          {LABEL_FILTER}
        }} ORDER BY ?kind ?pref ?thing ?label""")  # fmt: skip
    seen: dict[str, Entity] = {}
    for row in rows:
        kind = row["kind"].rpartition("#")[2].lower()
        entity = seen.setdefault(row["thing"], Entity(kind, row["pref"], row["pref"]))
        names.add(row["label"], entity, EXACT)
        if kind == "platform":
            bare = re.sub(r"(?:平台|系统)$", "", normalise_question(row["label"]).replace("“", "").replace("”", ""))
            if len(bare) >= 3:
                names.add(bare, entity, DERIVED)


def _chapters_and_tasks(store, names: _Collector, plans: dict[str, Entity], aliases: dict[str, str]) -> None:
    """Chapters by number (第五章, 第5章, 第五部分, 五、), title and part of it; tasks by number, title, part of it."""
    chapters = store.select("""
        SELECT DISTINCT ?chapter ?plan ?number ?title WHERE {
          ?chapter a pk:Chapter ; pk:plan ?plan ; pk:number ?number ; rdfs:label ?title .
        } ORDER BY ?plan ?number""")  # fmt: skip
    tasks = store.select("""
        SELECT DISTINCT ?task ?plan ?number ?title ?chapterNumber WHERE {
          ?task a pk:Task ; pk:plan ?plan ; pk:number ?number ; rdfs:label ?title .
          OPTIONAL { ?task pk:chapter/pk:number ?chapterNumber }
        } ORDER BY ?plan ?chapterNumber ?number""")  # fmt: skip
    last = defaultdict(int)
    for row in chapters:
        last[row["plan"]] = max(last[row["plan"]], int(row["number"]))
    plan_titles = [e.value for e in plans.values()]
    several = len({r["plan"] for r in tasks}) > 1
    restarts = {plan for (plan, _), count in Counter((r["plan"], r["number"]) for r in tasks).items() if count > 1}
    for row in chapters:
        n = int(row["number"])
        cn = chinese_number(n)
        numbered = Entity("chapter", str(n), f"第{cn}章")
        for form in (f"第{cn}章", f"第{n}章", f"第{cn}部分", f"第{n}部分", f"{cn}、", f"第{cn}篇", f"第{cn}板块"):
            names.add(form, numbered, DERIVED)
        if n == last[row["plan"]]:
            for form in ("最后一章", "最后一部分", "最后一个部分", "末章"):
                names.add(form, numbered, DERIVED)
        titled = Entity("chapter", row["title"], row["title"])
        names.add(row["title"], titled, EXACT)
        for piece in _fragments(row["title"], 4, plan_titles):
            names.add(piece, titled, FRAGMENT)
    for row in tasks:
        n = int(row["number"])
        cn = chinese_number(n)
        alias = aliases.get(row["plan"]) or (plans[row["plan"]].value if row["plan"] in plans else "")
        chapter = int(row["chapterNumber"]) if row["chapterNumber"] else None
        label = f"第{chinese_number(chapter)}章第{n}项" if row["plan"] in restarts and chapter else f"任务{n}"
        label = f"{alias}的{label}" if several and alias else label
        entity = Entity("task", row["task"], label, row["plan"], chapter)
        for form in (f"任务{n}", f"任务{cn}", f"第{n}项", f"第{cn}项", f"第{n}项任务", f"第{cn}项任务", f"第{n}个任务",
                     f"第{cn}个任务", f"{n}号任务", f"第{n}号任务", f"第{n}条", f"第{cn}条", f"第{n}项工作",
                     f"第{cn}项工作"):  # fmt: skip
            names.add(form, entity, DERIVED)
        names.add(row["title"], entity, EXACT)
        for piece in _fragments(row["title"], max(4, math.ceil(0.6 * len(row["title"]))), plan_titles):
            names.add(piece, entity, FRAGMENT)


def _fragments(title: str, shortest: int, plan_titles: list[str]) -> set[str]:
    """Parts of a title a question may quote (安全保障 of 强化数字政府安全保障), none that a plan title holds."""
    title = normalise_question(title)
    pieces = set()
    for size in range(shortest, len(title)):
        for start in range(len(title) - size + 1):
            piece = title[start : start + size]
            if not any(piece in t for t in plan_titles):
                pieces.add(piece)
    return pieces


def _levels_and_types(store, names: _Collector) -> None:
    levels = store.select("""
        SELECT DISTINCT ?level ?label WHERE { ?level a pk:Level ; skos:prefLabel ?label . FILTER(LANG(?label) = "zh") }
        ORDER BY ?level""")  # fmt: skip
    for row in levels:
        entity = Entity("level", row["label"], row["label"])
        names.add(row["label"], entity, EXACT)
        for variant in LEVEL_VARIANTS.get(row["level"].rpartition("#")[2], ()):
            names.add(variant, entity, DERIVED)
    types = store.select("""
        SELECT DISTINCT ?class ?label WHERE { ?class rdfs:subClassOf+ pk:Unit ; rdfs:label ?label .
                                              FILTER(LANG(?label) = "zh") } ORDER BY ?class""")  # fmt: skip
    for row in types:
        entity = Entity("unit_type", row["label"], row["label"])
        names.add(row["label"], entity, EXACT)
        for variant in TYPE_VARIANTS.get(row["class"].rpartition("#")[2], ()):
            names.add(variant, entity, DERIVED)


# ---- what is asked: cues and intents ----------------------------------------------------------

# Cue words, looked for in the question with the names it holds blanked out (so 管 in 市城市管理局 is no cue).
CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "ask_unit": r"谁|哪[些个几家一]*(?:单位|部门|机构|家)|什么(?:单位|部门|机构)"
                    r"|(?:单位|部门|机构)(?:有哪些|都有|是哪|有谁)",
        "ask_task": r"任务|工作(?!量)|事项|事情|举措|哪些地方|哪里|什么地方|在哪"
                    r"|做什么|干什么|干啥|做啥|做些|干些|干嘛|要做",
        "ask_what": r"什么|啥|哪些|哪几|有无|有没有|多少|几[项个条章]",
        "unit_word": r"单位|部门|机构|委办局",
        "lead": r"牵头|主导|领头|带头|挂帅|主抓|打头",
        "coop": r"配合|协助|协办|辅助",
        "involve": r"负责|参与|承担|涉及|参加|从事|经手|推进|做|干|管",
        "share": r"共同|一起|都参与|都有|都涉及|都负责|共有|联合|交集|同时|都在|共享",
        "with_whom": r"[和跟与同](?:谁|哪些?个?(?:单位|部门|机构|家))|伙伴|搭档|合作方",
        "collab": r"合作|协同|协作|配合|联动|打交道|共事|联系",
        "most": r"最(?![后初先近新终早晚])|排名|排行|前[几三五十]|top|第一多",
        "least": r"最少|最闲|最轻|最不忙|最小|最低|倒数|垫底|最空",
        "pair": r"哪两|哪一对|两两|哪对|之间|单位对|组合|两个(?:单位|部门|机构)|两家|一对",
        "busy": r"忙|负担|负荷|工作量|压力|任务量|担子|繁重|累",
        "chapter_word": r"章|部分|板块|篇|方面|这块|这一块|大项|领域",
        "content": r"包括|包含|有哪些|有什么|讲|说|内容|下面|之下|下属|里面|里头|涵盖|几项|多少项",
        "mention": r"提到|提及|涉及|用到|使用|应用|采用|运用|依托|关于|相关|有关|围绕|利用|用|出现|写到|谈到|说到",
        "platform_ask": r"平台|系统",
        "nolead": r"(?:没有|没|无|缺少|缺乏|缺|未)(?:明确|确定|指定|落实|写明)?的?(?:牵头|负责|责任)"
                  r"|(?:没人|无人|没有人|谁都不)(?:牵头|负责|管)|牵头单位(?:空缺|缺失|为空|不明)|无主",
        "deadline": r"完成|到期|截止|期限|时限|之前|以前|前|底|末|节点|时间|什么时候|何时|时候|月份|做完|办完",
        "deadline_list": r"时限|期限|时间节点|截止时间|截止日期|完成时间|进度安排|时间表|deadline|什么时候|何时|按月",
        "province": r"省级|省里|省上|全省|省委|省政府|省直|上级|省",
        "rely": r"依托|依靠|依赖|承接|对接|落实|按照|衔接|结合|要求|部署|对标|依据|根据|上级",
        "detail": r"是什么|是啥|什么意思|详情|详细|具体|内容|讲的是|说的是|讲什么|说什么|介绍|谁来?(?:牵头|负责)|由谁"
                  r"|哪些?(?:单位|部门)(?:来)?(?:牵头|负责)",
        "overview": r"概况|概览|总体|整体|基本情况|简介|概要|总览|统计|一共|总共|共有|多少|几项|几个",
        "plan_word": r"计划|文件|要点|方案|规划|文档",
        "chapters": r"章节|几章|几个部分|哪些章|哪几章|结构|目录|框架|几部分|哪几部分|哪些部分|篇章|大纲",
        "list_all": r"所有|全部|一共|名单|名录|列表|清单|都有|有哪些|列出|总共|有哪几",
        "unit_list": r"单位名录|单位名单|单位列表|哪些单位|哪些部门|多少个?单位|多少家单位"
                     r"|(?:所有|全部|列出|一共|总共)[^□]{0,4}?(?:单位|部门|机构)",
        "plan_content": r"(?:包括|包含|涵盖|有)哪些(?:内容|方面|部分)|主要内容|讲了?什么|说了?什么",
        "off_topic": r"预算|经费|资金|多少钱|花费|成本|电话|地址|网址|联系方式|局长|厅长|主任|书记|负责人是|领导是|天气"
                     r"|人口|GDP|工资|编制|几点",
    }.items()
}  # fmt: skip


@dataclass(frozen=True)
class Slot:
    """A parameter of the canned query and the kind of name that fills it."""

    param: str
    kind: str
    default: bool = False  # may be the only plan there is when the question names none


@dataclass(frozen=True)
class Rank:
    """Rows by a column, most first: the column the question's cue means, else `column`."""

    column: str
    by_cue: tuple[tuple[str, str], ...] = ()
    always: bool = False  # the question form always asks for the most


@dataclass(frozen=True)
class Intent:
    """One question form: answered with canned query `query`; scored by its cues and the names it needs."""

    query: str
    slots: tuple[Slot, ...] = ()
    cues: Mapping[str, float] = field(default_factory=dict)
    prior: float = 0.0  # what a bare name asks for: 赣通码 → who touches it
    needs: tuple[tuple[str, ...], ...] = ()  # each group: one cue (or @kind, @kind=value mention) must be there
    bonus: Mapping[str, float] = field(default_factory=dict)  # "@kind=value" mentions that speak for it
    absorbs: tuple[str, ...] = ()  # kinds of names it takes in without a parameter
    rank: Rank | None = None
    examples: tuple[str, ...] = ()  # questions it answers, {param} filled for suggestions


_UNITS = {"ask_unit": 3.0, "unit_word": 1.5, "involve": 1.0, "ask_task": -2.0}  # who (not which tasks)
_TASKS = {"ask_task": 2.0, "mention": 1.0, "content": 0.5, "ask_unit": -2.0, "unit_word": -1.0}  # which tasks
INTENTS: tuple[Intent, ...] = (
    Intent("units_touching_platform", (Slot("platform", "platform"),),
           {**_UNITS, "mention": 1}, prior=1,
           rank=Rank("tasks"),
           examples=("哪些单位涉及{platform}？", "{platform}跟哪些部门有关？", "谁在用{platform}？")),
    Intent("tasks_mentioning_platform", (Slot("platform", "platform"),),
           {**_TASKS, "ask_task": 3}, prior=0.5, examples=("哪些任务提到{platform}？",)),
    Intent("tasks_led_by_unit", (Slot("unit", "unit"),),
           {"lead": 4, "ask_task": 1, "ask_what": 0.5, "coop": -2, "most": -2, "nolead": -5, "with_whom": -3},
           examples=("{unit}牵头哪些任务？", "哪些任务由{unit}牵头？")),
    Intent("tasks_cooperated_on_by_unit", (Slot("unit", "unit"),),
           {"coop": 4, "ask_task": 1, "ask_what": 0.5, "lead": -2, "most": -2, "with_whom": -3, "pair": -3},
           examples=("{unit}配合哪些任务？",)),
    Intent("tasks_involving_unit", (Slot("unit", "unit"),),
           {"involve": 2, "ask_task": 2, "ask_what": 0.5, "lead": -3, "coop": -3, "with_whom": -3, "collab": -1,
            "platform_ask": -2, "most": -1}, prior=1,
           examples=("{unit}负责什么？", "{unit}有哪些工作？")),
    Intent("tasks_shared_by_units", (Slot("unit_a", "unit"), Slot("unit_b", "unit")),
           {"share": 4, "ask_task": 2, "collab": 1, "involve": 0.5, "with_whom": -2}, prior=1,
           examples=("{unit_a}和{unit_b}有哪些共同任务？",)),
    Intent("unit_partners", (Slot("unit", "unit"),),
           {"with_whom": 4, "collab": 3, "most": 1, "ask_unit": 1, "share": 0.5, "ask_task": -1},
           rank=Rank("sharedTasks", always=True), examples=("{unit}和谁合作最多？", "跟{unit}协同的单位有哪些？")),
    Intent("platforms_touched_by_unit", (Slot("unit", "unit"),),
           {"platform_ask": 4, "involve": 1, "mention": 1, "ask_what": 0.5}, needs=(("platform_ask",),),
           rank=Rank("tasks"), examples=("{unit}涉及哪些平台？",)),
    Intent("coordination_matrix", (),
           {"pair": 4, "collab": 2, "most": 1, "with_whom": 1}, needs=(("pair", "collab"),),
           rank=Rank("sharedTasks", always=True), examples=("哪两个单位协同最多？", "哪些部门之间合作最多？")),
    Intent("coordination_load", (),
           {"most": 3, "busy": 4, "least": 1, "ask_unit": 1, "lead": 0.5, "coop": 0.5, "ask_task": 0.5},
           needs=(("most", "busy", "least"),),
           rank=Rank("weightedLoad", (("lead", "lead"), ("coop", "cooperating"), ("busy", "weightedLoad"),
                                      ("ask_task", "tasks"), ("involve", "tasks")), always=True),
           examples=("哪个单位任务最多？", "谁最忙？", "牵头最多的是哪个部门？")),
    Intent("tasks_of_chapter", (Slot("chapter", "chapter"),),
           {"content": 1.5, "ask_task": 1.5, "chapter_word": 1, "ask_what": 0.5, "detail": 0.5}, prior=1,
           examples=("{chapter}有哪些任务？", "{chapter}包括什么？")),
    Intent("units_of_chapter", (Slot("chapter", "chapter"),),
           {**_UNITS, "ask_task": -2.5}, prior=0.5, rank=Rank("tasks", (("lead", "lead"),)),
           examples=("{chapter}涉及哪些单位？", "{chapter}由哪些部门负责？")),
    Intent("chapters_of_plan", (Slot("title", "plan", default=True),),
           {"chapters": 4, "plan_content": 3, "ask_what": 0.5, "plan_word": 1, "chapter_word": 1}, prior=1,
           needs=(("chapters", "plan_content", "@plan"),),
           examples=("{title}有哪些章节？", "这份计划分几章？")),
    Intent("plan_overview", (),
           {"overview": 2, "plan_word": 2, "ask_what": 0.5}, prior=1, needs=(("overview", "plan_word"),),
           examples=("这份计划一共有多少项任务？", "计划概况")),
    Intent("tasks_mentioning_technology", (Slot("technology", "technology"),),
           _TASKS, prior=1, examples=("哪些任务用到{technology}？", "{technology}用在哪些工作上？")),
    Intent("units_touching_technology", (Slot("technology", "technology"),),
           {**_UNITS, "mention": 0.5, "ask_task": -1}, prior=0.5, rank=Rank("tasks"),
           examples=("哪些单位涉及{technology}？",)),
    Intent("tasks_mentioning_initiative", (Slot("initiative", "initiative"),),
           _TASKS, prior=1, examples=("提到{initiative}的任务有哪些？",)),
    Intent("units_touching_initiative", (Slot("initiative", "initiative"),),
           {**_UNITS, "mention": 0.5, "ask_task": -1}, prior=0.5, rank=Rank("tasks"),
           examples=("哪些部门参与{initiative}？",)),
    Intent("platforms_by_level", (Slot("level", "level"),),
           {"platform_ask": 3, "list_all": 1, "ask_what": 0.5, "ask_task": -3, "rely": -2}, prior=1,
           needs=(("platform_ask",),), rank=Rank("tasks"), examples=("有哪些{level}平台？",)),
    Intent("tasks_referring_to_province", (),
           {"province": 3, "rely": 2, "ask_task": 2, "mention": 1, "platform_ask": 0.5}, bonus={"@level=省级": 3},
           needs=(("province", "@level=省级"), ("ask_task", "rely")), absorbs=("level",),
           examples=("哪些任务依托省级平台？", "哪些工作要落实省里的要求？")),
    Intent("tasks_without_lead", (),
           {"nolead": 8, "ask_task": 1}, needs=(("nolead",),), examples=("哪些任务没有牵头单位？",)),
    Intent("tasks_due_in_month", (Slot("month", "month"),),
           {"deadline": 2, "ask_task": 1, "ask_what": 0.5}, prior=1, examples=("{month}底前要完成哪些任务？",)),
    Intent("tasks_by_deadline_month", (),
           {"deadline_list": 4, "deadline": 1, "ask_task": 1}, needs=(("deadline_list",),),
           examples=("各项任务的完成时限是什么时候？",)),
    Intent("units_by_type", (Slot("type", "unit_type"),),
           {"ask_what": 1, "list_all": 1, "ask_unit": 1}, prior=1, rank=Rank("tasks"), examples=("有哪些{type}？",)),
    Intent("task_detail", (Slot("task", "task"),),
           {"detail": 3, "ask_unit": 1, "lead": 1, "ask_what": 0.5}, prior=1,
           examples=("{task}是什么？", "{task}由谁牵头？")),
    Intent("unit_list", (),
           {"unit_list": 2, "list_all": 1, "involve": 0.5, "most": -3}, prior=1, needs=(("unit_list", "ask_unit"),),
           rank=Rank("tasks"), examples=("一共有哪些单位参与？",)),
    Intent("platforms_mentioned", (),
           {"platform_ask": 3, "mention": 1, "list_all": 1, "plan_word": 1, "ask_what": 0.5}, prior=0.5,
           needs=(("platform_ask",),), rank=Rank("tasks"), examples=("计划里提到了哪些平台？",)),
    Intent("units_shared_by_plans", (Slot("title_a", "plan"), Slot("title_b", "plan")),
           {"share": 3, "ask_unit": 2, "unit_list": 1}, prior=1, examples=("{title_a}和{title_b}共同涉及哪些单位？",)),
)  # fmt: skip
MINIMUM_SCORE = 3.0
LONGEST_QUESTION = 500  # characters read of a question: questions are short, and a page pasted in is not one
SLOT_FILLED, SLOT_DEFAULTED, UNUSED_NAME, UNSETTLED_NAME, OFF_TOPIC = 4.0, 1.0, -1.5, -3.0, -10.0


@dataclass(frozen=True)
class Interpretation:
    """Which canned query answers the question, with what parameters, in what order, and why."""

    query: str
    params: dict[str, str]
    order_by: tuple[tuple[str, bool], ...] = ()  # (column, most first?) pairs the rows are re-ordered by
    scope: str | None = None  # the plan the question named: only its rows are kept
    why: str = ""
    score: float = 0.0
    mentions: tuple[Mention, ...] = ()


def _find_cues(text: str, mentions: list[Mention]) -> dict[str, str]:
    """Cue name → the words that gave it, in the question with its names blanked out."""
    masked = list(text)
    for mention in mentions:
        masked[mention.start : mention.end] = "□" * (mention.end - mention.start)
    blank = "".join(masked)
    found = {}
    for name, pattern in CUES.items():
        words = [m.group(0) for m in pattern.finditer(blank)]
        if words:
            found[name] = "、".join(dict.fromkeys(words))
    return found


def _has(token: str, cues: Mapping[str, str], mentions: list[Mention]) -> bool:
    if not token.startswith("@"):
        return token in cues
    kind, _, value = token[1:].partition("=")
    return any(e.kind == kind and (not value or e.value == value) for m in mentions for e in m.entities)


def _bind(intent: Intent, mentions: list[Mention], gazetteer: Gazetteer, plan: str | None):
    """(parameters, mentions used, the mention each parameter came from) or None where a slot stays empty."""
    params: dict[str, str] = {}
    sources: dict[str, Mention] = {}
    used: list[Mention] = []
    for slot in intent.slots:
        choice = None
        for mention in mentions:
            if mention in used:
                continue
            candidates = mention.of(slot.kind)
            if len(candidates) > 1 and plan:
                candidates = tuple(e for e in candidates if e.plan == plan or plan in e.plans) or candidates
            within = None
            if len(candidates) > 1 and slot.kind == "task":  # 第二章第3项: numbering restarts in each chapter
                within = next((m for m in mentions if m not in used and m is not mention
                               and len(m.of("chapter")) == 1 and m.of("chapter")[0].value.isdigit()), None)  # fmt: skip
                if within is not None:
                    number = int(within.of("chapter")[0].value)
                    candidates = tuple(e for e in candidates if e.chapter == number)
            if len(candidates) == 1 and candidates[0].value not in params.values():
                choice = (mention, candidates[0])
                if within is not None:
                    used.append(within)
                break
        if choice is not None:
            used.append(choice[0])
            params[slot.param] = choice[1].value
            sources[slot.param] = choice[0]
        elif slot.default and slot.kind == "plan" and gazetteer.default_plan is not None:
            params[slot.param] = gazetteer.default_plan.value
        else:
            return None
    return params, used, sources


def _score(intent: Intent, mentions: list[Mention], cues: Mapping[str, str], gazetteer: Gazetteer, plan: str | None):
    bound = _bind(intent, mentions, gazetteer, plan)
    if bound is None:
        return None
    params, used, sources = bound
    filled = len(sources)
    if not all(any(_has(token, cues, mentions) for token in group) for group in intent.needs):
        return None
    score = intent.prior + SLOT_FILLED * filled + SLOT_DEFAULTED * (len(intent.slots) - filled)
    score += sum(weight for cue, weight in intent.cues.items() if cue in cues)
    score += sum(weight for token, weight in intent.bonus.items() if _has(token, cues, mentions))
    for mention in mentions:
        kinds = {e.kind for e in mention.entities}
        if mention not in used and not kinds & {*intent.absorbs, "plan"}:
            unsettled = any(len(mention.of(kind)) > 1 for kind in kinds)  # what the question is about, unknown
            score += UNSETTLED_NAME if unsettled else UNUSED_NAME
    if "off_topic" in cues:
        score += OFF_TOPIC
    return score, params, sources


def interpret(question: str, gazetteer: Gazetteer) -> Interpretation | None:
    """The canned query that answers `question`, its parameters and row order; None when none fits."""
    text = normalise_question(question[:LONGEST_QUESTION])
    mentions = gazetteer.mentions(text)
    cues = _find_cues(text, mentions)
    plans = {e for m in mentions for e in m.of("plan")}
    named_plan = next(iter(plans)) if len(plans) == 1 else None
    plan_iri = named_plan.plan if named_plan else None
    best = None
    for intent in INTENTS:  # ties go to the intent listed first
        scored = _score(intent, mentions, cues, gazetteer, plan_iri)
        if scored is not None and (best is None or scored[0] > best[0][0]):
            best = (scored, intent)
    if best is None or best[0][0] < MINIMUM_SCORE:
        return None
    (score, params, sources), intent = best
    order_by: tuple[tuple[str, bool], ...] = ()
    if intent.rank and (intent.rank.always or "most" in cues or "least" in cues):
        column = next((col for cue, col in intent.rank.by_cue if cue in cues), intent.rank.column)
        order_by = ((column, "least" not in cues),)
    scope = plan_iri if plan_iri and "plan" not in {s.kind for s in intent.slots} else None
    why = _why(intent, params, sources, cues, order_by, named_plan.value if scope and named_plan else None)
    return Interpretation(intent.query, params, order_by, scope, why, score, tuple(mentions))


def _why(intent: Intent, params: dict, sources: Mapping[str, Mention], cues: Mapping[str, str],
         order_by: tuple[tuple[str, bool], ...], plan_title: str | None) -> str:
    """In Chinese: which question form, which names gave which parameters, which cue words, what order."""
    from plankg.queries import load_queries

    title = load_queries()[intent.query].title_zh
    parts = [f"{title}（{intent.query}）"]
    named = [f"{param}={value}（“{sources[param].surface}”）" if sources.get(param) else f"{param}={value}（默认）"
             for param, value in params.items()]  # fmt: skip
    if named:
        parts.append("参数：" + "，".join(named))
    positive = [cue for cue, weight in intent.cues.items() if weight > 0 and cue in cues]
    clues = [word for cue in positive for word in cues[cue].split("、")]
    if clues:
        parts.append("线索：" + "、".join(dict.fromkeys(clues)))
    for column, descending in order_by:
        parts.append(f"按 {column} 从{'多到少' if descending else '少到多'}排列")
    if plan_title:
        parts.append(f"只看《{plan_title}》")
    return "；".join(parts)


# ---- answering --------------------------------------------------------------------------------

SUGGESTIONS = 5


def answer(store, question: str, gazetteer: Gazetteer | None = None) -> dict:
    """The question answered by a canned query, or the closest questions that can be answered.

    {"question", "query", "title", "sparql", "params", "results", "why", "order_by"} where results is the
    SPARQL 1.1 Query Results JSON of the query run through `store` (rows re-ordered by relevance where the
    question asks for the most), or {"question", "query": None, "results": None, "suggestions": [...]}.
    Pass a gazetteer built once (Gazetteer.from_store) when answering many questions.
    """
    import pyoxigraph as ox

    gazetteer = gazetteer or Gazetteer.from_store(store)
    plan = plan_answer(question, gazetteer)
    if plan.interpretation is None:
        return plan.unanswered
    solutions = store.query(plan.canned.sparql, plan.bindings)
    return plan.answered(json.loads(solutions.serialize(format=ox.QueryResultsFormat.JSON)))


@dataclass(frozen=True)
class AnswerPlan:
    """What answering a question takes, before any query runs: the service runs the query its own way."""

    question: str
    interpretation: Interpretation | None
    canned: object | None  # plankg.queries.CannedQuery
    bindings: dict
    unanswered: dict | None

    def answered(self, results: dict) -> dict:
        """The answer, given the SPARQL 1.1 Query Results JSON of the chosen query."""
        return respond(self.question, self.interpretation, self.canned, self.bindings, results)


def plan_answer(question: str, gazetteer: Gazetteer) -> AnswerPlan:
    from plankg.queries import load_queries

    interpretation = interpret(question, gazetteer)
    if interpretation is None:
        unanswered = {"question": question, "query": None, "results": None,
                      "suggestions": suggest(question, gazetteer)}  # fmt: skip
        return AnswerPlan(question, None, None, {}, unanswered)
    canned = load_queries()[interpretation.query]
    return AnswerPlan(question, interpretation, canned, canned.bindings(interpretation.params), None)


def respond(question: str, interpretation: Interpretation, canned, bindings: dict, results: dict) -> dict:
    results = arrange(results, interpretation.order_by, interpretation.scope)
    return {
        "question": question,
        "query": canned.name,
        "title": canned.title,
        "sparql": bind_values(canned.sparql, bindings),
        "params": dict(interpretation.params),
        "results": results,
        "why": interpretation.why,
        "order_by": [{"column": column, "descending": descending} for column, descending in interpretation.order_by],
    }


def arrange(results: dict, order_by: Iterable[tuple[str, bool]] = (), scope: str | None = None) -> dict:
    """The rows of the plan in scope only (where rows name a plan), ordered by each (column, most first?)."""
    rows = results["results"]["bindings"]
    if scope and any("plan" in row for row in rows):
        rows = [row for row in rows if row.get("plan", {}).get("value") == scope]
    for column, descending in reversed(tuple(order_by)):  # sorted is stable: ties keep the query's order
        rows = sorted(rows, key=lambda row, c=column, d=descending: _rank(row.get(c), d))
    return {**results, "results": {**results["results"], "bindings": rows}}


def _rank(term: dict | None, descending: bool) -> float:
    """A sort key: the term's number (negated for most first); rows without one go last either way."""
    try:
        number = float(term["value"]) if term else math.nan
    except ValueError:
        number = math.nan
    if math.isnan(number):
        return math.inf
    return -number if descending else number


def table(results: dict) -> tuple[list[tuple[str, str]], list[str], list[list[str]]]:
    """A results document for people to read: (what every row shares, column names, rows), all plain strings.

    IRI columns are left out where other columns remain (their names are in those); a column with the same
    value in every row (the plan, a task's text) is given once, before the table, rather than in each row.
    """
    head = list(results["head"].get("vars", []))
    bindings = results["results"]["bindings"]
    iris = {v for v in head if bindings and all(row.get(v, {}).get("type") in ("uri", None) for row in bindings)}
    if len(iris) < len(head):
        head = [v for v in head if v not in iris]
    fixed: list[tuple[str, str]] = []
    if len(bindings) > 1:
        for var in list(head):
            values = {row.get(var, {}).get("value", "") for row in bindings}
            if len(values) == 1:
                if values != {""}:
                    fixed.append((var, values.pop()))
                head.remove(var)
    return fixed, head, [[row[v]["value"] if v in row else "" for v in head] for row in bindings]


# ---- suggestions ------------------------------------------------------------------------------


def suggest(question: str, gazetteer: Gazetteer, limit: int = SUGGESTIONS) -> list[str]:
    """Questions that can be answered, closest first: the intents' examples filled with what the question named
    (or, for what it did not name, with a sample from the store), ranked by likeness to the question."""
    text = normalise_question(question[:LONGEST_QUESTION])
    mentions = gazetteer.mentions(text)
    named: dict[str, list[tuple[int, Entity]]] = defaultdict(list)  # kind → (which mention, what it may name)
    for index, mention in enumerate(mentions):
        for entity in mention.entities:
            if all(e.label != entity.label for _, e in named[entity.kind]):
                named[entity.kind].append((index, entity))
    cues = _find_cues(text, mentions)
    grams = _bigrams(text)
    scored: list[tuple[float, int, str]] = []
    for order, intent in enumerate(INTENTS):
        affinity = sum(weight for cue, weight in intent.cues.items() if weight > 0 and cue in cues)
        for template in intent.examples:
            for filling, from_question in _fillings(intent, named, gazetteer):
                candidate = template.format(**filling)
                likeness = _dice(grams, _bigrams(normalise_question(candidate)))
                share = from_question / len(intent.slots) if intent.slots else 0.0
                scored.append((2.0 * share + 0.25 * affinity + likeness, order, candidate))
    chosen: list[str] = []
    for _, _, candidate in sorted(scored, key=lambda item: (-item[0], item[1])):
        if candidate not in chosen and interpret(candidate, gazetteer) is not None:
            chosen.append(candidate)
            if len(chosen) == limit:
                break
    return chosen


def example_questions(gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """(canned query, question) for every question form, filled with names from the store: samples for a
    question box, and a check that each form answers its own examples."""
    found = []
    for intent in INTENTS:
        for template in intent.examples:
            for filling, _ in itertools.islice(_fillings(intent, {}, gazetteer), 1):
                question = template.format(**filling)
                understood = interpret(question, gazetteer)
                if understood is not None and understood.query == intent.query:  # 这份计划 needs a single plan
                    found.append((intent.query, question))
    return found


def _fillings(intent: Intent, named: Mapping[str, list[tuple[int, Entity]]], gazetteer: Gazetteer):
    """(parameter → name, how many names came from the question) for each way to fill the intent's examples:
    with what the question named (each name in one parameter only), else with samples from the store."""
    options = []
    for slot in intent.slots:
        own = [(index, e) for index, e in named.get(slot.kind, [])[:6]]
        labels = {e.label for _, e in own}
        samples = [(None, e) for e in _samples(slot, gazetteer) if e.label not in labels]
        options.append(own + samples[: max(1, len(intent.slots) - 1)] if own else samples[: len(intent.slots)])
    for combination in itertools.product(*options):
        sources = [index for index, _ in combination if index is not None]
        labels = [e.label for _, e in combination]
        if len(set(sources)) == len(sources) and len(set(labels)) == len(labels):
            yield ({slot.param: e.label for slot, (_, e) in zip(intent.slots, combination, strict=True)},
                   len(sources))  # fmt: skip


def _samples(slot: Slot, gazetteer: Gazetteer) -> list[Entity]:
    """Names of the slot's kind to fill an example with: the canned query's own example first."""
    from plankg.queries import load_queries

    if slot.kind == "month":
        return [_month_entity(gazetteer.year, 6, gazetteer.year)]
    pool = list(gazetteer.by_kind.get(slot.kind, ()))
    if slot.kind == "plan":
        pool = list(gazetteer.plans)
    example = load_queries()[_query_of(slot)].examples.get(slot.param, "")
    preferred = [e for e in gazetteer.lookup(example) if e.kind == slot.kind] if example else []
    if slot.kind == "task":
        preferred = [e for e in pool if e.value == example] or [e for e in pool if e.label.endswith("任务11")]
    if slot.kind == "chapter":
        preferred = [e for e in pool if e.value == str(_cn_value(example))] if example in CN_DIGITS[1:] else []
    return [*preferred, *(e for e in pool if e not in preferred)][:3]


def _query_of(slot: Slot) -> str:
    return next(intent.query for intent in INTENTS if slot in intent.slots)


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s?？!！。，,、“”\"']", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0
