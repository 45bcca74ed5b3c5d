"""A delegate finds an event in real Chromium, registers, sees the confirmation; staff approve, and
the approval email with the event's calendar file reaches the SMTP server."""

import icalendar
import pytest
from playwright.sync_api import expect

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

    expect(page.get_by_role("heading")).to_have_text("Thank you, Thandiwe Moyo")
    expect(page.locator(".flash").first).to_contain_text("Your registration is saved.")
    expect(page.locator("dl.facts")).to_contain_text("Pending approval")
    (received,) = live_mailbox.to("thandiwe@zec.example")
    assert received["Subject"] == f"Registration received: {event.title}"

    sign_in(page, "staff@example.org", "staff-password")
    page.goto(f"/manage/events/{event.id}/participants")
    row = page.locator("tr", has_text="Thandiwe Moyo")
    expect(row).to_contain_text("Zimbabwe Electoral Commission")
    expect(row).to_contain_text("Pending approval")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash").first).to_have_text("Approve: 1 participant.")
    expect(page.locator("tr", has_text="Thandiwe Moyo")).to_contain_text("Approved")

    approval = live_mailbox.to("thandiwe@zec.example")[-1]
    assert approval["Subject"] == f"Your place is confirmed: {event.title}"
    (ics,) = list(approval.iter_attachments())
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == event.title
