"""Follow-up surveys, through the worker's job at chosen times and through HTTP: sent once per
participant and period, reminded once, in each participant's language, answered once by the
link; who has not answered; the schedule refusing what it cannot hold."""

import io
import re
from datetime import datetime

import lxml.html
import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.attendance.models import CheckIn
from eventsapp.core.jobs import PERIODIC_JOBS
from eventsapp.followup.models import FollowUpSchedule, FollowUpSurvey
from eventsapp.followup.services import (
    follow_up_summaries,
    non_responders,
    response_counts,
)
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration
from eventsapp.worker import run_job
from tests.conftest import login

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# The course ends on 19 January 2016: the 3-month survey is due on 19 April, the 6-month one
# on 19 July.
DUE_3 = datetime(2016, 4, 19, 6)
DUE_6 = datetime(2016, 7, 19, 6)


def job(now):
    return run_job(PERIODIC_JOBS["follow_up"], now)


def people(db, event, specs):
    """``specs``: (name, status, locale, checked in) each."""
    made = []
    for n, (name, status, locale, came) in enumerate(specs):
        registration = Registration(
            event_id=event.id,
            name=name,
            gender="female",
            email=f"p{event.id}-{n}@example.org",
            country_code="GE",
            status=status,
            locale=locale,
            consent_at=datetime(2015, 12, 1),
        )
        db.session.add(registration)
        db.session.flush()
        if came:
            db.session.add(CheckIn(registration_id=registration.id, day=event.starts_on))
        made.append(registration)
    db.session.commit()
    return made


def emails_to(db, address):
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to == address).order_by(OutboxEmail.id)
        )
    )


def link_in(email) -> str:
    site = re.escape(current_app.config["SITE_URL"])
    return re.search(rf"{site}(/follow-up/\S+)", email.text_body).group(1)


def schedule(db, months, programme=None, event=None):
    row = FollowUpSchedule(
        programme_id=programme.id if programme else None, event_id=event.id if event else None
    )
    row.months = months
    db.session.add(row)
    db.session.commit()


@pytest.fixture
def course(make, db):
    programme = make.programme(name="CICIE")
    event = make.event(
        title="Specialization course",
        kind="specialization_course",
        date_text="18-19 January 2016",
        programme_id=programme.id,
    )
    schedule(db, (3, 6), programme=programme)
    return event


@pytest.fixture
def attendees(db, course):
    return people(
        db,
        course,
        [
            ("Ana Beridze", "attended", "en", True),
            ("Bruno Costa", "approved", "fr", True),
            ("Carmen Díaz", "approved", "es", True),
            ("Dan Absent", "approved", "en", False),  # approved, never came
            ("Eve Withdrawn", "withdrawn", "en", True),
            ("Fay Declined", "declined", "en", False),
        ],
    )


def surveys_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(FollowUpSurvey))


def test_each_period_goes_once_to_those_who_took_part(db, attendees):
    ana, bruno, carmen, dan, eve, fay = attendees
    assert job(datetime(2016, 4, 18, 23)) == {"surveys emailed": 0, "reminders": 0}
    assert job(DUE_3) == {"surveys emailed": 3, "reminders": 0}
    assert job(DUE_3) == {"surveys emailed": 0, "reminders": 0}  # the same day again
    assert job(datetime(2016, 5, 1)) == {"surveys emailed": 0, "reminders": 0}  # later
    for person in (ana, bruno, carmen):
        assert len(emails_to(db, person.email)) == 1
    for person in (dan, eve, fay):
        assert emails_to(db, person.email) == []
    assert job(DUE_6)["surveys emailed"] == 3  # the second period, 6 months after
    assert job(DUE_6)["surveys emailed"] == 0
    assert surveys_count(db) == 6
    assert [
        (c.months, c.sent, c.answered)
        for c in response_counts([attendees[0].event_id])[ana.event_id]
    ] == [(3, 3, 0), (6, 3, 0)]


def test_in_each_participants_language(db, attendees):
    ana, bruno, carmen, *_ = attendees
    job(DUE_3)
    assert emails_to(db, ana.email)[0].text_body.startswith("Dear Ana Beridze,")
    assert emails_to(db, bruno.email)[0].text_body.startswith("Bonjour Bruno Costa,")
    assert emails_to(db, carmen.email)[0].text_body.startswith("Estimado(a) Carmen Díaz:")
    assert "/follow-up/" in emails_to(db, carmen.email)[0].text_body


