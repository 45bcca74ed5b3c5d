"""The completion rule through HTTP: completion at its boundary, certificates of completion only
for those who complete, certificates of attendance when the event wants them, who does not
complete and why, and the rule on the public event page."""

import pytest
from sqlalchemy import select

from eventsapp.attendance.completion import completion, completion_counts
from eventsapp.attendance.models import SessionCheckIn
from eventsapp.core.clock import utcnow
from eventsapp.documents.models import Document, DocumentKind
from tests.documents_helpers import pdf_text, words
from tests.session_helpers import add_sessions
from tests.test_attendance import emails_to, participants
from tests.test_session_attendance import D1, D2

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def course(make):
    return make.event(
        title="Specialization course", kind="specialization_course", date_text="18-19 January 2016"
    )


@pytest.fixture
def ten_sessions(db, course):
    return add_sessions(
        db, course, {D1: [f"Morning {n}" for n in range(5)], D2: [f"Day two {n}" for n in range(5)]}
    )


def attend_sessions(db, registration, sessions):
    db.session.add_all(
        SessionCheckIn(registration_id=registration.id, session_id=s.id, source="sheet")
        for s in sessions
    )
    db.session.commit()


def rule(staff_client, event, **data):
    form = {"basis": "sessions", "minimum_share": "80", **data}
    return staff_client.post(f"/manage/events/{event.id}/attendance", data=form)


def test_exactly_the_minimum_share_completes_and_one_session_fewer_does_not(
    staff_client,
    db,
    course,
    ten_sessions,
):
    a, b, *_ = participants(db, course)
    assert rule(staff_client, course).status_code == 302
    attend_sessions(db, a, ten_sessions[:8])  # 80 %
    attend_sessions(db, b, ten_sessions[:7])  # 70 %
    result = completion(course, utcnow())
    assert [(r.registration.name, r.completed) for r in result.rows] == [
        ("Officer A", True),
        ("Officer B", False),
    ]
    assert result.rows[1].reasons == ["attended 7 of 10 sessions (70 %), 80 % needed"]
    assert completion_counts([course.id]) == {course.id: (1, 2)}
    page = staff_client.get(f"/manage/events/{course.id}/attendance").text
    assert "At least 80 % of the sessions" in page
    assert "attended 7 of 10 sessions (70 %), 80 % needed" in page
    assert "1 of 2 participants complete." in page


def test_certificates_of_completion_only_for_those_who_complete(
    staff_client,
    db,
    course,
    ten_sessions,
):
    a, b, declined, _ = participants(db, course)
    rule(staff_client, course)
    attend_sessions(db, a, ten_sessions[:9])
    attend_sessions(db, b, ten_sessions[:2])
    attend_sessions(db, declined, ten_sessions)
    issued = staff_client.post(f"/manage/events/{course.id}/certificates", follow_redirects=True)
    assert "Issued 1 certificate of completion, sent by email." in issued.text
    documents = [(d.registration_id, d.kind, d.facts) for d in db.session.scalars(select(Document))]
    assert documents == [(a.id, "certificate", {"sessions": 9, "of": 10})]
    assert [e.subject for e in emails_to(db, a.email)] == [
        "Your certificate of completion: Specialization course"
    ]
    assert emails_to(db, b.email) == [] and emails_to(db, declined.email) == []
    again = staff_client.post(f"/manage/events/{course.id}/certificates", follow_redirects=True)
    assert "Nobody else completed the event for a certificate." in again.text


def test_certificates_of_attendance_when_the_event_wants_them(
    app,
    staff_client,
    db,
    course,
    ten_sessions,
):
    a, b, *_ = participants(db, course, ["approved", "approved", "approved"])
    rule(staff_client, course, attendance_certificates="y")
    attend_sessions(db, a, ten_sessions)
    attend_sessions(db, b, ten_sessions[:3])  # attended, did not complete; the third did not come
    b.locale = "es"
    db.session.commit()
    issued = staff_client.post(f"/manage/events/{course.id}/certificates", follow_redirects=True)
    assert "Issued 1 certificate of completion" in issued.text
    assert "Issued 1 certificate of attendance" in issued.text
    kinds = {d.registration_id: d.kind for d in db.session.scalars(select(Document))}
    assert kinds == {a.id: DocumentKind.CERTIFICATE, b.id: DocumentKind.ATTENDANCE_CERTIFICATE}
    (email,) = emails_to(db, b.email)
    assert email.subject == "Su constancia de asistencia: Specialization course"  # hers
    code = db.session.scalar(select(Document.code).where(Document.registration_id == b.id))
    page = app.test_client().get(f"/documents/{code}").text
    assert "Certificate of attendance" in page and "3 of 10 sessions" in page
    spanish_page = app.test_client().get(f"/documents/{code}", headers={"Accept-Language": "es"})
    assert "3 de 10 sesiones" in spanish_page.text and "a 3 de 10" not in spanish_page.text
    spanish = words(pdf_text(staff_client.get(f"/documents/{code}.pdf")))
    assert "Constancia de asistencia" in spanish
    assert "asistió a «Specialization course»" in spanish, spanish
    assert "con una asistencia de 3 de 10 sesiones." in spanish


def test_the_post_test_minimum_says_who_did_not_take_it(staff_client, db, course, ten_sessions):
    a, *_ = participants(db, course, ["approved"])
    rule(staff_client, course, minimum_post_score="60")
    attend_sessions(db, a, ten_sessions)
    (row,) = completion(course, utcnow()).rows
    assert not row.completed and row.reasons == ["did not take the post-test"]
    page = staff_client.get(f"/manage/events/{course.id}/attendance").text
    assert "At least 80 % of the sessions and 60 % in the post-test" in page


def test_a_bad_rule_is_refused_beside_its_field(staff_client, db, course):
    for data in ({"minimum_share": "0"}, {"minimum_share": "1\x00"}, {"basis": "weeks"}):
        refused = rule(staff_client, course, **data)
        assert refused.status_code == 400
    assert (
        "At least 100 % of the days"
        in staff_client.get(f"/manage/events/{course.id}/attendance").text
    )


def test_the_rule_on_the_public_event_page(app, staff_client, db, course):
    public = app.test_client()
    assert "Certificate of completion" not in public.get(f"/events/{course.id}").text
    rule(staff_client, course, basis="days", minimum_share="50", attendance_certificates="y")
    page = public.get(f"/events/{course.id}").text
    assert "At least 50 % of the days" in page
    assert "otherwise a certificate of attendance" in page
