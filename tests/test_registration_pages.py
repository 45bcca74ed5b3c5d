"""What delegates and staff read on the registration pages and in the emails: the actions each
participant row offers, what a bulk action says, dates with their windows, travel as a range,
the place on the waiting list, and the links that help a delegate on.
"""

import re
from datetime import date

import pytest

from eventsapp.core.clock import utcnow
from eventsapp.registration.links import page_token
from eventsapp.registration.models import RegistrationSettings, Status
from eventsapp.registration.seats import StatusError, event_availability
from eventsapp.registration.services import RegistrationInput, register
from eventsapp.registration.statuses import (
    STAFF_ACTIONS,
    allowed_actions,
    apply_staff_action,
    change_status,
)
from tests.conftest import login
from tests.test_registration_http import post_registration, registrations


def person(number: int, email: str | None = None, **changes) -> RegistrationInput:
    return RegistrationInput(
        name=f"Delegate {number}",
        gender="female",
        email=email or f"delegate{number}@example.org",
        country_code="PE",
        consent=True,
        **changes,
    )


def sign_up(db, event, count: int) -> list:
    """``count`` registrations, in order; those past the capacity join the waiting list."""
    signed = [register(event, person(n), utcnow()) for n in range(count)]
    db.session.commit()
    return signed


def row_buttons(page: str, registration) -> list[str]:
    row = re.search(rf'<tr id="registration-{registration.id}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r'<button type="submit" name="row_action"[^>]*>([^<]*)</button>', row)


def meta_line(page: str) -> str:
    """The participants page's header line, as text."""
    html = re.search(r'<p class="meta">(.*?)</p>', page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def flashes(page: str) -> list[str]:
    return [" ".join(f.split()) for f in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page)]


def event_phrased(make, phrase: str, capacity: int = 1):
    """An event taking registrations, dated by an approximate phrase."""
    event = make.event(date_text=phrase, capacity=capacity)
    make.db.session.add(RegistrationSettings(event_id=event.id))
    make.db.session.commit()
    return event


NEXT_YEAR = date.today().year + 1


# ---------------------------------------------------------------- the participants page


def test_each_row_offers_only_the_actions_its_status_takes(staff_client, db, make):
    event = make.open_event(capacity=3)
    approved, declined, pending, attended, waitlisted, withdrawn = sign_up(db, event, 6)
    for action, registration in [
        ("approve", approved),
        ("decline", declined),
        ("approve", attended),
        ("attended", attended),
    ]:
        apply_staff_action(event, action, [registration.id], utcnow(), None)
    withdrawn.status = Status.WITHDRAWN
    db.session.commit()
    assert waitlisted.status == Status.WAITLISTED and not waitlisted.has_offer

    page = staff_client.get(f"/manage/events/{event.id}/participants").data.decode()
    assert row_buttons(page, approved) == ["Decline", "Move to waiting list", "Mark attended"]
    assert row_buttons(page, pending) == ["Approve", "Decline", "Move to waiting list"]
    # The event is full: approving needs a seat, which neither of these holds.
    assert row_buttons(page, declined) == ["Move to waiting list"]
    assert row_buttons(page, waitlisted) == ["Decline"]
    assert row_buttons(page, attended) == []
    assert row_buttons(page, withdrawn) == []

    # A seat frees (the pending delegate is declined): it is offered to the first waiting, who
    # may then be approved; the declined ones still wait for another seat.
    apply_staff_action(event, "decline", [pending.id], utcnow(), None)
    db.session.commit()
    page = staff_client.get(f"/manage/events/{event.id}/participants").data.decode()
    assert row_buttons(page, waitlisted) == ["Approve", "Decline"]
    assert row_buttons(page, declined) == ["Move to waiting list"]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("capacity", [1, 2])
def test_the_actions_offered_are_those_the_services_accept(db, make, status, capacity):
    """With one seat left or none: the first registration holds a seat, the second is tried."""
    event = make.open_event(capacity=capacity)
    _first, registration = sign_up(db, event, 2)
    registration.status = status
    db.session.commit()
    now = utcnow()
    seat_free = not event_availability(event, now).full
    offered = allowed_actions([registration], seat_free, now)[registration.id]
    for action in STAFF_ACTIONS:
        done, problems = apply_staff_action(event, action, [registration.id], now, None)
        db.session.rollback()
        assert (action in offered) == (done == 1), (action, problems)


def test_a_bulk_action_says_what_it_did_and_who_was_refused(staff_client, db, make):
    event = make.open_event(capacity=2)
    first, second, third = sign_up(db, event, 3)
    url = f"/manage/events/{event.id}/participants"
    ids = [first.id, second.id, third.id]
    page = staff_client.post(
        url, data={"action": "approve", "ids": ids}, follow_redirects=True
    ).data.decode()
    assert flashes(page) == [
        "Approved 2 participants.",
        "No seat is left for Delegate 2: raise the capacity or decline someone first.",
    ]

    page = staff_client.post(
        url, data={"action": "attended", "ids": [third.id]}, follow_redirects=True
    ).data.decode()
    assert flashes(page) == ["Delegate 2: only approved participants can be marked as attended."]
    assert "0 participants" not in page

    page = staff_client.post(
        url, data={"row_action": f"waitlist:{first.id}"}, follow_redirects=True
    ).data.decode()
    assert flashes(page)[0] == "Moved 1 participant to the waiting list."


def test_a_row_refused_by_the_services_is_refused_through_http_too(staff_client, db, make):
    event = make.open_event(capacity=2)
    (registration,) = sign_up(db, event, 1)
    registration.status = Status.WITHDRAWN
    db.session.commit()
    page = staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"row_action": f"approve:{registration.id}"},
        follow_redirects=True,
    ).data.decode()
    assert flashes(page) == [
        "Delegate 0: only pending, waitlisted or declined registrations can be approved."
    ]
    with pytest.raises(StatusError):
        change_status(registration, "approve", utcnow(), None)


