"""Registration through HTTP: the delegate's form and pages, staff pages, and the emails that a
real SMTP server on loopback (aiosmtpd) receives.
"""

import io
import json
import re
from datetime import date, timedelta

import icalendar
import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select

from eventsapp.accounts.models import User
from eventsapp.catalogue.models import Event
from eventsapp.core.clock import utcnow
from eventsapp.extensions import db as the_db
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.services import RegistrationInput, register
from tests.conftest import free_port

FORM = {
    "name": "Amina Odhiambo",
    "gender": "female",
    "email": "amina@iebc.example",
    "organisation_id": "",
    "new_organisation": "Independent Electoral and Boundaries Commission",
    "new_organisation_kind": "electoral_management_body",
    "position": "Head of voter education",
    "country_code": "KE",
    "interpretation_languages": ["en"],
    "arrival_on": "",
    "departure_on": "",
    "accessibility_needs": "",
    "dietary_needs": "Vegetarian",
    "visa_letter": "y",
    "consent": "y",
}


def post_registration(client, event, follow=True, query="", confirm=True, **changes):
    """Send the registration form; then (``confirm``), as the address's owner does, follow the
    link it was emailed and confirm, in a browser of its own (which confirming signs in), so
    that ``client`` stays as it was. Returns the last response."""
    data = {**FORM, **changes}
    sent_before = the_db.session.scalar(select(func.max(OutboxEmail.id))) or 0
    response = client.post(
        f"/events/{event.id}/register{query}", data=data, follow_redirects=follow
    )
    link = confirmation_link(data["email"].lower(), after=sent_before)
    if confirm and link:
        response = client.application.test_client().post(link, follow_redirects=follow)
    return response


def confirmation_link(address: str, after: int = 0) -> str | None:
    """The path of the link to confirm a registration, in the newest email queued to the address
    (after the email ``after``), if it asks for one."""
    email = the_db.session.scalar(
        select(OutboxEmail)
        .where(
            OutboxEmail.to == address,
            OutboxEmail.id > after,
            OutboxEmail.subject.startswith("Confirm your registration"),
        )
        .order_by(OutboxEmail.id.desc())
    )
    if email is None:
        return None
    site = re.escape(current_app.config["SITE_URL"])
    return re.search(rf"{site}(/registrations/\S+)", email.text_body).group(1)


def registrations(db) -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def attachment(message):
    return next(part for part in message.iter_attachments())


def link_path(message, start: str) -> str:
    """The path of the email's link beginning with ``start``; links lead to SITE_URL."""
    site = re.escape(current_app.config["SITE_URL"])
    return re.search(rf"{site}({start}\S+)", message.get_content()).group(1)


# ---------------------------------------------------------------- delegates


def test_a_delegate_registers_confirms_by_the_emailed_link_and_gets_the_email(
    client, db, make, mailbox
):
    event = make.open_event(capacity=10, quota_per_organisation=1)
    page = client.get(f"/events/{event.id}/register").data.decode()
    assert "10 seats left" in page
    assert "Further participants from the same organisation" in page

    response = post_registration(client, event, confirm=False)
    assert "Check your email" in response.data.decode()
    (registration,) = registrations(db)
    assert (registration.status, registration.user) == ("unconfirmed", None)
    assert "10 seats left" in client.get(f"/events/{event.id}/register").data.decode()
    (message,) = mailbox.to("amina@iebc.example")
    assert message["Subject"] == f"Confirm your registration: {event.title}"
    link = link_path(message, "/registrations/")
    page = client.get(link).data.decode()  # what a mail scanner opening the link does
    assert "Confirm my registration" in page
    assert registrations(db)[0].status == "unconfirmed"

    response = client.post(link, follow_redirects=True)
    page = response.data.decode()
    assert response.status_code == 200
    assert "Your email address is confirmed." in page
    assert "holds a seat while the staff review it" in page
    (registration,) = registrations(db)
    assert (registration.status, registration.funding) == ("pending", "funded")
    assert registration.user.email == "amina@iebc.example"
    assert registration.visa_letter and registration.dietary_needs == "Vegetarian"
    assert registration.organisation.name == "Independent Electoral and Boundaries Commission"
    _confirmation, received = mailbox.to("amina@iebc.example")
    assert received["Subject"] == f"Registration received: {event.title}"
    assert "Dear Amina Odhiambo" in received.get_body().get_content()
    stranger = client.application.test_client()
    assert "9 seats left" in stranger.get(f"/events/{event.id}/register").data.decode()
    # Confirming signed her in: the form sends her to her registration, on the event's page.
    assert client.get(f"/events/{event.id}/register").location == f"/events/{event.id}"
    client.post(link)  # twice: nothing more
    assert len(mailbox.to("amina@iebc.example")) == 2


