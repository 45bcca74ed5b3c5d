"""Every email to a participant goes through one function, ``registration.notifications.notify``,
in the participant's language, with the event's calendar file where it fits (issue 22): a test per
capability, for a delegate who registered in Spanish, reading what the mail server received."""

import ast
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsapp.catalogue.models import Event
from eventsapp.catalogue.services import save_event
from eventsapp.core.clock import utcnow
from eventsapp.core.jobs import PERIODIC_JOBS
from eventsapp.messages.models import Message
from eventsapp.registration import notifications
from eventsapp.registration.models import Registration
from eventsapp.worker import run_job
from tests.documents_helpers import badge_code
from tests.test_attendance import _event_input
from tests.test_registration_http import link_path, post_registration
from tests.test_translations import in_catalogue

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
DEAR = "Estimado(a) Ana Pérez:"  # "Dear %(name)s," in the Spanish catalogue


@pytest.fixture
def through_notify(monkeypatch) -> list[tuple[str, str, str]]:
    """(address, template, language) of each email queued by ``notify``."""
    queued = []
    real = notifications.queue_email

    def spy(to, subject, template, locale=None, **context):
        queued.append((to, template, locale))
        return real(to, subject, template, locale=locale, **context)

    monkeypatch.setattr(notifications, "queue_email", spy)
    return queued


def spanish(db, event, status="approved", email="ana@example.org") -> Registration:
    """A delegate who registered in Spanish."""
    registration = Registration(
        event_id=event.id,
        name="Ana Pérez",
        gender="female",
        email=email,
        country_code="MX",
        status=status,
        locale="es",
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def subject(msgid: str, event) -> str:
    return in_catalogue("es", msgid) % {"title": event.title}


def calendar_files(message) -> list[icalendar.Calendar]:
    return [
        icalendar.Calendar.from_ical(part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]


def the_event_in(calendar, event) -> bool:
    (vevent,) = calendar.walk("VEVENT")
    return str(vevent["UID"]).startswith(f"event-{event.id}@")


@pytest.fixture
def course(make):
    """An event held in January 2016 (certificates, evaluations)."""
    return make.event(
        title="Specialization course", kind="specialization_course", date_text="18-19 January 2016"
    )


# ---------------------------------------------------------------- registration


def test_the_confirmation_email(client, db, make, mailbox, through_notify):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    event = make.open_event()
    post_registration(client, event, confirm=False, name="Ana Pérez", email="ana@example.org")
    (message,) = mailbox.to("ana@example.org")
    assert message["Subject"] == subject("Confirm your registration: %(title)s", event)
    assert DEAR in message.get_content() and calendar_files(message) == []
    assert through_notify == [("ana@example.org", "confirm", "es")]


def test_the_approval_carries_the_calendar_file(staff_client, db, make, mailbox, through_notify):
    event = make.open_event(approval_required=True)
    registration = spanish(db, event, status="pending")
    staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"row_action": f"approve:{registration.id}"},
    )
    (message,) = mailbox.to(registration.email)
    assert message["Subject"] == subject("Your place is confirmed: %(title)s", event)
    assert DEAR in message.get_body(("plain",)).get_content()
    (calendar,) = calendar_files(message)
    assert the_event_in(calendar, event)
    assert (registration.email, "approved", "es") in through_notify


def test_the_event_cancelled_and_moved(db, make, mailbox, through_notify):
    """A move brings the calendar file to those whose approval brought it, not to the others;
    a cancellation brings none."""
    event = make.open_event()
    approved = spanish(db, event)
    waiting = spanish(db, event, status="pending", email="pending@example.org")
    event = db.session.get(Event, event.id)
    later = (date.today() + timedelta(days=60)).isoformat()
    save_event(event, _event_input(event, date_text=later))
    db.session.commit()
    (moved,) = mailbox.to(approved.email)
    assert moved["Subject"] == subject("New dates: %(title)s", event)
    (calendar,) = calendar_files(moved)
    assert the_event_in(calendar, event)
    body = moved.get_body(("plain",)).get_content()
    assert "El archivo de calendario adjunto actualiza el evento" in body
    (told,) = mailbox.to(waiting.email)
    assert told["Subject"] == moved["Subject"] and calendar_files(told) == []
    assert "The attached calendar file" not in told.get_content()

    save_event(event, _event_input(event, status="cancelled"))
    db.session.commit()
    _moved, cancelled = mailbox.to(approved.email)
    assert cancelled["Subject"] == subject("Cancelled: %(title)s", event)
    assert DEAR in cancelled.get_content() and calendar_files(cancelled) == []
    assert [t for t in through_notify if t[0] == approved.email] == [
        (approved.email, "event_moved", "es"),
        (approved.email, "event_cancelled", "es"),
    ]


