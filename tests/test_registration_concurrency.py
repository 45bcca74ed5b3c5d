"""Seats are never sold twice, even when many delegates submit at the same moment.

The concurrent test needs PostgreSQL (row locks); CI runs the suite on it. On SQLite the same
rule is checked one registration after another.
"""

import contextlib
import threading

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventsapp import create_app
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import create_user
from eventsapp.catalogue.models import Event
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.extensions import db as _db
from eventsapp.mail.models import OutboxEmail
from eventsapp.people.models import Person, PersonEmail
from eventsapp.registration.links import ConfirmedAlready
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.seats import StatusError, event_availability
from eventsapp.registration.services import (
    RegistrationInput,
    confirm_registration,
    confirmation_token,
    receive_registration,
    register,
)
from eventsapp.registration.statuses import accept_offer, withdraw


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


def logged(db, action: str) -> list[str]:
    """Who the action log says did ``action``, once per line."""
    return list(
        db.session.scalars(select(LoggedAction.actor_name).where(LoggedAction.action == action))
    )


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
    used = []

    def confirming(token: str):
        def confirm():
            try:
                return confirm_registration(token, utcnow())
            except ConfirmedAlready as already:  # the double click's second: it does nothing
                used.append(already)
                return already.registration

        return confirm

    outcomes, errors = at_once(settings, [confirming(t) for t in [*tokens, tokens[0]]])

    assert errors == [] and len(outcomes) == 31 and len(used) == 1
    assert status_counts(db, event.id) == {"approved": 10, "waitlisted": 25}
    assert event_availability(event, utcnow()).held == 10
    told = db.session.scalars(select(OutboxEmail.to).where(OutboxEmail.id > queued_before)).all()
    assert sorted(told) == sorted(r.email for r in unconfirmed)  # the double click: once
    db.session.expire_all()
    in_order = sorted(unconfirmed, key=lambda r: (r.created_at, r.id))
    assert [r.funding for r in in_order] == ["funded"] + ["self_funded"] * 29


@pytest.mark.postgres
def test_20_confirmations_naming_the_same_new_organisation_at_once_add_it_once(settings, db, make):
    """Typed in, it waits on each registration; the confirmations at once add it once."""
    needs_postgresql(settings)
    event = make.open_event(capacity=100)
    for number in range(20):
        data = person(number)
        data.new_organisation = "Comisión Electoral Nueva"
        receive_registration(event, data, utcnow())
    db.session.commit()
    tokens = [confirmation_token(r) for r in db.session.scalars(select(Registration)).all()]

    def confirming(token: str):
        return lambda: confirm_registration(token, utcnow())

    outcomes, errors = at_once(settings, [confirming(t) for t in tokens])

    assert errors == [] and outcomes == [Status.PENDING] * 20
    names = db.session.scalars(select(Registration.organisation_id).distinct()).all()
    assert len(names) == 1 and names[0] is not None


def _five_clicks(settings, registration_id: int, action) -> int:
    """The action clicked five times at once on a registration; how many emails it sent."""
    queued_before = _db.session.scalar(select(func.max(OutboxEmail.id))) or 0

    def click():
        registration = _db.session.get(Registration, registration_id)
        with contextlib.suppress(StatusError):  # a later click finds it done
            action(registration, utcnow(), registration.user)
        return registration

    outcomes, errors = at_once(settings, [click] * 5)
    assert errors == [] and len(outcomes) == 5
    return _db.session.scalar(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.id > queued_before)
    )


@pytest.mark.postgres
def test_a_withdrawal_clicked_five_times_at_once_withdraws_and_emails_once(settings, db, make):
    needs_postgresql(settings)
    event = make.open_event(capacity=10, approval_required=False)
    registration = register(event, person(1), utcnow())
    db.session.commit()

    assert _five_clicks(settings, registration.id, withdraw) == 1
    assert status_counts(db, event.id) == {"withdrawn": 1}
    assert logged(db, "registration.withdrawn") == ["Delegate 1"]


@pytest.mark.postgres
def test_an_offer_accepted_five_times_at_once_is_accepted_once(settings, db, make):
    needs_postgresql(settings)
    event = make.open_event(capacity=1, approval_required=False)
    first = register(event, person(1), utcnow())
    second = register(event, person(2), utcnow())
    db.session.commit()
    withdraw(first, utcnow(), None)  # the seat is offered to the second
    db.session.commit()
    assert db.session.get(Registration, second.id).has_offer

    assert _five_clicks(settings, second.id, accept_offer) == 1
    assert status_counts(db, event.id) == {"withdrawn": 1, "approved": 1}
    assert logged(db, "registration.offer_accepted") == ["Delegate 2"]


