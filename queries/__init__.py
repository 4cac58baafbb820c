"""Canned SPARQL queries: one .rq file per question, with a header the loader reads.

    # title: 涉及某平台的单位 | Units touching a platform
    # description: ...
    # param: platform (zh) the platform's name, e.g. 赣通码
    # example: platform=赣通码

Parameter types: zh (a Chinese label, bound as "…"@zh), string (a plain literal), iri, integer,
date (xsd:date, YYYY-MM-DD). Every parameter is a variable of the query; its value is bound from
outside through a VALUES block (plankg.kg.sparql.bind_values), never pasted into the query text.
`# example: name=value` gives the value the tests run the query with (queries/expected/<name>.json
holds the result for the bundled seed plan); the API and the question box show it as a sample.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

PARAM_TYPES = ("zh", "string", "iri", "integer", "date")
XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\((\w+)\)\s*(.*)$")
_EXAMPLE = re.compile(r"^(\w+)\s*=(.*)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Comments, strings and IRIs, blanked out before looking for ?variables in the query body.
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*'
)


class QueryFileError(Exception):
    """A canned query file whose header or parameters are malformed."""


class QueryParamError(ValueError):
    """A parameter value that does not fit the canned query (missing, unknown or of the wrong type)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str

    def term(self, value: str):
        """`value` (text, as typed on a command line or in a URL) as the RDF term to bind."""
        import pyoxigraph as ox

        if self.type == "zh":
            return ox.Literal(value, language="zh")
        if self.type == "string":
            return ox.Literal(value)
        if self.type == "iri":
            text = value.strip()
            if text.startswith("<") and text.endswith(">"):
                text = text[1:-1]
            try:
                return ox.NamedNode(text)
            except ValueError as exc:
                raise QueryParamError(f"{self.name}: {value!r} is not an IRI") from exc
        if self.type == "integer":
            if not _INTEGER.match(value.strip()):
                raise QueryParamError(f"{self.name}: expected an integer, got {value!r}")
            return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + "integer"))
        if not _DATE.match(value.strip()):
            raise QueryParamError(f"{self.name}: expected a date YYYY-MM-DD, got {value!r}")
        return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + "date"))


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title_zh: str
    title_en: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    path: Path = field(compare=False)
    examples: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def title(self) -> str:
        return f"{self.title_zh} | {self.title_en}" if self.title_en else self.title_zh

    def bindings(self, values: Mapping[str, str]) -> dict:
        """Text values by parameter name → RDF terms by variable name, for PlanStore.query."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise QueryParamError(f"{self.name} has no parameter {', '.join(unknown)}; it takes: "
                                  f"{', '.join(declared) or 'none'}")  # fmt: skip
        missing = [name for name in declared if name not in values]
        if missing:
            raise QueryParamError(f"{self.name} needs {', '.join(missing)}")
        return {name: declared[name].term(value) for name, value in values.items()}

    def example_bindings(self) -> dict:
        return self.bindings(self.examples)


def queries_dir() -> Path:
    return Path(str(resources.files("plankg.queries")))


def query_variables(sparql: str) -> set[str]:
    """The ?variables and $variables of the query, outside comments, strings and IRIs."""
    code = _NOT_CODE.sub(" ", sparql)
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", code))


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    title, description, params = "", [], []
    param_lines: dict[str, int] = {}
    examples: dict[str, str] = {}
    example_lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value
        elif key == "description":
            description.append(value)
        elif key == "param":
            param = _PARAM.match(value)
            if not param or param.group(2) not in PARAM_TYPES:
                raise QueryFileError(f"{path}:{number}: expected '# param: name (type) description' "
                                     f"with type one of {', '.join(PARAM_TYPES)}")  # fmt: skip
            if param.group(1) in param_lines:
                raise QueryFileError(f"{path}:{number}: parameter {param.group(1)!r} is declared twice "
                                     f"(first at line {param_lines[param.group(1)]})")  # fmt: skip
            param_lines[param.group(1)] = number
            params.append(Param(*param.groups()))
        else:
            example = _EXAMPLE.match(value)
            if not example:
                raise QueryFileError(f"{path}:{number}: expected '# example: name=value'")
            name, sample = example.group(1), example.group(2).strip()
            if name in example_lines:
                raise QueryFileError(f"{path}:{number}: a second example for {name!r} "
                                     f"(first at line {example_lines[name]})")  # fmt: skip
            examples[name], example_lines[name] = sample, number
    if not title:
        raise QueryFileError(f"{path}:1: expected a '# title: 中文 | English' header line")
    declared = {p.name: p for p in params}
    for name, number in example_lines.items():
        if name not in declared:
            raise QueryFileError(f"{path}:{number}: the example names {name!r}, which no '# param:' line declares")
        try:
            declared[name].term(examples[name])
        except QueryParamError as exc:
            raise QueryFileError(f"{path}:{number}: the example does not fit the parameter: {exc}") from exc
    used = query_variables(text)
    for param in params:
        if param.name not in used:
            raise QueryFileError(f"{path}:{param_lines[param.name]}: parameter {param.name!r} is not a variable "
                                 f"of the query (expected ?{param.name} in it)")  # fmt: skip
    title_zh, _, title_en = (part.strip() for part in title.partition("|"))
    return CannedQuery(
        path.stem, title_zh, title_en, " ".join(description), tuple(params), text, path, examples=examples
    )


@lru_cache(maxsize=1)
def load_queries() -> dict[str, CannedQuery]:
    """Every canned query, by name; a malformed file fails here, at start-up, not for a user."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(queries_dir().glob("*.rq")))}
