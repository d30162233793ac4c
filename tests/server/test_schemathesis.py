"""A bounded schema-driven fuzz of the real sandbox with schemathesis: requests generated from
/openapi.json (every operation, a few examples each, derandomised so runs repeat) must never
get a 5xx, and every response must agree with the document: a documented status, the
documented content type, a body valid under its schema, documented headers; a method the
document does not list gets 405 with `Allow`."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

# Not the positive/negative data checks: a valid GUID of no product is rightly a 404.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, unsupported_method]


@pytest.fixture(scope="module")
def api_schema(sandbox):
    return schemathesis.openapi.from_url(sandbox.base_url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_generated_requests_agree_with_the_document(case):
    case.call_and_validate(checks=CHECKS)
