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
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto("/manage/events/new")
    field = page.locator(".field", has=page.locator("#candidate_countries"))
    field.get_by_role("searchbox").fill("leso")
    expect(field.locator("#candidate_countries option:not([hidden])")).to_have_text(["Lesotho"])
    page.locator("#candidate_countries").select_option(["LS", "HN"])
    expect(field.locator(".select-chosen")).to_have_text("Chosen: Honduras, Lesotho")
