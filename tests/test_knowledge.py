"""Knowledge tests over HTTP: staff build a pre-test and a post-test (correct answers, points,
the programme's test bank), open them (each participant emailed once, in their language), a
participant takes one by its link and sees their score, once; paper tests; scores and learning
gain against hand-worked figures; hostile input; the results page's queries."""

import io
import re
from datetime import timedelta

import lxml.html
import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from eventsapp.core.clock import utcnow
from eventsapp.knowledge.models import BankQuestion, KnowledgeTest, TestAttempt, TestQuestion
from eventsapp.knowledge.services import learning_gain, post_test_percents
from eventsapp.knowledge.taking import test_url as link_of
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration
from tests.conftest import login

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
# The queries of the event's Tests page and of a participant's test page, whatever the number
# of participants.
STAFF_QUERIES, PARTICIPANT_QUERIES = 16, 6
# The course of these tests was in 2016: opening its pre-test is confirmed.
CONFIRMED = {"confirm": "1"}


@pytest.fixture
def course(make):
    programme = make.programme(name="CICIE 2016")
    return make.event(
        title="Specialization course",
        kind="specialization_course",
        date_text="18-19 January 2016",
        programme_id=programme.id,
    )


def participant(db, event, name, gender="female", locale=None, country="MX", status="approved"):
    person = Registration(
        event_id=event.id,
        name=name,
        gender=gender,
        email=f"{name.split()[0].lower()}@example.org",
        country_code=country,
        status=status,
        consent_at=utcnow(),
        locale=locale,
    )
    db.session.add(person)
    db.session.commit()
    return person


def add(staff_client, event, which, **question):
    response = staff_client.post(
        f"/manage/events/{event.id}/tests/{which}/questions/new", data=question
    )
    assert response.status_code == 302, response.text
    return question


CAPITAL = {
    "label": "Which body runs elections in Mexico?",
    "kind": "one_choice",
    "choices": "INE\nTEPJF\nSCJN",
    "correct": "INE",
    "points": "3",
    "label_fr": "Quel organe organise les élections au Mexique ?",
    "choices_fr": "L'INE\nLe TEPJF\nLa SCJN",
}
PRINCIPLES = {
    "label": "Which are principles of the electoral function?",
    "kind": "several_choices",
    "choices": "Certainty\nLegality\nSecrecy of funding",
    "correct": "Certainty\nLegality",
    "points": "5",
}
SEATS = {
    "label": "How many deputies sit in the Chamber?",
    "kind": "number",
    "correct": "500",
    "points": "2",
}


def questions(db, event, kind):
    test = db.session.scalar(
        select(KnowledgeTest).where(KnowledgeTest.event_id == event.id, KnowledgeTest.kind == kind)
    )
    return list(
        db.session.scalars(
            select(TestQuestion)
            .where(TestQuestion.test_id == test.id)
            .order_by(TestQuestion.position)
        )
    )


def answers(qs, *given):
    return {q.field_name: value for q, value in zip(qs, given, strict=True)}


