"""The yearly calendar and the feeds run a fixed number of SQL queries, whatever the number of
events and agenda sessions; the demo programmes import cleanly."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from eventsapp.agenda.models import AgendaSession
from eventsapp.catalogue.models import Event, Programme
from eventsapp.demo.services import load_demo
from tests.calendar_helpers import check_feed, vevents


def add_events(make, programme, partner, count):
    """`count` events of 2030, each with two agenda sessions."""
    events = [
        make.event(
            f"Workshop {number}",
            "18-19 January 2030" if number % 2 else "March 2030 (tbc)",
            programme_id=programme.id,
            requesting_countries=["KE", "BW"],
            participant_countries=["MX"],
            partner_ids=[partner.id],
            venue=("SE", "Stockholm", None) if number % 3 else None,
            commit=False,
        )
        for number in range(count)
    ]
    for event in events:
        for hour in (9, 11):
            start = datetime.combine(event.starts_on, datetime.min.time()) + timedelta(hours=hour)
            make.db.session.add(
                AgendaSession(
                    event_id=event.id,
                    day=event.starts_on,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    timezone="UTC",
                    title=f"Session at {hour}",
                    kind="presentation",
                )
            )
    make.db.session.commit()


URLS = [
    "/calendar/2030",
    "/calendar/2030?region=Africa&kind=workshop",
    "/calendar/2030.ics",
    "/calendar/2030.ics?country=KE&programme={programme}",
    "/calendar/2030.csv",
    "/calendar/2030.xlsx",
    "/programmes/{programme}.ics",
    "{personal}",
]


@pytest.mark.parametrize("url", URLS)
def test_fixed_number_of_queries_with_10_and_500_events(
    app, staff_client, make, count_queries, url
):
    programme = make.programme("CICIE")
    partner = make.organisation("Partner")
    page = staff_client.get("/calendar/subscribe").data.decode()
    personal = re.search(r'value="http://127.0.0.1:5000(/calendar/personal/[^"]+)"', page).group(1)
    url = url.format(programme=programme.id, personal=personal)

    def queries() -> int:
        app.extensions.pop("calendar_cache", None)  # built from the database each time
        with count_queries() as statements:
            response = staff_client.get(url)
        assert response.status_code == 200
        return len(statements)

    add_events(make, programme, partner, 10)
    small = queries()
    add_events(make, programme, partner, 490)
    large = queries()
    assert small == large, f"{url}: {small} queries with 10 events, {large} with 500"


def test_a_feed_from_its_cache_runs_one_query(client, make, count_queries):
    programme = make.programme("CICIE")
    add_events(make, programme, make.organisation("Partner"), 20)
    client.get("/calendar/2030.ics")
    with count_queries() as statements:
        client.get("/calendar/2030.ics")
    assert len(statements) == 1


def test_the_cicie_2016_calendar_and_the_ppiep_programme_import_cleanly(client, db):
    load_demo()
    db.session.commit()
    page = client.get("/calendar/2016?programme=cicie").data.decode()
    feed = client.get("/calendar/2016.ics?programme=cicie")
    found = vevents(check_feed(feed.data))
    page_ids = [int(n) for n in re.findall(r'data-event-id="(\d+)"', page)]
    assert sorted(found) == sorted(f"event-{n}@eventsapp" for n in page_ids)
    assert len(found) == 11  # six workshops, three courses, the seminar and the forum
    tentative = [str(e["SUMMARY"]) for e in found.values() if e.get("STATUS") == "TENTATIVE"]
    assert len(tentative) == 8 and all(s.endswith("(tentative)") for s in tentative)

    ppiep = db.session.scalar(select(Programme).where(Programme.key == "ppiep"))
    found = vevents(check_feed(client.get(f"/programmes/{ppiep.id}.ics").data))
    events = db.session.scalars(select(Event).where(Event.programme_id == ppiep.id)).all()
    assert len(found) == len(events) == 32
    for event in events:  # nothing a day short: the last day is in, the day after is the end
        vevent = found[f"event-{event.id}@eventsapp"]
        assert vevent.decoded("DTSTART") == event.starts_on
        assert vevent.decoded("DTEND") == event.ends_on + timedelta(days=1)
        assert isinstance(vevent.decoded("DTEND"), date)


def test_the_synthetic_data_has_agendas(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["demo", "synth", "--events", "20", "--year", "2031", "--sessions-per-event", "3"]
    )
    assert result.exit_code == 0, result.output
    sessions = db.session.scalars(select(AgendaSession)).all()
    assert len(sessions) == 60
    assert all(s.ends_at > s.starts_at and s.event.starts_on <= s.day for s in sessions)


def test_staff_see_their_feed_link_from_the_year_page(staff_client):
    page = staff_client.get("/calendar/2030").data.decode()
    assert 'href="/calendar/subscribe"' in page
