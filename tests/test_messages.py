"""Messages to participants, through HTTP: who they go to, placeholders, the worker sending them at
the rate the mail server accepts, resuming after a crash, and the log."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.core.clock import utcnow
from eventsapp.core.jobs import PERIODIC_JOBS
from eventsapp.mail.models import OutboxEmail
from eventsapp.messages import cron
from eventsapp.messages import services as message_services
from eventsapp.messages.models import Message, MessageRecipient
from eventsapp.people.models import Organisation
from eventsapp.registration.models import Registration
from eventsapp.worker import run_job

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

JOB = PERIODIC_JOBS["participant messages"]  # registered by importing `cron`
assert JOB.run is cron.hand_over_messages


def add_people(db, event, statuses, country="MX", **fields):
    """Registrations of ``event``, one per status, each from an organisation of its own."""
    people = []
    for status in statuses:
        number = db.session.scalar(select(func.count(Registration.id))) + len(people)
        organisation = Organisation(
            name=f"Body {number}", kind=fields.get("kind", "electoral_management_body")
        )
        people.append(
            Registration(
                event_id=event.id,
                name=f"Officer {number}",
                gender="female",
                email=f"officer{number}@example.org",
                country_code=country,
                status=status,
                role=fields.get("role", "delegate"),
                position=fields.get("position", ""),
                organisation=organisation,
                locale=fields.get("locale"),
                consent_at=utcnow(),
            )
        )
    db.session.add_all(people)
    db.session.commit()
    return people


def outbox_to(db, address):
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == address)))


@pytest.fixture
def course(make):
    return make.event(
        title="Specialization course", kind="specialization_course", date_text="18-19 January 2016"
    )


def url(event):
    return f"/manage/events/{event.id}/messages/"


DATA = {"subject": "Welcome to {event}", "body": "Dear {name}, see you on {dates}.", "to": "all"}


def test_staff_message_the_approved_participants_each_gets_one_email(
    staff_client, db, course, mailbox
):
    a, b, declined, withdrawn = add_people(
        db, course, ["approved", "approved", "declined", "withdrawn"]
    )
    preview = staff_client.post(url(course), data={**DATA, "preview": "1"})
    assert "The message goes to 2 participants." in preview.text
    assert "Dear Officer 0, see you on 18–19 January 2016." in preview.text
    assert db.session.scalar(select(Message)) is None

    sent = staff_client.post(url(course), data={**DATA, "send": "1"}, follow_redirects=True)
    assert "The message goes to 2 participants. It is sent in the background" in sent.text
    assert "0 of 2 sent" in sent.text and "Sending continues in the background" in sent.text
    assert db.session.scalar(select(OutboxEmail)) is None  # the worker hands them over

    for person in (a, b):
        (email,) = mailbox.to(person.email)
        assert email["Subject"] == "Welcome to Specialization course"
        assert f"Dear {person.name}, see you on 18–19 January 2016." in email.get_content()
    assert mailbox.to(declined.email) == [] and mailbox.to(withdrawn.email) == []
    log = staff_client.get(url(course)).text
    assert "2 of 2 sent" in log and '<progress value="2" max="2"' in log
    assert "Sending continues" not in log

    staff_client.post(
        url(course),
        data={**DATA, "to": "ticked", "ids": [str(b.id), str(declined.id)], "send": "1"},
    )
    assert len(mailbox.to(b.email)) == 2 and len(mailbox.to(a.email)) == 1
    assert mailbox.to(declined.email) == []
    (ticked,) = [m for m in db.session.scalars(select(Message)) if m.audience.startswith("Ticked")]
    page = staff_client.get(f"/manage/messages/{ticked.id}").text
    assert b.email in page and a.email not in page and "Sent " in page


def test_filters_by_status_country_role_kind_and_position(staff_client, db, course, mailbox):
    (approved_mx,) = add_people(db, course, ["approved"], position="Registration officer")
    (approved_pe,) = add_people(db, course, ["approved"], country="PE", position="Director")
    (waiting_pe,) = add_people(db, course, ["waitlisted"], country="PE")
    (pending_speaker,) = add_people(
        db, course, ["pending"], role="speaker", kind="academia", position="Professor"
    )

    def recipients(**filters):
        page = staff_client.post(url(course), query_string=filters, data={**DATA, "preview": "1"})
        return page.text

    assert "goes to 2 participants" in recipients()  # who has a place
    assert "goes to 1 participant." in recipients(country="PE")
    assert "goes to 1 participant." in recipients(status="waitlisted", country="pe")
    assert "goes to 1 participant." in recipients(status="pending", role="speaker")
    assert "goes to 1 participant." in recipients(status="pending", organisation_kind="academia")
    assert "goes to 1 participant." in recipients(position="OFFICER")
    empty = staff_client.get(url(course), query_string={"country": "KE"}).text
    assert "No participant matches these filters" in empty

    staff_client.post(
        url(course), query_string={"status": "waitlisted"}, data={**DATA, "send": "1"}
    )
    assert len(mailbox.to(waiting_pe.email)) == 1
    assert mailbox.to(approved_mx.email) == [] and mailbox.to(approved_pe.email) == []
    assert mailbox.to(pending_speaker.email) == []
    assert "On the waiting list" in staff_client.get(url(course)).text  # the log's audience


def test_a_message_to_every_participant_of_a_programme_year(staff_client, db, make, mailbox):
    programme = make.programme(name="CICIE")
    first = make.event(title="Workshop", date_text="3-4 March 2027", programme_id=programme.id)
    second = make.event(title="Course", date_text="5 May 2027", programme_id=programme.id)
    before = make.event(title="Old", date_text="5 May 2026", programme_id=programme.id)
    elsewhere = make.event(title="Other programme", date_text="5 May 2027")
    (both,) = add_people(db, first, ["approved"])
    db.session.add(
        Registration(
            event_id=second.id,
            name=both.name,
            gender="male",
            email=both.email,
            country_code="MX",
            status="attended",
            consent_at=utcnow(),
        )
    )
    db.session.commit()
    (once,) = add_people(db, second, ["approved"], country="PE")
    (declined,) = add_people(db, second, ["declined"])
    (last_year,) = add_people(db, before, ["approved"])
    (other,) = add_people(db, elsewhere, ["approved"])
    page_url = f"/manage/programmes/{programme.id}/messages/"
    assert page_url in staff_client.get(f"/manage/programmes/{programme.id}").text

    page = staff_client.get(page_url, query_string={"year": "2027"}).text
    assert "To 2 participants" in page
    refused = staff_client.post(
        page_url,
        query_string={"year": "2027"},
        data={"subject": "News", "body": "Dear {name}, about {event}", "send": "1"},
    )
    assert "Unknown placeholder: {event}" in refused.text
    assert db.session.scalar(select(Message)) is None

    sent = staff_client.post(
        page_url,
        query_string={"year": "2027"},
        data={
            "subject": "News of 2027",
            "body": "Dear {name}, see {registrations_link}",
            "send": "1",
        },
    )
    assert sent.status_code == 302
    (email,) = mailbox.to(both.email)  # registered twice, written to once
    assert f"Dear {both.name}, see http://127.0.0.1:5000/me/registrations" in email.get_content()
    assert len(mailbox.to(once.email)) == 1
    for nobody in (declined, last_year, other):
        assert mailbox.to(nobody.email) == []
    assert "2 of 2 sent" in staff_client.get(page_url, query_string={"year": "2027"}).text

    peru_only = staff_client.post(
        page_url,
        query_string={"year": "2027", "country": "PE"},
        data={"subject": "Hola", "body": "Hola {name}", "preview": "1"},
    )
    assert "The message goes to 1 participant." in peru_only.text
    bad_year = staff_client.get(page_url, query_string={"year": "twenty"})
    assert bad_year.status_code == 200 and "Year must be a number" in bad_year.text


def test_placeholders_with_personal_links_are_filled_once(staff_client, db, course, mailbox):
    (person,) = add_people(db, course, ["approved"], locale="es")
    person.name = "Ana {event}"  # written like a placeholder: stays as written
    db.session.commit()
    body = "{name} · {event} · {dates}\n{event_link}\n{calendar_link}\n{registrations_link}"
    staff_client.post(url(course), data={"subject": "{name}", "body": body, "send": "1"})
    (email,) = mailbox.to(person.email)
    assert email["Subject"] == "Ana {event}"
    text = email.get_content()
    site = "http://127.0.0.1:5000"
    assert text.splitlines()[:4] == [
        "Ana {event} · Specialization course · 18–19 de enero de 2016",  # in their language
        f"{site}/events/{course.id}",
        f"{site}/events/{course.id}.ics",
        f"{site}/me/registrations",
    ]
    assert text.count(f"{site}/me/registrations") == 2  # and in the footer


def test_an_unknown_placeholder_is_refused_with_nothing_written(staff_client, db, course):
    add_people(db, course, ["approved", "approved"])
    for action in ("preview", "send"):
        page = staff_client.post(
            url(course),
            data={"subject": "Hello {nmae}", "body": "Dear {nmae}, {dates} {x y}", action: "1"},
        )
        assert page.status_code == 200
        assert "Unknown placeholder: {nmae}. You can use {name}, {event}" in page.text
        assert "Nothing was sent" in page.text
    body_refused = staff_client.post(
        url(course), data={"subject": "Hello", "body": "Dear {nmae}, {x y}", "send": "1"}
    )
    assert "Unknown placeholder: {nmae}, {x y}." in body_refused.text
    assert db.session.scalar(select(func.count(Message.id))) == 0
    assert db.session.scalar(select(func.count(MessageRecipient.id))) == 0
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0


def each_has(db, people) -> list[int]:
    return [len(outbox_to(db, p.email)) for p in people]


def test_sending_at_the_rate_set_resumes_after_a_crash_without_repeating(
    staff_client, db, app, course, monkeypatch
):
    people = add_people(db, course, ["approved"] * 25)
    monkeypatch.setitem(app.config, "MESSAGES_PER_MINUTE", 10)
    staff_client.post(url(course), data={**DATA, "send": "1"})
    start = utcnow()

    assert run_job(JOB, start) == {"handed": 10, "skipped": 0}
    assert run_job(JOB, start + timedelta(seconds=30)) == {"handed": 0, "skipped": 0}
    assert sorted(set(each_has(db, people))) == [0, 1] and sum(each_has(db, people)) == 10

    # The worker dies while handing over the next batch: after 4 emails, the 5th fails.
    real_notify = message_services.notify
    calls = []

    def crashing(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 5:
            raise RuntimeError("the worker was killed")
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(message_services, "notify", crashing)
    with pytest.raises(RuntimeError):
        run_job(JOB, start + timedelta(seconds=61))
    monkeypatch.setattr(message_services, "notify", real_notify)
    assert sum(each_has(db, people)) == 10  # the crashed batch left nothing half done
    progress = staff_client.get(url(course)).text
    assert "0 of 25 sent" in progress and "Sending continues in the background" in progress

    assert run_job(JOB, start + timedelta(seconds=62)) == {"handed": 10, "skipped": 0}
    assert run_job(JOB, start + timedelta(seconds=123)) == {"handed": 5, "skipped": 0}
    assert run_job(JOB, start + timedelta(seconds=200)) == {"handed": 0, "skipped": 0}
    assert each_has(db, people) == [1] * 25


def test_a_deleted_registration_is_skipped(staff_client, db, course):
    keep, gone = add_people(db, course, ["approved", "approved"])
    staff_client.post(url(course), data={**DATA, "send": "1"})
    db.session.delete(gone)
    db.session.commit()
    assert run_job(JOB, utcnow()) == {"handed": 1, "skipped": 1}
    assert len(outbox_to(db, keep.email)) == 1 and outbox_to(db, gone.email) == []
    message = db.session.scalar(select(Message))
    assert (
        "Not sent: the registration was deleted, withdrawn or declined"
        in staff_client.get(f"/manage/messages/{message.id}").text
    )


@pytest.mark.parametrize("page", ["event", "programme", "message"])
def test_the_messages_pages_run_a_fixed_number_of_queries(
    staff_client, db, make, count_queries, page
):
    programme = make.programme()
    event = make.event(date_text="5 May 2027", programme_id=programme.id)
    pages = {
        "event": url(event),
        "programme": f"/manage/programmes/{programme.id}/messages/?year=2027",
    }

    def queries(count):
        add_people(db, event, ["approved"] * count, country="PE" if count > 10 else "MX")
        staff_client.post(url(event), data={**DATA, "send": "1"})
        run_job(JOB, utcnow() + timedelta(minutes=db.session.query(Message).count()))
        pages["message"] = f"/manage/messages/{db.session.scalar(select(func.max(Message.id)))}"
        with count_queries() as statements:
            response = staff_client.get(pages[page])
        assert response.status_code == 200
        return len(statements)

    small = queries(10)
    assert queries(490) == small


def test_a_participant_who_withdraws_before_their_turn_is_skipped(staff_client, db, course):
    keep, gone = add_people(db, course, ["approved", "approved"])
    staff_client.post(url(course), data={**DATA, "send": "1"})
    gone.status = "withdrawn"
    db.session.commit()
    assert run_job(JOB, utcnow()) == {"handed": 1, "skipped": 1}
    assert len(outbox_to(db, keep.email)) == 1 and outbox_to(db, gone.email) == []


def test_sending_the_same_form_twice_records_the_message_once(staff_client, db, course):
    add_people(db, course, ["approved", "approved"])
    form = staff_client.get(url(course)).text
    key = re.search(r'name="send_key" type="hidden" value="([0-9a-f]{32})"', form).group(1)
    for _ in range(2):  # a double click
        response = staff_client.post(url(course), data={**DATA, "send": "1", "send_key": key})
        assert response.status_code == 302
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert db.session.scalar(select(func.count(MessageRecipient.id))) == 2
    page = staff_client.get(url(course)).text
    assert "sent already" in page