def test_staff_build_both_tests_open_them_and_a_participant_takes_one_once(
    staff_client, app, db, course
):
    for question in (CAPITAL, PRINCIPLES, SEATS):
        add(staff_client, course, "pre", **question)
    pre = questions(db, course, "pre")
    assert [(q.correct, q.points) for q in pre] == [
        (["INE"], 3),
        (["Certainty", "Legality"], 5),
        ([500], 2),
    ]

    # The post-test asks the pre-test's questions; one is saved to the bank and added back.
    assert (
        staff_client.post(f"/manage/events/{course.id}/tests/post/use-pre-test").status_code == 302
    )
    assert len(questions(db, course, "post")) == 3
    staff_client.post(f"/manage/events/{course.id}/tests/pre/questions/{pre[2].id}/to-bank")
    (bank,) = db.session.scalars(select(BankQuestion))
    assert (bank.label, bank.correct, bank.points) == (SEATS["label"], [500], 2)
    assert (
        staff_client.post(
            f"/manage/events/{course.id}/tests/post/from-bank", data={"bank": str(bank.id)}
        ).status_code
        == 302
    )
    assert [q.label for q in questions(db, course, "post")][-1] == SEATS["label"]

    amina = participant(db, course, "Amina Odhiambo", locale="fr")
    carlos = participant(db, course, "Carlos Ruiz", gender="male")
    participant(db, course, "Wanda Withdrawn", status="withdrawn")
    page = staff_client.post(
        f"/manage/events/{course.id}/tests/pre/open", data=CONFIRMED, follow_redirects=True
    )
    assert "emailed its link to 2 participants" in page.text
    staff_client.post(f"/manage/events/{course.id}/tests/pre/open", data=CONFIRMED)  # again
    emails = list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == amina.email)))
    assert len(emails) == 1  # opened twice: emailed once
    assert db.session.scalar(select(func.count()).where(OutboxEmail.to == "wanda@example.org")) == 0

    site = re.escape(current_app.config["SITE_URL"])
    link = re.search(rf"{site}(/tests/\S+)", emails[0].text_body).group(1)
    browser = app.test_client()
    form = browser.get(link).text
    assert '<html lang="fr">' in form and "Quel organe organise les élections au Mexique ?" in form
    assert "L&#39;INE" in form or "L'INE" in form
    given = answers(pre, "INE", ["Certainty", "Legality"], "499")
    done = browser.post(link, data=given, follow_redirects=True)
    assert "8" in done.text and "10" in done.text  # 3 + 5 of 10 points
    (attempt,) = db.session.scalars(select(TestAttempt))
    assert (attempt.score, attempt.max_score, attempt.entered_by_id) == (8, 10, None)
    again = browser.post(link, data=answers(pre, "SCJN", ["Certainty"], "500"))
    assert again.status_code == 200 and db.session.scalar(select(TestAttempt.score)) == 8

    # Once answered, the pre-test's questions stay as set.
    refused = staff_client.post(
        f"/manage/events/{course.id}/tests/pre/questions/{pre[0].id}/delete", follow_redirects=True
    )
    assert "stay as set" in refused.text and len(questions(db, course, "pre")) == 3
    tab = lxml.html.fromstring(staff_client.get(f"/manage/events/{course.id}/tests/").text)
    change = "//a[starts-with(normalize-space(), 'Change')]"
    changes = {kind: tab.xpath(f"//section[@id='test-{kind}']{change}") for kind in ("pre", "post")}
    assert (len(changes["pre"]), len(changes["post"])) == (0, 4)  # the post-test not yet taken

    # Carlos sees the link on his card until he takes it; a closed test says so.
    staff_client.post(f"/manage/events/{course.id}/tests/pre/close")
    carlos_link = re.search(
        rf"{site}(/tests/\S+)",
        db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == carlos.email))
        .first()
        .text_body,
    ).group(1)
    closed = app.test_client().get(carlos_link)
    assert closed.status_code == 200 and "This test is closed." in closed.text


def emails_to(db, person) -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.to == person.email)
    )


