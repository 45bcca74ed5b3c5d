"""After approval, through HTTP: messages to participants, badges, check-in, certificates and
evaluations."""

import base64
import html
import io
import re
from datetime import timedelta

import pytest
from flask import current_app
from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import inspect, select, text

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.attendance.evaluations import evaluations_due
from eventsapp.attendance.models import (
    AttendanceSettings,
    CheckIn,
    EvaluationReceipt,
    EvaluationResponse,
)
from eventsapp.catalogue.models import Event
from eventsapp.catalogue.services import EventInput, save_event
from eventsapp.core.clock import utcnow
from eventsapp.core.dates import read_date_phrase
from eventsapp.core.jobs import PERIODIC_JOBS
from eventsapp.demo.services import load_demo
from eventsapp.extensions import db as _db
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration
from eventsapp.worker import run_job
from tests.conftest import login
from tests.documents_helpers import badge_code, pdf_text
from tests.test_registration_http import link_path, post_registration

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def participants(db, event, statuses=("approved", "approved", "declined", "withdrawn")):
    people = [
        Registration(
            event_id=event.id,
            name=f"Officer {chr(65 + n)}" if n < 26 else f"Officer {n}",
            gender="female",
            email=f"officer{n}@example.org",
            country_code="MX",
            status=status,
            consent_at=utcnow(),
        )
        for n, status in enumerate(statuses)
    ]
    db.session.add_all(people)
    db.session.commit()
    return people


def emails_to(db, address):
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to == address).order_by(OutboxEmail.id)
        )
    )


@pytest.fixture
def course(make):
    return make.event(
        title="Specialization course", kind="specialization_course", date_text="18-19 January 2016"
    )


def test_the_badge_sheet_holds_the_approved_participants_only(staff_client, db, course):
    participants(db, course)
    text = pdf_text(staff_client.get(f"/manage/events/{course.id}/badges.pdf"))
    assert "Officer A" in text and "Officer B" in text
    assert "Officer C" not in text and "Officer D" not in text


def test_check_in_by_badge_and_by_name_once_a_day(staff_client, db, course):
    a, b, declined, _ = participants(db, course)
    url = f"/manage/events/{course.id}/check-in"
    staff_client.post(url, data={"token": badge_code(a), "day": "2016-01-18"})
    again = staff_client.post(
        url, data={"token": badge_code(a), "day": "2016-01-18"}, follow_redirects=True
    )
    assert "was checked in already today" in again.text
    found = staff_client.get(url, query_string={"day": "2016-01-19", "q": "officer b"}).text
    assert "Officer B" in found and "Officer C" not in found
    staff_client.post(url, data={"registration_id": str(b.id), "day": "2016-01-19"})
    refused = staff_client.post(
        url, data={"token": badge_code(declined), "day": "2016-01-18"}, follow_redirects=True
    )
    assert "not one of this event" in refused.text
    forged = staff_client.post(url, data={"token": "x" + badge_code(a), "day": "2016-01-19"})
    assert forged.status_code == 302
    days = sorted((c.registration_id, c.day.day) for c in db.session.scalars(select(CheckIn)))
    assert days == [(a.id, 18), (b.id, 19)]
    assert "1 of 2 in" in staff_client.get(url, query_string={"day": "2016-01-18"}).text


def test_certificates_for_those_who_attended_enough_verifiable_and_revocable(
    staff_client, app, db, course
):
    a, b, declined, _ = participants(db, course)
    url = f"/manage/events/{course.id}/check-in"
    for day in ("2016-01-18", "2016-01-19"):
        staff_client.post(url, data={"token": badge_code(a), "day": day})
    staff_client.post(url, data={"token": badge_code(b), "day": "2016-01-18"})
    attendance = f"/manage/events/{course.id}/attendance"
    too_many = staff_client.post(attendance, data={"basis": "days", "minimum_share": "101"})
    assert too_many.status_code == 400 and "between 1 and 100" in too_many.text
    half = {"basis": "days", "minimum_share": "50"}
    assert staff_client.post(attendance, data=half).status_code == 302
    assert re.search(r'name="minimum_share"[^>]* value="50"', staff_client.get(attendance).text)
    staff_client.post(attendance, data={"basis": "days", "minimum_share": "100"})
    staff_client.post(f"/manage/events/{course.id}/certificates")
    (email,) = emails_to(db, a.email)
    assert emails_to(db, b.email) == [] and emails_to(db, declined.email) == []
    site = re.escape(current_app.config["SITE_URL"])
    path = re.search(rf"{site}(/documents/\S+)", email.text_body).group(1)
    assert f"{current_app.config['SITE_URL']}/me/registrations" in email.text_body

    client = app.test_client()  # anyone, signed out
    page = client.get(path).text
    assert "This certificate is valid." in page and "Officer A" in page
    assert "Specialization course" in page
    assert client.get(path + ".pdf").status_code == 302  # the PDF is for its holder and staff
    text = pdf_text(staff_client.get(path + ".pdf"))
    assert "Officer A" in text and "Specialization course" in text

    attendance = staff_client.get(f"/manage/events/{course.id}/attendance").text
    certificate_id = re.search(r"certificates/(\d+)/revoke", attendance).group(1)
    staff_client.post(f"/manage/events/{course.id}/certificates/{certificate_id}/revoke")
    assert "not valid" in client.get(path).text
    assert client.get(path + ".pdf").status_code == 410
    assert client.get(path).status_code == 410
    assert client.get("/documents/made-up-code").status_code == 404


