"""The alumni pages on a phone (390 px) in Spanish, with long names, organisations and the demo's
longest titles: a delegate joins the directory by ticking her consent and finds a fellow alumna
by topic; staff search it. No page scrolls sideways, and axe finds nothing."""

import pytest
from sqlalchemy import select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.core.clock import utcnow
from eventsapp.people.models import Person, PersonEmail
from eventsapp.people.persons import new_person
from eventsapp.registration.models import Registration, Status
from tests.browser.test_accessibility import axe_violations, readable
from tests.browser.test_phone import (
    EMAIL,
    NAME,
    ORGANISATION,
    as_staff,
    longest_demo_titles,
    phone,
    sign_in_by_link,
    too_wide,
)

pytestmark = pytest.mark.browser

FELLOW = "Rosa Elena Huamán Torres de la Cruz Villavicencio"


@pytest.fixture
def alumni(db, make, staff_user):
    """A delegate not yet in the directory, and a fellow alumna who shows her address, both
    at the demo's two longest-titled events (held in 2013 and 2014)."""
    organisation = make.organisation(ORGANISATION, country="PE")
    titles = longest_demo_titles(2)
    events = [
        make.event(
            titles[0],
            "27-31 May 2013",
            kind="specialization_course",
            status="held",
            theme="Voter registration",
        ),
        make.event(titles[1], "10-14 November 2014", status="held"),
    ]
    for name, email, joined in ((NAME, EMAIL, False), (FELLOW, "rosa@example.org", True)):
        person = new_person(name, country_code="PE", organisation=organisation)
        person.emails.append(PersonEmail(email=email))
        if joined:
            person.alumni_since = utcnow()
            person.alumni_shows_email = True
        user = create_user(email, Role.DELEGATE, name=name)
        user.person = person
        for event in events:
            db.session.add(
                Registration(
                    event_id=event.id,
                    person=person,
                    user=user,
                    name=name,
                    gender="female",
                    email=email,
                    organisation_id=organisation.id,
                    country_code="PE",
                    status=Status.ATTENDED,
                    consent_at=utcnow(),
                )
            )
    db.session.commit()
    return events


def check(page, name: str, wide: dict, violations: dict) -> None:
    assert page.evaluate("document.documentElement.lang") == "es", name
    if too_wide(page):
        wide[name] = too_wide(page)
    found = axe_violations(page)
    if found:
        violations[name] = found


def test_alumni_pages_on_a_phone_in_spanish(chromium, live_server, db, alumni):
    context, page = phone(chromium, live_server, "es", bypass_csp=True)  # for axe
    wide, violations = {}, {}
    try:
        sign_in_by_link(page)
        page.goto("/alumni/")
        check(page, "join", wide, violations)
        assert page.locator("#consent").evaluate("e => e.required")  # the browser asks first
        page.locator("#consent").evaluate("e => e.removeAttribute('required')")
        page.locator("main form button[type=submit]").click()  # without consent
        page.wait_for_load_state()
        assert page.locator("[aria-invalid=true]").count() == 1
        check(page, "join refused", wide, violations)
        page.locator("#consent").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/alumni/")
        check(page, "directory", wide, violations)
        page.locator("input[name=topic]").fill("voter registration")
        page.locator("form.filters button[type=submit]").click()
        page.wait_for_url("**topic=*")
        assert FELLOW in page.locator("main").inner_text()
        assert "rosa@example.org" in page.locator("main").inner_text()
        check(page, "search", wide, violations)
        page.goto("/alumni/?year=abc")
        check(page, "bad year", wide, violations)
        person = db.session.scalar(
            select(Person).join(PersonEmail).where(PersonEmail.email == EMAIL)
        )
        db.session.refresh(person)
        assert person.alumni_since is not None

        context.clear_cookies()
        as_staff(page)
        page.goto("/alumni/?country=PE")
        assert FELLOW in page.locator("main").inner_text()
        check(page, "staff", wide, violations)
    finally:
        context.close()
    assert not wide, f"alumni pages wider than a phone: {wide}"
    assert not violations, readable(violations)
