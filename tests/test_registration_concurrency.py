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
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.seats import event_availability
from eventsapp.registration.services import (
    RegistrationInput,
    confirm_registration,
    confirmation_token,
    receive_registration,
    register,
)


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


def needs_postgresql(settings) -> None:
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgresql://… (CI does)")


def at_once(settings, actions: list) -> tuple[list[str], list[BaseException]]:
    """Run each action (given the event's id, returning a registration) in a thread of its own
    with its own connection, all started together; each commits. Returns the statuses the
    registrations got, and the errors."""
    # Its own app, so that as many connections can be open at once.
    crowd = create_app(
        {**settings, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": len(actions), "max_overflow": 0}}
    )
    barrier = threading.Barrier(len(actions), timeout=30)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run(action) -> None:
        with crowd.app_context():
            try:
                _db.session.connection()  # a connection of its own before the start
                barrier.wait()
                registration = action()
                _db.session.commit()
                outcomes.append(registration.status)
            except BaseException as error:  # reported below, with the test's failure
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with crowd.app_context():
        _db.engine.dispose()
    return outcomes, errors


@pytest.mark.postgres
def test_30_concurrent_registrations_for_the_last_5_seats(settings, db, make):
    needs_postgresql(settings)
    event = make.open_event(capacity=10, approval_required=False)
    for number in range(5):
        register(event, person(number), utcnow())
    db.session.commit()
    event_id = event.id

    def registering(number: int):
        return lambda: register(_db.session.get(Event, event_id), person(number), utcnow())

    outcomes, errors = at_once(settings, [registering(100 + n) for n in range(30)])

    assert errors == []
    assert sorted(outcomes).count(Status.APPROVED) == 5
    assert sorted(outcomes).count(Status.WAITLISTED) == 25
    assert status_counts(db, event.id) == {"approved": 10, "waitlisted": 25}
    assert event_availability(event, utcnow()).held == 10


@pytest.mark.postgres
def test_30_concurrent_confirmations_for_the_last_5_seats_and_a_double_click(settings, db, make):
    """Places go in the order of the lock: the 30 of one organisation are funded one, and
    nobody's funding changes after the fact (which would send them an email)."""
    needs_postgresql(settings)
    event = make.open_event(capacity=10, approval_required=False, quota_per_organisation=1)
    for number in range(5):
        register(event, person(number), utcnow())
    organisation = make.organisation()
    for number in range(100, 130):
        data = person(number)
        data.organisation_id = organisation.id
        assert receive_registration(event, data, utcnow()) is None
    db.session.commit()
    unconfirmed = db.session.scalars(
        select(Registration).where(Registration.status == Status.UNCONFIRMED)
    ).all()
    tokens = [confirmation_token(r) for r in unconfirmed]
    queued_before = db.session.scalar(select(func.max(OutboxEmail.id)))

    def confirming(token: str):
        return lambda: confirm_registration(token, utcnow())

    outcomes, errors = at_once(settings, [confirming(t) for t in [*tokens, tokens[0]]])

    assert errors == [] and len(outcomes) == 31
    assert status_counts(db, event.id) == {"approved": 10, "waitlisted": 25}
    assert event_availability(event, utcnow()).held == 10
    told = db.session.scalars(select(OutboxEmail.to).where(OutboxEmail.id > queued_before)).all()
    assert sorted(told) == sorted(r.email for r in unconfirmed)  # the double click: once
    db.session.expire_all()
    in_order = sorted(unconfirmed, key=lambda r: (r.created_at, r.id))
    assert [r.funding for r in in_order] == ["funded"] + ["self_funded"] * 29


@pytest.mark.postgres
def test_20_forms_naming_the_same_new_organisation_at_once_add_it_once(settings, db, make):
    needs_postgresql(settings)
    event = make.open_event(capacity=100)
    event_id = event.id

    def sending(number: int):
        data = person(number)
        data.new_organisation = "Comisión Electoral Nueva"

        def send():
            target = _db.session.get(Event, event_id)
            receive_registration(target, data, utcnow())
            return _db.session.scalar(select(Registration).where(Registration.email == data.email))

        return send

    outcomes, errors = at_once(settings, [sending(n) for n in range(20)])

    assert errors == [] and outcomes == [Status.UNCONFIRMED] * 20
    names = db.session.scalars(select(Registration.organisation_id).distinct()).all()
    assert len(names) == 1