def test_a_second_officer_of_the_authority_is_told_they_come_self_funded(client, db, make):
    event = make.open_event(capacity=10, quota_per_organisation=1)
    post_registration(client, event)
    page = post_registration(client, event, email="second@iebc.example", name="B").data.decode()
    assert "registered as self-funded" in page
    assert [r.funding for r in registrations(db)] == ["funded", "self_funded"]


def test_approval_email_carries_the_event_calendar_file(staff_client, db, make, mailbox):
    event = make.open_event(capacity=10)
    event.title = "Taller internacional de organización electoral – Perú"
    db.session.commit()
    post_registration(staff_client, event)
    (registration,) = registrations(db)
    response = staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"row_action": f"approve:{registration.id}"},
        follow_redirects=True,
    )
    assert "Approved 1 participant." in response.data.decode()
    approval = next(m for m in mailbox.to(FORM["email"]) if "confirmed" in m["Subject"])
    ics = attachment(approval)
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_content_charset() == "utf-8"  # so that "organización" reads as written
    assert ics.get_param("method") == "PUBLISH"  # an event published, no invitation to answer
    assert ics.get_filename() == f"event-{event.id}.ics"
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == event.starts_on


def test_a_full_event_puts_the_delegate_on_the_waiting_list(client, db, make, mailbox):
    event = make.open_event(capacity=1)
    post_registration(client, event, email="first@example.org")
    page = client.get(f"/events/{event.id}/register").data.decode()
    assert "This event is full" in page and "Join the waiting list" in page
    page = post_registration(client, event).data.decode()
    assert "you are on the waiting list" in page
    assert registrations(db)[-1].status == Status.WAITLISTED
    assert mailbox.to(FORM["email"])[-1]["Subject"].startswith("You are on the waiting list")


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_registering_an_address_again_answers_as_for_a_new_one_and_tells_the_address(
    client, db, make, mailbox
):
    """The form does not tell a stranger who registered: the address's owner is told."""
    event = make.open_event()
    first = post_registration(client, event, confirm=False).data.decode()
    post_registration(client, event)  # sent again and confirmed
    registration = registrations(db)[0]
    stored = (registration.id, registration.name, registration.status, registration.updated_at)
    mailbox.deliver()
    before = len(mailbox.received)

    response = post_registration(client, event, email="AMINA@iebc.example", name="Someone else")
    assert response.status_code == 200
    # The very page a new registration gets (but for the time in the forms' CSRF tokens).
    assert without_tokens(response.data.decode()) == without_tokens(first)
    (registration,) = registrations(db)
    assert (registration.id, registration.name, registration.status, registration.updated_at) == (
        stored
    )
    (told,) = mailbox.to(FORM["email"])[before:]
    assert told["Subject"] == f"You are registered already: {event.title}"
    text = told.get_content()
    assert "Dear Amina Odhiambo" in text and "Pending approval" in text
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == before + 1


def test_errors_show_beside_the_fields_and_nothing_is_written(client, db, make):
    event = make.open_event()
    page = post_registration(
        client,
        event,
        consent="",
        new_organisation="",
        arrival_on="2030-05-03",
        departure_on="2030-05-01",
    ).data.decode()
    assert "Registration needs your consent." in page
    assert "Choose your organisation, or add it below." in page
    assert "The departure is before the arrival." in page
    assert registrations(db) == []
    assert db.session.scalar(select(func.count(User.id))) == 0


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": "cancelled"}, "This event is cancelled."),
        ({"closes_on": date.today() - timedelta(days=1)}, "Registration has closed."),
        ({"access": "invitation"}, "by invitation only"),
        ({"capacity": 0, "waiting_list": False}, "This event is full"),
    ],
)
def test_events_not_taking_registrations_refuse_with_a_clear_page(client, db, make, setup, message):
    status = setup.pop("status", None)
    event = make.open_event(**setup)
    if status:
        event.status = status
        db.session.commit()
    for response in (client.get(f"/events/{event.id}/register"), post_registration(client, event)):
        assert response.status_code == 403
        assert message in response.data.decode()
    assert registrations(db) == []