def test_nothing_is_sent_more_than_60_days_after_the_due_date(db, attendees, staff_client):
    ana = attendees[0]
    assert job(datetime(2016, 6, 19, 6))["surveys emailed"] == 0  # 61 days after 19 April
    assert emails_to(db, ana.email) == []
    page = staff_client.get(f"/manage/events/{ana.event_id}/follow-up").text
    assert "Send now (3 not sent)" in page  # staff may send a late period by hand
    staff_client.post(f"/manage/events/{ana.event_id}/follow-up/3/send")
    assert len(emails_to(db, ana.email)) == 1
    staff_client.post(f"/manage/events/{ana.event_id}/follow-up/3/send")
    assert len(emails_to(db, ana.email)) == 1


def test_an_event_without_any_check_in_surveys_the_approved(db, make, course):
    quiet = make.event(
        title="Seminar", date_text="18-19 January 2016", programme_id=course.programme_id
    )
    kept, gone = people(
        db, quiet, [("Gia", "approved", "en", False), ("Hal", "withdrawn", "en", False)]
    )
    job(DUE_3)
    assert len(emails_to(db, kept.email)) == 1 and emails_to(db, gone.email) == []


def test_erased_people_are_never_mailed(db, attendees):
    ana = attendees[0]
    ana.email = f"erased-registration-{ana.id}@erased.invalid"
    ana.name = "A participant"
    db.session.commit()
    assert job(DUE_3)["surveys emailed"] == 2
    assert emails_to(db, ana.email) == []


def test_one_reminder_14_days_later_to_who_has_not_answered(db, attendees, app):
    ana, bruno, carmen, *_ = attendees
    job(DUE_3)
    client = app.test_client()
    answer = {
        "question_applied": "A new checklist",
        "question_useful": "4",
        "question_shared": "yes",
    }
    assert client.post(link_in(emails_to(db, ana.email)[0]), data=answer).status_code == 302
    assert job(datetime(2016, 5, 2))["reminders"] == 0  # 13 days
    assert job(datetime(2016, 5, 3, 7))["reminders"] == 2
    assert job(datetime(2016, 5, 4))["reminders"] == 0
    assert len(emails_to(db, ana.email)) == 1
    assert [e.subject for e in emails_to(db, carmen.email)][1].startswith("Recordatorio")  # es
    assert len(emails_to(db, bruno.email)) == 2


def test_non_responders_are_listed_until_they_answer(db, attendees, app, staff_client):
    ana, bruno, carmen, *_ = attendees
    job(DUE_3)
    assert [r.name for r in non_responders(ana.event_id, 3)] == [ana.name, bruno.name, carmen.name]
    page = staff_client.get(f"/manage/events/{ana.event_id}/follow-up").text
    assert "Bruno Costa" in page and "Send a reminder now" in page
    answer = {
        "question_applied": "Trained my team",
        "question_useful": "5",
        "question_shared": "no",
    }
    app.test_client().post(link_in(emails_to(db, bruno.email)[0]), data=answer)
    assert [r.name for r in non_responders(ana.event_id, 3)] == [ana.name, carmen.name]
    page = staff_client.get(f"/manage/events/{ana.event_id}/follow-up").text
    assert "33.3 %" in page
    assert "Trained my team" in page and "— Bruno Costa" in page
    staff_client.post(f"/manage/events/{ana.event_id}/follow-up/3/remind")
    assert len(emails_to(db, ana.email)) == 2 and len(emails_to(db, bruno.email)) == 1
    # Reminded by hand months later, the email says when the survey was sent.
    reminder = emails_to(db, ana.email)[1].text_body
    assert "On April 19, 2016 we asked you a few questions about Specialization course" in reminder
    assert "A little while ago" not in reminder


def test_the_event_page_says_whose_schedule_it_is(db, course, staff_client):
    url = f"/manage/events/{course.id}/follow-up"
    staff_client.post(url, data={"schedule": "own", "months": "3"})
    page = lxml.html.fromstring(staff_client.get(url).text)
    (said,) = page.xpath("//h2[.='Schedule']/following-sibling::p[1]")
    assert " ".join(said.text_content().split()) == (
        "Surveys go out 3 months after the event. (This event’s own schedule.)"
    )


