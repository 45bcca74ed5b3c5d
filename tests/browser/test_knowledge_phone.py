"""A participant takes the post-test on a 390 px phone in French, in real Chromium: the emailed
link opens the test in her language, an empty answer is refused beside its field, she answers a
question of one choice, one of several choices and a number, sends them and sees her score. No
page scrolls sideways, and axe finds no serious violation."""

import re

import pytest
from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.core.clock import utcnow
from eventsapp.knowledge.models import TestAttempt
from eventsapp.knowledge.questions import ScoredInput, add_question, test_of
from eventsapp.knowledge.taking import open_test
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import axe_violations, readable
from tests.browser.test_phone import NAME, longest_demo_titles, phone, too_wide

pytestmark = pytest.mark.browser

BODY = "Quel organe organise les élections au Mexique ?"
PRINCIPLES = "Lesquels sont des principes de la fonction électorale ?"
SEATS = "Combien de députés siègent à la Chambre ?"
QUESTIONS = [
    ScoredInput(
        label="Which body runs elections in Mexico?",
        kind="one_choice",
        required=True,
        choices="INE\nTEPJF\nSCJN",
        translations={"fr": (BODY, "L'INE\nLe TEPJF\nLa SCJN")},
        correct="INE",
        points=3,
    ),
    ScoredInput(
        label="Which are principles of the electoral function?",
        kind="several_choices",
        required=True,
        choices="Certainty\nLegality\nSecrecy of funding",
        translations={"fr": (PRINCIPLES, "Certitude\nLégalité\nSecret du financement")},
        correct="Certainty\nLegality",
        points=5,
    ),
    ScoredInput(
        label="How many deputies sit in the Chamber?",
        kind="number",
        required=True,
        translations={"fr": (SEATS, "")},
        correct="500",
        points=2,
    ),
]


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_a_participant_takes_the_post_test_on_a_phone_in_french(
    chromium, live_server, db, make, staff_user
):
    event = make.event(title=longest_demo_titles(1)[0], date_text="18-19 January 2016")
    amina = Registration(
        event_id=event.id,
        name=NAME,
        gender="female",
        email="amina@example.org",
        country_code="SN",
        status="approved",
        consent_at=utcnow(),
        locale="fr",
    )
    db.session.add(amina)
    test = test_of(event, "post", create=True)
    for question in QUESTIONS:
        add_question(test, question)
    db.session.flush()
    assert open_test(event, "post", staff_user, utcnow()) == 1
    db.session.commit()
    email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to == amina.email))
    site = re.escape(current_app.config["SITE_URL"])
    link = re.search(rf"{site}(/tests/\S+)", email.text_body).group(1)

    context, page = phone(chromium, live_server, "fr", bypass_csp=True)  # for axe
    wide, violations = {}, {}

    def check(name: str) -> None:
        assert page.evaluate("document.documentElement.lang") == "fr", name
        if sticking_out := too_wide(page):
            wide[name] = sticking_out
        if found := serious(axe_violations(page)):
            violations[name] = found

    try:
        page.goto(link)
        expect(page.get_by_role("group", name=BODY)).to_be_visible()
        check("the test")
        page.get_by_role("button", name="Envoyer").click()  # nothing answered
        expect(page.locator(".flash-error")).to_contain_text("Rien n'a été enregistré")
        assert page.locator("[aria-invalid=true]").count() >= 1
        check("the test refused")

        page.get_by_role("group", name=BODY).get_by_label("L'INE").check()
        principles = page.get_by_role("group", name=PRINCIPLES)
        principles.get_by_label("Certitude").check()
        principles.get_by_label("Légalité").check()
        page.get_by_label(SEATS).fill("499")  # wrong: 3 + 5 of 10 points
        page.get_by_role("button", name="Envoyer").click()
        score = page.locator("#score")
        expect(score).to_be_visible()
        assert re.findall(r"\d+", score.inner_text()) == ["8", "10"]
        assert page.get_by_role("button", name="Envoyer").count() == 0  # answered once
        check("the score")
    finally:
        context.close()

    attempt = db.session.scalar(select(TestAttempt).where(TestAttempt.registration_id == amina.id))
    assert (attempt.score, attempt.max_score, attempt.entered_by_id) == (8, 10, None)
    assert not wide, f"pages scroll sideways at 390 px: {wide}"
    assert not violations, "axe found serious violations:\n" + readable(violations)


LINE_OF_TEXT = """row => [...row.children].filter(cell => cell.textContent.trim()).map(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const box = range.getClientRects()[0];
  return [Math.round(box.bottom), getComputedStyle(cell).fontSize];
})"""


def test_the_results_tables_read_each_row_on_one_line(page, staff_user, make, db):
    """On a laptop, a participant's name and their scores sit on the same line, in one size."""
    event = make.event(title="Specialization course", date_text="18-19 January 2016")
    amina = Registration(
        event_id=event.id,
        name="Amina Odhiambo",
        gender="female",
        email="amina@example.org",
        country_code="KE",
        status="approved",
        consent_at=utcnow(),
    )
    db.session.add(amina)
    db.session.commit()
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/manage/events/{event.id}/tests/")
    row = page.locator(f"#registration-{amina.id}")
    expect(row).to_contain_text("Amina Odhiambo")
    lines = row.evaluate(LINE_OF_TEXT)
    assert len({bottom for bottom, _size in lines}) == 1, lines
    assert len({size for _bottom, size in lines}) == 1, lines
