"""A webhook's secret, made when it is added, is shown whole once, with a Copy button."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_new_secret_is_shown_whole_and_copied_then_the_webhook_page_follows(page, staff_user):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto("/manage/webhooks/new")
    page.get_by_label("Address (URL)").fill("https://8.8.8.8/hooks")
    page.locator("input[name=events]").first.check()
    page.locator("main form button[type=submit]").click()

    secret = page.get_by_label("Secret")
    expect(secret).to_have_value(re.compile(r"^whsec_.{43}$"))
    # The whole secret fits in its box: nothing is cut off.
    assert secret.evaluate("box => box.scrollWidth <= box.clientWidth")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret.input_value()

    page.get_by_role("link", name="I have copied it").click()
    expect(page).to_have_url(re.compile(r"/manage/webhooks/\d+$"))
    expect(page.locator("h1")).to_contain_text("8.8.8.8")
