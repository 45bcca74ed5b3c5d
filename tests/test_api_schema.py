"""The OpenAPI document of /api/v1, its browsable page, and schemathesis against both the document
and the application on the test database."""

import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_the_document_describes_every_route_of_the_api(app, client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.openapi", "api.docs")
    }
    assert set(document["paths"]) == routes
    events = document["paths"]["/api/v1/events"]["get"]
    assert {p["name"] for p in events["parameters"]} >= {"year", "kind", "limit", "cursor"}
    assert set(events["responses"]) == {"200", "304", "400"}


def test_the_browsable_page_runs_vendored_scripts_only(client, db):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(
        'src="/static/' in attributes and not body for attributes, body in scripts
    )
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert (STATIC / asset).is_file(), asset
    assert (STATIC / "vendor/swagger-ui/LICENSE").is_file()
    assert "/api/v1/openapi.json" in html


@pytest.fixture
def api_schema(app, make):
    """The document, loaded from the application, with a few events to list and read."""
    programme = make.programme("Programme for Electoral Processes", acronym="PEP")
    for number in range(3):
        make.event(
            title=f"Workshop {number}",
            date_text=f"{number + 1}-{number + 2} March 2011",
            programme_id=programme.id,
            venue=("MX", "Mexico City", None) if number else None,
        )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,  # the same examples on every run
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(case):
    """No 5xx, and every answer (a 400 included) has a status, type and body the document gives."""
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
