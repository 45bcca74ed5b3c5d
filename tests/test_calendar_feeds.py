"""iCal feeds import cleanly: parsed by icalendar and vobject, stable UIDs, rising SEQUENCE,
exclusive all-day ends, cancellations kept, agendas related to their event."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import update

from eventsapp.calendars.services import event_ics
from eventsapp.catalogue.models import Event
from tests.calendar_helpers import add_session, check_feed, vevents


@pytest.fixture
def year_2016(make, db):
    """Events of a 2016 calendar as CICIE writes it: every status, exact and approximate dates."""
    partner = make.organisation("Organization of American States", acronym="OAS")
    programme = make.programme("CICIE 2016", acronym="CICIE")
    events = {
        "course": make.event(
            "Electronic Voting from Abroad",
            "April 18th-22nd",
            year=2016,
            kind="specialization_course",
            programme_id=programme.id,
            purpose=["Legal, social and political aspects; guarantees of security, secrecy"],
            audience="Electoral authorities responsible of the topic",
            requesting_countries=["PE", "CR"],
            partner_ids=[partner.id],
        ),
        "workshop": make.event(
            "International workshop (February)",
            "February 2016 (tbc)",
            status="proposed",
            programme_id=programme.id,
            participant_countries=["HN", "LS"],
        ),
        "seminar": make.event(
            "IX Inter-American Electoral Seminar",
            "September 2016",
            kind="seminar",
            status="cancelled",
            programme_id=programme.id,
        ),
        "forum": make.event(
            "Latin American Democracy Forum",
            "October 5th-7th",
            year=2016,
            kind="conference",
            status="confirmed",
            start_time=time(9),
            end_time=time(18),
            timezone="America/Mexico_City",
            venue=("MX", "Mexico City", "Instituto Nacional Electoral, Viaducto Tlalpan 100"),
        ),
        "winter": make.event(
            "Evaluation across the new year", "December 2015-January 2016", kind="evaluation"
        ),
        "next_year": make.event("Next year's workshop", "March 2017"),
    }
    add_session(db, events["course"], date(2016, 4, 18), title="Opening; welcome, words")
    add_session(
        db,
        events["course"],
        date(2016, 4, 18),
        time(11),
        time(12, 30),
        title="Draft session",
        published=False,
    )
    return events


def uid(event) -> str:
    return f"event-{event.id}@eventsapp"


def test_the_year_feed_imports_cleanly_and_holds_the_events_overlapping_the_year(client, year_2016):
    response = client.get("/calendar/2016.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = check_feed(response.data)
    found = vevents(calendar)
    expected = ["course", "workshop", "seminar", "forum", "winter"]
    assert set(found) == {uid(year_2016[name]) for name in expected}  # no agenda in year feeds
    assert str(calendar["X-WR-CALNAME"]) == "eventsapp calendar 2016"
    assert str(calendar["NAME"]) == "eventsapp calendar 2016"


def test_statuses_tentative_cancelled_and_confirmed(client, year_2016):
    found = vevents(check_feed(client.get("/calendar/2016.ics").data))
    workshop = found[uid(year_2016["workshop"])]
    assert str(workshop["STATUS"]) == "TENTATIVE"
    assert str(workshop["SUMMARY"]) == "International workshop (February) (tentative)"
    assert str(workshop["TRANSP"]) == "TRANSPARENT"  # a month-long window keeps no one busy
    cancelled = found[uid(year_2016["seminar"])]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Cancelled: IX Inter-American Electoral Seminar"
    assert str(found[uid(year_2016["forum"])]["STATUS"]) == "CONFIRMED"
    course = found[
        uid(year_2016["course"])
    ]  # planned, exact dates: neither confirmed nor tentative
    assert "STATUS" not in course and str(course["SUMMARY"]) == "Electronic Voting from Abroad"


def test_all_day_windows_end_the_day_after_their_last_day(client, year_2016):
    found = vevents(check_feed(client.get("/calendar/2016.ics").data))
    course = found[uid(year_2016["course"])]
    assert course.decoded("DTSTART") == date(2016, 4, 18)
    assert course.decoded("DTEND") == date(2016, 4, 23)
    assert "DTSTART;VALUE=DATE:20160418" in course.to_ical().decode()
    workshop = found[uid(year_2016["workshop"])]
    assert (workshop.decoded("DTSTART"), workshop.decoded("DTEND")) == (
        date(2016, 2, 1),
        date(2016, 3, 1),  # leap year: 29 February is the last day
    )
    winter = found[uid(year_2016["winter"])]
    assert (winter.decoded("DTSTART"), winter.decoded("DTEND")) == (
        date(2015, 12, 1),
        date(2016, 2, 1),
    )


def test_times_are_written_in_utc(client, year_2016):
    forum = vevents(check_feed(client.get("/calendar/2016.ics").data))[uid(year_2016["forum"])]
    assert forum.decoded("DTSTART") == datetime.fromisoformat("2016-10-05T14:00:00+00:00")
    # Three days from 09:00 to 18:00 in Mexico City: the first day's hours, daily, three times.
    assert forum.decoded("DTEND") == datetime.fromisoformat("2016-10-05T23:00:00+00:00")
    assert forum["RRULE"] == {"FREQ": ["DAILY"], "COUNT": [3]}
    assert "DTSTART:20161005T140000Z" in forum.to_ical().decode()


def test_text_is_escaped_and_describes_the_event(client, year_2016):
    response = client.get("/calendar/2016.ics")
    course = vevents(check_feed(response.data))[uid(year_2016["course"])]
    description = str(course["DESCRIPTION"])
    assert "Dates: April 18th-22nd (18–22 April 2016)" in description
    assert "- Legal, social and political aspects; guarantees of security, secrecy" in description
    assert "Audience: Electoral authorities responsible of the topic" in description
    link = f"http://127.0.0.1:5000/events/{year_2016['course'].id}"  # SITE_URL, not the Host
    assert link in description
    assert str(course["URL"]) == link
    assert str(course["LOCATION"]) == "Mexico City, Mexico"
    assert course["CATEGORIES"].cats == ["Specialization course"]
    assert str(course["ORGANIZER"]) == "mailto:eventsapp@localhost"
    assert b"aspects\\; guarantees of security\\, secrecy" in response.data.replace(b"\r\n ", b"")
    forum = vevents(check_feed(response.data))[uid(year_2016["forum"])]
    assert str(forum["LOCATION"]) == (
        "Instituto Nacional Electoral, Viaducto Tlalpan 100, Mexico City, Mexico"
    )


def test_an_event_file_carries_its_published_agenda_related_to_it(client, year_2016):
    course = year_2016["course"]
    response = client.get(f"/events/{course.id}.ics")
    found = vevents(check_feed(response.data))
    assert len(found) == 2  # the event and its published session, not the draft
    session = next(v for key, v in found.items() if key.startswith("session-"))
    assert str(session["RELATED-TO"]) == uid(course)
    assert session["RELATED-TO"].params["RELTYPE"] == "PARENT"
    assert str(session["SUMMARY"]) == "Opening; welcome, words"
    # 9:00 in Mexico City (CDT, UTC-5) in April 2016
    assert session.decoded("DTSTART") == datetime.fromisoformat("2016-04-18T14:00:00+00:00")
    assert session.decoded("DTEND") == datetime.fromisoformat("2016-04-18T15:30:00+00:00")
    assert str(session["URL"]).endswith(f"/events/{course.id}#agenda")


def test_uids_stay_the_same_across_renders_and_edits(client, staff_client, year_2016, app):
    first = client.get("/calendar/2016.ics").data
    app.extensions.pop("calendar_cache")  # built again from the database
    second = client.get("/calendar/2016.ics").data
    assert first == second
    course = year_2016["course"]
    staff_client.post(
        f"/manage/events/{course.id}/edit",
        data=edit_form(course, title="Electronic voting from abroad (new title)", kind="seminar"),
    )
    after = vevents(check_feed(client.get("/calendar/2016.ics").data))
    assert set(after) == set(vevents(check_feed(first)))
    assert str(after[uid(course)]["SUMMARY"]) == "Electronic voting from abroad (new title)"


def edit_form(event: Event, **changes) -> dict:
    """The event form as staff would post it back, with `changes`."""
    return {
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "programme_id": event.programme_id or "",
        "section_id": "",
        "date_text": event.date_text,
        "year": event.starts_on.year,
        "venue_country": event.venue.country_code if event.venue else "",
        "venue_city": event.venue.city if event.venue else "",
        "block": "",
        "target_region": "",
        "requesting_authority_id": "",
        **changes,
    }


def test_the_sequence_goes_up_when_the_dates_change(client, staff_client, year_2016):
    course = year_2016["course"]
    before = vevents(check_feed(client.get("/calendar/2016.ics").data))[uid(course)]
    response = staff_client.post(
        f"/manage/events/{course.id}/edit",
        data=edit_form(course, date_text="May 23rd-27th"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    found = vevents(check_feed(client.get("/calendar/2016.ics").data))
    after = found[uid(course)]
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert after.decoded("DTSTART") == date(2016, 5, 23)
    assert [key for key in found if key == uid(course)] == [uid(course)]  # no duplicate


def test_a_programme_feed_holds_its_events(client, year_2016):
    programme_id = year_2016["course"].programme_id
    response = client.get(f"/programmes/{programme_id}.ics")
    calendar = check_feed(response.data)
    assert set(vevents(calendar)) == {
        uid(year_2016[name]) for name in ("course", "workshop", "seminar")
    }
    assert str(calendar["X-WR-CALNAME"]) == "CICIE 2016"
    assert client.get("/programmes/999999.ics").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=specialization_course", {"course"}),
        ("programme=CICIE", {"course", "workshop", "seminar"}),
        ("country=HN", {"workshop"}),  # a candidate country
        ("country=MX", {"course", "workshop", "seminar", "forum", "winter"}),  # the venue
        ("region=Africa", {"workshop"}),  # Lesotho
    ],
)
def test_the_year_feed_filters(client, year_2016, query, expected):
    calendar = check_feed(client.get(f"/calendar/2016.ics?{query}").data)
    assert set(vevents(calendar)) == {uid(year_2016[name]) for name in expected}


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/calendar/2016.ics?kind=party", 400, b"Unknown kind 'party'"),
        ("/calendar/2016.ics?programme=nope", 400, b"Unknown programme 'nope'"),
        ("/calendar/2016.csv?country=XX", 400, b"Unknown country 'XX'"),
        ("/calendar/2016.xlsx?region=Mars", 400, b"Unknown region 'Mars'"),
        ("/calendar/1899.ics", 404, None),
        ("/calendar/2201", 404, None),
        ("/events/999999.ics", 404, None),
        ("/calendar/personal/forged.ics", 404, None),
    ],
)
def test_bad_requests_are_answered_plainly(client, db, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    if message:
        assert response.headers["Content-Type"].startswith("text/plain")
        assert message in response.data


def test_an_empty_year_is_a_valid_calendar(client, db):
    calendar = check_feed(client.get("/calendar/2030.ics").data)
    assert vevents(calendar) == {}


def test_conditional_requests_get_304_without_building(client, year_2016, count_queries, db):
    first = client.get("/calendar/2016.ics")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] in ("no-cache, public", "public, no-cache")
    with count_queries() as queries:
        again = client.get("/calendar/2016.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert len(queries) == 1  # the aggregate that makes the ETag
    # A date alone cannot tell that an event left the feed: only the ETag earns a 304.
    since = client.get("/calendar/2016.ics", headers={"If-Modified-Since": last_modified})
    assert since.status_code == 200 and b"BEGIN:VEVENT" in since.data

    year_2016["course"].title = "Renamed"
    db.session.commit()
    changed = client.get("/calendar/2016.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert b"SUMMARY:Renamed" in changed.data


def test_an_edit_rebuilds_that_event_only(client, year_2016, db, count_queries):
    client.get("/calendar/2016.ics")
    with count_queries() as queries:
        client.get("/calendar/2016.ics")
    assert len(queries) == 1  # the whole feed came from the cache
    # A change the feed cannot know of (updated_at untouched) stays unseen, while the event
    # that was saved is written again.
    db.session.execute(
        update(Event)
        .where(Event.id == year_2016["workshop"].id)
        .values(title="Changed behind the feed's back", updated_at=Event.updated_at)
    )
    year_2016["course"].title = "Saved through the application"
    db.session.commit()
    text = client.get("/calendar/2016.ics").data
    assert b"SUMMARY:Saved through the application" in text
    assert b"Changed behind" not in text
    assert b"SUMMARY:International workshop (February) (tentative)" in text


def test_a_deleted_event_leaves_the_feed(client, year_2016, db):
    etag = client.get("/calendar/2016.ics").headers["ETag"]
    db.session.delete(db.session.get(Event, year_2016["winter"].id))
    db.session.commit()
    response = client.get("/calendar/2016.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert uid(year_2016["winter"]) not in vevents(check_feed(response.data))


def test_an_event_file_changes_with_its_agenda(client, year_2016, db):
    course = year_2016["course"]
    first = client.get(f"/events/{course.id}.ics")
    add_session(db, course, date(2016, 4, 19), time(15), time(16), title="Country presentations")
    response = client.get(
        f"/events/{course.id}.ics", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert response.status_code == 200
    assert len(vevents(check_feed(response.data))) == 3


def test_event_ics_gives_the_event_file_for_emails(client, year_2016, app):
    course = year_2016["course"]
    with app.test_request_context():
        text = event_ics(course)
    assert text == client.get(f"/events/{course.id}.ics").data


def test_an_event_moved_to_another_year_leaves_the_feed_for_every_client(client, year_2016, db):
    first = client.get("/calendar/2016.ics")
    year_2016["course"].starts_on = date(2018, 4, 18)
    year_2016["course"].ends_on = date(2018, 4, 22)
    db.session.commit()
    for headers in (
        {"If-None-Match": first.headers["ETag"]},
        {"If-Modified-Since": first.headers["Last-Modified"]},
    ):
        response = client.get("/calendar/2016.ics", headers=headers)
        assert response.status_code == 200
        assert uid(year_2016["course"]).encode() not in response.data


def test_cancelling_an_event_raises_the_sequence_of_its_sessions_too(
    client, staff_client, year_2016
):
    course = year_2016["course"]

    def session_entry():
        found = vevents(check_feed(client.get(f"/events/{course.id}.ics").data))
        return next(v for key, v in found.items() if key.startswith("session-"))

    before = session_entry()
    staff_client.post(
        f"/manage/events/{course.id}/edit", data=edit_form(course, status="cancelled")
    )
    after = session_entry()
    assert str(after["STATUS"]) == "CANCELLED"
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
