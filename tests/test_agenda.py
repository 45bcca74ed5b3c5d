"""Staff tailor an event's agenda; the published sessions show on the public page."""

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsapp.agenda.models import AgendaSession
from eventsapp.catalogue.models import Event
from tests.calendar_helpers import add_session

VALID = {
    "day": "2016-04-18",
    "start_time": "09:00",
    "end_time": "10:30",
    "timezone": "America/Mexico_City",
    "title": "Opening and presentation of the Mexican experience",
    "kind": "presentation",
    "speakers": "Lorenzo Córdova, INE\nJosé Luis Vargas, TEPJF",
    "room": "Sala de Consejo",
    "language": "es",
    "interpretation": "y",
    "published": "y",
}


@pytest.fixture
def course(make):
    return make.event("Electronic Voting from Abroad", "April 18th-22nd", year=2016)


def agenda_url(event) -> str:
    return f"/manage/events/{event.id}/agenda/"


def test_staff_add_a_session_and_the_public_page_shows_it(staff_client, course, db):
    page = staff_client.get(agenda_url(course)).data.decode()
    assert 'value="18 April 2016"' in page  # the first day is offered
    assert 'value="America/Mexico_City"' in page  # the zone of the venue's country

    response = staff_client.post(agenda_url(course), data=VALID, follow_redirects=True)
    assert response.status_code == 200
    page = response.data.decode()
    assert "Saved “Opening and presentation of the Mexican experience”." in page
    assert "09:00–10:30" in page

    session = db.session.scalar(select(AgendaSession))
    assert (session.starts_at.hour, session.ends_at.hour) == (14, 15)  # stored in UTC (CDT)
    assert session.language == "es" and session.interpretation and session.published

    public = staff_client.get(f"/events/{course.id}").data.decode()
    assert 'id="agenda"' in public
    assert "Opening and presentation of the Mexican experience" in public
    assert "09:00–10:30" in public
    assert "Sala de Consejo" in public
    assert "Spanish · simultaneous interpretation" in public
    # The day's time zone as people name it, in their language, not "America/Mexico_City".
    assert "Mexico (Mexico City) Time" in public and "America/Mexico_City" not in public
    spanish = staff_client.get(f"/events/{course.id}", headers={"Accept-Language": "es"}).text
    assert "hora de México (Ciudad de México)" in spanish


def test_unpublished_sessions_stay_off_the_public_page(client, course, db):
    add_session(db, course, date(2016, 4, 18), title="Shown")
    add_session(db, course, date(2016, 4, 19), title="Draft, not shown", published=False)
    page = client.get(f"/events/{course.id}").data.decode()
    assert "Shown" in page
    assert "Draft, not shown" not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"day": "2016-04-23"}, "day", "Choose a day within the event's dates, 18–22 April 2016."),
        ({"day": "0001-01-01"}, "day", '"0001-01-01" is outside the years 1900 to 2200'),
        ({"end_time": "08:00"}, "end_time", "The session must end after it starts."),
        ({"end_time": "09:00"}, "end_time", "The session must end after it starts."),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone 'Mars/Olympus'."),
        ({"title": ""}, "title", "This field is required."),
        ({"start_time": "9 o'clock"}, "start_time", "Not a valid time value."),
    ],
)
def test_refusals_are_shown_beside_the_field(staff_client, course, db, changes, field, message):
    response = staff_client.post(agenda_url(course), data={**VALID, **changes})
    assert response.status_code == 400
    page = html.unescape(response.data.decode())
    assert "Nothing was saved" in page
    error_at = page.index(f'name="{field}"')
    assert message in page[error_at : error_at + 1500]
    assert db.session.scalar(select(AgendaSession)) is None


def test_edit_a_session_raises_its_sequence_when_it_moves(staff_client, course, db):
    session = add_session(db, course, date(2016, 4, 18))
    url = f"{agenda_url(course)}{session.id}/edit"
    form = staff_client.get(url).data.decode()
    assert 'value="09:00"' in form and 'value="10:30"' in form  # local times, not UTC

    staff_client.post(url, data={**VALID, "room": "Sala 2"}, follow_redirects=True)
    db.session.refresh(session)
    assert session.room == "Sala 2" and session.sequence == 1
    staff_client.post(url, data={**VALID, "room": "Sala 2", "title": "New title"})
    db.session.refresh(session)
    assert session.title == "New title" and session.sequence == 1  # a new title is no move


def test_changes_to_the_agenda_mark_the_event_updated(staff_client, course, db):
    before = course.updated_at
    staff_client.post(agenda_url(course), data=VALID)
    assert db.session.get(Event, course.id).updated_at > before


def test_delete_a_session(staff_client, course, db):
    session = add_session(db, course, date(2016, 4, 18), title="To remove")
    response = staff_client.post(f"{agenda_url(course)}{session.id}/delete", follow_redirects=True)
    assert "Deleted “To remove”." in response.data.decode()
    assert db.session.scalar(select(AgendaSession)) is None


def test_a_session_of_another_event_is_not_found(staff_client, course, make, db):
    other = make.event("Another event", "May 5th and 6th", year=2016)
    session = add_session(db, other, date(2016, 5, 5))
    assert staff_client.get(f"{agenda_url(course)}{session.id}/edit").status_code == 404
    assert staff_client.post(f"{agenda_url(course)}{session.id}/delete").status_code == 404
    assert staff_client.get("/manage/events/999999/agenda/").status_code == 404


START = datetime(2016, 4, 18, 14)


@pytest.mark.parametrize(
    "values",
    [{"ends_at": START}, {"kind": "party"}, {"language": "xx"}, {"title": ""}],
)
def test_the_database_refuses_bad_sessions(db, course, values):
    row = {
        "event_id": course.id,
        "day": date(2016, 4, 18),
        "starts_at": START,
        "ends_at": START + timedelta(hours=1),
        "timezone": "America/Mexico_City",
        "title": "Session",
        "kind": "presentation",
        **values,
    }
    db.session.add(AgendaSession(**row))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_sessions_go_when_their_event_goes(db, course):
    add_session(db, course, date(2016, 4, 18), time(9), time(10))
    db.session.delete(db.session.get(Event, course.id))
    db.session.commit()
    assert db.session.scalar(select(AgendaSession)) is None


def test_an_event_that_moves_leaves_its_old_agenda_unshown(staff_client, course, db):
    session = add_session(db, course, date(2016, 4, 18), title="First day opening")
    event = db.session.get(Event, course.id)
    event.starts_on, event.ends_on, event.date_text = date(2016, 5, 23), date(2016, 5, 27), "May"
    db.session.commit()
    assert "First day opening" not in staff_client.get(f"/events/{course.id}").data.decode()
    assert (
        f"session-{session.id}@".encode() not in staff_client.get(f"/events/{course.id}.ics").data
    )
    page = staff_client.get(agenda_url(course)).data.decode()
    assert "dates: not shown" in page


def test_the_next_session_is_offered_when_the_last_one_ends(staff_client, course, db):
    add_session(db, course, date(2016, 4, 19), time(14), time(15, 45))
    page = staff_client.get(agenda_url(course)).data.decode()
    assert re.search(r'name="day" [^>]*value="19 April 2016"', page)
    assert 'name="start_time" required type="time" value="15:45"' in page