def test_opening_again_emails_only_newcomers_and_reminders_go_once_a_day(
    staff_client, app, db, course
):
    add(staff_client, course, "pre", **CAPITAL)
    amina = participant(db, course, "Amina Odhiambo")
    carlos = participant(db, course, "Carlos Ruiz", gender="male")
    url = f"/manage/events/{course.id}/tests/pre"
    assert (
        "emailed its link to 2 participants"
        in staff_client.post(f"{url}/open", data=CONFIRMED, follow_redirects=True).text
    )
    staff_client.post(f"{url}/close")
    dana = participant(db, course, "Dana Newcomer")  # approved while the test was closed
    page = staff_client.post(f"{url}/open", data=CONFIRMED, follow_redirects=True).text
    assert "emailed its link to 1 participant." in page
    assert (emails_to(db, amina), emails_to(db, carlos), emails_to(db, dana)) == (1, 1, 1)
    assert "Reminders go at most once a day." in page

    # Amina takes it; the reminder goes to the two who have not, once a day.
    (question,) = questions(db, course, "pre")
    email = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == amina.email)).one()
    link = re.search(rf"{re.escape(current_app.config['SITE_URL'])}(/tests/\S+)", email.text_body)
    app.test_client().post(link.group(1), data={question.field_name: "INE"})
    reminded = staff_client.post(f"{url}/remind", follow_redirects=True).text
    assert "Reminded 2 participants who have not taken the test." in reminded
    assert (emails_to(db, amina), emails_to(db, carlos), emails_to(db, dana)) == (1, 2, 2)
    refused = staff_client.post(f"{url}/remind", follow_redirects=True).text
    assert "reminded less than a day ago" in refused
    assert (emails_to(db, carlos), emails_to(db, dana)) == (2, 2)

    # A day later (the last reminder moved back 25 hours), staff may remind again.
    test = db.session.scalar(select(KnowledgeTest).where(KnowledgeTest.kind == "pre"))
    test.reminded_at -= timedelta(hours=25)
    db.session.commit()
    staff_client.post(f"{url}/remind")
    assert (emails_to(db, amina), emails_to(db, carlos), emails_to(db, dana)) == (1, 3, 3)

    # A closed test is not reminded of; opened again, nobody is emailed twice.
    staff_client.post(f"{url}/close")
    closed = staff_client.post(f"{url}/remind", follow_redirects=True).text
    assert "Open the test before reminding participants." in closed
    again = staff_client.post(f"{url}/open", data=CONFIRMED, follow_redirects=True).text
    assert "emailed its link to 0 participants" in again
    assert (emails_to(db, carlos), emails_to(db, dana)) == (3, 3)
    assert staff_client.get(f"{url}/remind").status_code == 405  # a button, never a link

    history = staff_client.get(f"/manage/events/{course.id}/history").text
    title = "Specialization course"
    opened = f"Opened the pre-test of {title} (its link emailed to participants: "
    assert f"{opened}2)" in history and f"{opened}1)" in history and f"{opened}0)" in history
    assert history.count(f"Closed the pre-test of {title}") == 2
    assert history.count(f"Reminded participants to take the pre-test of {title} (emailed: 2)") == 2


def test_opening_a_test_without_questions_is_refused(staff_client, db, course):
    participant(db, course, "Amina Odhiambo")
    page = staff_client.post(
        f"/manage/events/{course.id}/tests/pre/open", data=CONFIRMED, follow_redirects=True
    )
    assert "Add questions to the test before opening it." in page.text
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0


def test_a_participant_sees_the_test_on_their_card_until_taken(
    staff_client, client, db, course, delegate_user
):
    add(staff_client, course, "pre", **CAPITAL)
    person = participant(db, course, "Amina Odhiambo")
    person.user_id = delegate_user.id
    db.session.commit()
    staff_client.post(f"/manage/events/{course.id}/tests/pre/open", data=CONFIRMED)
    login(client, delegate_user)  # the same client, now the participant's
    cards = client.get("/me/registrations").text
    link = re.search(r'href="[^"]*(/tests/[^"]+)"[^>]*>\s*Take the pre-test', cards).group(1)
    (question,) = questions(db, course, "pre")
    client.post(link, data={question.field_name: "INE"})
    assert "Take the pre-test" not in client.get("/me/registrations").text


def pre_post(db, event, person, pre, post, points=10):
    """An attempt of each test, of ``pre`` and ``post`` points out of ``points``."""
    for kind, score in (("pre", pre), ("post", post)):
        test = db.session.scalar(
            select(KnowledgeTest).where(
                KnowledgeTest.event_id == event.id, KnowledgeTest.kind == kind
            )
        )
        if test is None:
            test = KnowledgeTest(event_id=event.id, kind=kind, opened_at=utcnow())
            db.session.add(test)
            db.session.flush()
        if score is not None:
            db.session.add(
                TestAttempt(
                    test_id=test.id,
                    registration_id=person.id,
                    answers={},
                    score=score,
                    max_score=points,
                    submitted_at=utcnow(),
                )
            )
    db.session.commit()


