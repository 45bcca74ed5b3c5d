"""Findings of the attack on main: far dates, control characters, security headers."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventsapp.catalogue.models import Event, Programme
from eventsapp.people.models import Organisation
from tests.test_events import post_event

# ---------------------------------------------------------------- dates within 1900–2200


@pytest.mark.parametrize(
    ("date_text", "year", "message"),
    [
        ("late December 9999", "", "outside the years 1900 to 2200"),
        ("late December", "9999", "Year"),
        ("0001-01-01", "", "outside the years 1900 to 2200"),
        ("1899", "", "outside the years 1900 to 2200"),
    ],
)
def test_the_event_form_refuses_dates_outside_the_calendar(
    staff_client, db, date_text, year, message
):
    page = post_event(staff_client, date_text=date_text, year=year).data.decode()
    assert message in page
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_the_edges_of_the_calendar_are_taken_and_their_feeds_work(staff_client, client, db):
    for date_text in ("1 January 1900", "31 December 2200", "late December 2200"):
        response = post_event(staff_client, date_text=date_text, year="")
        assert "Saved" in response.data.decode(), date_text
    for event in db.session.scalars(select(Event)):
        assert client.get(f"/events/{event.id}.ics").status_code == 200
    assert client.get("/calendar/2200.ics").status_code == 200


def test_the_date_api_refuses_far_years(client, db):
    response = client.get("/api/v1/dates/parse?text=late December 9999")
    assert response.status_code == 400
    assert "outside the years 1900 to 2200" in response.get_json()["error"]


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_on": date(1, 1, 1), "ends_on": date(1, 1, 2)},
        {"starts_on": date(2200, 12, 30), "ends_on": date(9999, 12, 31)},
    ],
)
def test_the_database_refuses_dates_outside_the_calendar(make, db, changes):
    event = make.event()
    with pytest.raises(IntegrityError):
        db.session.execute(Event.__table__.update().where(Event.id == event.id).values(**changes))
    db.session.rollback()


def test_the_database_refuses_programme_years_outside_the_calendar(db):
    db.session.add(Programme(name="Far", first_year=9999))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# ---------------------------------------------------------------- control characters

HOSTILE_PARAMETERS = ["%00", "a%00b", "%01", "%1b[31m", "%7f", "%C2%85"]


@pytest.mark.parametrize("value", HOSTILE_PARAMETERS)
@pytest.mark.parametrize(
    "url",
    [
        "/?country={}",
        "/?programme={}",
        "/calendar/2016?country={}",
        "/calendar/2016.ics?programme={}",
        "/calendar/2016.csv?country={}",
        "/calendar/2016.xlsx?country={}",
        "/events/1?x{}=1",
    ],
)
def test_control_characters_in_parameters_get_a_400_not_a_server_error(client, db, url, value):
    response = client.get(url.format(value))
    assert response.status_code == 400
    assert "control characters" in response.data.decode()


@pytest.mark.parametrize("value", HOSTILE_PARAMETERS)
def test_the_api_refuses_control_characters_in_json(client, db, value):
    response = client.get(f"/api/v1/events?programme={value}")
    assert response.status_code == 400
    assert "control characters" in response.get_json()["error"]


def test_staff_searches_refuse_control_characters(staff_client, db):
    for url in ("/manage/events/?q=%00", "/manage/organisations/?q=a%00"):
        assert staff_client.get(url).status_code == 400


def test_a_form_field_with_a_nul_byte_writes_nothing(staff_client, db):
    response = staff_client.post(
        "/manage/organisations/new",
        data={"name": "Electoral\x00 Tribunal", "kind": "electoral_court", "country_code": "MX"},
    )
    assert response.status_code == 400
    assert "control characters" in response.data.decode()
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_line_breaks_and_tabs_still_reach_text_areas(staff_client, make, db):
    event = make.event(title="Workshop")
    response = staff_client.get(f"/manage/events/{event.id}/edit")
    assert response.status_code == 200
    response = post_event(
        staff_client,
        url=f"/manage/events/{event.id}/edit",
        notes="First line\r\n\tindented second line",
    )
    assert "Saved" in response.data.decode()
    db.session.refresh(event)
    assert event.notes == "First line\r\n\tindented second line"


# ---------------------------------------------------------------- security headers


@pytest.mark.parametrize("url", ["/", "/login", "/calendar/2016", "/api/v1/countries", "/nowhere"])
def test_every_answer_carries_the_security_headers(client, db, url):
    headers = client.get(url).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would mean nothing


def test_staff_pages_cannot_be_framed(staff_client, db):
    headers = staff_client.get("/manage/events/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_https_answers_carry_hsts(client, db):
    headers = client.get("/", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_page_carries_an_inline_script_the_policy_would_block(app):
    """Every template's scripts are files of static/js (JSON-LD data blocks are not run)."""
    import re
    from pathlib import Path

    templates = Path(app.root_path).parent / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\son[a-z]+=", text), template
        assert "javascript:" not in text, template  # a link the policy would not follow
        for attributes in re.findall(r"<script([^>]*)>", text):
            assert "src=" in attributes or "application/ld+json" in attributes, template


def test_a_server_error_under_the_api_is_json(app, client, db, monkeypatch):
    import eventsapp.api.views as api_views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api_views, "read_date_phrase", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/api/v1/dates/parse?text=March 2016")
    assert response.status_code == 500
    assert response.get_json() == {"error": "Something went wrong on our side."}


def test_private_pages_are_never_kept_by_caches(staff_client, delegate_user, client, db):
    assert staff_client.get("/manage/events/").headers["Cache-Control"] == "private, no-store"
    assert staff_client.get("/me/password").headers["Cache-Control"] == "private, no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_the_health_check_answers_in_plain_text(client, db):
    response = client.get("/healthz")
    assert (response.text, response.mimetype) == ("ok", "text/plain")
