"""A coordinator enters a PPIEP meeting by its phrase and sees, as they type, its window."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_typing_a_phrase_shows_its_window_and_saving_keeps_both(page, staff_user, make):
    make.programme("PPIEP", first_year=2011, last_year=2013)
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.get_by_role("link", name="New event").first.click()

    page.get_by_label("Title").fill("Launch of the Global Commission")
    page.get_by_label("Kind").select_option("launch")
    dates = page.get_by_label("Dates", exact=True)
    preview = page.locator("#date-preview")

    dates.fill("early March (tbc)")
    expect(preview).to_contain_text("has no year")
    page.get_by_label("Year, if the dates do not say").fill("2011")
    expect(preview).to_have_text("Read as 1–10 March 2011 (part of month), tentative")
    dates.fill("sometime soon")
    expect(preview).to_contain_text("sometime")
    expect(preview).to_have_class("date-preview bad")
    dates.fill("early March (tbc)")
    expect(preview).to_contain_text("10 March 2011")

    page.get_by_role("button", name="Save event").click()
    expect(page.locator(".flash")).to_contain_text("Saved “Launch of the Global Commission”.")
    expect(page.locator("dl.facts")).to_contain_text("early March (tbc)")
    expect(page.locator("dl.facts")).to_contain_text("(1–10 March 2011)")
    expect(page.locator("dl.facts .badge-tentative")).to_have_text("tentative")