def test_the_learning_gain_matches_hand_worked_figures(staff_client, db, course):
    amina = participant(db, course, "Amina Odhiambo")  # 40 % → 70 %: (70 − 40) / 60 = 0.5
    bea = participant(db, course, "Bea Lund", country="SE")  # 60 % → 80 %: 20 / 40 = 0.5
    carlos = participant(db, course, "Carlos Ruiz", gender="male")  # 20 % → 60 %: 40 / 80 = 0.5
    dario = participant(db, course, "Dario Neri", gender="male")  # 100 % → 100 %: none
    eve = participant(db, course, "Eve Only", gender="female")  # pre only: not counted
    pre_post(db, course, amina, 4, 7)
    pre_post(db, course, bea, 6, 8)
    pre_post(db, course, carlos, 2, 6)
    pre_post(db, course, dario, 10, 10)
    pre_post(db, course, eve, 5, None)
    gain = learning_gain([course.id])
    # Means of the four who took both: pre (40+60+20+100)/4 = 55, post (70+80+60+100)/4 = 77.5
    assert gain.participants == 4
    assert gain.pre_mean == pytest.approx(55) and gain.post_mean == pytest.approx(77.5)
    assert gain.gain == pytest.approx(22.5 / 45)
    women = gain.by_gender["female"]  # pre 50, post 75 → 25 / 50
    assert (women.participants, women.gain) == (2, pytest.approx(0.5))
    men = gain.by_gender["male"]  # pre 60, post 80 → 20 / 40
    assert men.gain == pytest.approx(0.5)
    assert (
        gain.by_region["Europe"].participants == 1 and gain.by_region["Americas"].participants == 3
    )
    assert post_test_percents(course.id) == {
        amina.id: pytest.approx(70),
        bea.id: pytest.approx(80),
        carlos.id: pytest.approx(60),
        dario.id: pytest.approx(100),
    }
    page = staff_client.get(f"/manage/events/{course.id}/tests/").text
    row = page.split(f'id="registration-{amina.id}"')[1].split("</tr>")[0]
    assert "40.0 %" in row and "70.0 %" in row and "0.50" in row
    dario_row = page.split(f'id="registration-{dario.id}"')[1].split("</tr>")[0]
    assert "—" in dario_row
    assert '<b id="event-gain">0.50</b>' in page

    sheet = load_workbook(
        io.BytesIO(staff_client.get(f"/manage/events/{course.id}/tests/results.xlsx").data)
    ).active
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Amina Odhiambo"] == (40, 70, 0.5)