@pytest.mark.parametrize("online", [False, True])
def test_the_header_line_has_no_stray_separator(staff_client, db, make, online):
    if online:
        event = make.open_event(capacity=3)
        event.status = "cancelled"  # registration closed
    else:
        event = make.event(date_text=f"early March {NEXT_YEAR}", capacity=3)
    db.session.commit()
    page = staff_client.get(f"/manage/events/{event.id}/participants").data.decode()
    line = meta_line(page)
    assert not line.startswith("·")
    assert line == ("Registration closed · 0 of 3 seats held" if online else "0 of 3 seats held")


# ---------------------------------------------------------------- the delegate's pages


def test_dates_show_their_window_and_travel_a_range(client, db, make, delegate_user):
    event = event_phrased(make, f"early March {NEXT_YEAR}", capacity=5)
    page = post_registration(
        client,
        event,
        email=delegate_user.email,
        arrival_on=f"{NEXT_YEAR}-03-01",
        departure_on=f"{NEXT_YEAR}-03-11",
    ).data.decode()
    window = f"(1–10 March {NEXT_YEAR})"
    assert f"early March {NEXT_YEAR}" in page and window in page
    assert f"1–11 March {NEXT_YEAR}" in page

    other = event_phrased(make, f"2-3 April {NEXT_YEAR}", capacity=5)
    post_registration(client, other, email=delegate_user.email, arrival_on=f"{NEXT_YEAR}-04-01")
    login(client, delegate_user)
    page = client.get("/me/registrations").data.decode()
    assert window in page
    # A window that says no more than the phrase is not repeated.
    assert f"2-3 April {NEXT_YEAR}" in page and f"(2–3 April {NEXT_YEAR})" not in page
    assert f"1–11 March {NEXT_YEAR}" in page
    assert f"1 April {NEXT_YEAR} – —" in page
    assert f"{NEXT_YEAR}-04-01" not in page


