"""Staff write to two ticked participants in real Chromium: preview, send, and the log's progress
once the worker has sent them."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.test_messages import add_people

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture
def live_mailbox(live_app, mailbox, smtp_server, monkeypatch):
    monkeypatch.setitem(live_app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(live_app.config, "MAIL_PORT", smtp_server.port)
    return mailbox


def test_staff_tick_two_participants_preview_send_and_see_the_log(
    page, make, staff_user, live_mailbox
):
    event = make.event(title="Specialization course", date_text="18-19 January 2016")
    first, second, third = add_people(make.db, event, ["approved", "approved", "attended"])
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto(f"/manage/events/{event.id}/messages/")

    page.get_by_label("Subject", exact=True).fill("Your course: {event}")
    page.get_by_label("Message", exact=True).fill("Dear {name},\nthe programme: {event_link}")
    page.get_by_label(first.name, exact=True).check()
    page.get_by_label(third.name, exact=True).check()
    page.get_by_label("Only those ticked").check()
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("The message goes to 2 participants.")
    expect(preview).to_contain_text(f"Dear {first.name},")
    expect(preview).to_contain_text("Your course: Specialization course")
    expect(page.get_by_label(third.name, exact=True)).to_be_checked()
    expect(page.get_by_label(second.name, exact=True)).not_to_be_checked()
    page.get_by_role("button", name="Send").click()

    expect(page.locator(".flash").first).to_contain_text("The message goes to 2 participants.")
    log = page.locator("table.messages-log")
    expect(log).to_contain_text("0 of 2 sent")
    expect(page.get_by_role("status").last).to_contain_text("Sending continues in the background")

    for person in (first, third):
        (email,) = live_mailbox.to(person.email)
        assert email["Subject"] == "Your course: Specialization course"
    assert live_mailbox.to(second.email) == []
    page.reload()
    expect(log).to_contain_text("2 of 2 sent")
    expect(log.locator("progress")).to_have_attribute("value", "2")
    log.get_by_role("link", name="Your course: {event}").click()
    recipients = page.locator("table.list")
    expect(recipients).to_contain_text(first.email)
    expect(recipients).to_contain_text(third.email)
    expect(recipients).not_to_contain_text(second.email)
