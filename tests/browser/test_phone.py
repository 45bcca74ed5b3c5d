"""A delegate's pages on a phone (390 px) in Spanish and French, with the demo's longest titles,
a long name and a long address: no page scrolls sideways (only a table's own region may), and axe
finds nothing. And a returning delegate's journey on a phone in Spanish: her confirmation link
signs her in, the event's page shows her registration, her next form starts from her details.
"""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.accounts.services import find_user_by_email, login_link_token
from eventsapp.attendance.completion import issue_certificates
from eventsapp.attendance.evaluations import evaluation_token
from eventsapp.attendance.services import check_in, event_days
from eventsapp.catalogue.services import add_partner
from eventsapp.core.clock import utcnow
from eventsapp.costs.settings import save_rule, set_reporting_currency, set_unit_estimate
from eventsapp.documents.models import Document, DocumentKind
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.links import confirmation_token, page_token
from eventsapp.registration.models import Registration, RegistrationSettings, Status
from eventsapp.registration.services import RegistrationInput, receive_registration, register
from eventsapp.registration.statuses import apply_staff_action
from tests.browser.test_accessibility import axe_violations, readable
from tests.session_helpers import add_sessions

pytestmark = pytest.mark.browser

PHONE = 390
DEMO = Path(__file__).parents[2] / "eventsapp" / "demo" / "data"
NAME = "María Fernanda de los Ángeles Gutiérrez-Villanueva"
EMAIL = "maria.fernanda.gutierrez-villanueva@onpe.gob.example.pe"
ORGANISATION = "Oficina Nacional de Procesos Electorales del Perú (ONPE)"
POSITION = "Directora Nacional de Educación Electoral y Formación Cívica Ciudadana"
STAFF = ("staff@example.org", "kettle-on-the-hob")


def longest_demo_titles(count: int) -> list[str]:
    """The longest event titles of the demo's programmes, longest first."""
    titles = set()

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("title"), str) and "date_text" in value:
                titles.add(value["title"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in DEMO.glob("*.json"):
        walk(json.loads(path.read_text()))
    return sorted(titles, key=len, reverse=True)[:count]


def person(email=EMAIL, **changes) -> RegistrationInput:
    return RegistrationInput(
        **{
            "name": NAME,
            "gender": "female",
            "email": email,
            "country_code": "PE",
            "position": POSITION,
            "new_organisation": ORGANISATION,
            "interpretation_languages": ["es", "en"],
            "accessibility_needs": "Acceso para silla de ruedas a la sala plenaria y los talleres",
            "consent": True,
            "locale": "es",
            **changes,
        }
    )


def open_event(make, title, date_text, programme=None, capacity=25):
    event = make.event(
        title=title,
        date_text=date_text,
        kind="specialization_course",
        capacity=capacity,
        languages=["es", "en", "fr"],
        programme_id=programme.id if programme else None,
        venue=("MX", "Ciudad de México", "Instituto Nacional Electoral, Sala de Consejo General"),
    )
    make.db.session.add(RegistrationSettings(event_id=event.id, quota_per_organisation=1))
    make.db.session.commit()
    return event


@pytest.fixture
def scene(make, staff_user):
    """CICIE-like courses with the demo's longest titles and windows as long as the seeds write
    them, cost rules, and a Peruvian delegate with a long name, address and position: approved on
    one course, on the waiting list of a full one, with a certificate and an evaluation of a past
    one; an unconfirmed registration of another address; a held event for the annual report."""
    db = make.db
    longest, second, third = longest_demo_titles(3)
    year = date.today().year + 1
    host = make.organisation("Instituto Nacional Electoral", acronym="INE")
    programme = make.programme("Centro Internacional de Capacitación e Investigación Electoral")
    add_partner(programme, host.id, "founder")
    set_reporting_currency(programme, "MXN", actor=None)
    for category, payer in (("lodging", "founder"), ("air_ticket", "visiting_authority")):
        save_rule(programme, category, payer, "per_delegate", actor=None)
        set_unit_estimate(programme, year, category, "12500.00", "MXN", actor=None)
    course = open_event(
        make, longest, f"end of October-beginning of November {year} (tbc)", programme
    )
    full = open_event(make, second, f"early March {year} (tbc)", programme, capacity=0)
    another = open_event(make, third, f"mid-May {year}", programme)
    past = make.event(
        title=longest, date_text="28 November-2 December 2016", status="held", kind="workshop"
    )
    apply_staff_action(  # approved on the course
        course, "approve", [register(course, person(), utcnow()).id], utcnow(), None
    )
    register(full, person(), utcnow())  # on the waiting list
    attended = Registration(  # in no language of its own: the evaluation is in the browser's
        event_id=past.id, status=Status.APPROVED, consent_at=utcnow(), **_fields(person())
    )
    db.session.add(attended)
    db.session.flush()
    attended.user = find_user_by_email(EMAIL)
    for day in event_days(past):
        check_in(attended, day, utcnow(), None)
    issue_certificates(past, utcnow(), None)
    unconfirmed = receive_registration(
        another, person("jean-baptiste.ndayishimiye-nkurunziza@ceni.gov.example.bi"), utcnow()
    )
    assert unconfirmed is None  # from the form: waiting for its address
    waiting = db.session.scalar(select(Registration).where(Registration.status == "unconfirmed"))
    db.session.commit()
    mine = db.session.scalar(select(Registration).where(Registration.event_id == course.id))
    certificate = db.session.scalar(
        select(Document).where(Document.kind == DocumentKind.CERTIFICATE)
    )
    return {
        "course": course,
        "another": another,
        "past": past,
        "mine": mine,
        "confirm": f"/registrations/{confirmation_token(waiting, waiting.consent_at)}",
        "waitlisted": f"/registrations/{page_token(_of(db, full))}",
        "certificate": f"/certificates/{certificate.code}",
        "evaluation": f"/evaluations/{evaluation_token(attended)}",
        "year": past.starts_on.year,
    }


def _fields(data: RegistrationInput) -> dict:
    return {
        "name": data.name,
        "gender": data.gender,
        "email": data.email,
        "country_code": data.country_code,
        "position": data.position,
    }


def _of(db, event) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id))


