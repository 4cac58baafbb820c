"""Content negotiation: the Accept header (and a `format` parameter that overrides it) → result formats.

A query's kind of answer is known only once the engine has parsed it, so negotiation yields a
pair: the format for a SELECT/ASK answer and the format for a CONSTRUCT/DESCRIBE answer. When the
Accept header names nothing the service writes, the defaults (SPARQL JSON, Turtle) are used, as
most SPARQL servers do; a `format` parameter that does not fit the answer gets 406.
"""

from __future__ import annotations

from dataclasses import dataclass

from plankg.api.results import GRAPH_MEDIA_TYPES, SOLUTION_MEDIA_TYPES

SOLUTION_DEFAULT = "json"
GRAPH_DEFAULT = "turtle"

# media type (lower case, no parameters) → short name, including the common aliases clients send
SOLUTION_TYPES = {media: name for name, media in SOLUTION_MEDIA_TYPES.items()} | {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {media: name for name, media in GRAPH_MEDIA_TYPES.items()} | {
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}

# values of ?format= (SPARQLWrapper sends its own names and, for some, a media type as well)
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "srj": ("json", None),
    "xml": ("xml", "rdfxml"),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "ttl": (None, "turtle"),
    "turtle": (None, "turtle"),
    "n3": (None, "turtle"),
    "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "rdf": (None, "rdfxml"),
    "rdfxml": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    "rdf xml": (None, "rdfxml"),  # '+' decoded as a space by a client that did not escape it
}


class FormatError(ValueError):
    """A `format` parameter the service does not know."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    q: float
    order: int


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges by preference: highest q first, then the order the client wrote them."""
    ranges = []
    for order, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(media, q, order))
    return sorted(ranges, key=lambda r: (-r.q, r.order))


def _pick(ranges: list[MediaRange], table: dict[str, str], default: str, preference: list[str]) -> str | None:
    """The best short name in `table` for these ranges; None when the client excluded all of them."""
    excluded = {r.type for r in ranges if r.q == 0}
    for media_range in ranges:
        if media_range.q == 0:
            continue
        if media_range.type in table:
            return table[media_range.type]
        if media_range.type == "*/*" or media_range.type.endswith("/*"):
            major = media_range.type.split("/")[0]
            for name in preference:
                media = _media_of(name, table)
                if (major == "*" or media.startswith(major + "/")) and media not in excluded:
                    return name
    return default


def _media_of(name: str, table: dict[str, str]) -> str:
    return next(media for media, short in table.items() if short == name)


def negotiate(accept: str | None, fmt: list[str] | str | None = None) -> tuple[str | None, str | None]:
    """(format for SELECT/ASK, format for CONSTRUCT/DESCRIBE) for a request.

    `fmt`: the request's `format` parameter(s); the first one the service knows wins over Accept.
    """
    values = [fmt] if isinstance(fmt, str) else list(fmt or [])
    values = [v for v in values if v and v.strip()]
    if values:
        for value in values:
            key = value.strip().lower()
            if key in FORMAT_NAMES:
                return FORMAT_NAMES[key]
            media = key.split(";")[0].strip()
            if media in SOLUTION_TYPES or media in GRAPH_TYPES:
                return SOLUTION_TYPES.get(media), GRAPH_TYPES.get(media)
        known = ", ".join(sorted(k for k in FORMAT_NAMES if " " not in k))
        raise FormatError(f"unknown format {values[0]!r}; use one of {known} or a media type")
    ranges = parse_accept(accept)
    solution = _pick(ranges, SOLUTION_TYPES, SOLUTION_DEFAULT, ["json", "csv", "xml", "tsv"])
    graph = _pick(ranges, GRAPH_TYPES, GRAPH_DEFAULT, ["turtle", "jsonld", "ntriples", "rdfxml"])
    return solution, graph


def wants_html(accept: str | None) -> bool:
    """True when the client prefers an HTML page over every RDF and results format (a browser)."""
    html = {"text/html", "application/xhtml+xml"}
    for media_range in parse_accept(accept):
        if media_range.q == 0:
            continue
        if media_range.type in html:
            return True
        if media_range.type in SOLUTION_TYPES or media_range.type in GRAPH_TYPES or media_range.type == "*/*":
            return False
    return False