def test_an_evaluation_is_filled_in_once_and_counted(staff_client, app, db, course):
    client = app.test_client()
    a, b, *_ = participants(db, course)
    for person in (a, b):
        staff_client.post(
            f"/manage/events/{course.id}/check-in",
            data={"token": badge_code(person), "day": "2016-01-18"},
        )
    staff_client.post(f"/manage/events/{course.id}/evaluation/open")
    site = re.escape(current_app.config["SITE_URL"])
    links = [
        re.search(rf"{site}(/evaluations/\S+)", emails_to(db, p.email)[0].text_body).group(1)
        for p in (a, b)
    ]
    assert all(
        re.search(rf"{site}/me/registrations", emails_to(db, p.email)[0].text_body) for p in (a, b)
    )
    scores = [
        {"question_overall": "5", "question_content": "4", "question_organisation": "3"},
        {"question_overall": "3", "question_content": "4", "question_organisation": "1"},
    ]
    bad = client.post(
        links[0],
        data={"question_overall": "9", "question_content": "4", "question_organisation": "3"},
    )
    assert bad.status_code == 400 and "Choose a score from 1 to 5." in bad.text
    assert db.session.query(EvaluationResponse).count() == 0
    for link, given in zip(links, scores, strict=True):
        assert client.post(link, data={**given, "comment": "Useful"}).status_code == 302
    client.post(links[0], data=scores[0])
    assert db.session.query(EvaluationResponse).count() == 2
    assert client.get("/evaluations/forged").status_code == 404
    results = staff_client.get(f"/manage/events/{course.id}/evaluation").text
    assert "2 answers" in results and "4.00" in results and "2.00" in results
    # Anonymous unless staff said otherwise: the answers keep no registration, the receipts do.
    assert {r.registration_id for r in db.session.scalars(select(EvaluationResponse))} == {None}
    assert {r.registration_id for r in db.session.scalars(select(EvaluationReceipt))} == {
        a.id,
        b.id,
    }
    assert "— Officer" not in results


def test_the_badge_sheet_runs_a_fixed_number_of_queries(staff_client, db, course, count_queries):
    counts = []
    for total in (10, 500):
        existing = db.session.query(Registration).count()
        participants(db, course, ["approved"] * (total - existing))
        people = db.session.scalars(select(Registration).order_by(Registration.id))
        for n, person in enumerate(people):
            person.email = f"p{total}-{n}@example.org"  # the helper's addresses repeat
        db.session.commit()
        with count_queries() as queries:
            text = pdf_text(staff_client.get(f"/manage/events/{course.id}/badges.pdf"))
        assert text.count("Officer") == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_registrants_hear_of_a_cancellation_and_a_withdrawal(staff_client, app, db, make):

    event = make.open_event(approval_required=False)
    post_registration(staff_client, event)
    registration = db.session.scalar(select(Registration))
    data = _event_input(event, status="cancelled")
    save_event(db.session.get(Event, event.id), data)
    db.session.commit()
    subjects = [e.subject for e in emails_to(db, registration.email)]
    assert subjects[-1] == f"Cancelled: {event.title}"

    delegate = app.test_client()
    signed_out = delegate.get("/me/registrations", follow_redirects=True)
    assert "we email you a link that signs you in" in signed_out.text
    login(delegate, registration.user)
    delegate.post(f"/me/registrations/{registration.id}/withdraw")
    assert emails_to(db, registration.email)[-1].subject == f"You withdrew: {event.title}"