# ---------------------------------------------------------------- attendance


def check_in(staff_client, event, registration, days=("2016-01-18", "2016-01-19")):
    for day in days:
        staff_client.post(
            f"/manage/events/{event.id}/check-in",
            data={"token": badge_code(registration), "day": day},
        )


def test_the_certificate_email(staff_client, db, course, mailbox, through_notify):
    registration = spanish(db, course)
    check_in(staff_client, course, registration)
    staff_client.post(f"/manage/events/{course.id}/certificates")
    (message,) = mailbox.to(registration.email)
    assert message["Subject"] == subject("Your certificate of completion: %(title)s", course)
    text = message.get_content()
    assert DEAR in text and "/documents/" in text
    assert through_notify == [(registration.email, "certificate", "es")]


def test_the_evaluation_link(staff_client, db, course, mailbox, through_notify):
    registration = spanish(db, course)
    check_in(staff_client, course, registration, days=["2016-01-18"])
    staff_client.post(f"/manage/events/{course.id}/evaluation/open")
    (message,) = mailbox.to(registration.email)
    assert message["Subject"] == subject("How was it? Evaluate %(title)s", course)
    assert DEAR in message.get_content()
    assert staff_client.get(link_path(message, "/evaluations/")).status_code == 200
    assert through_notify == [(registration.email, "evaluation", "es")]


# ---------------------------------------------------------------- messages


def test_a_message_to_participants_with_and_without_the_calendar_file(
    staff_client, db, course, mailbox, through_notify
):
    registration = spanish(db, course)
    url = f"/manage/events/{course.id}/messages/"
    message = {"subject": "{event}", "body": "{name}: {dates}", "to": "all"}
    preview = staff_client.post(url, data={**message, "calendar_file": "y", "preview": "1"})
    assert "With the event's calendar file." in preview.text
    staff_client.post(url, data={**message, "calendar_file": "y", "send": "1"})
    staff_client.post(url, data={**message, "body": "{name}, again", "send": "1"})
    first, second = db.session.scalars(select(Message).order_by(Message.id))
    assert (first.calendar_file, second.calendar_file) == (True, False)
    assert (
        "With the event's calendar file." in staff_client.get(f"/manage/messages/{first.id}").text
    )
    run_job(PERIODIC_JOBS["participant messages"], utcnow())
    with_file, without = mailbox.to(registration.email)
    text = with_file.get_body(("plain",)).get_content()
    assert text.startswith("Ana Pérez: 18–19 de enero de 2016")
    (calendar,) = calendar_files(with_file)
    assert the_event_in(calendar, course)
    assert without["Subject"] == course.title and calendar_files(without) == []
    assert through_notify == [(registration.email, "participant_message", "es")] * 2


def test_a_programme_message_cannot_carry_a_calendar_file(staff_client, db, make):
    """It names no event: the form has no such box, and the database refuses one."""
    programme = make.programme()
    page = staff_client.get(f"/manage/programmes/{programme.id}/messages/").text
    assert 'name="calendar_file"' not in page
    db.session.add(
        Message(programme_id=programme.id, year=2016, subject="s", body="b", calendar_file=True)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# ---------------------------------------------------------------- no other way


def test_no_capability_writes_to_participants_around_notify():
    """``queue_email`` is called by ``notify`` and by the emails to people who are not (yet)
    participants: accounts, authorities' requests, invitations, staff's task reminders, a
    person told of the decision on their own data (privacy), an authority's focal point
    (delegations), a webhook's owner told it was switched off (webhooks)."""
    others = {
        "eventsapp/accounts/services.py",
        "eventsapp/privacy/services.py",
        "eventsapp/delegations/emails.py",
        "eventsapp/authority_requests/services.py",
        "eventsapp/registration/invitations.py",
        "eventsapp/logistics/services.py",
        "eventsapp/webhooks/delivery.py",
    }
    callers = set()
    for path in (ROOT / "eventsapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "queue_email":
                callers.add(str(path.relative_to(ROOT)))
    assert callers == {"eventsapp/registration/notifications.py", *others}
