"""Seats are never sold twice, even when many delegates submit at the same moment.

The concurrent test needs PostgreSQL (row locks); CI runs the suite on it. On SQLite the same
rule is checked one registration after another.
"""

import threading

import pytest
from sqlalchemy import func, select

from eventsapp import create_app
from eventsapp.catalogue.models import Event
from eventsapp.core.clock import utcnow
from eventsapp.extensions import db as _db
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.seats import event_availability
from eventsapp.registration.services import RegistrationInput, register


def person(number: int) -> RegistrationInput:
    return RegistrationInput(
        name=f"Delegate {number}",
        gender="undisclosed",
        email=f"delegate{number}@example.org",
        country_code="MX",
        consent=True,
    )


def status_counts(db, event_id) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event_id)
        .group_by(Registration.status)
    )
    return dict(rows.all())


def test_sequential_registrations_never_exceed_the_capacity(db, make):
    event = make.open_event(capacity=5)
    for number in range(8):
        register(event, person(number), utcnow())
        db.session.commit()
    assert status_counts(db, event.id) == {"pending": 5, "waitlisted": 3}
    assert event_availability(event, utcnow()).held == 5


@pytest.mark.postgres
def test_30_concurrent_registrations_for_the_last_5_seats(settings, db, make):
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgresql://… (CI does)")
    event = make.open_event(capacity=10, approval_required=False)
    for number in range(5):
        register(event, person(number), utcnow())
    db.session.commit()
    event_id = event.id
    # Its own app, so that 30 connections can be open at once.
    crowd = create_app(
        {**settings, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 30, "max_overflow": 0}}
    )
    barrier = threading.Barrier(30, timeout=30)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def submit(number: int) -> None:
        with crowd.app_context():
            try:
                target = _db.session.get(Event, event_id)
                _db.session.connection()  # a connection of its own before the start
                barrier.wait()
                registration = register(target, person(number), utcnow())
                _db.session.commit()
                outcomes.append(registration.status)
            except BaseException as error:  # reported below, with the test's failure
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=submit, args=(100 + n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with crowd.app_context():
        _db.engine.dispose()

    assert errors == []
    assert sorted(outcomes).count(Status.APPROVED) == 5
    assert sorted(outcomes).count(Status.WAITLISTED) == 25
    assert status_counts(db, event.id) == {"approved": 10, "waitlisted": 25}
    assert event_availability(event, utcnow()).held == 10