@pytest.mark.postgres
def test_one_address_confirmed_at_five_events_at_once_is_one_person(settings, db, make):
    """The first proofs of one address, at five events at once (five locks, none waiting for
    another): one person with the address once, whose every registration and account it is.
    (The address has an account already: five confirmations making it at once are not met.)"""
    needs_postgresql(settings)
    events = [make.open_event(capacity=10) for _ in range(5)]
    create_user(person(1).email, Role.DELEGATE, confirmed=False)
    for event in events:
        assert receive_registration(event, person(1), utcnow()) is None
    db.session.commit()
    tokens = [confirmation_token(r) for r in db.session.scalars(select(Registration))]

    outcomes, errors = at_once(
        settings, [lambda token=token: confirm_registration(token, utcnow()) for token in tokens]
    )

    assert errors == [] and outcomes == [Status.PENDING] * 5
    assert db.session.scalar(select(func.count(PersonEmail.id))) == 1
    people = set(db.session.scalars(select(Registration.person_id)))
    assert len(people) == 1 and None not in people
    assert db.session.scalar(select(func.count(Person.id))) == 1
    assert db.session.scalar(select(User.person_id)) in people


def test_an_account_made_meanwhile_by_another_confirmation_asks_to_try_again(
    settings, db, make, client
):
    """The same new address confirmed at two events at the same moment: the second to write its
    account finds the first's. It answers a 409 asking to try again (never a server error), and
    writes nothing; tried again, it confirms with the account the first made. (On SQLite the
    second waits for the first's commit before it reads.)"""
    needs_postgresql(settings)
    first, second = make.open_event(capacity=10), make.open_event(capacity=10)
    for event in (first, second):
        assert receive_registration(event, person(7), utcnow()) is None
    db.session.commit()
    token = confirmation_token(db.session.scalars(select(Registration)).first())
    engine, done = _db.engine, []

    def the_other_confirmation_commits(_conn, _cursor, statement, *_args) -> None:
        """Right after the confirmation read that the address has no account yet."""
        if done or "lower(users.email) = registrations.email" not in statement:
            return
        done.append(True)
        with Session(engine) as other:
            other.add(User(email=person(7).email, role=Role.DELEGATE, name="Delegate 7"))
            other.commit()

    sa_event.listen(engine, "after_cursor_execute", the_other_confirmation_commits)
    try:
        refused = client.post(f"/registrations/{token}")
    finally:
        sa_event.remove(engine, "after_cursor_execute", the_other_confirmation_commits)

    assert refused.status_code == 409
    assert "Someone did the same at the same moment" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert set(db.session.scalars(select(Registration.status))) == {Status.UNCONFIRMED}
    again = client.post(f"/registrations/{token}")
    assert again.status_code == 302
    db.session.expire_all()
    confirmed = db.session.scalars(select(Registration).where(Registration.status != "unconfirmed"))
    (registration,) = confirmed
    assert registration.user.email == person(7).email
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_a_double_click_on_the_confirmation_confirms_once_and_tells_the_second(app, db, make):
    """Two clicks on the button at once, each a request of its own (on SQLite too, which has no
    row locks: a request that may write takes its one writer first): one confirms and signs in,
    the other waits for it and says the registration is confirmed already; never a conflict or
    a server error, one account."""
    event = make.open_event(capacity=10)
    assert receive_registration(event, person(8), utcnow()) is None
    db.session.commit()
    token = confirmation_token(db.session.scalars(select(Registration)).one())
    start = threading.Barrier(2)
    answers = []

    def click() -> None:
        browser = app.test_client()
        start.wait()
        answers.append(browser.post(f"/registrations/{token}"))

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()

    assert sorted(a.status_code for a in answers) == [200, 302]
    (told,) = [a for a in answers if a.status_code == 200]
    assert "Your registration is confirmed already" in told.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status)) == Status.PENDING
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_the_late_answer_of_a_double_click_leaves_the_delegate_signed_in(app, db, make):
    """Both clicks carry the cookie of the page with the button; when the second answer ("confirmed
    already") reaches the browser last, its cookies must not undo the first's sign-in."""
    event = make.open_event(capacity=10)
    assert receive_registration(event, person(9), utcnow()) is None
    db.session.commit()
    token = confirmation_token(db.session.scalars(select(Registration)).one())
    browser = app.test_client()
    browser.get(f"/registrations/{token}")  # the page with the button: its session holds a key
    before = browser.get_cookie("session").value
    assert browser.post(f"/registrations/{token}").status_code == 302

    late = app.test_client()  # the second click, sent before the first was answered
    late.set_cookie("session", before)
    second = late.post(f"/registrations/{token}")

    assert "Your registration is confirmed already" in second.get_data(as_text=True)
    assert not [c for c in second.headers.getlist("Set-Cookie") if c.startswith("session=")]
    mine = browser.get("/me/registrations")
    assert mine.status_code == 200
    assert event.title in mine.get_data(as_text=True)
