"""Schemathesis over the whole OpenAPI of `plankg serve`, on a store of many plans: no 5xx anywhere.

tests/api/test_server.py runs schemathesis (examples, coverage and fuzzing phases, 8 examples an
operation) against a store of two plans.  This run differs in what the server holds: the seed, the
test plans and 40 generated plans (over 45 plans, several provinces and cities, hundreds of units),
so the views and exports take their aggregated paths (more than 3 plans or 300 units), the
coordination matrix and the searches run over many plans, and the /id/ pages resolve ids that
exist in many graphs.  Every operation gets its OpenAPI examples, the coverage phase's edge values
and a few generated cases; the one check is that no answer is a server error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from .conftest import build_store, make_corpus, seed_and_test_plans, serving


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def _sparql_text(ctx, value):
    return (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")


@pytest.fixture(scope="module")
def many_plans_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("schemathesis")
    corpus = make_corpus(root / "plans", 40, seed=7)
    store = build_store(root / "store", [*seed_and_test_plans(), *corpus])
    with serving(store, "--timeout", "5") as (url, _):
        plans = httpx.get(url + "/api/plans", timeout=30).json()
        assert len(plans) > 45
        yield url


@pytest.fixture(scope="module")
def many_plans_schema(many_plans_server: str):
    return schemathesis.openapi.from_url(many_plans_server + "/openapi.json")


# /api/check runs the SHACL checks of every plan (kg/check.py): 80 s on these 49 plans, on 2 cores,
# before its report is cached; tests/api covers it on two plans.  Every other operation runs here.
SLOW_OPERATIONS = ["/api/check"]
schema = schemathesis.pytest.from_fixture("many_plans_schema").exclude(path=SLOW_OPERATIONS)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_on_many_plans(case):
    case.call_and_validate(checks=[not_a_server_error], timeout=60)


@pytest.mark.slow
def test_every_operation_is_covered(many_plans_schema) -> None:
    """The run above reaches every operation of the schema (none filtered out or failing to load)."""
    operations = [result.ok() for result in many_plans_schema.get_all_operations()]
    paths = {(op.method.upper(), op.path) for op in operations}
    assert len(paths) >= 25
    assert {path for _, path in paths} >= set(SLOW_OPERATIONS), "an excluded operation is gone: drop it from the list"
    assert {("GET", "/sparql"), ("POST", "/sparql"), ("GET", "/api/ask"), ("GET", "/id/{path}")} <= paths

