"""A delegate finds an event in real Chromium, registers, confirms by the emailed link, sees the
confirmation; staff approve, and the approval email with the event's calendar file reaches the SMTP
server."""

import re
from datetime import date, timedelta

import icalendar
import pytest
from playwright.sync_api import expect

from eventsapp.core.clock import utcnow
from eventsapp.registration.services import RegistrationInput, register
from eventsapp.registration.statuses import apply_staff_action
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_mailbox(live_app, mailbox, smtp_server, monkeypatch):
    monkeypatch.setitem(live_app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(live_app.config, "MAIL_PORT", smtp_server.port)
    return mailbox


def test_a_delegate_registers_and_staff_approve(page, make, staff_user, live_mailbox):
    event = make.open_event(capacity=12, quota_per_organisation=1)
    event.title = "Specialization course on voter registration"
    make.db.session.commit()

    page.goto("/")
    card = page.locator(".event-card", has_text=event.title)
    expect(card).to_contain_text("Registration open")
    expect(card).to_contain_text("12 seats left")
    card.get_by_role("link", name=event.title).click()
    page.get_by_role("link", name="Register").click()

    page.get_by_label("Full name").fill("Thandiwe Moyo")
    page.get_by_label("Gender").select_option(label="Prefer not to say")
    page.get_by_label("Email").fill("thandiwe@zec.example")
    page.get_by_label("Country").select_option("ZW")
    page.get_by_label("Or add your organisation").fill("Zimbabwe Electoral Commission")
    page.get_by_label("Position").fill("Voter education officer")
    page.get_by_label("Arrival").fill("2030-05-03")
    page.get_by_label("Departure").fill("2030-05-09")
    page.get_by_label("I need a letter of invitation for my visa").check()
    page.get_by_label("I agree that the training centre processes").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading")).to_have_text("Check your email")
    (confirm,) = live_mailbox.to("thandiwe@zec.example")
    page.goto(re.search(r"/registrations/\S+", confirm.get_content()).group(0))
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_role("heading")).to_have_text("Thank you, Thandiwe Moyo")
    expect(page.locator(".flash").first).to_contain_text("Your email address is confirmed.")
    expect(page.locator("dl.facts")).to_contain_text("Pending approval")
    # The emailed link, followed again, confirms nothing more and says so.
    page.goto(re.search(r"/registrations/\S+", confirm.get_content()).group(0))
    expect(page.get_by_role("heading")).to_have_text("Your registration is confirmed already")
    expect(page.get_by_role("button", name="Confirm my registration")).to_have_count(0)
    _confirm, received = live_mailbox.to("thandiwe@zec.example")
    assert received["Subject"] == f"Registration received: {event.title}"

    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto(f"/manage/events/{event.id}/participants")
    row = page.locator("tr", has_text="Thandiwe Moyo")
    expect(row).to_contain_text("Zimbabwe Electoral Commission")
    expect(row).to_contain_text("Pending approval")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash").first).to_have_text("Approved 1 participant.")
    expect(page.locator("tr", has_text="Thandiwe Moyo")).to_contain_text("Approved")

    approval = live_mailbox.to("thandiwe@zec.example")[-1]
    assert approval["Subject"] == f"Your place is confirmed: {event.title}"
    (ics,) = list(approval.iter_attachments())
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == event.title


def test_the_participants_list_fits_a_laptop_screen(page, make, staff_user):
    """Long names, organisations and needs; each row offers only the actions its status takes."""
    event = make.open_event(capacity=3)
    arrival = date.today() + timedelta(days=28)
    people = []
    for number, action in enumerate(["approve", "decline", None, None, None]):
        registration = register(
            event,
            RegistrationInput(
                name=f"María Fernanda de los Ángeles Gutiérrez {number}",
                gender="female",
                email=f"maria.fernanda.gutierrez.{number}@tribunal-electoral.example.org",
                country_code="DO",
                position="Directora de Capacitación y Educación Cívica Electoral",
                new_organisation="Junta Central Electoral de la República Dominicana",
                interpretation_languages=["es", "en"],
                accessibility_needs="Wheelchair access to the plenary room and the hotel",
                dietary_needs="Vegetarian, no nuts",
                visa_letter=True,
                arrival_on=arrival,
                departure_on=arrival + timedelta(days=6),
                consent=True,
            ),
            utcnow(),
        )
        if action:
            apply_staff_action(event, action, [registration.id], utcnow(), None)
        people.append(registration)
    make.db.session.commit()
    approved, declined, pending, _pending, waitlisted = people

    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/manage/events/{event.id}/participants")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    def buttons(registration):
        row = page.locator(f"#registration-{registration.id} .row-actions button")
        return row.all_inner_texts()

    assert buttons(approved) == ["Decline", "Move to waiting list", "Mark attended"]
    # The three seats are held (approved, two pending): nobody else can be approved now.
    assert buttons(pending) == ["Approve", "Decline", "Move to waiting list"]
    assert buttons(declined) == ["Move to waiting list"]
    assert buttons(waitlisted) == ["Decline"]
