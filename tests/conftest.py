"""Fixtures: an app on a real database migrated by Alembic, factories, clients, a query counter.

The database is SQLite in a temporary file, or PostgreSQL when ``DATABASE_URL`` names one (CI).
Each test starts with empty tables but for the shipped countries.
"""

import contextvars
import email
import os
import socket
from contextlib import contextmanager
from datetime import date, timedelta
from email import policy

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event as sa_event

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.catalogue.models import Event, Programme
from eventsapp.catalogue.services import (
    EventInput,
    ProgrammeInput,
    VenueInput,
    save_event,
    save_programme,
)
from eventsapp.core.dates import read_date_phrase
from eventsapp.extensions import db as _db
from eventsapp.extensions import limiter
from eventsapp.people.models import Organisation
from eventsapp.registration.models import RegistrationSettings

KEPT_TABLES = {"countries"}


def settings_for(tmp_path_factory) -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    from eventsapp.config import database_url

    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url(url),
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_POST_LIMIT": "10000 per minute",  # a test lowers it to see the limit work
        "SERVER_NAME": "localhost",
        "EVENTS_PER_PAGE": 25,
        "MAIL_SERVER": "",  # emails become files here, unless a test starts an SMTP server
        "MAIL_FOLDER": str(tmp_path_factory.mktemp("mail")),
        "UPLOADS_FOLDER": str(tmp_path_factory.mktemp("uploads")),
    }


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    return settings_for(tmp_path_factory)


class RequestIsolatingClient(FlaskClient):
    """A test client whose requests run as in production, each in a context of its own.

    Without this a request would reuse the test's app context, and with it ``g``, the signed-in
    user and the database session, so that a request could see what the test holds in memory.
    After the request, what the test holds is expired so that it is read again from the database.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # the test's own context (redirects followed re-enter here)
            _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(settings):
    app = create_app(settings)
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()  # the real migrations, not create_all
    yield app


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                if table.name not in KEPT_TABLES:
                    connection.execute(table.delete())
        limiter.reset()
        app.extensions.pop("calendar_cache", None)  # calendar text kept by the last test


@pytest.fixture
def client(app, db):
    return app.test_client()


def login(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def staff_user(db):
    user = create_user("staff@example.org", Role.STAFF, "kettle-on-the-hob", name="Staff Member")
    db.session.commit()
    return user


@pytest.fixture
def staff_client(client, staff_user):
    login(client, staff_user)
    return client


@pytest.fixture
def delegate_user(db):
    user = create_user("delegate@example.org", Role.DELEGATE, "blue-river-notebook")
    db.session.commit()
    return user


# ---------------------------------------------------------------- factories


class Factory:
    """Builds programmes, organisations and events through the services, and commits them."""

    def __init__(self, db):
        self.db = db
        self.count = 0

    def organisation(self, name=None, kind="electoral_management_body", acronym=None, country="MX"):
        self.count += 1
        organisation = Organisation(
            name=name or f"Electoral body {self.count}",
            acronym=acronym,
            kind=kind,
            country_code=country,
        )
        self.db.session.add(organisation)
        self.db.session.commit()
        return organisation

    def programme(self, name=None, first_year=2016, **kwargs):
        self.count += 1
        programme = save_programme(
            Programme(),
            ProgrammeInput(name=name or f"Programme {self.count}", first_year=first_year, **kwargs),
        )
        self.db.session.commit()
        return programme

    def event(
        self,
        title=None,
        date_text="18-19 January 2016",
        year=None,
        kind="workshop",
        status="planned",
        venue=("MX", "Mexico City", None),
        commit=True,
        **kwargs,
    ):
        self.count += 1
        data = EventInput(
            title=title or f"Event {self.count}",
            kind=kind,
            status=status,
            window=read_date_phrase(date_text, year),
            date_text=date_text,
            venue=VenueInput(*venue) if venue else None,
            **kwargs,
        )
        event = save_event(Event(), data)
        if commit:
            self.db.session.commit()
        return event

    def open_event(self, capacity=5, days_ahead=30, **settings):
        """An upcoming event taking registrations online (approval required unless told)."""
        starts = date.today() + timedelta(days=days_ahead)
        event = self.event(date_text=starts.isoformat(), capacity=capacity, languages=["en", "es"])
        self.db.session.add(RegistrationSettings(event_id=event.id, **settings))
        self.db.session.commit()
        return event


@pytest.fixture
def make(db):
    return Factory(db)


# ---------------------------------------------------------------- query counting


@pytest.fixture
def count_queries(db):
    """``with count_queries() as queries: ...`` then ``len(queries)``: the SQL statements run."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def today():
    return date.today()


# ---------------------------------------------------------------- a real SMTP server on loopback


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it receives, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


class Mailbox:
    """The inbox of the loopback SMTP server, as a delegate reads it once the worker has run.

    Requests never send email: they queue it, and the worker sends it. Reading ``messages`` or
    ``to(...)`` first runs what the worker does at every round (the jobs without an interval,
    then the real sender, ``mail.sender.send_due``), over SMTP to the server; ``received`` is
    what arrived so far, without running it.
    """

    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    def deliver(self) -> None:
        from eventsapp.core.clock import utcnow
        from eventsapp.core.jobs import PERIODIC_JOBS
        from eventsapp.mail.sender import send_due
        from eventsapp.worker import run_job

        for job in PERIODIC_JOBS.values():
            if not job.every:  # what the worker does at every round (sign-in links asked for)
                run_job(job, utcnow())
        send_due()

    @property
    def received(self) -> list[email.message.EmailMessage]:
        return self.inbox.messages

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        self.deliver()
        return self.inbox.messages

    def to(self, address: str) -> list[email.message.EmailMessage]:
        self.deliver()
        return self.inbox.to(address)


@pytest.fixture
def mailbox(smtp_server, app, monkeypatch):
    """The apps send through the loopback SMTP server; returns its inbox, emptied."""
    smtp_server.handler.messages.clear()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    return Mailbox(smtp_server.handler)