def test_an_event_without_online_registration_has_no_register_button(client, make):
    event = make.event(date_text=(date.today() + timedelta(days=20)).isoformat())
    page = client.get(f"/events/{event.id}").data.decode()
    assert "Register</a>" not in page
    assert client.get(f"/events/{event.id}/register").status_code == 403


def test_invitation_links_let_the_invited_official_register(staff_client, db, make, mailbox):
    event = make.open_event(access="invitation")
    authority = make.organisation("Electoral Commission of Zambia", country="ZM")
    event.requesting_authority_id = authority.id
    db.session.commit()
    page = staff_client.get(f"/manage/events/{event.id}/invitations").data.decode()
    assert "No invitations yet" in page
    response = staff_client.post(
        f"/manage/events/{event.id}/invitations",
        data={"organisation_id": authority.id, "emails": "officer@ecz.example\nchief@ecz.example"},
        follow_redirects=True,
    )
    assert "Sent 2 invitations." in response.data.decode()
    (invitation_email,) = mailbox.to("officer@ecz.example")
    path = link_path(invitation_email, f"/events/{event.id}/register\\?invitation=")

    staff_client.post("/logout")
    page = staff_client.get(path).data.decode()
    assert 'value="officer@ecz.example"' in page
    tampered = path[:-3] + "abc"
    assert staff_client.get(tampered).status_code == 403
    assert "invitation link is not valid" in staff_client.get(tampered).data.decode()
    response = staff_client.post(
        path, data={**FORM, "email": "officer@ecz.example"}, follow_redirects=True
    )
    assert "Your registration is saved." in response.data.decode()
    (registration,) = registrations(db)
    assert registration.email == "officer@ecz.example"


def test_a_failing_smtp_server_keeps_the_registration_and_the_email_is_retried(
    client, db, make, app, mailbox, smtp_server, monkeypatch
):
    event = make.open_event()
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    page = post_registration(client, event, confirm=False).data.decode()
    assert "Check your email" in page
    assert len(registrations(db)) == 1
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--once"])
    assert result.exit_code == 0, result.output
    email = db.session.scalar(select(OutboxEmail))
    assert (email.status, email.attempts) == ("pending", 1)
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    email.next_attempt_at = email.created_at  # due now, as it will be after the back-off
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "1 sent" in result.output
    db.session.refresh(email)
    assert email.status == "sent"
    assert mailbox.to(FORM["email"])[0]["Subject"].startswith("Confirm your registration")


