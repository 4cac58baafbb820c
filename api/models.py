"""Response models of the REST API: they document /docs and /openapi.json and shape the JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Message(BaseModel):
    detail: str = Field(description="What went wrong, in words")


class Ref(BaseModel):
    """A link to a resource of the graph."""

    id: str | None = Field(None, description="The IRI's path after https://w3id.org/plankg/id/")
    iri: str
    name: str | None = None
    page: str | None = Field(None, description="Its page and Linked Data document on this server")


class ParamInfo(BaseModel):
    name: str
    type: str = Field(description="zh, string, iri, integer or date")
    description: str


class QueryLinks(BaseModel):
    run: str
    json_: str = Field(alias="json")
    csv: str


class QueryInfo(BaseModel):
    name: str
    title_zh: str
    title_en: str
    description: str
    params: list[ParamInfo]
    examples: dict[str, str] = Field(description="Parameter values to try it with")
    links: QueryLinks
    sparql: str


class QueryRun(BaseModel):
    name: str
    title_zh: str
    title_en: str
    params: dict[str, str]
    columns: list[str]
    rows: list[dict[str, Any]]
    row_count: int
    truncated: bool = Field(description="True when the answer was cut at the server's row cap")


class TypeInfo(BaseModel):
    type: str | None
    name: str | None


class UnitSummary(Ref):
    name_en: str | None = None
    types: list[TypeInfo]
    level: str | None = None
    level_name: str | None = None
    lead: int
    cooperating: int
    responsible: int
    tasks: int = Field(description="Distinct tasks the unit is involved in, in any role")
    weighted_load: float = Field(description="2 × lead + 1 × cooperating + 1.5 × responsible")


class TaskRef(Ref):
    number: int | None = None
    plan: Ref | None = None


class Partner(Ref):
    shared_tasks: int


class PlatformUse(Ref):
    tasks: int


class UnitTasks(BaseModel):
    lead: list[TaskRef]
    cooperating: list[TaskRef]
    responsible: list[TaskRef]


class UnitDetail(Ref):
    name_en: str | None = None
    alt_labels: list[str]
    full_name: str | None = None
    types: list[TypeInfo]
    level: str | None = None
    level_name: str | None = None
    region: Ref | None = None
    lead: int
    cooperating: int
    responsible: int
    tasks: UnitTasks
    partners: list[Partner]
    platforms: list[PlatformUse]


class PlatformSummary(Ref):
    name_en: str | None = None
    level: str | None = None
    level_name: str | None = None
    tasks: int
    units: int


class PlatformUnit(Ref):
    lead: int
    cooperating: int
    responsible: int


class PlatformDetail(Ref):
    name_en: str | None = None
    alt_labels: list[str]
    full_name: str | None = None
    level: str | None = None
    level_name: str | None = None
    definition: str | None = None
    part_of: list[Ref]
    tasks: list[TaskRef]
    units: list[PlatformUnit]


class TaskUnits(BaseModel):
    lead: list[Ref]
    cooperating: list[Ref]
    responsible: list[Ref]


class Mentions(BaseModel):
    platforms: list[Ref]
    technologies: list[Ref]
    initiatives: list[Ref]
    regions: list[Ref]


class Span(BaseModel):
    start: int = Field(description="Offset of the task's first character in the plan's normalised text")
    end: int
    excerpt: str | None = None


class TaskDetail(Ref):
    number: int | None = None
    title: str | None = None
    text: str | None = None
    plan: Ref | None = None
    chapter: Ref | None = None
    section: Ref | None = None
    units: TaskUnits
    deadline: str | None = None
    deadline_text: str | None = None
    mentions: Mentions
    aligned_with: list[Ref]
    span: Span | None = None


class PlanTask(Ref):
    number: int | None = None
    title: str | None = None
    section: Ref | None = None
    deadline: str | None = None
    deadline_text: str | None = None
    lead: list[Ref]


class PlanChapter(Ref):
    number: int | None = None
    title: str | None = None
    tasks: list[PlanTask]


class PlanOutline(Ref):
    title: str
    issued: str | None = None
    identifier: str | None = None
    level: str | None = None
    task_count: int
    chapters: list[PlanChapter]
    tasks_outside_chapters: list[PlanTask]


class UnitPair(BaseModel):
    plan: Ref
    unit_a: Ref
    unit_b: Ref
    shared_tasks: int


class UnitLoad(BaseModel):
    plan: Ref
    unit: Ref
    lead: int
    cooperating: int
    responsible: int
    tasks: int
    weighted_load: float


class Coordination(BaseModel):
    pairs: list[UnitPair] = Field(description="Pairs of units involved in the same tasks, most shared first")
    load: list[UnitLoad] = Field(description="Per plan and unit: tasks by role and the weighted load")
    truncated: bool


class SearchHit(Ref):
    kind: str
    matched: str | None = None


class Status(BaseModel):
    status: str
    version: str
    store: str | None
    workers: int
    workers_alive: int
    workers_in_memory: int  # the others answer from the on-disk snapshot while they load the graph
    workers_idle: int
    triples: int
    queries: int
    timeouts: int
    restarts: int
    timeout_seconds: float
    row_cap: int
    worker_memory_mib: int | None
    read_only: bool
    uptime_seconds: float
    pid: int
