"""After approval, through HTTP: messages to participants, badges, check-in, certificates and
evaluations."""

import io
import re

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select

from eventsapp.attendance.models import CheckIn, EvaluationResponse
from eventsapp.attendance.services import badge_token
from eventsapp.catalogue.models import Event
from eventsapp.catalogue.services import EventInput, save_event
from eventsapp.core.clock import utcnow
from eventsapp.core.dates import read_date_phrase
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.test_registration_http import post_registration

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


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.content_type == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def emails_to(db, address):
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == address)))


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
    staff_client.post(url, data={"token": badge_token(a), "day": "2016-01-18"})
    again = staff_client.post(
        url, data={"token": badge_token(a), "day": "2016-01-18"}, follow_redirects=True
    )
    assert "was checked in already today" in again.text
    found = staff_client.get(url, query_string={"day": "2016-01-19", "q": "officer b"}).text
    assert "Officer B" in found and "Officer C" not in found
    staff_client.post(url, data={"registration_id": str(b.id), "day": "2016-01-19"})
    refused = staff_client.post(
        url, data={"token": badge_token(declined), "day": "2016-01-18"}, follow_redirects=True
    )
    assert "not one of this event" in refused.text
    forged = staff_client.post(url, data={"token": "x" + badge_token(a), "day": "2016-01-19"})
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
        staff_client.post(url, data={"token": badge_token(a), "day": day})
    staff_client.post(url, data={"token": badge_token(b), "day": "2016-01-18"})
    too_many = staff_client.post(
        f"/manage/events/{course.id}/certificates", data={"minimum_days": "9"}
    )
    assert too_many.status_code == 302
    staff_client.post(f"/manage/events/{course.id}/certificates", data={"minimum_days": "2"})
    (email,) = emails_to(db, a.email)
    assert emails_to(db, b.email) == [] and emails_to(db, declined.email) == []
    site = re.escape(current_app.config["SITE_URL"])
    path = re.search(rf"{site}(/certificates/\S+)", email.text_body).group(1)

    client = app.test_client()  # anyone, signed out
    page = client.get(path).text
    assert "This certificate is valid." in page and "Officer A" in page
    assert "Specialization course" in page
    text = pdf_text(client.get(path + ".pdf"))
    assert "Officer A" in text and "Specialization course" in text

    attendance = staff_client.get(f"/manage/events/{course.id}/attendance").text
    certificate_id = re.search(r"certificates/(\d+)/revoke", attendance).group(1)
    staff_client.post(f"/manage/events/{course.id}/certificates/{certificate_id}/revoke")
    assert "not valid" in client.get(path).text
    assert client.get(path + ".pdf").status_code == 410
    assert client.get("/certificates/made-up-code").status_code == 404


def test_an_evaluation_is_filled_in_once_and_counted(staff_client, app, db, course):
    client = app.test_client()
    a, b, *_ = participants(db, course)
    for person in (a, b):
        staff_client.post(
            f"/manage/events/{course.id}/check-in",
            data={"token": badge_token(person), "day": "2016-01-18"},
        )
    staff_client.post(f"/manage/events/{course.id}/evaluation/open")
    site = re.escape(current_app.config["SITE_URL"])
    links = [
        re.search(rf"{site}(/evaluations/\S+)", emails_to(db, p.email)[0].text_body).group(1)
        for p in (a, b)
    ]
    scores = [
        {"overall": "5", "content": "4", "organisation": "3"},
        {"overall": "3", "content": "4", "organisation": "1"},
    ]
    bad = client.post(links[0], data={"overall": "9", "content": "4", "organisation": "3"})
    assert bad.status_code == 200 and db.session.query(EvaluationResponse).count() == 0
    for link, given in zip(links, scores, strict=True):
        assert client.post(link, data={**given, "comment": "Useful"}).status_code == 302
    client.post(links[0], data=scores[0])
    assert db.session.query(EvaluationResponse).count() == 2
    assert client.get("/evaluations/forged").status_code == 404
    results = staff_client.get(f"/manage/events/{course.id}/attendance").text
    assert "2 answers" in results and "4.00" in results and "2.00" in results


def test_the_badge_sheet_runs_a_fixed_number_of_queries(staff_client, db, course, count_queries):
    counts = []
    for total in (10, 500):
        existing = db.session.query(Registration).count()
        participants(db, course, ["approved"] * (total - existing))
        for n, person in enumerate(db.session.scalars(select(Registration))):
            person.email = f"p{n}@example.org"  # the helper's addresses repeat between rounds
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
    return EventInput(
        title=event.title,
        kind=event.kind,
        status=changes.get("status", event.status),
        window=read_date_phrase(event.date_text),
        date_text=event.date_text,
        capacity=event.capacity,
        languages=event.languages,
    )