def gain_rows(page: str, group: str) -> dict[str, list[str]]:
    """The rows of the Tests page's table of the gain by ``group``: label → its cells."""
    table = page.split(f'id="gain-{group}"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table)
    return {label: re.findall(r"<td>(.*?)</td>", cells) for label, cells in rows}


def test_the_gain_by_gender_region_and_organisation_kind_on_the_page_and_in_the_spreadsheet(
    staff_client, db, make, course
):
    electoral_body = make.organisation(name="Instituto Nacional Electoral")
    ngo = make.organisation(name="Transparency Georgia", kind="civil_society", country="GE")
    amina = participant(db, course, "Amina Odhiambo", country="MX")
    bea = participant(db, course, "Bea Lund", country="SE")
    giorgi = participant(db, course, "Giorgi Beridze", gender="male", country="GE")
    amina.organisation_id = bea.organisation_id = electoral_body.id
    giorgi.organisation_id = ngo.id
    db.session.commit()
    pre_post(db, course, amina, 4, 7)  # 40 % → 70 %
    pre_post(db, course, bea, 10, 15, points=20)  # 50 % → 75 %
    pre_post(db, course, giorgi, 6, 6)  # 60 % → 60 %
    # Women: pre (40 + 50) / 2 = 45, post (70 + 75) / 2 = 72.5 → (72.5 − 45) / (100 − 45) = 0.5.
    # Men: 60 → 60: 0. All: pre 50, post 68.33… → 18.33… / 50 = 0.37.
    page = staff_client.get(f"/manage/events/{course.id}/tests/").text
    assert '<b id="event-gain">0.37</b>' in page
    assert gain_rows(page, "gender") == {
        "Female": ["2", "45.0 %", "72.5 %", "0.50"],
        "Male": ["1", "60.0 %", "60.0 %", "0.00"],
    }
    regions = gain_rows(page, "region")
    assert regions["Americas"] == ["1", "40.0 %", "70.0 %", "0.50"]
    assert regions["Europe"] == ["1", "50.0 %", "75.0 %", "0.50"]
    assert regions["Asia"] == ["1", "60.0 %", "60.0 %", "0.00"]
    assert gain_rows(page, "organisation_kind") == {
        "Electoral management body": ["2", "45.0 %", "72.5 %", "0.50"],
        "Civil society": ["1", "60.0 %", "60.0 %", "0.00"],
    }

    book = load_workbook(
        io.BytesIO(staff_client.get(f"/manage/events/{course.id}/tests/results.xlsx").data)
    )
    people = {r[0]: r[1:] for r in book["Participants"].iter_rows(min_row=2, values_only=True)}
    assert people["Bea Lund"] == (50, 75, 0.5) and people["Giorgi Beridze"] == (60, 60, 0)
    gains = {r[:2]: r[2:] for r in book["Learning gain"].iter_rows(min_row=2, values_only=True)}
    assert gains[("All", "Participants who took both tests")] == (3, 50, 68.3, 0.37)
    assert gains[("By gender", "Female")] == (2, 45, 72.5, 0.5)
    assert gains[("By gender", "Male")] == (1, 60, 60, 0)
    assert gains[("By region", "Europe")] == (1, 50, 75, 0.5)
    assert gains[("By kind of organisation", "Electoral management body")] == (2, 45, 72.5, 0.5)
    assert gains[("By kind of organisation", "Civil society")] == (1, 60, 60, 0)


def test_staff_enter_and_correct_a_paper_test(staff_client, db, course, staff_user):
    for question in (CAPITAL, SEATS):
        add(staff_client, course, "post", **question)
    qs = questions(db, course, "post")
    amina = participant(db, course, "Amina Odhiambo")
    url = f"/manage/events/{course.id}/tests/post/paper/{amina.id}"
    assert "Amina Odhiambo" in staff_client.get(url).text
    assert staff_client.post(url, data=answers(qs, "TEPJF", "500")).status_code == 302
    attempt = db.session.scalar(select(TestAttempt))
    assert (attempt.score, attempt.max_score, attempt.entered_by_id) == (2, 5, staff_user.id)
    assert staff_client.post(url, data=answers(qs, "INE", "500")).status_code == 302  # corrected
    db.session.refresh(attempt)
    assert (
        attempt.score == 5 and db.session.scalar(select(func.count()).select_from(TestAttempt)) == 1
    )
    history = staff_client.get(f"/manage/events/{course.id}/history").text
    assert "Entered the paper post-test of Amina Odhiambo: 2 of 5 points" in history
    assert "Corrected the paper post-test of Amina Odhiambo: 5 of 5 points" in history


@pytest.mark.parametrize(
    "given, field, message",
    [
        (
            {
                "label": "Q\x00",
                "kind": "one_choice",
                "choices": "A\nB",
                "correct": "A",
                "points": "1",
            },
            None,
            None,
        ),
        (
            {"label": "Q", "kind": "one_choice", "choices": "A\nB", "correct": "C", "points": "1"},
            "correct",
            "Choose one of the answers.",
        ),
        (
            {"label": "Q", "kind": "number", "correct": "7", "points": "99999999999999999999"},
            "points",
            None,
        ),
        ({"label": "Q", "kind": "number", "correct": "7", "points": "0"}, "points", None),
        (
            {"label": "Q", "kind": "number", "correct": "", "points": "1"},
            "correct",
            "Give the correct answer.",
        ),
        ({"label": "Q", "kind": "short_text", "correct": "x", "points": "1"}, "kind", None),
    ],
)
def test_hostile_questions_are_refused_and_nothing_is_written(
    staff_client, db, course, given, field, message
):
    response = staff_client.post(f"/manage/events/{course.id}/tests/pre/questions/new", data=given)
    assert response.status_code == 400
    if message:
        assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(TestQuestion)) == 0