def test_answering_by_the_link_once(db, attendees, app):
    ana = attendees[0]
    job(DUE_3)
    client = app.test_client()
    link = link_in(emails_to(db, ana.email)[0])
    form = client.get(link).text
    assert "What have you applied from the course in your work?" in form
    missing = client.post(link, data={"question_applied": "x", "question_useful": "9"})
    assert missing.status_code == 400 and "Choose a score from 1 to 5." in missing.text
    assert db.session.scalar(select(FollowUpSurvey.answered_at)) is None
    first = {"question_applied": "First", "question_useful": "3", "question_shared": "yes"}
    assert client.post(link, data=first).status_code == 302
    again = {"question_applied": "Second", "question_useful": "1", "question_shared": "no"}
    second = client.post(link, data=again)
    assert "Thank you, we have your answers." in second.text
    db.session.expire_all()
    survey = db.session.scalar(
        select(FollowUpSurvey).where(FollowUpSurvey.registration_id == ana.id)
    )
    assert survey.answers == {"applied": "First", "useful": 3, "shared": "yes"}
    summary_text, summary_scale, _yes_no = follow_up_summaries([ana.event_id])
    assert summary_text.texts == [("Ana Beridze", "First")] and summary_scale.mean == 3
    assert client.get("/follow-up/forged").status_code == 404


def test_the_survey_is_shown_in_the_participants_language(db, attendees, app):
    bruno = attendees[1]
    job(DUE_3)
    page = app.test_client().get(link_in(emails_to(db, bruno.email)[0]))
    assert '<html lang="fr"' in page.text


def test_my_registrations_offers_the_survey_while_unanswered(db, attendees, app, client):
    ana = attendees[0]
    user = create_user(ana.email, Role.DELEGATE, password="a long passphrase 42")
    db.session.flush()
    ana.user_id = user.id
    db.session.commit()
    job(DUE_3)
    login(client, user)
    assert "Answer the follow-up survey" in client.get("/me/registrations").text
    answer = {"question_applied": "Yes", "question_useful": "4", "question_shared": "yes"}
    app.test_client().post(link_in(emails_to(db, ana.email)[0]), data=answer)
    assert "Answer the follow-up survey" not in client.get("/me/registrations").text


@pytest.mark.parametrize(
    "months, message",
    [
        ("0", "Each period is from 1 to 36 months after the event."),
        ("37", "Each period is from 1 to 36 months after the event."),
        ("3,3,3,3,3", "Give each period once."),
        ("1, 2, 3, 4, 5", "At most 4 periods."),
        ("three and six", "Write numbers of months"),
        ("3\x006", None),
    ],
)
def test_a_schedule_refused_writes_nothing(db, course, staff_client, months, message):
    before = db.session.scalar(select(func.count()).select_from(FollowUpSchedule))
    on_event = staff_client.post(
        f"/manage/events/{course.id}/follow-up", data={"schedule": "own", "months": months}
    )
    on_programme = staff_client.post(
        f"/manage/programmes/{course.programme_id}/follow-up/schedule", data={"months": months}
    )
    for page in (on_event, on_programme):
        assert page.status_code == 400
        if message:
            assert message in page.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(FollowUpSchedule)) == before
    assert [r.months for r in db.session.scalars(select(FollowUpSchedule))] == [(3, 6)]


def test_an_event_sets_its_own_months_or_none(db, course, attendees, staff_client):
    staff_client.post(
        f"/manage/events/{course.id}/follow-up", data={"schedule": "own", "months": ""}
    )
    assert job(DUE_3)["surveys emailed"] == 0  # none for this event
    staff_client.post(
        f"/manage/events/{course.id}/follow-up", data={"schedule": "own", "months": "6, 12"}
    )
    assert job(DUE_6)["surveys emailed"] == 3
    staff_client.post(f"/manage/events/{course.id}/follow-up", data={"schedule": "programme"})
    assert [c.months for c in response_counts([course.id])[course.id]] == [3, 6]


