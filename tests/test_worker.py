"""Emails and periodic jobs run in the worker, after the request's commit, each email once."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from eventsapp.core.clock import utcnow
from eventsapp.mail.models import OutboxEmail
from eventsapp.mail.sender import Postman
from eventsapp.mail.services import queue_email
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.notifications import notify
from tests.test_registration_http import FORM, post_registration


def test_a_registration_answers_before_any_email_and_the_worker_sends_it_once(
    app, client, db, make, mailbox
):
    event = make.open_event()
    response = post_registration(client, event, confirm=False)
    assert "Check your email" in response.data.decode()
    assert mailbox.received == []  # the request spoke to no mail server
    email = db.session.scalar(select(OutboxEmail))
    assert (email.to, email.status) == (FORM["email"], "pending")  # committed with the change

    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "emails: sent 1" in result.output
    assert [m["Subject"] for m in mailbox.received] == [f"Confirm your registration: {event.title}"]
    runner.invoke(args=["jobs", "worker", "--once"])
    assert len(mailbox.received) == 1  # once


def test_a_refused_form_queues_nothing(client, db, make, mailbox):
    event = make.open_event()
    response = post_registration(client, event, consent="")
    assert "consent" in response.data.decode()
    assert db.session.scalars(select(OutboxEmail)).all() == []


def queue(db, count: int) -> list[int]:
    emails = [
        queue_email(f"d{n}@example.org", f"Email {n}", "login_link", link="x") for n in range(count)
    ]
    db.session.commit()
    return [e.id for e in emails]


def test_a_sender_stopped_between_two_emails_repeats_none_and_loses_none(
    app, db, mailbox, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", 1)  # one email after another
    queue(db, 5)
    delivered = []
    real_deliver = Postman.deliver

    def deliver_then_stop(self, message, email_id):
        if len(delivered) == 2:
            raise KeyboardInterrupt  # the worker is killed before the third email
        real_deliver(self, message, email_id)
        delivered.append(email_id)

    monkeypatch.setattr(Postman, "deliver", deliver_then_stop)
    with pytest.raises(KeyboardInterrupt):
        mailbox.deliver()
    assert [m["Subject"] for m in mailbox.received] == ["Email 0", "Email 1"]
    db.session.expire_all()
    statuses = [e.status for e in db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id))]
    assert statuses == ["sent", "sent", "pending", "pending", "pending"]

    monkeypatch.setattr(Postman, "deliver", real_deliver)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "3 sent" in result.output
    subjects = sorted(m["Subject"] for m in mailbox.received)
    assert subjects == [f"Email {n}" for n in range(5)]  # each once


def test_an_email_sent_again_after_a_kill_carries_the_same_message_id(
    app, db, mailbox, monkeypatch
):
    """A sender killed after the server took an email, before it noted so, sends that email
    again: receivers (and people) tell the repeat by its Message-ID, valid even when the site's
    name has spaces."""
    monkeypatch.setitem(app.config, "SITE_NAME", "Electoral Training Centre")
    monkeypatch.setitem(app.config, "SITE_URL", "https://Events.Example.org:8443/eventsapp")
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", 1)  # one email after another
    queue(db, 2)
    real_deliver = Postman.deliver

    def deliver_then_stop(self, message, email_id):
        real_deliver(self, message, email_id)
        raise KeyboardInterrupt  # killed before marking it sent

    monkeypatch.setattr(Postman, "deliver", deliver_then_stop)
    with pytest.raises(KeyboardInterrupt):
        mailbox.deliver()
    monkeypatch.setattr(Postman, "deliver", real_deliver)
    mailbox.deliver()

    first, again, second = mailbox.received
    assert first["Subject"] == again["Subject"] == "Email 0" and second["Subject"] == "Email 1"
    assert first["Message-ID"] == again["Message-ID"] != second["Message-ID"]
    for message in (first, second):
        header = message["Message-ID"]
        assert header.defects == ()
        assert re.fullmatch(r"<outbox-\d+\.\d{20}@events\.example\.org>", str(header))


def test_the_worker_runs_the_periodic_jobs(app, db, make, mailbox):
    """An offer that lapsed passes on when the worker runs, without any request."""
    event = make.open_event(capacity=1)
    for n in range(2):
        post_registration(app.test_client(), event, email=f"d{n}@example.org")
    registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    registrations[1].offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--once"])
    assert "registration: offers expired 1" in result.output
    db.session.expire_all()
    assert registrations[1].status == Status.WITHDRAWN
    subjects = [m["Subject"] for m in mailbox.to("d1@example.org")]
    assert any(s.startswith("The seat offered to you has passed on") for s in subjects)


def test_emails_are_written_in_the_language_of_the_registration(app, client, db, make, mailbox):
    event = make.open_event()
    response = client.post(
        f"/events/{event.id}/register", data=FORM, headers={"Accept-Language": "es"}
    )
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.locale == "es"
    registration.status = Status.WAITLISTED
    registration.offer_expires_at = datetime(2030, 10, 3, 9, 30)
    notify(registration, "offered", accept_url="https://example.org/offers/x")
    db.session.commit()
    offer = mailbox.to(FORM["email"])[-1].get_content()
    assert "3 oct 2030, 9:30" in offer
    assert "3 Oct 2030" not in offer


def test_on_postgresql_a_commit_wakes_the_worker(app, db):
    """The worker sleeps on LISTEN; the NOTIFY of a transaction that queued an email reaches it
    when that transaction commits, so it need not poll."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; elsewhere the worker looks every few seconds")
    import threading

    from eventsapp.worker import _waiter

    wait = _waiter(interval=600)
    for _transaction in range(2):  # each transaction that queues an email wakes it
        queue(db, 1)
        waiting = threading.Thread(target=wait, daemon=True)
        waiting.start()
        waiting.join(timeout=60)  # a bound, never reached when the notice arrived
        assert not waiting.is_alive()


def test_on_postgresql_the_worker_listens_again_after_losing_the_database(app, db):
    """A restart of PostgreSQL ends the worker's LISTEN connection: the next wait reconnects
    rather than stopping the worker, and notices reach it again."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    import threading

    from sqlalchemy import text

    from eventsapp.worker import _waiter

    wait = _waiter(interval=0.01)
    wait()  # connected and listening
    listener_pid = wait.connection.info.backend_pid
    db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": listener_pid})
    db.session.commit()
    # The loss is noticed (and forgotten: the worker goes on) at a wait after the backend is
    # gone, which may take a few of these short waits; the wait after it connects again.
    for _ in range(1000):
        wait()
        if wait.connection is not None and wait.connection.info.backend_pid != listener_pid:
            break
    assert wait.connection.info.backend_pid != listener_pid
    wait.interval = 600
    waiting = threading.Thread(target=wait, daemon=True)
    waiting.start()
    queue(db, 1)
    waiting.join(timeout=60)  # a bound, never reached when the notice arrived
    assert not waiting.is_alive()
