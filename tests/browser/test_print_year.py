"""A coordinator prints the calendar of activities: A4 landscape, without the site's controls."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

A4_LANDSCAPE_POINTS = (842, 595)  # 297 × 210 mm


def test_the_year_prints_on_a4_landscape_without_controls(page, make):
    make.event("Latin American Democracy Forum", "October 5th-7th", year=2016, kind="conference")
    make.event("International workshop", "February 2016 (tbc)", status="proposed")
    make.event("IX Inter-American Seminar", "September 2016", status="cancelled")
    page.goto("/calendar/2016")
    expect(page.locator(".calendar-tools")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".calendar-tools")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".filters")).to_be_hidden()
    expect(page.get_by_role("heading", name="October 2016")).to_be_visible()
    seminar = page.locator("tr.is-cancelled td").first
    assert "line-through" in seminar.evaluate("cell => getComputedStyle(cell).textDecorationLine")
    workshop = page.locator("tr.is-tentative td").first
    assert workshop.evaluate("cell => getComputedStyle(cell).fontStyle") == "italic"

    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    for width, height in boxes:
        assert (round(float(width)), round(float(height))) == A4_LANDSCAPE_POINTS
