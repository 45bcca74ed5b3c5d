"""Under the Content-Security-Policy (no inline script), the pages' small behaviours still work
in real Chromium and the browser reports no violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.test_registration_pages import sign_up

pytestmark = pytest.mark.browser


def test_staff_pages_work_under_the_policy(page, db, make, staff_user):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    event = make.open_event(capacity=5)
    sign_up(db, event, 3)
    sign_in(page, "staff@example.org", "kettle-on-the-hob")

    page.goto(f"/manage/events/{event.id}/participants")
    boxes = page.locator("input[name=ids]")
    expect(boxes).to_have_count(3)
    page.get_by_label("Tick all").check()
    for index in range(3):
        expect(boxes.nth(index)).to_be_checked()

    page.goto("/calendar/2016")
    feed = page.locator("input[data-select-on-focus]")
    feed.focus()
    assert feed.evaluate("field => field.selectionEnd - field.selectionStart") > 10

    assert not [text for text in violations if "Content Security Policy" in text]


def test_a_confirmation_is_asked_before_an_organisation_is_merged(page, make, staff_user):
    source = make.organisation("Tribunal Electoral (old entry)")
    make.organisation("Tribunal Electoral")
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto(f"/manage/organisations/{source.id}/edit")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Merge").click()
    assert asked == ["Merge and delete this entry?"]
    assert page.url.endswith(f"/manage/organisations/{source.id}/edit")  # dismissed: not sent
    expect(page.get_by_role("heading", name="Tribunal Electoral (old entry)")).to_be_visible()


def test_the_api_documentation_renders_under_the_policy(page, db):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/events", exact=True).first).to_be_visible()
    assert not [text for text in violations if "Content Security Policy" in text]
