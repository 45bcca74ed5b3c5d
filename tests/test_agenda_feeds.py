"""How events look to calendar subscribers: multi-day timed events one occurrence a day, and
windows coarser than a month as a one-day marker (read with icalendar and vobject)."""

from datetime import date, datetime, time

import vobject

from tests.calendar_helpers import check_feed, vevents


def uid(event) -> str:
    return f"event-{event.id}@eventsapp"


def test_a_multi_day_timed_event_is_one_occurrence_a_day(client, make):
    forum = make.event(
        "Democracy Forum",
        "5-7 October 2016",
        kind="conference",
        status="confirmed",
        start_time=time(9),
        end_time=time(17),
        timezone="America/Mexico_City",
    )
    data = client.get(f"/events/{forum.id}.ics").data
    event = vevents(check_feed(data))[uid(forum)]
    assert event.decoded("DTSTART") == datetime.fromisoformat("2016-10-05T14:00:00+00:00")
    assert event.decoded("DTEND") == datetime.fromisoformat("2016-10-05T22:00:00+00:00")
    parsed = vobject.readOne(data.decode())
    (vevent,) = [v for v in parsed.vevent_list if v.uid.value == uid(forum)]
    days = [moment.isoformat() for moment in vevent.getrruleset()]
    assert days == [
        "2016-10-05T14:00:00+00:00",
        "2016-10-06T14:00:00+00:00",
        "2016-10-07T14:00:00+00:00",
    ]


def test_an_overnight_or_one_day_timed_event_stays_one_block(client, make):
    one_day = make.event(
        "Launch",
        "5 October 2016",
        status="confirmed",
        start_time=time(9),
        end_time=time(17),
        timezone="Europe/Stockholm",
    )
    event = vevents(check_feed(client.get(f"/events/{one_day.id}.ics").data))[uid(one_day)]
    assert "RRULE" not in event
    assert event.decoded("DTEND") == datetime.fromisoformat("2016-10-05T15:00:00+00:00")


def test_a_window_known_by_its_year_is_a_one_day_marker(client, make):
    workshop = make.event("Workshop for Zambia", "2011", status="confirmed")
    fall = make.event("Action item", "Fall 2016")
    month = make.event("Consultation", "May/June 2012")
    calendar = check_feed(client.get("/calendar/2011.ics").data)
    event = vevents(calendar)[uid(workshop)]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        date(2011, 1, 1),
        date(2011, 1, 2),
    )
    assert str(event["SUMMARY"]) == "Workshop for Zambia (≈ 2011)"
    assert "1 January–31 December 2011" in str(event["DESCRIPTION"]) or "2011" in str(
        event["DESCRIPTION"]
    )
    season = vevents(check_feed(client.get(f"/events/{fall.id}.ics").data))[uid(fall)]
    assert (season.decoded("DTSTART"), season.decoded("DTEND")) == (
        date(2016, 9, 1),
        date(2016, 9, 2),
    )
    assert "≈ Fall 2016" in str(season["SUMMARY"])
    # A month window keeps its full extent (transparent: it makes no one busy).
    months = vevents(check_feed(client.get(f"/events/{month.id}.ics").data))[uid(month)]
    assert (months.decoded("DTSTART"), months.decoded("DTEND")) == (
        date(2012, 5, 1),
        date(2012, 7, 1),
    )
    # The year page keeps the full window.
    page = client.get("/calendar/2011").data.decode()
    assert "Workshop for Zambia" in page
