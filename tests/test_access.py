"""Every URL under /manage/ is for staff: walk the URL map so that a new page cannot forget."""

import pytest
from werkzeug.routing import IntegerConverter, Rule

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from tests.conftest import login


def manage_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every rule under /manage, with 1 for every integer and 'x' for text."""
    urls = []
    for rule in app.url_map.iter_rules():
        rule: Rule
        if not rule.rule.startswith("/manage"):
            continue
        values = {}
        for name in rule.arguments:
            numeric = isinstance(rule._converters[name], IntegerConverter)
            values[name] = 1 if numeric else "sections"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def test_the_walk_finds_the_staff_pages(app):
    urls = manage_urls(app)
    assert ("GET", "/manage/events/") in urls
    assert ("POST", "/manage/events/1/delete") in urls
    assert len(urls) >= 15


def test_anonymous_visitors_are_sent_to_sign_in_from_every_manage_url(app, client):
    for method, url in manage_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"], (method, url)


def test_delegates_are_refused_every_manage_url(app, client, delegate_user):
    login(client, delegate_user)
    for method, url in manage_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url)
        assert b"staff only" in response.data


@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR, Role.ADMIN])
def test_staff_roles_reach_the_staff_area(client, db, role):
    user = create_user(f"{role}@example.org", role, "a long pass phrase")
    db.session.commit()
    login(client, user)
    response = client.get("/manage/events/")
    assert response.status_code == 200
    assert b"New event" in response.data


# ---------------------------------------------------------------- the API

# The API routes anyone may call; every other route under /api/ is for staff. A new public route
# is added here on purpose, never by forgetting a check.
PUBLIC_API = {
    "api.events",
    "api.event",
    "api.programmes",
    "api.countries",
    "api.parse_date",
    "api.openapi",
    "api.docs",
    "api.event_agenda_json",
}


def api_urls(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule under /api/, as ``manage_urls`` builds them."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        values = {
            name: 1 if isinstance(rule._converters[name], IntegerConverter) else "x"
            for name in rule.arguments
        }
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((rule.endpoint, method, url))
    return urls


def test_the_api_walk_finds_the_staff_routes(app):
    endpoints = {endpoint for endpoint, _method, _url in api_urls(app)}
    assert {"api.event_budget_json", "api.event_tasks_json", "api.requests_json"} <= endpoints
    assert endpoints >= PUBLIC_API


def test_anonymous_visitors_get_no_staff_data_from_the_api(app, client, make):
    make.event()  # event 1 exists: a 404 would hide a missing check
    for endpoint, method, url in api_urls(app):
        if endpoint in PUBLIC_API:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 401, (method, url)
        assert "staff" in response.get_json()["error"], (method, url)


def test_delegates_get_no_staff_data_from_the_api(app, client, make, delegate_user):
    make.event()
    login(client, delegate_user)
    for endpoint, method, url in api_urls(app):
        if endpoint in PUBLIC_API:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url)
        assert "staff" in response.get_json()["error"], (method, url)


def test_an_events_budget_is_not_read_by_an_anonymous_visitor(client, make, staff_user):
    event = make.event()
    response = client.get(f"/api/v1/events/{event.id}/budget")
    assert response.status_code == 401
    assert "payers" not in response.get_json()
    login(client, staff_user)
    assert "payers" in client.get(f"/api/v1/events/{event.id}/budget").get_json()
