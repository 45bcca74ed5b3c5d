"""Pages everyone can use: axe-core (WCAG 2.1 A and AA) in real Chromium, in English and Spanish, on
a laptop and on a phone; no page wider than a phone but for its marked tables; a registration made
with the keyboard alone.

axe-core is vendored in tests/browser/vendor/axe-core (from the npm registry), never served by the
app. The app's Content-Security-Policy refuses scripts it does not serve, so the axe runs use a
browser context that bypasses the policy; every other test here runs under the policy.
"""

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.agenda.models import AgendaSession
from eventsapp.agenda.services import SessionInput, save_session
from eventsapp.attendance.models import EvaluationQuestion
from eventsapp.core.clock import utcnow
from eventsapp.people.models import Person
from eventsapp.people.persons import person_for_address
from eventsapp.plans.models import Plan, PlanHeading, PlanItem
from eventsapp.registration.models import Registration
from eventsapp.registration.questions import RegistrationQuestion
from eventsapp.registration.services import RegistrationInput, register
from eventsapp.registration.statuses import apply_staff_action
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAPTOP, PHONE = 1280, 390
STAFF = ("staff@example.org", "kettle-on-the-hob")


@pytest.fixture
def scene(make, staff_user):
    """An event open for registration with a few registrations, in a programme, with a tentative
    event beside it (its amber badge), and a full one (its waiting-list badge); its agenda with
    published and unpublished sessions; the programme's action plan of four items."""
    programme = make.programme("CICIE 2030", acronym="CICIE")
    event = make.open_event(capacity=3, days_ahead=40)
    event.title = "Specialization course on electoral justice"
    event.programme_id = programme.id
    event.audience = "Magistrates and legal officers of electoral courts"
    next_year = date.today().year + 1
    make.event(
        title="Regional forum on voter registration", date_text=f"early March {next_year} (tbc)"
    )
    full = make.open_event(capacity=0, days_ahead=50, waiting_list=True)
    full.title = "Workshop on electoral dispute resolution"
    arrival = date.today() + timedelta(days=39)
    for number, action in enumerate(["approve", None, "decline"]):
        registration = register(
            event,
            RegistrationInput(
                name=f"María Fernanda Gutiérrez {number}",
                gender="female",
                email=f"maria.{number}@jce.example.org",
                country_code="DO",
                position="Directora de Capacitación",
                new_organisation="Junta Central Electoral",
                interpretation_languages=["es", "en"],
                accessibility_needs="Wheelchair access to the plenary room",
                arrival_on=arrival,
                departure_on=arrival + timedelta(days=6),
                consent=True,
            ),
            utcnow(),
        )
        if action:
            apply_staff_action(event, action, [registration.id], utcnow(), None)
    make.db.session.add(
        RegistrationQuestion(
            event_id=event.id,
            label="Which module of the course interests you most, and why?",
            kind="one_choice",
            choices=["Electoral disputes", "Voter registration"],
        )
    )
    for position, (label, kind) in enumerate([("Overall", "scale"), ("Topics", "short_text")]):
        make.db.session.add(
            EvaluationQuestion(
                event_id=event.id,
                label=label,
                kind=kind,
                position=position,
                translations={"es": {"label": f"{label} (es)", "choices": []}},
            )
        )
    add_agenda(event)
    make.db.session.add(add_plan(programme))
    add_a_returning_delegate(make, event)
    make.db.session.commit()
    return event


def add_a_returning_delegate(make, event):
    """A delegate waiting for approval who attended a workshop before (her past beside her)."""
    workshop = make.event(
        title="International workshop on voting from abroad", date_text="May 2016"
    )
    rosa = person_for_address(
        "rosa@onpe.example.org", utcnow(), name="Rosa Quispe Mamani", country_code="PE"
    )
    for on, status in ((workshop, "attended"), (event, "pending")):
        make.db.session.add(
            Registration(
                event_id=on.id,
                person=rosa,
                name=rosa.name,
                gender="female",
                email="rosa@onpe.example.org",
                country_code="PE",
                status=status,
                consent_at=utcnow(),
            )
        )


def add_agenda(event):
    """A day of sessions, the afternoon's not published yet (as drafted from a template)."""
    sessions = [
        ("Opening: electoral justice in the Americas", "presentation", "Ana Pérez, INE", True),
        ("Coffee break", "break", "", True),
        ("Country presentations: recent disputes", "country_presentations", "", False),
        ("Recommendations and conclusions", "recommendations_conclusions", "", False),
    ]
    for number, (title, kind, speakers, published) in enumerate(sessions):
        start, day = 9 + 2 * number, event.starts_on
        data = SessionInput(day, time(start), time(start + 1), "America/Mexico_City", title, kind)
        data.speakers, data.published, data.room = speakers, published, "Sala de Consejo"
        data.shares_room = kind == "break"
        save_session(event, AgendaSession(), data)