def phone(chromium, live_server, language, **options):
    locale = {"es": "es-ES", "fr": "fr-FR"}[language]
    context = chromium.new_context(
        base_url=live_server,
        locale=locale,
        extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"},
        viewport={"width": PHONE, "height": 800},
        is_mobile=True,  # as a phone's browser: a page without a mobile viewport is 980 px wide
        has_touch=True,
        **options,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def sign_in_by_link(page, email=EMAIL):
    page.goto(f"/login/link/{login_link_token(find_user_by_email(email))}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/registrations")


def as_staff(page):
    page.goto("/login")
    page.locator("#email").fill(STAFF[0])
    page.locator("#password").fill(STAFF[1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/manage/**")


def too_wide(page) -> list[str]:
    """What sticks out of the screen (outside a table's scrolling region), when the page scrolls
    sideways; nothing when it does not."""
    return page.evaluate(
        """(width) => {
            // The phone's width, not the window's: a page without a mobile viewport is laid
            // out 980 px wide in a 980 px window.
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > width + 0.5
                               && !e.closest(".table-scroll"))
                .slice(0, 5)
                .map((e) => `${e.tagName.toLowerCase()}.${e.className} ` +
                            `(${Math.round(e.getBoundingClientRect().right)}px): ` +
                            e.textContent.trim().slice(0, 60));
        }""",
        PHONE,
    )


def delegate_pages(scene) -> dict[str, list[tuple[str, str]]]:
    """The pages to look at, by who looks: the public, the delegate signed in, staff."""
    course, another = scene["course"], scene["another"]
    return {
        "public": [
            ("the calendar", "/"),
            ("the year's calendar", f"/calendar/{scene['year']}"),
            ("an event page", f"/events/{another.id}"),
            ("a past event's page", f"/events/{scene['past'].id}"),
            ("the registration form", f"/events/{another.id}/register"),
            ("the page of an emailed confirmation link", scene["confirm"]),
            ("a registration's page (waiting list)", scene["waitlisted"]),
            ("the sign-in link form", "/login/link"),
            ("an authority's request form", "/requests/new"),
            ("a certificate", scene["certificate"]),
            ("an evaluation form", scene["evaluation"]),
        ],
        "delegate": [
            ("my registrations", "/me/registrations"),
            ("travel details", f"/me/registrations/{scene['mine'].id}/travel"),
            ("the event page of her course", f"/events/{course.id}"),
            ("a form she starts", f"/events/{another.id}/register"),
        ],
        "staff": [("the annual report", f"/reports/annual-report?year={scene['year']}")],
    }


def visit_each(page, db, scene, look, language):
    """Every delegate page, as the public, then signed in as the delegate (whose account is in
    ``language``), then as staff."""
    pages = delegate_pages(scene)
    find_user_by_email(EMAIL).locale = language
    db.session.commit()
    for who, sign_in in (("public", None), ("delegate", sign_in_by_link), ("staff", as_staff)):
        if sign_in:
            page.context.clear_cookies()
            sign_in(page)
        for name, url in pages[who]:
            page.goto(url)
            look(f"{who}: {name}", url)
            if url.endswith("/register") and who == "public":  # with every error shown
                page.locator("main form.form button[type=submit]").click()
                page.wait_for_load_state()
                expect(page.locator(".field.has-error").first).to_be_visible()
                look(f"{who}: {name} with errors", url)


def _signed_in(page) -> bool:
    return page.locator(".account-menu").count() > 0


@pytest.mark.parametrize("language", ["es", "fr"])
def test_no_delegate_page_scrolls_sideways_on_a_phone(chromium, live_server, scene, db, language):
    context, page = phone(chromium, live_server, language)
    wide = {}

    def look(name, url):
        assert page.evaluate("document.documentElement.lang") == language, name
        if sticking_out := too_wide(page):
            wide[f"{name} ({url})"] = sticking_out
        for table in page.locator("table").all():  # tables scroll in a region of their own
            region = table.locator("xpath=ancestor::div[contains(@class, 'table-scroll')][1]")
            expect(region, f"a table outside .table-scroll on {name}").to_have_count(1)

    try:
        visit_each(page, db, scene, look, language)
    finally:
        context.close()
    assert not wide, f"pages wider than a {PHONE}px phone in {language}:\n" + "\n".join(
        f"{where}: {what}" for where, what in wide.items()
    )


def test_the_years_calendar_reads_down_a_phone(chromium, live_server, scene, db):
    """A month's events as cards on a phone: each activity's name within the screen, not in a
    column of a table to swipe to, and the other cells named."""
    context, page = phone(chromium, live_server, "es")
    try:
        page.goto(f"/calendar/{scene['year']}")
        activities = page.locator("table.year-calendar a.activity").all()
        assert activities
        for activity in activities:
            box = activity.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, activity.text_content()
        expect(page.locator("table.year-calendar td[data-label='Tipo']").first).to_be_visible()
    finally:
        context.close()


def test_an_agenda_leaves_its_titles_the_width_of_a_phone(chromium, live_server, scene, db):
    """A session's title beside its times, its room and language under it, rather than four
    columns leaving the title half the screen."""
    course = scene["course"]
    (session,) = add_sessions(
        db, course, {course.starts_on: ["Apertura y presentación de la experiencia"]}, False
    )
    session.room, session.language, session.interpretation = "Sala de Consejo", "es", True
    db.session.commit()
    context, page = phone(chromium, live_server, "es")
    try:
        page.goto(f"/events/{course.id}")
        title = page.locator("#agenda td", has_text="Apertura y presentación").first
        assert title.bounding_box()["width"] >= 0.6 * PHONE, title.bounding_box()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["es", "fr"])
def test_delegate_pages_pass_axe_on_a_phone(chromium, live_server, scene, db, language):
    context, page = phone(chromium, live_server, language, bypass_csp=True)
    found = {}

    def look(name, url):
        if violations := axe_violations(page):
            found[f"{name} ({url})"] = violations

    try:
        visit_each(page, db, scene, look, language)
    finally:
        context.close()
    assert not found, f"axe found WCAG 2.1 A/AA violations in {language} at {PHONE}px:\n" + (
        readable(found)
    )


def test_my_registrations_show_each_status_and_action_without_swiping(
    chromium, live_server, scene, db
):
    """One card a registration: its status, funding, certificate and buttons all on screen."""
    context, page = phone(chromium, live_server, "es")
    try:
        sign_in_by_link(page)
        cards = page.locator(".registration-card")
        expect(cards).to_have_count(3)
        course = cards.filter(has=page.locator(f'a[href="/events/{scene["course"].id}"]'))
        for visible in [
            course.locator(".badge-approved"),
            course.locator("ul.funding"),
            course.get_by_role("link", name=re.compile("travel|viaje", re.I)),
            course.locator("button.danger"),
            cards.locator(".badge-waitlisted"),
            cards.locator("ul.documents a", has_text=re.compile("Certificado|Constancia")),
            course.locator("ul.documents a", has_text=re.compile("gafete")),
        ]:
            expect(visible).to_be_visible()
            box = visible.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, visible
        assert page.locator("main table").count() == 0
    finally:
        context.close()


# ---------------------------------------------------------------- a returning delegate


@pytest.fixture
def courses(make):
    """Two CICIE courses open for registration, titled as the demo titles them."""
    longest, second = longest_demo_titles(2)
    year = date.today().year + 1
    programme = make.programme("CICIE", acronym="CICIE")
    first = open_event(make, longest, f"early March {year} (tbc)", programme)
    again = open_event(make, second, (date.today() + timedelta(days=60)).isoformat(), programme)
    return first, again


def confirmation_path(db, address: str) -> str:
    db.session.expire_all()
    (email,) = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == address)).all()
    return re.search(r"https?://[^/\s]+(/registrations/\S+)", email.text_body).group(1)


def test_a_returning_delegate_on_a_phone_in_spanish(chromium, live_server, courses, db):
    first, second = courses
    context, page = phone(chromium, live_server, "es")
    try:
        # Her first registration, signed out, from the public form.
        page.goto(f"/events/{first.id}/register")
        page.locator("#name").fill("Ana Lucía Pérez")
        page.locator("#gender").select_option("female")
        page.locator("#email").fill("ana.perez@onpe.example.pe")
        page.locator("#country_code").select_option("PE")
        page.locator("#new_organisation").fill("Oficina Nacional de Procesos Electorales")
        page.locator("#position").fill("Directora de Capacitación Electoral")
        page.locator("input[name=interpretation_languages][value=en]").check()
        page.locator("#arrival_on").fill(first.starts_on.isoformat())
        page.locator("#consent").check()
        page.locator("main form.form button[type=submit]").click()
        page.wait_for_url(f"**/events/{first.id}/register/sent")
        assert not _signed_in(page)

        # The emailed link: its page's button confirms and signs her in.
        page.goto(confirmation_path(db, "ana.perez@onpe.example.pe"))
        assert not _signed_in(page)  # opening the link (as a mail scanner does) does nothing
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/registrations/**")
        expect(page.locator(".flash-success")).to_be_visible()
        assert _signed_in(page)
        page.goto("/me/registrations")  # no second email: her registrations at once
        expect(page.locator(".registration-card")).to_have_count(1)
        expect(page.locator(".registration-card .badge-pending")).to_be_visible()

        # The event's page shows her registration, not the registration button.
        page.goto(f"/events/{first.id}")
        yours = page.locator(".your-registration")
        expect(yours.locator(".badge-pending")).to_be_visible()
        expect(yours.locator('a[href="/me/registrations"]')).to_be_visible()
        expect(page.locator(f'a[href="/events/{first.id}/register"]')).to_have_count(0)
        page.goto(f"/events/{first.id}/register")  # the form is not offered again
        page.wait_for_url(f"**/events/{first.id}")

        # Her second course: the form starts from her details, not from her travel.
        page.goto(f"/events/{second.id}")
        page.locator(f'a[href="/events/{second.id}/register"]').click()
        expect(page.locator("#name")).to_have_value("Ana Lucía Pérez")
        expect(page.locator("#email")).to_have_value("ana.perez@onpe.example.pe")
        expect(page.locator("#gender")).to_have_value("female")
        expect(page.locator("#country_code")).to_have_value("PE")
        expect(page.locator("#organisation_id option:checked")).to_have_text(
            "Oficina Nacional de Procesos Electorales"
        )
        expect(page.locator("#position")).to_have_value("Directora de Capacitación Electoral")
        expect(page.locator("input[name=interpretation_languages][value=en]")).to_be_checked()
        expect(page.locator("#arrival_on")).to_have_value("")
        expect(page.locator("#consent")).not_to_be_checked()
        assert not too_wide(page)
        page.locator("#consent").check()
        page.locator("main form.form button[type=submit]").click()
        page.wait_for_url("**/registrations/**")  # signed in with her address: it counts now
        page.goto(f"/events/{second.id}")
        expect(page.locator(".your-registration .badge-pending")).to_be_visible()
        assert not too_wide(page)
    finally:
        context.close()
    db.session.expire_all()
    statuses = db.session.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == ["pending", "pending"]