def test_the_programme_writes_its_own_questions(db, course, attendees, app, staff_client):
    url = f"/manage/programmes/{course.programme_id}/follow-up"
    added = staff_client.post(
        url, data={"label": "Which tools do you use?", "kind": "short_text", "required": "y"}
    )
    assert added.status_code == 302
    job(DUE_3)
    link = link_in(emails_to(db, attendees[0].email)[0])
    form = app.test_client().get(link).text
    assert "Which tools do you use?" in form and "How useful" not in form
    (question,) = [q for q in follow_up_summaries([course.id])]
    app.test_client().post(link, data={question.question.field_name: "Checklists"})
    page = staff_client.get(url).text
    assert "Checklists" in page and "Participants have answered" in page


@pytest.mark.parametrize("size", [10, 500])
def test_the_event_page_runs_a_fixed_number_of_queries(db, make, staff_client, count_queries, size):
    programme = make.programme()
    schedule(db, (3, 6), programme=programme)
    event = make.event(date_text="18-19 January 2016", programme_id=programme.id)
    made = people(
        db, event, [(f"Person {n:03}", "attended", "en", n % 2 == 0) for n in range(size)]
    )
    job(DUE_6)
    for registration in made[: size // 2]:
        survey = db.session.scalar(
            select(FollowUpSurvey).where(FollowUpSurvey.registration_id == registration.id)
        )
        survey.answers, survey.answered_at = {"applied": "x", "useful": 4, "shared": "yes"}, DUE_6
    db.session.commit()
    with count_queries() as queries:
        page = staff_client.get(f"/manage/events/{event.id}/follow-up")
    assert page.status_code == 200 and f"Person {size - 1:03}" in page.text
    counted[size] = len(queries)
    if len(counted) == 2:
        assert counted[10] == counted[500]


counted: dict[int, int] = {}


def test_the_answers_download_as_a_spreadsheet(db, attendees, app, staff_client):
    ana = attendees[0]
    job(DUE_3)
    answer = {"question_applied": "=HYPERLINK(1)", "question_useful": "4", "question_shared": "yes"}
    app.test_client().post(link_in(emails_to(db, ana.email)[0]), data=answer)
    book = load_workbook(
        io.BytesIO(staff_client.get(f"/manage/events/{ana.event_id}/follow-up.xlsx").data)
    )
    rows = list(book.active.iter_rows())
    assert [c.value for c in rows[0][:2]] == ["Months after", "Participant"]
    (answered,) = [row for row in rows if row[1].value == "Ana Beridze"]
    applied, useful, shared = answered[-3:]
    assert (applied.value, useful.value, shared.value) == ("=HYPERLINK(1)", 4, "yes")
    assert applied.data_type == "s"  # shown as written, never run as a formula
    sent_on = answered[[c.value for c in rows[0]].index("Sent on")]
    assert sent_on.value == DUE_3 and "hh:mm" in sent_on.number_format  # 06:00, as on screen


def test_the_programme_page_links_its_follow_up(db, course, staff_client):
    page = staff_client.get(f"/manage/programmes/{course.programme_id}").text
    assert f"/manage/programmes/{course.programme_id}/follow-up" in page


def test_the_programme_shows_the_periods_of_its_events_own_schedules(db, make, app, staff_client):
    """A programme without months of its own, whose event set its own (3): the event's answers
    show on the programme's page under their period."""
    programme = make.programme(name="PPIEP")
    event = make.event(date_text="18-19 January 2016", programme_id=programme.id)
    schedule(db, (3,), event=event)
    (ana,) = people(db, event, [("Ana Beridze", "attended", "en", True)])
    job(DUE_3)
    answer = {"question_applied": "Audit checklists", "question_useful": "4"}
    answer["question_shared"] = "yes"
    app.test_client().post(link_in(emails_to(db, ana.email)[0]), data=answer)
    page = staff_client.get(f"/manage/programmes/{programme.id}/follow-up").text
    assert "No period" not in page
    answers = page[page.index("Answers across the programme") :]
    assert "3 months after" in answers and "Audit checklists" in answers
    # Answered: the questions stay as they are, and the page offers no question to add.
    assert "Add a question" not in page and "Participants have answered" in page
    assert "The survey asks the built-in questions, each participant in their language" in page