def test_hostile_answers_and_another_events_question_are_refused(
    staff_client, app, db, make, course
):
    add(staff_client, course, "pre", **CAPITAL)
    add(staff_client, course, "pre", **SEATS)
    qs = questions(db, course, "pre")
    amina = participant(db, course, "Amina Odhiambo")
    staff_client.post(f"/manage/events/{course.id}/tests/pre/open", data=CONFIRMED)
    site = re.escape(current_app.config["SITE_URL"])
    email = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == amina.email)).first()
    link = re.search(rf"{site}(/tests/\S+)", email.text_body).group(1)
    browser = app.test_client()
    for given in (
        answers(qs, "Nowhere", "1"),
        answers(qs, "INE", "9" * 30),
        answers(qs, "INE\x00", "1"),
    ):
        response = browser.post(link, data=given)
        assert response.status_code == 400, given
    assert db.session.scalar(select(func.count()).select_from(TestAttempt)) == 0
    assert browser.get("/tests/forged-token").status_code == 404

    other = make.event(title="Other event")
    add(staff_client, other, "pre", **SEATS)
    (foreign,) = questions(db, other, "pre")
    assert (
        staff_client.get(f"/manage/events/{course.id}/tests/pre/questions/{foreign.id}").status_code
        == 404
    )
    assert (
        staff_client.post(
            f"/manage/events/{course.id}/tests/pre/questions/{foreign.id}/delete"
        ).status_code
        == 404
    )
    assert (
        staff_client.post(
            f"/manage/events/{course.id}/tests/pre/paper/{amina.id + 999}"
        ).status_code
        == 404
    )
    assert (
        staff_client.get(f"/manage/events/{course.id}/tests/middle/questions/new").status_code
        == 404
    )
    staff_client.post(f"/manage/events/{other.id}/tests/pre/questions/{foreign.id}/to-bank")
    assert db.session.scalar(select(func.count()).select_from(BankQuestion)) == 0  # no programme
    response = staff_client.post(
        f"/manage/events/{course.id}/tests/pre/from-bank", data={"bank": "424242"}
    )
    assert response.status_code == 302
    assert len(questions(db, course, "pre")) == 2


def test_a_participant_without_a_place_gets_a_clear_page(staff_client, app, db, course):
    add(staff_client, course, "pre", **CAPITAL)
    amina = participant(db, course, "Amina Odhiambo")
    staff_client.post(f"/manage/events/{course.id}/tests/pre/open", data=CONFIRMED)
    site = re.escape(current_app.config["SITE_URL"])
    email = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == amina.email)).first()
    link = re.search(rf"{site}(/tests/\S+)", email.text_body).group(1)
    amina.status = "withdrawn"
    db.session.commit()
    page = app.test_client().get(link)
    assert page.status_code == 200 and "no longer have a place" in page.text


def test_the_bank_page_adds_changes_and_removes(staff_client, db, course):
    url = f"/manage/programmes/{course.programme_id}/test-bank"
    assert staff_client.post(url, data=SEATS).status_code == 302
    (question,) = db.session.scalars(select(BankQuestion))
    changed = {**SEATS, "correct": "128", "points": "4"}
    assert staff_client.post(f"{url}/{question.id}", data=changed).status_code == 302
    db.session.refresh(question)
    assert (question.correct, question.points) == ([128], 4)
    assert "128" in staff_client.get(url).text
    staff_client.post(f"{url}/{question.id}/delete")
    assert db.session.scalar(select(func.count()).select_from(BankQuestion)) == 0