def add_plan(programme):
    """A month-grid action plan: one pillar, four items in each status staff report."""
    plan = Plan(programme_id=programme.id, title="Action plan 2030", shape="grid", year=2030)
    plan.headings.append(PlanHeading(kind="pillar", ref="1", title="Electoral justice"))
    for number, status in enumerate(["not_started", "on_track", "delayed", "done"], start=1):
        plan.items.append(
            PlanItem(
                key=f"1.{number}",
                ref=f"1.{number}",
                heading_ref="1",
                title=f"Train the magistrates of the electoral courts, module {number}",
                responsible="Training unit",
                months=[number, number + 1],
                indicators=[{"text": "Magistrates trained", "target": 40, "unit": ""}],
                status=status,
                position=number,
            )
        )
    return plan


def public_pages(event):
    return [
        ("the public calendar", "/", None),
        ("an event page", f"/events/{event.id}", None),
        ("the registration form with errors", f"/events/{event.id}/register", submit_empty),
        ("the login page", "/login", None),
        ("the year calendar", f"/calendar/{event.starts_on.year}", None),
        ("the request form of an authority", "/requests/new", None),
        ("the API's documentation, an operation open", "/api/v1/docs", open_an_operation),
    ]


def staff_pages(event):
    question = min(q.id for q in EvaluationQuestion.query.filter_by(event_id=event.id))
    plan = Plan.query.filter_by(programme_id=event.programme_id).one()
    return [
        ("the staff home", "/manage/"),
        ("the event form", "/manage/events/new"),
        ("an event's form, the hub's first tab", f"/manage/events/{event.id}/edit"),
        ("an event's translations", f"/manage/events/{event.id}/translations"),
        ("an event's tasks", f"/manage/events/{event.id}/tasks/"),
        ("the participants list", f"/manage/events/{event.id}/participants"),
        ("the registration questions", f"/manage/events/{event.id}/questions/"),
        ("the messages to participants", f"/manage/events/{event.id}/messages/"),
        ("the check-in", f"/manage/events/{event.id}/check-in"),
        ("the attendance", f"/manage/events/{event.id}/attendance"),
        ("the documents of an event", f"/manage/events/{event.id}/documents"),
        ("a programme's documents", f"/manage/programmes/{event.programme_id}/documents"),
        ("the evaluation", f"/manage/events/{event.id}/evaluation"),
        ("an evaluation question", f"/manage/events/{event.id}/evaluation/questions/{question}"),
        ("the history of an event", f"/manage/events/{event.id}/history"),
        ("the tasks", "/manage/tasks/"),
        ("the budget", f"/manage/events/{event.id}/budget"),
        ("the agenda, with unpublished sessions", f"/manage/events/{event.id}/agenda/"),
        ("an action plan", f"/manage/plans/{plan.id}"),
        ("the organisations", "/manage/organisations/"),
        ("the requests from authorities", "/manage/requests/"),
        ("the people", "/manage/people/"),
        ("a person's page", f"/manage/people/{Person.query.order_by(Person.id.desc()).first().id}"),
    ]


def submit_empty(page):
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".field.has-error").first).to_be_visible()


def open_an_operation(page):
    """Swagger UI draws the document once it has fetched it: open the first operation and try
    it, as a reader would, so that its parameters, example and live response are checked too."""
    page.locator(".opblock-summary-control").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    expect(page.locator(".live-responses-table").first).to_be_visible()


