"""A focal point of Peru's electoral body on a 390 px phone in Spanish: opens the emailed link,
nominates three officials for two places (the third is a reserve), sends the nomination letter,
and replaces one; no page scrolls sideways, and axe finds nothing."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventsapp.core.clock import utcnow
from eventsapp.delegations.emails import focal_point_link
from eventsapp.delegations.services import InvitationInput, invite
from tests.browser.test_accessibility import axe_violations, readable
from tests.browser.test_phone import ORGANISATION, phone, too_wide

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_focal_point_nominates_on_a_phone_in_spanish(
    chromium, live_server, make, db, staff_user, tmp_path
):
    event = make.open_event(capacity=30, days_ahead=45, access="nomination")
    event.title = "Taller internacional sobre justicia electoral y resolución de controversias"
    body = make.organisation(ORGANISATION, acronym="ONPE", country="PE")
    now = utcnow()
    delegation = invite(
        event,
        InvitationInput(
            body.id,
            "María Fernanda de los Ángeles Gutiérrez-Villanueva",
            "focal@onpe.gob.pe",
            "es",
            2,
            0,
            (now + timedelta(days=20)).date(),
            note="Les rogamos enviar la nota verbal con las designaciones.",
            letter_required=True,
        ),
        now,
        staff_user,
    )
    db.session.commit()
    with live_server_context():
        link = focal_point_link(delegation).split("://", 1)[1].split("/", 1)[1]
    letter = tmp_path / "nota-verbal.pdf"
    letter.write_bytes(PDF)
    context, page = phone(chromium, live_server, "es", bypass_csp=True)
    problems = {}

    def look(name):
        if wide := too_wide(page):
            problems[f"{name}: too wide"] = wide
        if violations := axe_violations(page):
            problems[f"{name}: axe"] = readable({name: violations})

    try:
        page.goto(f"/{link}")
        look("open")
        page.get_by_role("button", name="Abrir la página de la delegación").click()
        expect(page.locator("h1")).to_contain_text("Delegación de")
        look("empty page")
        for name, email, gender in (
            ("Ana Torres Quispe", "ana@onpe.gob.pe", "female"),
            ("Luis Paredes", "luis@onpe.gob.pe", "male"),
            ("Carmen Rojas Huamán", "carmen@onpe.gob.pe", "female"),
        ):
            form = page.locator("form", has=page.locator("input[name=form][value=nominate]"))
            form.get_by_label("Nombre completo").fill(name)
            form.get_by_label("Correo electrónico").fill(email)
            form.get_by_label("Género").select_option(gender)
            form.get_by_role("button", name="Nominar").click()
            expect(page.locator(".flash-success")).to_contain_text(name.split()[0])
        expect(page.locator(".nominee").nth(2)).to_contain_text("Reserva")
        letter_form = page.locator("form", has=page.locator("input[name=form][value=letter]"))
        letter_form.locator("input[type=file]").set_input_files(str(letter))
        letter_form.locator("button[type=submit]").click()
        expect(page.locator("main")).to_contain_text("nota-verbal.pdf")
        look("three nominees and the letter")
        second = page.locator(".nominee").nth(1)
        second.locator("summary").click()
        substitute = second.locator("form.form")
        substitute.locator("input[name=substitute-name]").fill("Elena Mamani")
        substitute.locator("input[name=substitute-email]").fill("elena@onpe.gob.pe")
        substitute.locator("select[name=substitute-gender]").select_option("female")
        substitute.locator("button[type=submit]").click()
        expect(page.locator(".flash-success")).to_contain_text("Elena Mamani")
        look("after a substitution")
    finally:
        context.close()
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def live_server_context():
    from flask import current_app

    return current_app.test_request_context()
