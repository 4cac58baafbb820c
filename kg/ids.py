"""Stable ASCII identifiers for instances under pkid: (https://w3id.org/plankg/id/)."""

from __future__ import annotations

import functools
import hashlib
import re

PKID = "https://w3id.org/plankg/id/"
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=1 << 16)  # the same unit, platform and region names recur in every plan
def slug(name: str, max_len: int = 48) -> str:
    """An ASCII slug for a Chinese name: its pinyin, lower case, joined by hyphens.

    Long names are cut and given a short hash so that two long names sharing a prefix stay apart.
    """
    from pypinyin import lazy_pinyin  # its dictionaries take 0.25 s to load: only when an id is made

    words = lazy_pinyin(name, errors=lambda chars: [chars])
    text = _NON_SLUG.sub("-", "-".join(words).lower()).strip("-")
    if not text:
        text = "x"
    if len(text) > max_len:
        text = text[: max_len - 9].rstrip("-") + "-" + short_hash(name)
    return text


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def inferred_graph(plan_graph: str) -> str:
    """The graph that holds what reasoning adds to a plan's graph (dropped when the plan is rebuilt)."""
    return iri("graph", "inferred", plan_graph.rsplit("/", 1)[-1])


def iri(*parts: str | int) -> str:
    """pkid: IRI from path parts, e.g. iri("unit", "jiujiang", "shi-gong-an-ju")."""
    return PKID + "/".join(str(p) for p in parts)