def test_without_a_mail_server_emails_are_written_to_files(
    client, db, make, app, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    event = make.open_event()
    post_registration(client, event, confirm=False)
    assert list(tmp_path.glob("*.eml")) == []  # the worker writes it, not the request
    app.test_cli_runner().invoke(args=["mail", "send"])
    (eml,) = tmp_path.glob("*.eml")
    assert "Subject: Confirm your registration" in eml.read_text()


def test_public_posts_are_rate_limited(client, db, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_POST_LIMIT", "3 per minute")
    event = make.open_event(capacity=100)
    codes = [
        post_registration(
            client, event, follow=False, confirm=False, email=f"d{n}@example.org"
        ).status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert len(registrations(db)) == 3


def test_the_form_needs_its_csrf_token(client, db, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    event = make.open_event()
    response = post_registration(client, event)
    assert response.status_code == 400
    assert "security token" in response.data.decode()
    assert registrations(db) == []


# ---------------------------------------------------------------- "My registrations"


def test_a_delegate_signs_in_with_an_emailed_link_once(client, db, make, mailbox):
    event = make.open_event()
    post_registration(client, event)
    response = client.post("/login/link", data={"email": FORM["email"]}, follow_redirects=True)
    assert "a sign-in link is on its way" in response.data.decode()
    (message,) = [m for m in mailbox.to(FORM["email"]) if m["Subject"] == "Your sign-in link"]
    path = link_path(message, "/login/link/")
    assert "Sign in as amina@iebc.example?" in client.get(path).data.decode()
    page = client.post(path, follow_redirects=True).data.decode()
    assert "My registrations" in page and event.title in page
    client.post("/logout")
    page = client.post(path, follow_redirects=True).data.decode()
    assert "expired or was used already" in page


def test_asking_a_link_for_an_unknown_address_says_the_same_and_sends_nothing(client, db, mailbox):
    response = client.post(
        "/login/link", data={"email": "nobody@example.org"}, follow_redirects=True
    )
    assert "a sign-in link is on its way" in response.data.decode()
    assert mailbox.messages == []


def sign_in_by_link(client, mailbox, email=FORM["email"]):
    client.post("/login/link", data={"email": email})
    message = [m for m in mailbox.to(email) if m["Subject"] == "Your sign-in link"][-1]
    assert client.post(link_path(message, "/login/link/")).status_code == 302


def test_a_delegate_signed_in_by_link_sets_a_password_and_signs_in_with_it(
    client, db, make, mailbox
):
    event = make.open_event()
    page = client.get(f"/events/{event.id}/register").data.decode()
    assert 'type="password"' not in page  # the public form takes no password
    post_registration(client, event)
    assert client.get("/me/password").status_code == 302  # to sign in first
    sign_in_by_link(client, mailbox)
    page = client.get("/me/registrations").data.decode()
    assert "set your password" in page
    page = client.get("/me/password").data.decode()
    assert "Current password" not in page  # there is none yet
    page = client.post(
        "/me/password", data={"password": "lantern orchard velvet", "confirm": "another"}
    ).data.decode()
    assert "The two passwords differ." in page
    page = client.post(
        "/me/password",
        data={"password": "lantern orchard velvet", "confirm": "lantern orchard velvet"},
        follow_redirects=True,
    ).data.decode()
    assert "Your password is set" in page
    client.post("/logout")
    login = {"email": FORM["email"], "password": "lantern orchard velvet"}
    assert client.post("/login", data=login).headers["Location"].endswith("/me/registrations")
    # Changing it asks for the current one.
    page = client.post(
        "/me/password",
        data={
            "current_password": "wrong",
            "password": "copper meadow ribbon",
            "confirm": "copper meadow ribbon",
        },
    ).data.decode()
    assert "This is not your current password." in page


def test_nobody_can_plant_a_password_on_an_address_by_registering(client, db, make, mailbox):
    """A form field sent anyway is ignored; and a password set on an account before its address
    was confirmed (as older forms allowed) stops working when the owner signs in by link."""
    event = make.open_event()
    post_registration(client, event, password="attacker-pass")
    login = {"email": FORM["email"], "password": "attacker-pass"}
    assert "Email or password is not right." in client.post("/login", data=login).data.decode()
    account = db.session.scalar(select(User).where(User.email == FORM["email"]))
    account.set_password("attacker-pass")  # as an older registration form did, on an account
    account.email_confirmed_at = None  # made before its address was confirmed
    db.session.commit()
    assert "Confirm your address first" in client.post("/login", data=login).data.decode()
    sign_in_by_link(client, mailbox)
    client.post("/logout")
    assert "Email or password is not right." in client.post("/login", data=login).data.decode()


def test_my_registrations_lists_them_and_updates_travel(client, db, make, mailbox):
    event = make.open_event()
    post_registration(client, event)
    sign_in_by_link(client, mailbox)
    page = client.get("/me/registrations").data.decode()
    assert event.title in page and "Pending approval" in page
    (registration,) = registrations(db)
    url = f"/me/registrations/{registration.id}/travel"
    page = client.post(
        url, data={"arrival_on": "2030-05-03", "departure_on": "2030-05-01"}
    ).data.decode()
    assert "The departure is before the arrival." in page
    page = client.post(
        url,
        data={"arrival_on": "2030-05-01", "departure_on": "2030-05-06", "dietary_needs": "Halal"},
        follow_redirects=True,
    ).data.decode()
    assert "Saved your travel details." in page
    db.session.refresh(registration)
    assert (registration.arrival_on, registration.dietary_needs) == (date(2030, 5, 1), "Halal")


def test_withdrawing_frees_the_seat_for_the_first_waiting(client, db, make, mailbox):
    event = make.open_event(capacity=1)
    post_registration(client, event)
    post_registration(client, event, email="waiting@example.org", name="Next in line")
    sign_in_by_link(client, mailbox)
    first, second = registrations(db)
    page = client.post(
        f"/me/registrations/{first.id}/withdraw", follow_redirects=True
    ).data.decode()
    assert "You withdrew from" in page and "Withdrawn" in page
    (offer,) = [m for m in mailbox.to("waiting@example.org") if "seat is free" in m["Subject"]]
    path = link_path(offer, "/offers/")
    client.post("/logout")
    assert "Accept the seat" in client.get(path).data.decode()
    page = client.post(path, follow_redirects=True).data.decode()
    assert "You accepted the seat" in page
    db.session.refresh(second)
    assert second.status == Status.PENDING
    assert client.post(path).status_code == 410


def test_withdrawing_from_the_waiting_list_is_told_without_a_seat(client, db, make, mailbox):
    event = make.open_event(capacity=1)
    post_registration(client, event, email="seated@example.org", name="Seated")
    post_registration(client, event)
    sign_in_by_link(client, mailbox)
    waiting = next(r for r in registrations(db) if r.email != "seated@example.org")
    assert waiting.status == Status.WAITLISTED
    client.post(f"/me/registrations/{waiting.id}/withdraw")
    (told,) = [m for m in mailbox.to(waiting.email) if "You withdrew" in m["Subject"]]
    body = told.get_body(("plain",)).get_content()
    assert "no longer on its waiting list" in body and "your seat" not in body


def test_delegates_see_only_their_own_registrations(client, db, make, delegate_user):
    event = make.open_event()
    post_registration(client, event)
    (registration,) = registrations(db)
    client.post("/login", data={"email": delegate_user.email, "password": "blue-river-notebook"})
    assert client.post(f"/me/registrations/{registration.id}/withdraw").status_code == 404
    assert client.get(f"/me/registrations/{registration.id}/travel").status_code == 404
    assert "You have no registrations yet" in client.get("/me/registrations").data.decode()


# ---------------------------------------------------------------- staff


def test_staff_open_registration_with_the_settings_form(staff_client, db, make):
    event = make.event(date_text=(date.today() + timedelta(days=40)).isoformat())
    page = staff_client.get(f"/manage/events/{event.id}/registration").data.decode()
    assert "does not take registrations online yet" in page
    settings = {"capacity": "20", "access": "open", "offer_hours": "48", "reminder_days": "7"}
    response = staff_client.post(
        f"/manage/events/{event.id}/registration",
        data={**settings, "approval_required": "y", "waiting_list": "y"},
        follow_redirects=True,
    )
    assert "Saved the registration settings." in response.data.decode()
    page = staff_client.get(f"/events/{event.id}").data.decode()
    assert "Registration open" in page and "20 seats left" in page
    opens, closes = date.today() + timedelta(days=10), date.today() + timedelta(days=5)
    bad = staff_client.post(
        f"/manage/events/{event.id}/registration",
        data={**settings, "opens_on": opens.isoformat(), "closes_on": closes.isoformat()},
    ).data.decode()
    assert "Registration closes before it opens." in bad


def test_staff_filter_and_act_on_ticked_participants(staff_client, db, make):
    event = make.open_event(capacity=2)
    for n in range(3):
        post_registration(staff_client, event, email=f"d{n}@example.org", name=f"Delegate {n}")
    first, second, third = registrations(db)
    page = staff_client.get(f"/manage/events/{event.id}/participants").data.decode()
    assert "2 of 2 seats held" in page and "Delegate 2" in page
    response = staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"action": "approve", "ids": [first.id, second.id, third.id]},
        follow_redirects=True,
    )
    page = response.data.decode()
    assert "Approved 2 participants." in page
    assert "No seat is left for Delegate 2: raise the capacity" in page
    page = staff_client.get(f"/manage/events/{event.id}/participants?status=waitlisted").data
    assert b"Delegate 2" in page and b"Delegate 0" not in page
    response = staff_client.post(
        f"/manage/events/{event.id}/participants", data={"action": "decline"}, follow_redirects=True
    )
    assert "Tick the participants first." in response.data.decode()


def test_exports_neutralise_formulas(staff_client, db, make):
    event = make.open_event()
    post_registration(staff_client, event, name='=HYPERLINK("http://evil")', position="+1 boss")
    post_registration(staff_client, event, email="b@example.org", name="Benoît Ngoma")
    response = staff_client.get(f"/manage/events/{event.id}/participants.csv")
    text = response.data.decode("utf-8-sig")
    assert response.headers["Content-Disposition"].endswith('.csv"')
    assert "'=HYPERLINK" in text and "'+1 boss" in text and "Benoît Ngoma" in text
    response = staff_client.get(f"/manage/events/{event.id}/participants.xlsx?status=pending")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Name"
    # XLSX keeps the text as typed, in a text cell that a spreadsheet shows and never runs.
    assert rows[1][1] == '=HYPERLINK("http://evil")' and rows[2][1] == "Benoît Ngoma"
    assert sheet["B2"].data_type == "s"
    assert sheet["A2"].data_type == "n"


# ---------------------------------------------------------------- public pages


def json_ld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_event_page_carries_schema_org_json_ld(client, db, make):
    owner = make.organisation("Instituto Nacional Electoral", acronym="INE")
    programme = make.programme("CICIE 2030", owner_id=owner.id)
    event = make.open_event(capacity=3)
    event.programme_id = programme.id
    event.title = "Course </script><script>alert(1)</script>"
    db.session.commit()
    post_registration(client, event)
    page = client.get(f"/events/{event.id}").data.decode()
    assert "<script>alert(1)" not in page
    data = json_ld(page)
    assert data["@type"] == "Event" and data["name"] == event.title
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["address"]["addressLocality"] == "Mexico City"
    assert data["organizer"]["name"] == "Instituto Nacional Electoral (INE)"
    assert (data["maximumAttendeeCapacity"], data["remainingAttendeeCapacity"]) == (3, 2)
    assert data["startDate"] == event.starts_on.isoformat()
    event.status = "cancelled"
    db.session.commit()
    data = json_ld(client.get(f"/events/{event.id}").data.decode())
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_the_catalogue_shows_seats_left_and_whether_registration_is_open(client, db, make):
    open_event = make.open_event(capacity=2)
    full_event = make.open_event(capacity=1)
    closed = make.open_event(closes_on=date.today() - timedelta(days=1))
    post_registration(client, full_event)
    page = client.get("/").data.decode()
    cards = {
        e.id: page.split(f'/events/{e.id}"')[1][:1500] for e in (open_event, full_event, closed)
    }
    assert "2 seats left" in cards[open_event.id]
    assert "Full: waiting list" in cards[full_event.id]
    assert "Registration closed" in cards[closed.id]


def test_healthz(client):
    assert client.get("/healthz").data == b"ok"


def test_the_tick_command_sends_offers_with_links_to_the_site(app, db, make, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://events.example.org")
    monkeypatch.setitem(app.config, "SERVER_NAME", None)  # as in production
    event = make.open_event(capacity=1)
    for n in range(2):
        register(
            event, RegistrationInput("D", "male", f"d{n}@example.org", "MX", consent=True), utcnow()
        )
    event.capacity = 2
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["registration", "tick"])
    assert result.exit_code == 0, result.output
    assert "3 sent" in result.output  # the two acknowledgements and the offer
    (_received, offer) = mailbox.to("d1@example.org")
    assert "https://events.example.org/offers/" in offer.get_content()


@pytest.mark.parametrize(
    ("actions", "status", "subject"),
    [
        (["approve"], "approved", "Your place is confirmed"),
        (["decline"], "declined", "Your registration was not accepted"),
        (["waitlist"], "waitlisted", "You are on the waiting list"),
        (["approve", "attended"], "attended", "Your place is confirmed"),
    ],
)
def test_each_row_button_changes_the_status_and_tells_the_delegate(
    staff_client, db, make, mailbox, actions, status, subject
):
    event = make.open_event(capacity=1)
    post_registration(staff_client, event)
    (registration,) = registrations(db)
    for action in actions:
        response = staff_client.post(
            f"/manage/events/{event.id}/participants?status=pending",
            data={"row_action": f"{action}:{registration.id}"},
        )
        assert response.headers["Location"].endswith("/participants?status=pending")
    db.session.refresh(registration)
    assert registration.status == status
    assert any(m["Subject"].startswith(subject) for m in mailbox.to(FORM["email"])[1:])
    page = staff_client.get(f"/manage/events/{event.id}/participants").data.decode()
    assert registration.status_label in page


def test_unknown_staff_actions_are_refused(staff_client, db, make):
    event = make.open_event()
    response = staff_client.post(
        f"/manage/events/{event.id}/participants", data={"row_action": "delete:1"}
    )
    assert response.status_code == 400


def test_travel_dates_show_as_people_write_them(client, staff_user, db, make):
    event = make.open_event()
    page = post_registration(
        client, event, arrival_on="2030-05-03", departure_on="2030-05-09"
    ).data.decode()
    assert "3–9 May 2030" in page
    client.post("/login", data={"email": staff_user.email, "password": "kettle-on-the-hob"})
    page = client.get(f"/manage/events/{event.id}/participants").data.decode()
    assert "3–9 May 2030" in page
    assert "2030-05-03" not in page


# ---------------------------------------------------------------- links in emails


def test_links_in_emails_lead_to_the_site_whatever_the_host_header(
    app, client, db, make, mailbox, monkeypatch
):
    """Anyone can send a request with ``Host: evil.example``: the emails it causes still link to
    SITE_URL (confirmation, approval with its calendar file, sign-in link)."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)  # as in production
    site = current_app.config["SITE_URL"]
    event = make.open_event(approval_required=False)
    evil = {"base_url": "http://evil.example"}
    client.post(f"/events/{event.id}/register", data=FORM, **evil)
    client.post(confirmation_link(FORM["email"]), **evil)
    client.post("/login/link", data={"email": FORM["email"]}, **evil)
    confirm, approved, sign_in = mailbox.to(FORM["email"])
    for message in (confirm, approved, sign_in):
        links = re.findall(r"https?://\S+", message.get_body().get_content())
        assert links and all(link.startswith(site) for link in links), links
    ics = attachment(approved).get_content()
    assert "evil.example" not in ics and f"{site}/events/{event.id}" in ics
    assert link_path(sign_in, "/login/link/")


def test_staff_accounts_get_no_sign_in_link(client, db, staff_user, mailbox):
    response = client.post("/login/link", data={"email": staff_user.email}, follow_redirects=True)
    page = response.data.decode()
    # The same answer as for any address, so that it tells nothing about the account.
    assert "a sign-in link is on its way" in page and "Staff sign in with their password" in page
    assert mailbox.messages == []
    from eventsapp.accounts.services import login_link_token

    response = client.post(f"/login/link/{login_link_token(staff_user)}", follow_redirects=True)
    assert "expired or was used already" in response.data.decode()


# ---------------------------------------------------------------- odd requests


def test_the_participant_list_keeps_only_its_filters_in_links(staff_client, db, make):
    event = make.open_event()
    post_registration(staff_client, event)
    url = f"/manage/events/{event.id}/participants?event_id=2&status=pending&x=1"
    page = staff_client.get(url).data.decode()
    assert FORM["name"] in page
    assert f"/manage/events/{event.id}/participants.csv?status=pending" in page
    assert "event_id=2" not in page and "x=1" not in page
    (registration,) = registrations(db)
    response = staff_client.post(url, data={"row_action": f"approve:{registration.id}"})
    assert response.headers["Location"].endswith("/participants?status=pending")


@pytest.mark.parametrize(
    "query", ["event_id=2", "page=99999999999999999999", "organisation=99999999999999999999"]
)
def test_the_participant_list_and_exports_take_odd_parameters(staff_client, db, make, query):
    event = make.open_event()
    post_registration(staff_client, event)
    for suffix in ("", ".csv", ".xlsx"):
        response = staff_client.get(f"/manage/events/{event.id}/participants{suffix}?{query}")
        assert response.status_code == 200


@pytest.mark.parametrize("row", ["²", "99999999999999999999", "1.5", ""])
def test_odd_row_numbers_are_ignored(staff_client, db, make, row):
    event = make.open_event()
    response = staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"row_action": f"approve:{row}", "ids": [row]},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Tick the participants first." in response.data.decode()


# ---------------------------------------------------------------- sending emails


def test_with_the_mail_server_down_the_worker_tries_one_connection(
    staff_client, db, make, app, mailbox, smtp_server, monkeypatch
):
    event = make.open_event(capacity=10)
    for n in range(4):
        register(
            event,
            RegistrationInput(f"D{n}", "male", f"d{n}@example.org", "MX", consent=True),
            utcnow(),
        )
    db.session.commit()
    ids = [r.id for r in registrations(db)]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    response = staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"action": "approve", "ids": ids},
        follow_redirects=True,
    )
    assert "Approved 4 participants." in response.data.decode()
    assert [r.status for r in registrations(db)] == ["approved"] * 4
    app.test_cli_runner().invoke(args=["mail", "send"])
    approvals = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.subject.startswith("Your place is confirmed"))
    ).all()
    # One connection was tried for the whole outbox: one email counts the attempt, the rest wait.
    acknowledgements = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.subject.startswith("Registration received"))
    ).all()
    assert sorted(e.attempts for e in approvals + acknowledgements) == [0] * 7 + [1]
    assert {e.status for e in approvals} == {"pending"}

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    for email in approvals + acknowledgements:
        email.next_attempt_at = email.created_at  # due now, as after the back-off
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "8 sent" in result.output  # the 4 acknowledgements and the 4 approvals
    assert len(mailbox.messages) == 8


def test_a_title_with_a_line_break_neither_breaks_nor_blocks_the_outbox(
    client, db, make, app, mailbox
):
    event = make.open_event()
    event.title = "Workshop\r\nBcc: someone@evil.example"
    db.session.commit()
    page = post_registration(client, event).data.decode()
    assert "Your email address is confirmed." in page
    confirm, message = mailbox.to(FORM["email"])
    assert confirm["Subject"] == "Confirm your registration: Workshop Bcc: someone@evil.example"
    assert message["Subject"] == "Registration received: Workshop Bcc: someone@evil.example"
    assert message["Bcc"] is None and message["X-Envelope-To"] == FORM["email"]
    # A row that cannot be sent at all is marked failed, with the error; the others go.
    bad = OutboxEmail(to='"', subject="A bad address", text_body="-")
    db.session.add_all([bad, OutboxEmail(to="b@example.org", subject="Next", text_body="-")])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "Emails: 1 sent, 1 failed." in result.output
    db.session.refresh(bad)
    assert bad.status == "failed" and bad.last_error.startswith("IndexError")
    assert len(mailbox.to("b@example.org")) == 1


# ---------------------------------------------------------------- closing day


def test_the_settings_form_refuses_a_closing_day_after_the_event_starts(staff_client, db, make):
    event = make.open_event(days_ahead=10)
    settings = {"capacity": "20", "access": "open", "offer_hours": "48", "reminder_days": "7"}
    page = staff_client.post(
        f"/manage/events/{event.id}/registration",
        data={**settings, "closes_on": event.ends_on.isoformat()},
    ).data.decode()
    assert "Nothing was saved" in page
    error = re.search(r'name="closes_on".*?<small class="error"[^>]*>([^<]+)', page, re.S)
    assert "closes on the day before the event starts" in error.group(1)


def test_capacity_never_drops_below_the_seats_held(staff_client, db, make):
    event = make.open_event(capacity=3, approval_required=False)
    for n in range(3):
        post_registration(staff_client, event, email=f"d{n}@example.org", name=f"Delegate {n}")
    settings = {"capacity": "1", "access": "open", "offer_hours": "48", "reminder_days": "7"}
    page = staff_client.post(f"/manage/events/{event.id}/registration", data=settings).data
    assert "3 seats are held: the capacity cannot be less." in page.decode()
    from tests.test_events import VALID

    form = {**VALID, "date_text": event.date_text, "capacity": "2", "venue_country": "MX"}
    page = staff_client.post(f"/manage/events/{event.id}/edit", data=form).data.decode()
    assert "3 seats are held: the capacity cannot be less." in page
    db.session.refresh(event)
    assert event.capacity == 3


def test_raising_the_capacity_in_the_event_form_offers_seats_to_the_waiting_list(
    staff_client, db, make, mailbox
):
    event = make.open_event(capacity=1, approval_required=False)
    post_registration(staff_client, event, email="first@example.org", name="First")
    post_registration(staff_client, event, email="waiting@example.org", name="Waiting")
    assert [r.status for r in registrations(db)] == ["approved", "waitlisted"]
    mailbox.messages.clear()
    from tests.test_events import VALID

    form = {**VALID, "date_text": event.date_text, "capacity": "2", "venue_country": "MX"}
    response = staff_client.post(f"/manage/events/{event.id}/edit", data=form)
    assert response.status_code == 302
    waiting = registrations(db)[1]
    assert waiting.offer_expires_at is not None  # the freed seat is offered, in order
    [offer] = mailbox.to("waiting@example.org")
    assert "A seat is free for you" in offer.get_body(("plain",)).get_content()
    assert mailbox.to("first@example.org") == []


def test_an_event_with_registrations_is_cancelled_not_deleted(staff_client, db, make):
    event = make.open_event()
    post_registration(staff_client, event)
    response = staff_client.post(f"/manage/events/{event.id}/delete", follow_redirects=True)
    assert "1 person registered for this event: set its status to Cancelled instead" in (
        response.data.decode()
    )
    assert db.session.get(Event, event.id) is not None
    assert len(registrations(db)) == 1
