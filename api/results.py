"""Writing query answers: SPARQL 1.1 result documents (JSON, XML, CSV, TSV) and RDF graphs.

The service cuts a SELECT answer at its row cap, so it cannot hand Oxigraph's result iterator to
Oxigraph's own serialiser; these small writers take the rows it kept. They follow
https://www.w3.org/TR/sparql11-results-json/, https://www.w3.org/TR/rdf-sparql-XMLres/ and
https://www.w3.org/TR/sparql11-results-csv-tsv/; the tests read their output back with
pyoxigraph.parse_query_results (and the csv module for CSV). Pure functions, no I/O.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import orjson
import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

# short name → media type; the short names are what the worker is asked for
SOLUTION_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MEDIA_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]


def write_solutions(fmt: str, variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    """A SELECT answer in the format named `fmt` (json, xml, csv, tsv)."""
    return _SOLUTION_WRITERS[fmt](variables, rows)


def write_boolean(fmt: str, value: bool) -> bytes:
    """An ASK answer; CSV and TSV (which the standard leaves open) are the bare word, as Oxigraph writes it."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}"><head></head>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    return b"true" if value else b"false"


def write_graph(fmt: str, triples: Sequence[ox.Triple], prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples in the RDF format named `fmt` (turtle, ntriples, jsonld, rdfxml)."""
    kind = _GRAPH_FORMATS[fmt]
    use_prefixes = dict(prefixes) if prefixes and kind in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=kind, prefixes=use_prefixes) or b""


# ---- JSON --------------------------------------------------------------------------------------


def term_json(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = str(getattr(direction, "value", direction)).lower().rsplit(".", 1)[-1]
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def _json(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    # Answers repeat their terms (the same plan, unit, title on many rows): each is converted once. With
    # orjson this writes 21,828 rows x 9 terms in 0.065 s where json.dumps of fresh dicts took 0.33 s.
    converted: dict[Term, dict] = {}
    bindings = []
    for row in rows:
        binding = {}
        for name, term in zip(variables, row, strict=False):
            if term is not None:
                value = converted.get(term)
                if value is None:
                    value = converted[term] = term_json(term)
                binding[name] = value
        bindings.append(binding)
    return orjson.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}})


# ---- XML ---------------------------------------------------------------------------------------


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters at all, not even as references: drop them
    cleaned = "".join(c for c in text if c >= " " or c in "\t\n\r")
    return escape(cleaned, {"\r": "&#13;"})


def _xml(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    out.write(f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}">\n<head>')
    for name in variables:
        out.write(f"<variable name={quoteattr(name)}/>")
    out.write("</head>\n<results>\n")
    for row in rows:
        out.write("<result>")
        for name, term in zip(variables, row, strict=False):
            if term is not None:
                out.write(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.write("</result>\n")
    out.write("</results>\n</sparql>\n")
    return out.getvalue().encode("utf-8")


# ---- CSV and TSV -------------------------------------------------------------------------------


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(term) for term in row])
    return out.getvalue().encode("utf-8")


def _tsv_value(term: Term | None) -> str:
    if term is None:
        return ""
    # N-Triples syntax, which is also Turtle syntax; tab and newline inside a literal are escaped
    text = str(term)
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _tsv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines.extend("\t".join(_tsv_value(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


_SOLUTION_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
