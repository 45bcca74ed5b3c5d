"""The event's hub in Chromium: on a laptop every tab is in sight; on a phone the tabs keep one
line that scrolls within itself (never the page), the page's own tab in view, any other one tap
away; the agenda's sessions are ticked (a day at a time) and published at once."""

from datetime import date, time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, STAFF, sign_in_any_language
from tests.calendar_helpers import add_session
from tests.test_navigation import SHOWN

pytestmark = pytest.mark.browser


@pytest.fixture
def course(make, db, staff_user):
    event = make.event("Specialization course on electoral justice", "April 18th-22nd", year=2027)
    for day, hour, title, published in [
        (18, 9, "Opening: electoral justice in the Americas", True),
        (18, 11, "Country presentations: recent disputes", False),
        (19, 9, "Panel: the courts and the media", False),
        (19, 11, "Recommendations and conclusions", False),
    ]:
        when = date(2027, 4, day), time(hour), time(hour + 1)
        add_session(db, event, *when, title, published=published)
    return event


def tabs(page):
    return page.locator(".event-hub nav.tabs a")


def test_on_a_laptop_every_tab_is_in_sight(page, course):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, *STAFF)
    page.goto(f"/manage/events/{course.id}/budget")
    bar = page.locator(".event-hub nav.tabs").bounding_box()
    expect(tabs(page)).to_have_text([label for label, _path in SHOWN["bar"]])
    for tab in tabs(page).all():
        box = tab.bounding_box()
        assert bar["x"] <= box["x"] and box["x"] + box["width"] <= bar["x"] + bar["width"]
    expect(page.locator(".event-hub [aria-current=page]")).to_have_text("Budget")


def test_on_a_phone_the_tabs_scroll_within_their_line(chromium, live_server, course):
    context = chromium.new_context(
        base_url=live_server,
        locale="es-ES",
        extra_http_headers={"Accept-Language": "es-ES,es;q=0.9"},
        viewport={"width": PHONE, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in_any_language(page)
        page.goto(f"/manage/events/{course.id}/check-in")
        bar = page.locator(".event-hub nav.tabs")
        first, last = tabs(page).first.bounding_box(), tabs(page).last.bounding_box()
        assert abs(first["y"] - last["y"]) < 2, "the tabs wrapped on a phone"
        assert bar.bounding_box()["height"] < 60
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths == [PHONE, PHONE], f"the page is wider than the phone: {widths}"
        assert bar.evaluate("(nav) => nav.scrollWidth > nav.clientWidth")  # it scrolls itself
        # The page's own tab is in view as the page opens, though far along the line.
        current = page.locator(".event-hub [aria-current=page]").bounding_box()
        assert current["x"] >= 0 and current["x"] + current["width"] <= PHONE
        # Any other tab is one tap away (the tap scrolls the line as a swipe would).
        tabs(page).last.tap()
        page.wait_for_url(f"**/manage/events/{course.id}/history")
        expect(page.locator(".event-hub [aria-current=page]")).to_be_in_viewport()
        tabs(page).first.tap()
        page.wait_for_url(f"**/manage/events/{course.id}/edit")
    finally:
        context.close()


def test_staff_tick_a_days_sessions_and_publish_them_at_once(page, course, client):
    sign_in(page, *STAFF)
    page.goto(f"/manage/events/{course.id}/agenda/")
    expect(page.locator("tr.is-draft")).to_have_count(3)
    monday = page.get_by_role("region", name="Monday, 19 April 2027")
    monday.get_by_role("checkbox", name="Tick all").check()
    expect(
        monday.get_by_role("checkbox", name="Tick Panel: the courts and the media")
    ).to_be_checked()
    sunday = page.get_by_role("region", name="Sunday, 18 April 2027")
    for box in sunday.get_by_role("checkbox").all():
        expect(box).not_to_be_checked()  # a day's box ticks its own day only
    page.get_by_role("button", name="Publish the ticked sessions", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Published 2 sessions.")
    expect(page.locator("tr.is-draft")).to_have_count(1)
    expect(page.locator("tr.is-draft")).to_contain_text("Country presentations")
    public = client.get(f"/events/{course.id}").text
    assert "Panel: the courts and the media" in public and "Country presentations" not in public