def test_a_signed_in_delegate_registering_again_is_told_to_sign_in_with_a_link(
    client, db, make, delegate_user
):
    """Signed in with the address, they need no confirmation, and may be told (a stranger is
    not: see test_registration_http)."""
    event = make.open_event()
    login(client, delegate_user)
    post_registration(client, event, email=delegate_user.email)
    assert registrations(db)[0].status == Status.PENDING  # at once
    page = post_registration(client, event, email=delegate_user.email).data.decode()
    assert (
        "This email address is registered for this event already. "
        '<a href="/login/link">Sign in</a> to see or update your registration.'
    ) in page
    assert "&lt;a href" not in page


def test_waitlisted_delegates_know_their_place(client, db, make, mailbox, delegate_user):
    event = make.open_event(capacity=1)
    post_registration(client, event, email="first@example.org")
    post_registration(client, event, email="second@example.org", name="Second")
    page = post_registration(client, event, email=delegate_user.email).data.decode()
    assert "you are on the waiting list" in page
    assert "You are number 2 on the waiting list." in page
    email = mailbox.to(delegate_user.email)[-1]
    assert "You are number 2 on the waiting list." in email.get_content()
    second = mailbox.to("second@example.org")[-1]
    assert "You are number 1 on the waiting list." in second.get_content()

    login(client, delegate_user)
    page = client.get("/me/registrations").data.decode()
    assert "You are number 2 on the waiting list." in page
    # The one before withdraws: the delegate moves up.
    registrations(db)[1].status = Status.WITHDRAWN
    db.session.commit()
    page = client.get("/me/registrations").data.decode()
    assert "You are number 1 on the waiting list." in page


def test_my_registrations_read_the_places_in_one_query(
    client, db, make, delegate_user, count_queries
):
    def wait_for(how_many):
        for _ in range(how_many):
            event = make.open_event(capacity=1)
            register(event, person(0), utcnow())
            register(event, person(1, email=delegate_user.email), utcnow())
        db.session.commit()

    def queries():
        with count_queries() as statements:
            page = client.get("/me/registrations").data.decode()
        return len(statements), page.count("You are number 1 on the waiting list.")

    login(client, delegate_user)
    wait_for(2)
    few, shown = queries()
    assert shown == 2
    wait_for(6)
    assert queries() == (few, 8)


def test_my_registrations_lead_to_the_personal_calendar(client, db, delegate_user):
    login(client, delegate_user)
    page = client.get("/me/registrations").data.decode()
    assert '<a href="/calendar/subscribe">Subscribe to your events in your calendar</a>' in page
    assert client.get("/calendar/subscribe").status_code == 200


def test_a_delegate_offered_a_seat_sees_the_offer_not_a_place(client, db, make):
    event = make.open_event(capacity=1)
    first, waiting = sign_up(db, event, 2)
    apply_staff_action(event, "decline", [first.id], utcnow(), None)
    db.session.commit()
    assert waiting.has_offer
    page = client.get(f"/registrations/{page_token(waiting)}").data.decode()
    assert "A seat is offered to you until" in page
    assert "on the waiting list." in page and "You are number" not in page


def test_gender_is_chosen_never_assumed(client, db, make):
    event = make.open_event()
    page = client.get(f"/events/{event.id}/register").text
    options = re.search(r'<select[^>]*name="gender"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert options.startswith('<option value="">Choose…</option>')  # shown first: nothing picked
    assert "selected" not in options
    response = post_registration(client, event, gender="")
    assert response.status_code == 200
    assert "Choose one (or “Prefer not to say”)." in response.text
    assert registrations(db) == []


def test_a_bulk_action_must_be_chosen(staff_client, db, make):
    event = make.open_event()
    [registration] = sign_up(db, event, 1)
    response = staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"action": "", "ids": [str(registration.id)]},
        follow_redirects=True,
    )
    assert "Choose an action for the ticked participants first." in response.text
    db.session.refresh(registration)
    assert registration.status == Status.PENDING


def test_the_form_claims_no_costs_the_programme_rules_do_not_say(client, db, make):
    """Who pays what comes from the programme's cost rules (shown on the confirmation), never
    from a sentence written into the form."""
    event = make.open_event(quota_per_organisation=1)
    page = client.get(f"/events/{event.id}/register").text
    assert "1 participant per organisation has a funded place" in page
    assert "lodging" not in page and "air ticket is paid by your authority" not in page
