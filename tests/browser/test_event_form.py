"""The event form in a real browser."""

import pytest
from playwright.sync_api import expect

from eventsapp.catalogue.services import add_section
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_section_list_follows_the_chosen_programme(page, staff_user, make):
    ppiep = make.programme("PPIEP", acronym="PPIEP")
    cicie = make.programme("CICIE", acronym="CICIE")
    add_section(ppiep, "A", "Global Commission")
    add_section(cicie, "SC", "Specialization courses")
    make.db.session.commit()
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto("/manage/events/new")
    sections = page.locator("#section_id option:not([hidden])")

    page.get_by_label("Programme").select_option(label="PPIEP")
    expect(sections).to_have_text(["—", "PPIEP: A. Global Commission"])
    page.get_by_label("Section").select_option(label="PPIEP: A. Global Commission")
    page.get_by_label("Programme").select_option(label="CICIE")
    expect(sections).to_have_text(["—", "CICIE: SC. Specialization courses"])
    expect(page.get_by_label("Section")).to_have_value("None")


def test_long_country_lists_narrow_as_one_types(page, staff_user):
    """Several countries are ticked, not Ctrl-clicked; a filter narrows the 250 of them."""
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto("/manage/events/new")
    group = page.get_by_role("group", name="Candidate countries")
    group.get_by_role("searchbox").fill("leso")
    expect(group.locator("li:visible")).to_have_text(["Lesotho"])
    group.get_by_label("Lesotho").check()
    group.get_by_role("searchbox").fill("hond")
    group.get_by_label("Honduras").check()
    expect(group.locator(".select-chosen")).to_have_text("Chosen: Honduras, Lesotho")

    page.get_by_label("Title").fill("Workshop on electoral justice")
    page.get_by_label("Dates", exact=True).fill("18-19 January 2027")
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("dl.facts")).to_contain_text("Candidate countries")
    expect(page.locator("dl.facts")).to_contain_text("Honduras, Lesotho")
