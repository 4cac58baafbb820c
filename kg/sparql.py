"""Binding parameters into SPARQL without pasting user text into the query.

Values enter as RDF terms serialised by the engine (so quotes and escapes are the engine's),
in a VALUES block at the top of the query's WHERE group and of every subquery's.  A bound variable then joins like any
VALUES variable: use it in triple patterns anywhere, or in FILTERs of the top-level group (a FILTER
inside a nested group is evaluated before the join and does not see it).  SEP-0007 substitution
in Oxigraph only binds projected variables, which aggregates and ASK queries do not have.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BindingError(ValueError):
    """A query that parameters cannot be bound into."""


def bind_values(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """`sparql` with `VALUES (?a ?b) { (term term) }` opening its WHERE group."""
    if not bindings:
        return sparql
    for name in bindings:
        if not _VARIABLE.match(name):
            raise BindingError(f"{name!r} is not a SPARQL variable name")
    masked = _mask_comments_and_strings(sparql)
    # every WHERE group, subqueries' too: a subquery sees only what it binds itself, and a parameter
    # means the same value wherever the query names it
    positions = [match.end() for match in _WHERE.finditer(masked)]
    if not positions:
        form = _FORM.search(masked)
        if form is None or form.group(1).upper() == "CONSTRUCT":
            raise BindingError("parameters need a query with a WHERE clause")
        brace = masked.find("{", form.end())
        if brace < 0:
            raise BindingError("parameters need a query with a WHERE clause")
        positions = [brace + 1]
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({terms}) }}\n"
    pieces, last = [], 0
    for position in positions:
        pieces += [sparql[last:position], block]
        last = position
    return "".join(pieces) + sparql[last:]


def _mask_comments_and_strings(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked out (same length), to search its keywords."""
    return _MASKED.sub(lambda m: " " * len(m.group(0)), sparql)


_MASKED = re.compile(
    r'"""[\s\S]*?"""'  # long strings
    r"|\'\'\'[\s\S]*?\'\'\'"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\s]*>"  # IRIs
    r"|#[^\n]*"  # comments
)