def _event_input(event, **changes):
    date_text = changes.get("date_text", event.date_text)
    return EventInput(
        title=event.title,
        kind=event.kind,
        status=changes.get("status", event.status),
        window=read_date_phrase(date_text),
        date_text=date_text,
        capacity=event.capacity,
        languages=event.languages,
    )


# ---------------------------------------------------------------- check-in from the phone's page


def test_the_check_in_script_gets_json_with_the_counter(staff_client, db, course):
    a, b, declined, _ = participants(db, course)
    url = f"/manage/events/{course.id}/check-in"
    as_json = {"Accept": "application/json"}
    first = staff_client.post(
        url, data={"token": badge_code(a), "day": "2016-01-18"}, headers=as_json
    )
    assert first.get_json() == {
        "outcome": "in",
        "message": "Officer A is checked in.",
        "present": 1,
        "expected": 2,
        "counter": "1 of 2 in",
    }
    again = staff_client.post(
        url, data={"token": badge_code(a), "day": "2016-01-18"}, headers=as_json
    )
    assert again.get_json()["outcome"] == "already"
    refused = staff_client.post(
        url, data={"token": badge_code(declined), "day": "2016-01-18"}, headers=as_json
    )
    assert refused.get_json()["outcome"] == "refused"
    assert refused.get_json()["counter"] == "1 of 2 in"

    people = staff_client.get(f"{url}/people", query_string={"q": "OFFICER", "day": "2016-01-18"})
    assert people.get_json()["people"] == [
        {"id": a.id, "name": "Officer A", "organisation": "", "in": True},
        {"id": b.id, "name": "Officer B", "organisation": "", "in": False},
    ]
    other_day = staff_client.get(f"{url}/people", query_string={"q": "a", "day": "2016-01-19"})
    assert other_day.get_json()["counter"] == "0 of 2 in"
    assert staff_client.get(f"{url}/people").get_json()["people"] == []


def test_the_check_in_page_reads_who_is_in_once(staff_client, db, course, count_queries):
    a, *_ = participants(db, course)
    attend(staff_client, course, [a])
    with count_queries() as queries:
        page = staff_client.get(
            f"/manage/events/{course.id}/check-in", query_string={"day": "2016-01-18", "q": "off"}
        ).text
    assert "1 of 2 in" in page and page.count(">In</span>") == 1
    assert sum("FROM check_ins" in statement for statement in queries) == 1


def test_the_check_in_page_loads_the_camera_reader_from_this_site(staff_client, db, course):
    page = staff_client.get(f"/manage/events/{course.id}/check-in").text
    assert '<script src="/static/vendor/jsqr/jsQR.js" defer>' in page
    assert '<script src="/static/js/check-in.js" defer>' in page
    assert "<script>" not in page
    assert staff_client.get("/static/vendor/jsqr/jsQR.js").status_code == 200


# ---------------------------------------------------------------- certificates


def test_a_share_of_the_days_follows_the_shortened_event(staff_client, db, course):
    a, b, *_ = participants(db, course)
    attendance = f"/manage/events/{course.id}/attendance"
    every_day = {"basis": "days", "minimum_share": "100"}
    assert staff_client.post(attendance, data=every_day).status_code == 302
    save_event(course, _event_input(course, date_text="18 January 2016"))  # now one day
    db.session.commit()
    attend(staff_client, course, [a])
    page = staff_client.get(attendance).text
    assert "At least 100 % of the days" in page
    issued = staff_client.post(f"/manage/events/{course.id}/certificates", follow_redirects=True)
    assert "Issued 1 certificate of completion, sent by email." in issued.text
    certificate = "Your certificate of completion: Specialization course"
    assert [e.subject for e in emails_to(db, a.email)].count(certificate) == 1
    assert certificate not in [e.subject for e in emails_to(db, b.email)]


def test_a_certificate_of_someone_who_withdrew_is_refused(staff_client, app, db, course):
    a, *_ = participants(db, course)
    for day in ("2016-01-18", "2016-01-19"):
        staff_client.post(
            f"/manage/events/{course.id}/check-in", data={"token": badge_code(a), "day": day}
        )
    staff_client.post(f"/manage/events/{course.id}/certificates")
    (email,) = emails_to(db, a.email)
    path = re.search(r"(/documents/[\w-]+)", email.text_body).group(1)
    client = app.test_client()
    assert staff_client.get(path + ".pdf").status_code == 200
    a.status = "withdrawn"
    db.session.commit()
    assert "its holder no longer has a place" in client.get(path).text
    gone = client.get(path + ".pdf")
    assert gone.status_code == 410 and "not valid" in gone.text


