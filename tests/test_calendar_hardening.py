"""Feeds and the yearly calendar hold up against a foreign Host header, a delegate's changed set
of events, and dates at the edge of the calendar (issue 9, findings 9, 3 and 2)."""

from datetime import date, datetime

import pytest
from sqlalchemy import update

from eventsapp.catalogue.models import Event
from eventsapp.core.clock import utcnow
from eventsapp.registration.models import Registration
from tests.calendar_helpers import add_session, check_feed, vevents
from tests.conftest import login
from tests.test_personal_feed import personal_url

SITE = "http://127.0.0.1:5000"  # SITE_URL in the tests


@pytest.fixture
def production_host(app, monkeypatch):
    """The app as deployed without TRUSTED_HOSTS: it answers whatever Host a request names."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)
    return {"Host": "evil.example"}


def test_no_link_follows_a_foreign_host_header(staff_client, make, db, production_host):
    programme = make.programme("CICIE 2016", acronym="CICIE")
    event = make.event("A workshop", "March 2016", programme_id=programme.id)
    add_session(db, event, date(2016, 3, 1))
    feed_path = personal_url(staff_client)  # shown on SITE_URL (the session is for localhost)
    addresses = [
        "/calendar/2016",
        "/calendar/2016.ics",
        "/calendar/2016.ics?kind=workshop",
        "/calendar/2016.csv",
        f"/events/{event.id}.ics",
        f"/programmes/{programme.id}.ics",
        feed_path,
    ]
    for address in addresses:
        response = staff_client.get(address, headers=production_host)
        assert response.status_code == 200, address
        assert b"evil.example" not in response.data, address
        if address.endswith(".ics") and address != feed_path:  # staff follow recent years
            found = vevents(check_feed(response.data))
            urls = {str(v["URL"]) for v in found.values()}
            assert urls and all(u.startswith(f"{SITE}/events/{event.id}") for u in urls)
    year_page = staff_client.get("/calendar/2016", headers=production_host).text
    assert 'href="webcal://127.0.0.1:5000/calendar/2016.ics"' in year_page


def register(db, user, event, status="approved"):
    registration = Registration(
        event_id=event.id,
        user_id=user.id,
        name="Ana Pérez",
        gender="female",
        email=user.email,
        country_code="PE",
        status=status,
        consent_at=utcnow(),
    )
    db.session.add(registration)
    return registration


def test_a_delegates_feed_changes_when_its_set_of_events_does(client, delegate_user, make, db):
    """Withdrawn from two events, registered for two others: as many events, the same newest
    change, the same sum of ids, yet another feed."""
    this_year = date.today().year
    first, second, third, fourth = (
        make.event(f"Workshop {n}", f"May {this_year}") for n in range(1, 5)
    )
    assert first.id + fourth.id == second.id + third.id
    db.session.execute(update(Event).values(updated_at=datetime(2030, 1, 1)))
    withdrawing = [register(db, delegate_user, first), register(db, delegate_user, fourth)]
    db.session.commit()
    login(client, delegate_user)
    address = personal_url(client)
    before = client.get(address)
    assert sorted(str(e["SUMMARY"]) for e in vevents(check_feed(before.data)).values()) == [
        "Workshop 1",
        "Workshop 4",
    ]

    for registration in withdrawing:
        registration.status = "withdrawn"
    register(db, delegate_user, second)
    register(db, delegate_user, third)
    db.session.commit()
    after = client.get(address, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert sorted(str(e["SUMMARY"]) for e in vevents(check_feed(after.data)).values()) == [
        "Workshop 2",
        "Workshop 3",
    ]


def test_an_event_on_the_last_day_of_the_calendar_is_served_everywhere(staff_client, make):
    event = make.event("The last workshop", "31 December 2200")
    assert event.ends_on == date(2200, 12, 31)
    for address in (
        f"/events/{event.id}.ics",
        "/calendar/2200.ics",
        "/calendar/2200",
        "/calendar/2200.csv",
        "/calendar/2200.xlsx",
        personal_url(staff_client),
    ):
        response = staff_client.get(address)
        assert response.status_code == 200, address
    found = vevents(check_feed(staff_client.get(f"/events/{event.id}.ics").data))
    vevent = found[f"event-{event.id}@eventsapp"]
    assert vevent.decoded("DTEND") == date(2201, 1, 1)  # the day after, though past the calendar
