"""An evaluation in real Chromium: staff write its questions and email it to the attendees, an
attendee answers from the emailed link, and staff see the answer counted."""

import re

import pytest
from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.attendance.models import CheckIn
from eventsapp.core.clock import utcnow
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_an_attendee_evaluates_and_staff_see_the_result(
    page, chromium, live_server, staff_user, make, db
):
    event = make.event(title="Specialization course", date_text="18-19 January 2016")
    attendee = Registration(
        event_id=event.id,
        name="Nino Beridze",
        gender="female",
        email="nino@cesko.example",
        country_code="GE",
        status="approved",
        consent_at=utcnow(),
    )
    db.session.add(attendee)
    db.session.flush()
    db.session.add(CheckIn(registration_id=attendee.id, day=event.starts_on))
    db.session.commit()

    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto(f"/manage/events/{event.id}/evaluation")
    expect(page.locator(".empty").first).to_contain_text("three default scales")
    page.get_by_label("Question", exact=True).fill("How useful was the course for your work?")
    page.get_by_label("Answer", exact=True).select_option(label="Scale from 1 to 5")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_label("Question", exact=True).fill("Would you recommend it to a colleague?")
    page.get_by_label("Answer", exact=True).select_option(label="Yes or no")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_label("Question", exact=True).fill("A question written by mistake")
    page.get_by_role("button", name="Add the question").click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(3)
    page.once("dialog", lambda dialog: dialog.accept())  # "Remove this question?"
    rows.filter(has_text="by mistake").get_by_role("button", name="Remove").click()
    expect(page.locator(".flash").first).to_have_text("Removed the question.")
    expect(rows).to_have_count(2)
    page.get_by_role(
        "button", name="Email the evaluation to attendees who have not answered"
    ).click()
    expect(page.locator(".flash").first).to_have_text(
        "Sent the evaluation to 1 attendee who has not answered yet."
    )

    email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to == attendee.email))
    site = re.escape(current_app.config["SITE_URL"])
    link = re.search(rf"{site}(/evaluations/\S+)", email.text_body).group(1)
    delegate = chromium.new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 390, "height": 844}
    ).new_page()
    delegate.goto(link)
    expect(delegate.get_by_role("heading", level=1)).to_have_text("Evaluate Specialization course")
    delegate.get_by_role("button", name="Send").click()  # nothing chosen: refused
    expect(delegate.locator(".flash-error")).to_contain_text("Nothing was saved")
    usefulness = delegate.get_by_role("group", name="How useful was the course for your work?")
    usefulness.get_by_label("4").check()
    recommend = delegate.get_by_role("group", name="Would you recommend it to a colleague?")
    recommend.get_by_label("Yes").check()
    delegate.get_by_label("Anything else you would tell the organisers?").fill(
        "More time for the case studies, please."
    )
    delegate.get_by_role("button", name="Send").click()
    expect(delegate.locator(".flash-success").last).to_have_text(
        "Your evaluation is saved. Thank you!"
    )
    delegate.context.close()

    page.reload()
    results = page.locator(".evaluation-question")
    expect(page.get_by_text("1 answer · anonymous")).to_be_visible()
    expect(results.first).to_contain_text("mean 4.00 / 5")
    expect(results.first.locator("img")).to_be_visible()
    expect(results.nth(1).locator("tbody")).to_have_text(re.compile(r"1\s*0"))
    expect(page.get_by_text("More time for the case studies, please.")).to_be_visible()


def test_a_spanish_delegate_evaluates_in_spanish(page, chromium, live_server, staff_user, make, db):
    """Staff translate a question on the evaluation's page; a delegate who registered in
    Spanish, on a browser in English, reads it in Spanish, and the answer is kept as written."""
    event = make.event(title="Curso de especialización", date_text="18-19 January 2016")
    attendee = Registration(
        event_id=event.id,
        name="Lucía Fernández",
        gender="female",
        email="lucia@ine.example",
        country_code="MX",
        status="approved",
        consent_at=utcnow(),
        locale="es",
    )
    db.session.add(attendee)
    db.session.flush()
    db.session.add(CheckIn(registration_id=attendee.id, day=event.starts_on))
    db.session.commit()

    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto(f"/manage/events/{event.id}/evaluation")
    page.get_by_label("Question", exact=True).fill("Which module helped you most?")
    page.get_by_label("Answer", exact=True).select_option(label="One choice")
    page.get_by_label("Choices", exact=True).fill("Voter registration\nAudit")
    page.get_by_label("Question in Spanish").fill("¿Qué módulo le ayudó más?")
    page.get_by_label("Choices in Spanish").fill("Registro de electores\nAuditoría")
    page.get_by_role("button", name="Add the question").click()
    expect(page.locator("table.list tbody tr")).to_contain_text("¿Qué módulo le ayudó más?")
    page.get_by_role(
        "button", name="Email the evaluation to attendees who have not answered"
    ).click()

    email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to == attendee.email))
    site = re.escape(current_app.config["SITE_URL"])
    link = re.search(rf"{site}(/evaluations/\S+)", email.text_body).group(1)
    delegate = chromium.new_context(base_url=live_server, locale="en-GB").new_page()
    delegate.goto(link)
    expect(delegate.get_by_role("heading", level=1)).to_have_text(
        "Evaluar Curso de especialización"
    )
    module = delegate.get_by_role("group", name="¿Qué módulo le ayudó más?")
    for choice in module.locator("label").all():  # a finger hits each on a phone
        assert choice.bounding_box()["height"] >= 44
    module.get_by_label("Auditoría").check()
    delegate.get_by_role("button", name="Enviar").click()
    expect(delegate.locator(".flash-success").last).to_be_visible()
    delegate.context.close()

    page.reload()
    counted = page.locator(".evaluation-question", has_text="Which module helped you most?")
    expect(counted.locator("thead")).to_have_text(re.compile(r"Voter registration\s*Audit"))
    expect(counted.locator("tbody")).to_have_text(re.compile(r"0\s*1"))