def test_my_registrations_offer_the_certificate(staff_client, app, db, course, delegate_user):
    (registration,) = participants(db, course, ["approved"])
    registration.user_id, registration.email = delegate_user.id, delegate_user.email
    db.session.commit()
    for day in ("2016-01-18", "2016-01-19"):
        staff_client.post(
            f"/manage/events/{course.id}/check-in",
            data={"token": badge_code(registration), "day": day},
        )
    staff_client.post(f"/manage/events/{course.id}/certificates")
    delegate = app.test_client()
    login(delegate, delegate_user)
    mine = delegate.get("/me/registrations").text
    assert "Certificate of completion (PDF)" in mine
    link = re.search(r'href="(/documents/[\w-]+\.pdf)"', mine).group(1)
    assert "Officer A" in pdf_text(delegate.get(link))


def test_the_pdf_of_a_certificate_is_for_its_holder_who_signs_in_by_link_and_comes_back(
    staff_client, app, db, make, course, delegate_user, mailbox
):
    (registration,) = participants(db, course, ["approved"])
    registration.user_id, registration.email = delegate_user.id, delegate_user.email
    db.session.commit()
    for day in ("2016-01-18", "2016-01-19"):
        attend(staff_client, course, [registration], day)
    staff_client.post(f"/manage/events/{course.id}/certificates")
    (email,) = [m for m in mailbox.to(delegate_user.email) if "certificate" in m["Subject"]]
    page_path = link_path(email, "/documents/")

    holder = app.test_client()  # signed out, as after opening the email
    page = holder.get(page_path).text
    pdf_path = re.search(r'href="(/documents/[\w-]+\.pdf)"', page).group(1)
    to_sign_in = holder.get(pdf_path)
    assert to_sign_in.status_code == 302
    login_page = holder.get(to_sign_in.location, follow_redirects=True).text
    assert "Sign in to download your document" in login_page
    link_page = re.search(r'href="(/login/link\?next=[^"]+)"', login_page).group(1)
    holder.post(html.unescape(link_page), data={"email": delegate_user.email})
    sign_in = [m for m in mailbox.to(delegate_user.email) if m["Subject"] == "Your sign-in link"]
    back = holder.post(link_path(sign_in[-1], "/login/link/"))
    assert back.status_code == 302 and back.location.endswith(pdf_path)
    assert "Officer A" in pdf_text(holder.get(pdf_path))

    other = create_user("other@example.org", Role.DELEGATE, "ballot paper in the wind")
    db.session.commit()
    someone_else = app.test_client()
    login(someone_else, other)
    refused = someone_else.get(pdf_path)
    assert refused.status_code == 403 and "for its holder" in refused.text
    page = someone_else.get(page_path).text
    assert "This certificate is valid." in page and pdf_path not in page


# ---------------------------------------------------------------- evaluations


def evaluation_links(db, people) -> list[str]:
    site = re.escape(current_app.config["SITE_URL"])
    return [
        re.search(rf"{site}(/evaluations/\S+)", emails_to(db, p.email)[-1].text_body).group(1)
        for p in people
    ]


def attend(staff_client, event, people, day="2016-01-18"):
    for person in people:
        staff_client.post(
            f"/manage/events/{event.id}/check-in", data={"token": badge_code(person), "day": day}
        )


def add_questions(staff_client, event):
    url = f"/manage/events/{event.id}/evaluation"
    for question in (
        {"label": "How useful was the course?", "kind": "scale", "required": "y"},
        {"label": "Best session", "kind": "short_text"},
        {"label": "What should change?", "kind": "long_text"},
        {
            "label": "Format",
            "kind": "one_choice",
            "choices": "Too short\nRight\nToo long",
            "required": "y",
        },
        {"label": "Would you recommend it?", "kind": "yes_no", "required": "y"},
    ):
        assert staff_client.post(url, data=question).status_code == 302


