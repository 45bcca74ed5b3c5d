"""The worker sends over several SMTP connections at once, each kept for many emails, and every
email still arrives once (issue 30): against a real SMTP server on loopback (aiosmtpd)."""

import asyncio
import email
import signal
import threading
from collections import Counter
from email import policy

import pytest
from sqlalchemy import func, select

from eventsapp.core.clock import utcnow
from eventsapp.mail.models import OutboxEmail
from eventsapp.mail.sender import LEASE, Postman, claim, send_due
from eventsapp.mail.services import queue_email
from tests.conftest import free_port


class CountingInbox:
    """Keeps each message with the connection (the client's port) it came by, and how many
    messages were being received at once at most. ``drop_after``: the server closes a
    connection after accepting that many messages on it (as servers limiting messages per
    connection do)."""

    def __init__(self, delay: float = 0.0, drop_after: int | None = None):
        self.delay = delay
        self.drop_after = drop_after
        self.received: list[tuple[str, int]] = []  # (Subject, client port)
        self.per_connection: Counter = Counter()
        self.now = self.most = 0

    async def handle_DATA(self, server, session, envelope):
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.now -= 1
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        port = session.peer[1]
        self.received.append((message["Subject"], port))
        self.per_connection[port] += 1
        if self.drop_after and self.per_connection[port] % self.drop_after == 0:
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the 250
        return "250 Message accepted"

    def subjects(self) -> Counter:
        return Counter(subject for subject, _port in self.received)


@pytest.fixture
def inbox(app, monkeypatch, request):
    """A server of its own for each test, with the app sending to it."""
    from aiosmtpd.controller import Controller

    handler = CountingInbox(**getattr(request, "param", {}))
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    yield handler
    controller.stop()


@pytest.fixture(autouse=True)
def bounded():
    """A hang (a thread waiting forever) fails the test instead."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the sender hung"))
    signal.alarm(120)
    yield
    signal.alarm(0)


def queue(db, count: int, to=lambda n: f"d{n}@example.org") -> list[str]:
    subjects = [f"Email {n}" for n in range(count)]
    for n, subject in enumerate(subjects):
        queue_email(to(n), subject, "login_link", link="x")
    db.session.commit()
    return subjects


def statuses(db) -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(OutboxEmail.status)))


@pytest.mark.parametrize("inbox", [{"delay": 0.05}], indirect=True)
def test_emails_go_over_several_connections_at_once_each_kept_and_each_email_once(
    app, db, inbox, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", 4)
    subjects = queue(db, 40)
    assert send_due() == (40, 0)
    assert inbox.subjects() == Counter(subjects)  # every one, once
    assert inbox.most >= 2  # received at the same time, by different connections
    assert 2 <= len(inbox.per_connection) <= 4  # no more connections than set
    assert sum(inbox.per_connection.values()) > len(inbox.per_connection)  # each kept for many
    assert statuses(db) == {"sent": 40}


def test_emails_to_one_address_arrive_in_the_order_they_were_queued(app, db, inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", 4)
    subjects = queue(db, 12, to=lambda n: f"d{n % 2}@example.org")
    send_due()
    assert [s for s, _port in inbox.received if int(s.split()[1]) % 2 == 0] == subjects[::2]
    assert [s for s, _port in inbox.received if int(s.split()[1]) % 2 == 1] == subjects[1::2]


@pytest.mark.parametrize("inbox", [{"drop_after": 3}], indirect=True)
def test_a_server_dropping_connections_gets_the_rest_by_new_ones_none_twice(
    app, db, inbox, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", 3)
    subjects = queue(db, 30)
    assert send_due() == (30, 0)
    assert inbox.subjects() == Counter(subjects)  # none lost, none twice
    assert len(inbox.per_connection) >= 30 // 3  # it closed each after 3: opened again
    assert statuses(db) == {"sent": 30}


def test_a_stopped_sender_repeats_at_most_the_emails_in_flight_once_each(
    app, db, inbox, monkeypatch
):
    """Stopped (Ctrl-C) after the server took an email, before it was recorded: the connections
    take no more, those under way are recorded, and the next round sends the rest, the one in
    flight once more."""
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", 4)
    subjects = queue(db, 20)
    real_deliver = Postman.deliver
    calls = []
    lock = threading.Lock()

    def deliver_then_stop(self, message, email_id):
        real_deliver(self, message, email_id)
        with lock:
            calls.append(email_id)
            if len(calls) == 6:
                raise KeyboardInterrupt

    monkeypatch.setattr(Postman, "deliver", deliver_then_stop)
    with pytest.raises(KeyboardInterrupt):
        send_due()
    first = len(inbox.received)
    assert 6 <= first < 20  # stopped: not every email went
    monkeypatch.setattr(Postman, "deliver", real_deliver)
    send_due()
    received = inbox.subjects()
    assert set(received) == set(subjects)  # none lost
    assert set(received.values()) <= {1, 2}  # none more than twice
    assert sum(received.values()) - 20 <= 4  # repeated: at most one per connection
    assert statuses(db) == {"sent": 20}


def test_emails_a_killed_sender_claimed_wait_for_their_lease_then_go_once(app, db, inbox):
    """A sender killed after claiming emails (it never recorded them): other rounds leave them
    alone until the lease ends, then send each once."""
    subjects = queue(db, 3)
    claim(utcnow(), 2)
    db.session.commit()  # claimed, and the sender is gone
    assert send_due() == (1, 0)
    assert send_due(clock=lambda: utcnow() + LEASE) == (2, 0)
    assert inbox.subjects() == Counter(subjects)
    assert statuses(db) == {"sent": 3}


@pytest.mark.parametrize("inbox", [{"delay": 0.02}], indirect=True)
def test_on_postgresql_two_rounds_at_once_never_send_one_email_twice(app, db, inbox, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two senders at once need PostgreSQL's row locks (SQLite has one writer)")
    monkeypatch.setitem(app.config, "MAIL_CONNECTIONS", 3)
    subjects = queue(db, 60)
    counts = []
    start = threading.Barrier(2)

    def round_of_a_worker():
        with app.app_context():
            start.wait()
            counts.append(send_due())

    workers = [threading.Thread(target=round_of_a_worker) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(c[1] for c in counts) == [0, 0]
    assert sum(c[0] for c in counts) == 60
    assert inbox.subjects() == Counter(subjects)  # each once
    sent = db.session.scalar(select(func.count()).where(OutboxEmail.status == "sent"))
    assert sent == 60
