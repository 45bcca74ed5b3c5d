"""In real Chromium (CSRF on): a delegate answers an event's own questions, a choice, several
choices and a file, and staff see the answers in the participants list and download the file."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventsapp.registration.questions import QuestionInput, add_question
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def live_uploads(live_app, tmp_path, monkeypatch):
    monkeypatch.setitem(live_app.config, "UPLOADS_FOLDER", str(tmp_path))
    return tmp_path / "registrations"


def test_a_delegate_answers_the_questions_and_staff_see_the_answers(
    page, make, staff_user, live_uploads, delegate_user
):
    event = make.open_event(capacity=12, approval_required=True)
    for question in (
        QuestionInput("Module", "one_choice", required=True, choices="Voter lists\nDisputes"),
        QuestionInput(
            "Topics you work on",
            "several_choices",
            choices="Registration\nTallying\nGender equality",
        ),
        QuestionInput("Nomination letter", "file", required=True),
    ):
        add_question(event, question)
    make.db.session.commit()

    # Signed in, the delegate's registration counts at once (no email to confirm).
    sign_in_delegate(page)
    page.goto(f"/events/{event.id}/register")
    page.get_by_label("Full name").fill("Thandiwe Moyo")
    page.get_by_label("Gender", exact=True).select_option(label="Prefer not to say")
    page.get_by_label("Country").select_option("ZW")
    page.get_by_label("Or add your organisation").fill("Zimbabwe Electoral Commission")
    page.get_by_label("I agree that the training centre processes").check()
    page.get_by_role("button", name="Register").click()

    # Nothing answered: each required question says so beside it, and nothing is saved.
    module = page.get_by_role("group", name="Module")
    expect(page.locator(".field", has=module)).to_contain_text("Please answer this question.")
    letter = page.locator(".field", has=page.get_by_label("Nomination letter"))
    expect(letter).to_contain_text("Please send this file.")

    module.get_by_label("Disputes").check()
    topics = page.get_by_role("group", name="Topics you work on")
    topics.get_by_label("Registration").check()
    topics.get_by_label("Gender equality").check()
    page.get_by_label("Nomination letter").set_input_files(
        files=[{"name": "Letter Moyo.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("I agree that the training centre processes").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading")).to_have_text("Thank you, Thandiwe Moyo")

    page.context.clear_cookies()
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto(f"/manage/events/{event.id}/participants")
    row = page.locator("tr", has_text="Thandiwe Moyo")
    expect(row).to_contain_text("Module: Disputes")
    expect(row).to_contain_text("Topics you work on: Registration; Gender equality")
    with page.expect_download() as download:
        row.get_by_role("link", name="Letter Moyo.pdf").click()
    assert download.value.suggested_filename == "Letter Moyo.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    page.goto(f"/manage/events/{event.id}/participants?answer=")
    page.get_by_label("Answer").select_option(label="Voter lists")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"answer="))
    expect(page.locator("tr", has_text="Thandiwe Moyo")).to_have_count(0)


def sign_in_delegate(page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("delegate@example.org")
    page.get_by_label("Password").fill("blue-river-notebook")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
