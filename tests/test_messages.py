"""Messages to participants, through HTTP."""

import pytest
from sqlalchemy import select

from eventsapp.mail.models import OutboxEmail
from eventsapp.messages.models import Message
from tests.test_attendance import emails_to, participants

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def course(make):
    return make.event(
        title="Specialization course", kind="specialization_course", date_text="18-19 January 2016"
    )


def test_staff_message_the_approved_participants_each_once(staff_client, db, course):
    a, b, declined, _withdrawn = participants(db, course)
    data = {
        "subject": "Welcome to {event}",
        "body": "Dear {name}, see you on {dates}.",
        "to": "all",
    }
    preview = staff_client.post(
        f"/manage/events/{course.id}/messages/", data={**data, "preview": "1"}
    )
    assert "Dear Officer A, see you on 18–19 January 2016." in preview.text
    assert db.session.scalar(select(OutboxEmail)) is None

    sent = staff_client.post(f"/manage/events/{course.id}/messages/", data={**data, "send": "1"})
    assert sent.status_code == 302
    for person in (a, b):
        (email,) = emails_to(db, person.email)
        assert email.subject == "Welcome to Specialization course"
        assert f"Dear {person.name}, see you on" in email.text_body
    assert emails_to(db, declined.email) == []
    log = staff_client.get(f"/manage/events/{course.id}/messages/").text
    assert "officer1@example.org" in log and "officer2@example.org" not in log

    staff_client.post(
        f"/manage/events/{course.id}/messages/",
        data={**data, "to": "ticked", "ids": [str(b.id), str(declined.id)], "send": "1"},
    )
    assert len(emails_to(db, b.email)) == 2 and len(emails_to(db, a.email)) == 1
    assert emails_to(db, declined.email) == []
    assert db.session.query(Message).count() == 2