def sign_in_any_language(page):
    page.goto("/login")
    page.locator("#email").fill(STAFF[0])
    page.locator("#password").fill(STAFF[1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/manage/**")


def new_context(chromium, live_server, language, width, **options):
    locale = {"en": "en-GB", "es": "es-ES"}[language]
    return chromium.new_context(
        base_url=live_server,
        locale=locale,
        extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"},
        viewport={"width": width, "height": 900},
        **options,
    )


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "), summary: n.failureSummary,
                })),
            }));
        }""",
        WCAG_21_AA,
    )


def readable(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}")
            for node in violation["nodes"][:5]:
                summary = " / ".join(node["summary"].splitlines()[1:3])
                lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", [LAPTOP, PHONE])
@pytest.mark.parametrize("language", ["en", "es"])
def test_pages_pass_axe(chromium, live_server, scene, language, width):
    context = new_context(chromium, live_server, language, width, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found = {}
    try:
        for name, url, then in public_pages(scene):
            page.goto(url)
            if then:
                then(page)
            assert page.evaluate("document.documentElement.lang") == language, name
            found[f"{name} ({url})"] = axe_violations(page)
        sign_in_any_language(page)
        for name, url in staff_pages(scene):
            page.goto(url)
            found[f"{name} ({url})"] = axe_violations(page)
    finally:
        context.close()
    found = {where: violations for where, violations in found.items() if violations}
    where = f"in {language} at {width}px"
    assert not found, f"axe found WCAG 2.1 A/AA violations {where}:\n" + readable(found)


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_page_scrolls_sideways_on_a_phone(chromium, live_server, scene, language):
    """At 390 px the page itself never scrolls sideways: only a table's marked region may. As on
    a phone (a mobile browser), a page without a viewport for phones is laid out 980 px wide."""
    context = new_context(chromium, live_server, language, PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    too_wide = {}

    def check(name):
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if max(widths) > PHONE:
            too_wide[name] = widths
        # Wide tables scroll inside a region that says so and can be reached with the keyboard.
        for table in page.locator("main.page table").all():
            region = table.locator("xpath=ancestor::div[contains(@class, 'table-scroll')][1]")
            expect(region, f"a table outside .table-scroll on {name}").to_have_count(1)
            expect(region).to_have_attribute("role", "region")
            expect(region).to_have_attribute("tabindex", "0")

    try:
        for name, url, then in public_pages(scene):
            page.goto(url)
            if then:
                then(page)
            check(name)
        sign_in_any_language(page)
        for name, url in staff_pages(scene):
            page.goto(url)
            check(name)
            if url == "/manage/":
                header = page.locator(".site-header").bounding_box()
                assert header["height"] < 110, f"the staff header is {header['height']}px high"
    finally:
        context.close()
    assert not too_wide, f"pages wider than the phone ({language}): {too_wide}"


def test_the_staff_header_is_one_line_on_a_laptop(page, staff_user, db):
    """Links, language and account on one line, an administrator's (who has one link more)
    too; "Sign out" is in the account's menu."""
    staff_user.role = "admin"
    db.session.commit()
    page.set_viewport_size({"width": LAPTOP, "height": 900})
    sign_in(page, *STAFF)
    header = page.locator(".site-header")
    first = header.get_by_role("link", name="Upcoming events").bounding_box()
    for part in [header.get_by_role("link", name="Accounts"), header.locator("summary")]:
        box = part.bounding_box()
        middle, first_middle = box["y"] + box["height"] / 2, first["y"] + first["height"] / 2
        assert abs(middle - first_middle) < 4, f"{part} is not on the first link's line"
    header.locator("summary").click()
    header.get_by_role("button", name="Sign out").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()


def tab_to(page, selector: str, limit: int = 150):
    """Press Tab until the element matching ``selector`` has the focus, which must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
            )
            assert outline, f"{selector} has the focus but shows no visible outline"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_delegate_registers_with_the_keyboard_alone(page, make, staff_user):
    event = make.open_event(capacity=12)
    event.title = "Specialization course on voter registration"
    make.db.session.commit()
    keys = page.keyboard

    page.goto("/")
    tab_to(page, "a.skip-link")
    tab_to(page, f'a[href="/events/{event.id}"]')
    keys.press("Enter")
    page.wait_for_url(f"**/events/{event.id}")
    tab_to(page, f'a[href="/events/{event.id}/register"]')
    keys.press("Enter")
    page.wait_for_url(f"**/events/{event.id}/register")

    tab_to(page, "#name")
    keys.type("Thandiwe Moyo")
    tab_to(page, "#gender")
    keys.type("Prefer")
    tab_to(page, "#email")
    keys.type("thandiwe@zec.example")
    tab_to(page, "#country_code")
    keys.type("Zimbabwe")
    tab_to(page, "#new_organisation")
    keys.type("Zimbabwe Electoral Commission")
    tab_to(page, "#visa_letter")
    keys.press("Space")
    tab_to(page, "#consent")
    keys.press("Space")
    tab_to(page, "main form.form button[type=submit]")
    keys.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    make.db.session.expire_all()
    (registration,) = make.db.session.scalars(select(Registration)).all()
    assert (registration.name, registration.gender, registration.country_code) == (
        "Thandiwe Moyo",
        "undisclosed",
        "ZW",
    )
    assert registration.visa_letter and registration.consent_at


def test_a_day_is_typed_as_people_write_it(page, make, staff_user):
    """No mm/dd/yyyy: the day is written in words (or ISO), read by the date reader, and what
    cannot be read without guessing is refused beside the field."""
    event = make.open_event()
    sign_in(page, *STAFF)
    page.goto(f"/manage/events/{event.id}/tasks/")
    page.get_by_label("Task", exact=True).fill("Book the interpreters")
    page.get_by_label("on a date").check()
    day = page.get_by_label("Date", exact=True)
    expect(day).to_have_attribute("type", "text")
    expect(page.locator("#due_on-hint")).to_contain_text("5 March 2027")
    day.fill("05/03/2027")
    page.get_by_role("button", name="Add task").click()
    expect(day).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#due_on-error-1")).to_contain_text("/")
    day.fill("5 March 2027")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("tr", has_text="Book the interpreters")).to_contain_text("5 March 2027")