def test_the_tests_page_and_the_participants_page_run_a_fixed_number_of_queries(
    staff_client, app, db, course, count_queries
):
    add(staff_client, course, "pre", **CAPITAL)
    add(staff_client, course, "post", **CAPITAL)
    add(staff_client, course, "post", **SEATS)
    tests = {t.kind: t for t in db.session.scalars(select(KnowledgeTest))}
    tests["post"].opened_at = utcnow()
    zoe = participant(db, course, "Zoe Later", locale="fr")  # has taken neither test
    link = link_of(tests["post"], zoe.id).removeprefix(current_app.config["SITE_URL"])
    counts = []
    for total in (10, 500):
        existing = db.session.scalar(select(func.count()).select_from(Registration))
        people = [
            {
                "event_id": course.id,
                "name": f"Person {n:04}",
                "gender": "female" if n % 2 else "male",
                "email": f"p{n}@example.org",
                "country_code": "MX",
                "status": "approved",
                "consent_at": utcnow(),
            }
            for n in range(existing, total)
        ]
        db.session.execute(insert(Registration), people)
        ids = db.session.scalars(
            select(Registration.id).where(Registration.id > 0).order_by(Registration.id)
        ).all()[existing:]
        db.session.execute(
            insert(TestAttempt),
            [
                {
                    "test_id": tests[kind].id,
                    "registration_id": rid,
                    "answers": {},
                    "score": score,
                    "max_score": 10,
                    "submitted_at": utcnow(),
                }
                for rid in ids
                for kind, score in (("pre", 4), ("post", 7))
            ],
        )
        db.session.commit()
        with count_queries() as staff_queries:
            page = staff_client.get(f"/manage/events/{course.id}/tests/").text
        assert f"{total - 1} participants took both tests" in page
        assert '<b id="event-gain">0.50</b>' in page and page.count('id="registration-') == total
        with count_queries() as participant_queries:
            form = app.test_client().get(link).text
        assert '<html lang="fr">' in form and form.count("<fieldset") + form.count("<input") >= 2
        counts.append((len(staff_queries), len(participant_queries)))
    assert counts == [(STAFF_QUERIES, PARTICIPANT_QUERIES)] * 2


def test_opening_a_test_out_of_its_time_asks_first(staff_client, db, make, course):
    """A post-test before the event, or a pre-test after it, is opened only once confirmed: the
    first press asks, and emails nobody."""
    starts = utcnow().date() + timedelta(days=30)
    coming = make.event(title="Coming course", date_text=starts.isoformat())
    for event in (coming, course):
        participant(db, event, f"Person {event.id}")
    add(staff_client, coming, "post", **CAPITAL)
    add(staff_client, coming, "pre", **CAPITAL)
    add(staff_client, course, "pre", **CAPITAL)
    for event, kind, question in (
        (coming, "post", "This event has not started yet: open the post-test anyway?"),
        (course, "pre", "This event has ended: open the pre-test anyway?"),
    ):
        url = f"/manage/events/{event.id}/tests/{kind}/open"
        asked = staff_client.post(url)
        assert asked.status_code == 200 and question in asked.text
        page = lxml.html.fromstring(asked.text)
        confirm = page.xpath(f"//form[@action='{url}']//button[@name='confirm'][@value='1']")
        assert [b.text_content() for b in confirm] == ["Open the test and email its link"]
        assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
    opened = staff_client.post(url, data=CONFIRMED, follow_redirects=True)
    assert "emailed its link to 1 participant." in opened.text
    # The pre-test of an event to come opens at once.
    assert staff_client.post(f"/manage/events/{coming.id}/tests/pre/open").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 2
