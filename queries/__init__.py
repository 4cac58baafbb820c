"""Canned SPARQL queries: one .rq file per question, with a header the loader reads.

    # title: 涉及某平台的单位 | Units touching a platform
    # description: ...
    # param: platform (zh) the platform's name, e.g. 赣通码

Parameter types: zh (a Chinese label, bound as "…"@zh), string (a plain literal), iri, integer.
Parameters are bound through substitutions / VALUES, never pasted into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

PARAM_TYPES = ("zh", "string", "iri", "integer", "date")
_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\((\w+)\)\s*(.*)$")


class QueryFileError(Exception):
    """A canned query file whose header or parameters are malformed."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title_zh: str
    title_en: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    path: Path = field(compare=False)

    @property
    def title(self) -> str:
        return f"{self.title_zh} | {self.title_en}" if self.title_en else self.title_zh


def queries_dir() -> Path:
    return Path(str(resources.files("plankg.queries")))


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    title, description, params = "", [], []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value
        elif key == "description":
            description.append(value)
        else:
            param = _PARAM.match(value)
            if not param or param.group(2) not in PARAM_TYPES:
                raise QueryFileError(f"{path}:{number}: expected '# param: name (type) description' "
                                     f"with type one of {', '.join(PARAM_TYPES)}")  # fmt: skip
            params.append(Param(*param.groups()))
    if not title:
        raise QueryFileError(f"{path}:1: expected a '# title: 中文 | English' header line")
    title_zh, _, title_en = (part.strip() for part in title.partition("|"))
    return CannedQuery(path.stem, title_zh, title_en, " ".join(description), tuple(params), text, path)


@lru_cache(maxsize=1)
def load_queries() -> dict[str, CannedQuery]:
    """Every canned query, by name; a malformed file fails here, at start-up, not for a user."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(queries_dir().glob("*.rq")))}