def test_staff_write_the_questions_and_see_counts_means_charts_and_texts(
    staff_client, app, db, course
):
    url = f"/manage/events/{course.id}/evaluation"
    empty = staff_client.get(url).text
    assert "the evaluation asks the three default scales" in empty
    one = staff_client.post(url, data={"label": "Format", "kind": "one_choice", "choices": "Only"})
    assert one.status_code == 400 and "Give at least two choices" in one.text
    assert staff_client.post(url, data={"label": "", "kind": "scale"}).status_code == 400
    add_questions(staff_client, course)
    staff_client.post(f"{url}/settings", data={})  # not anonymous: names beside the answers
    a, b, *_ = participants(db, course)
    attend(staff_client, course, [a, b])
    staff_client.post(f"{url}/open")
    form = app.test_client().get(evaluation_links(db, [a])[0]).text
    assert "How useful was the course?" in form and "Too long" in form
    assert "The organisers see your answers with your name." in form

    questions = re.findall(r'name="(question_\d+)"', form)
    scale, short, long, choice, yes_no = dict.fromkeys(questions)
    answers = [
        {scale: "5", short: "Voter lists", long: "More practice", choice: "Right", yes_no: "yes"},
        {scale: "2", choice: "Too long", yes_no: "no", "comment": "=HYPERLINK(1)"},
    ]
    missing = app.test_client().post(evaluation_links(db, [a])[0], data={scale: "4"})
    assert missing.status_code == 400 and "Please answer this question." in missing.text
    not_a_choice = app.test_client().post(
        evaluation_links(db, [a])[0], data={**answers[0], choice: "Maybe"}
    )
    assert not_a_choice.status_code == 400 and "Choose one of the answers." in not_a_choice.text
    for link, given in zip(evaluation_links(db, [a, b]), answers, strict=True):
        assert app.test_client().post(link, data=given).status_code == 302

    results = staff_client.get(url).text
    assert "2 answers" in results and "3.50" in results  # the scale's mean
    assert "Voter lists" in results and "More practice" in results and "Officer A" in results
    assert results.count('src="data:image/svg+xml;base64,') == 3  # scale, choice, yes/no
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', results).group(1))
    assert b"<script" not in svg
    assert "can no longer change" in results
    locked = staff_client.post(url, data={"label": "Late question", "kind": "scale"})
    assert locked.status_code == 400 and "have answered already" in locked.text

    csv_text = staff_client.get(f"{url}.csv").data.decode("utf-8-sig")
    assert "Participant,How useful was the course?" in csv_text
    assert "Officer A,5,Voter lists,More practice,Right,yes," in csv_text
    assert "'=HYPERLINK(1)" in csv_text
    book = load_workbook(io.BytesIO(staff_client.get(f"{url}.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][2] == 2 and rows[2][5] == "Too long"


def test_an_attendee_answers_once_and_the_receipt_keeps_the_secret(staff_client, app, db, course):
    a, *_ = participants(db, course)
    attend(staff_client, course, [a])
    staff_client.post(f"/manage/events/{course.id}/evaluation/open")
    (link,) = evaluation_links(db, [a])
    assert "anonymous" in emails_to(db, a.email)[-1].text_body
    given = {"question_overall": "4", "question_content": "4", "question_organisation": "4"}
    assert app.test_client().post(link, data=given).status_code == 302
    assert "Your evaluation is saved" in app.test_client().get(link).text
    app.test_client().post(link, data=given)
    (response,) = db.session.scalars(select(EvaluationResponse))
    assert response.registration_id is None and response.satisfaction == 4
    # Opening it again emails only those who have not answered.
    again = staff_client.post(f"/manage/events/{course.id}/evaluation/open", follow_redirects=True)
    assert "Every attendee has answered already." in again.text
    assert len(emails_to(db, a.email)) == 1
    # Anonymity cannot change once answered.
    staff_client.post(f"/manage/events/{course.id}/evaluation/settings", data={})
    assert db.session.get(AttendanceSettings, course.id).evaluation_anonymous is True


def test_receipts_tell_nothing_of_the_order_in_which_attendees_answered(
    staff_client, app, db, course
):
    people = participants(db, course, ["approved"] * 6)
    attend(staff_client, course, people)
    staff_client.post(f"/manage/events/{course.id}/evaluation/open")
    links = dict(zip(people, evaluation_links(db, people), strict=True))
    for n, person in enumerate(people[i] for i in (3, 0, 5, 1, 4, 2)):
        given = {
            "question_overall": str(n % 5 + 1),
            "question_content": "4",
            "question_organisation": "3",
        }
        assert app.test_client().post(links[person], data=given).status_code == 302
    # A receipt's key is its registration: no number of its own counting the answers in turn.
    schema = inspect(db.engine)
    assert schema.get_pk_constraint("evaluation_receipts")["constrained_columns"] == [
        "registration_id"
    ]
    assert "id" not in {column["name"] for column in schema.get_columns("evaluation_receipts")}
    receipts = db.session.scalars(select(EvaluationReceipt))
    assert sorted(inspect(r).identity for r in receipts) == sorted((p.id,) for p in people)
    answers = list(db.session.scalars(select(EvaluationResponse)))
    assert len(answers) == 6 and {a.registration_id for a in answers} == {None}


def test_the_migration_lets_older_answers_go_of_their_registration(settings, tmp_path):
    """Answers given before evaluations were anonymous keep no registration once migrated; the
    receipts say who answered."""
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"}
    )
    with app.app_context():
        upgrade()
        load_demo()
        _db.session.commit()
        downgrade(revision="0015_message_batches")
        with _db.engine.begin() as connection:
            registrations = connection.execute(
                text("SELECT event_id, id FROM registrations ORDER BY id LIMIT 2")
            ).all()
            for score, (event_id, registration_id) in zip((4, 2), registrations, strict=True):
                connection.execute(
                    text(
                        "INSERT INTO evaluation_responses "
                        "(event_id, registration_id, scores, comment, submitted_at) "
                        "VALUES (:event, :registration, :scores, '', '2016-01-20 10:00:00')"
                    ),
                    {
                        "event": event_id,
                        "registration": registration_id,
                        "scores": f'{{"overall": {score}, "content": 3}}',
                    },
                )
        upgrade()
        with _db.engine.connect() as connection:
            answers = connection.execute(
                text("SELECT registration_id, satisfaction FROM evaluation_responses ORDER BY id")
            ).all()
            receipts = connection.execute(
                text("SELECT registration_id FROM evaluation_receipts ORDER BY registration_id")
            ).all()
        _db.session.remove()
        _db.engine.dispose()
    assert answers == [(None, 4), (None, 2)]
    assert receipts == [(registration_id,) for _event, registration_id in registrations]


def test_the_worker_opens_the_evaluation_once_the_event_has_ended(staff_client, db, make, today):
    ended = make.event(title="Ended yesterday", date_text=(today - timedelta(days=2)).isoformat())
    running = make.event(title="Running", date_text=today.isoformat())
    long_ago = make.event(title="Long ago", date_text="18-19 January 2016")
    people = {}
    for event in (ended, running, long_ago):
        (person,) = participants(db, event, ["approved"])
        person.email = f"{event.id}@example.org"
        db.session.commit()
        attend(staff_client, event, [person], day=event.starts_on.isoformat())
        people[event.title] = person
    job = PERIODIC_JOBS["evaluations"]
    assert run_job(job, utcnow()) == {"evaluations emailed": 1}
    assert [e.subject for e in emails_to(db, f"{ended.id}@example.org")] == [
        "How was it? Evaluate Ended yesterday"
    ]
    assert emails_to(db, f"{running.id}@example.org") == []
    assert emails_to(db, f"{long_ago.id}@example.org") == []
    assert db.session.get(AttendanceSettings, ended.id).evaluation_opened_at is not None
    assert run_job(job, utcnow()) == {"evaluations emailed": 0}
    assert "First sent on" in staff_client.get(f"/manage/events/{ended.id}/evaluation").text


def test_the_worker_is_done_with_an_event_even_when_nobody_is_emailed(
    staff_client, db, make, today
):
    ended = make.event(title="Ended", date_text=(today - timedelta(days=2)).isoformat())
    (person,) = participants(db, ended, ["approved"])
    attend(staff_client, ended, [person], day=ended.starts_on.isoformat())
    person.status = "withdrawn"  # came, then left: nobody to email
    db.session.commit()
    assert run_job(PERIODIC_JOBS["evaluations"], utcnow()) == {"evaluations emailed": 0}
    assert db.session.get(AttendanceSettings, ended.id).evaluation_opened_at is not None
    assert evaluations_due(utcnow()) == []  # not taken up again the next hour


def test_eight_badges_fill_one_a4_page_in_two_columns(staff_client, db, course):
    participants(db, course, statuses=["approved"] * 9)
    response = staff_client.get(f"/manage/events/{course.id}/badges.pdf")
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == 2  # 4 rows of 2 on the first page, the ninth on the second
    assert "Officer H" in pages[0].extract_text() and "Officer I" in pages[1].extract_text()
