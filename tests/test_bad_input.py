"""Odd input anywhere gets a clear answer, never a server error."""

import pytest
from sqlalchemy import select

from eventsapp.catalogue.models import Event
from tests.test_events import post_event

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/?year=²", 200),
        ("/?month=²", 200),
        ("/?programme=²", 200),
        (f"/?page={HUGE}", 200),
        (f"/events/{HUGE}", 404),
        (f"/events/{HUGE}.ics", 404),
        ("/calendar/2026?year=2027", 200),
        ("/calendar/2026.ics?programme=²", 400),
    ],
)
def test_public_urls_answer_odd_parameters_without_a_server_error(client, db, url, status):
    assert client.get(url).status_code == status


def test_the_public_calendar_says_which_parameter_is_wrong(client, db):
    page = client.get("/?year=²").data.decode()
    assert "Year must be a number from 1900 to 2200." in page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/events?year=²", "Year must be a number"),
        (f"/api/v1/events?programme={HUGE}", "Unknown programme"),
        ("/api/v1/dates/parse?text=March&year=²", "year must be a number"),
    ],
)
def test_the_api_answers_odd_parameters_with_a_json_400(client, db, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_staff_pages_clamp_the_page_number(staff_client, make):
    make.event(title="Only event")
    assert "Only event" in staff_client.get(f"/manage/events/?past=1&page={HUGE}").data.decode()
    assert staff_client.get("/manage/organisations/?page=²").status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "Launch\r\nBcc: everyone@example.org"}, "Write this on one line"),
        (
            {"start_time": "09:00", "end_time": "10:00", "timezone": "America"},
            "Unknown time zone &#39;America&#39;",
        ),
        (
            {"start_time": "09:00", "end_time": "09:00", "date_text": "18 January 2011"},
            "The event ends before it starts",
        ),
    ],
)
def test_event_form_refusals(staff_client, db, changes, message):
    page = post_event(staff_client, **changes).data.decode()
    assert message in page
    assert db.session.scalar(select(Event)) is None


def test_staff_notes_stay_off_the_public_page(app, staff_client, make):
    event = make.event(title="Workshop", notes="Read as three workshops to total 10")
    assert "Read as three workshops" in staff_client.get(f"/events/{event.id}").data.decode()
    page = app.test_client().get(f"/events/{event.id}").data.decode()
    assert "Read as three workshops" not in page


@pytest.mark.parametrize("number", [HUGE, str(2**31)])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/api/v1/events/{}"),
        ("POST", "/api/v1/events/{}/tasks"),
        ("POST", "/manage/events/{}/edit"),
        ("PATCH", "/manage/events/{}/edit"),
    ],
)
def test_an_id_larger_than_the_database_holds_is_not_found_whatever_the_method(
    staff_client, number, method, path
):
    """Not a 405 because another route of the same path takes another method: no route has it."""
    assert staff_client.open(path.format(number), method=method).status_code == 404
    assert staff_client.open(path.format(2**31 - 1), method="GET").status_code == 404
