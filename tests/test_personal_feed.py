"""Each account has a personal feed behind a signed URL, which its owner can reset."""

import re
from datetime import date

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from tests.calendar_helpers import add_session, check_feed, vevents
from tests.conftest import login


def personal_url(client) -> str:
    """The personal feed's path, from the address the subscription page shows (on SITE_URL)."""
    page = client.get("/calendar/subscribe").data.decode()
    url = re.search(r'value="(http://127.0.0.1:5000/calendar/personal/[^"]+\.ics)"', page).group(1)
    assert f'href="{url.replace("http://", "webcal://")}"' in page
    return url.removeprefix("http://127.0.0.1:5000")


def test_staff_follow_the_centres_events_with_their_agendas(staff_client, make, db):
    this_year = date.today().year
    current = make.event("This year's workshop", f"March {this_year}")
    make.event("Last year's meeting", f"June {this_year - 1}", status="cancelled")
    make.event("An old workshop", f"March {this_year - 2}")
    session = add_session(db, current, date(this_year, 3, 2))

    response = staff_client.get(personal_url(staff_client))
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    calendar = check_feed(response.data)
    summaries = sorted(str(e["SUMMARY"]) for e in vevents(calendar).values())
    assert summaries == [
        "Cancelled: Last year's meeting",
        "Opening session",
        "This year's workshop",
    ]
    assert f"session-{session.id}@eventsapp" in vevents(calendar)
    assert str(calendar["X-WR-CALNAME"]) == "eventsapp: my events"


def test_a_delegates_feed_is_a_valid_calendar(client, delegate_user, make):
    make.event("A workshop", f"March {date.today().year}")
    login(client, delegate_user)
    page = client.get("/calendar/subscribe").data.decode()
    assert "The events you registered for" in page
    calendar = check_feed(client.get(personal_url(client)).data)
    assert vevents(calendar) == {}  # no registrations yet


def test_a_delegates_feed_holds_the_events_they_registered_for(client, delegate_user, make, db):
    from eventsapp.core.clock import utcnow
    from eventsapp.registration.models import Registration

    registered = make.event("Course on voter registration", f"May {date.today().year}")
    withdrawn = make.event("Seminar on electoral justice", f"June {date.today().year}")
    make.event("Workshop for another authority", f"July {date.today().year}")
    for event, status in ((registered, "approved"), (withdrawn, "withdrawn")):
        db.session.add(
            Registration(
                event_id=event.id,
                user_id=delegate_user.id,
                name="Ana Pérez",
                gender="female",
                email=delegate_user.email,
                country_code="PE",
                status=status,
                consent_at=utcnow(),
            )
        )
    db.session.commit()
    login(client, delegate_user)
    calendar = check_feed(client.get(personal_url(client)).data)
    summaries = [str(e["SUMMARY"]) for e in vevents(calendar).values()]
    assert summaries == ["Course on voter registration"]


def test_resetting_the_link_turns_the_old_one_away(staff_client, db):
    old = personal_url(staff_client)
    assert staff_client.get(old).status_code == 200
    assert staff_client.get("/calendar/subscribe/reset").status_code == 405
    response = staff_client.post("/calendar/subscribe/reset", follow_redirects=True)
    assert "Your personal calendar link was reset" in response.data.decode()
    new = personal_url(staff_client)
    assert new != old
    assert staff_client.get(old).status_code == 404
    assert staff_client.get(new).status_code == 200


def test_the_link_works_without_signing_in_and_stops_with_the_account(client, db):
    user = create_user("coordinator@example.org", Role.COORDINATOR, "a long pass phrase for feeds")
    db.session.commit()
    login(client, user)
    url = personal_url(client)
    client.post("/logout")
    assert client.get(url).status_code == 200  # calendar applications do not sign in
    user.active = False
    db.session.commit()
    assert client.get(url).status_code == 404
    tampered = url.replace(".ics", "x.ics")
    assert client.get(tampered).status_code == 404


def test_the_subscription_page_is_for_signed_in_accounts(client, db):
    response = client.get("/calendar/subscribe")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/calendar/subscribe/reset").status_code == 302
