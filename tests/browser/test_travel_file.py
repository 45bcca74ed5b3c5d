"""A delegate of Peru fills her travel file on a 390 px phone in Spanish: no sideways scroll,
axe finds nothing, and the staff's list shows her flights."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user, login_link_token
from eventsapp.core.clock import utcnow
from eventsapp.registration.models import Registration
from eventsapp.travel.files import save_settings
from eventsapp.travel.models import TravelFile
from tests.browser.test_accessibility import axe_violations, readable
from tests.browser.test_phone import NAME, phone, too_wide

pytestmark = pytest.mark.browser


def test_a_delegate_fills_her_travel_file_on_a_phone(chromium, live_server, make, db, staff_user):
    event = make.open_event(capacity=10, days_ahead=40)
    delegate = create_user("maria@onpe.gob.pe", Role.DELEGATE, name=NAME, locale="es")
    registration = Registration(
        event_id=event.id,
        user=delegate,
        name=NAME,
        gender="female",
        email="maria@onpe.gob.pe",
        country_code="PE",
        status="approved",
        consent_at=utcnow(),
        visa_letter=True,
        locale="es",
    )
    db.session.add(registration)
    save_settings(
        event,
        ["identity", "passport", "flights", "hotel", "needs"],
        None,
        None,
        staff_user,
        utcnow(),
    )
    db.session.commit()
    context, page = phone(chromium, live_server, "es", bypass_csp=True)
    problems = {}
    try:
        page.goto(f"/login/link/{login_link_token(delegate)}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/me/registrations")
        page.get_by_role("link", name="Expediente de viaje").click()
        expect(page.locator("h1")).to_contain_text("Expediente de viaje")
        if wide := too_wide(page):
            problems["empty form: too wide"] = wide
        if violations := axe_violations(page):
            problems["empty form: axe"] = readable({"form": violations})
        page.get_by_label("Nombre exactamente como en el pasaporte").fill(
            "GUTIERREZ VILLANUEVA MARIA"
        )
        page.get_by_label("Nacionalidad").select_option("PE")
        page.get_by_label("Número de pasaporte").fill("pe7654321")
        page.get_by_label("Vencimiento del pasaporte").fill("2031-05-01")
        page.get_by_label("Día de llegada").fill((event.starts_on - timedelta(days=1)).isoformat())
        page.get_by_label("Hora de llegada (local)").fill("22:40")
        page.get_by_label("Vuelo de llegada").fill("LA2480")
        page.get_by_role("button", name="Guardar mi expediente de viaje").click()
        expect(page.locator(".flash-success")).to_be_visible()
        if wide := too_wide(page):
            problems["saved: too wide"] = wide
    finally:
        context.close()
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
    travel = db.session.get(TravelFile, registration.id)
    assert (travel.passport_number, travel.arrival_flight) == ("PE7654321", "LA2480")
