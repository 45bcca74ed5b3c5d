"""Periodic jobs in units: each unit is committed on its own, a unit that fails is rolled back
alone, and registration's job holds one event's lock at a time; each job runs once a period among
every worker."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from eventsapp.catalogue.models import Event
from eventsapp.core.jobs import (
    PERIODIC_JOBS,
    JobRun,
    PeriodicJob,
    Unit,
    claim_periods,
    run_units,
)
from eventsapp.people.models import Organisation
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.statuses import withdraw
from eventsapp.worker import run_round
from tests.test_registration_services import NOW, sign_up


def _organisation(db, name: str) -> dict[str, int]:
    db.session.add(Organisation(name=name, kind="civil_society", country_code="MX"))
    db.session.flush()
    return {"organisations": 1}


def _fails(db) -> dict[str, int]:
    _organisation(db, "Written, then rolled back")
    raise RuntimeError("a unit that fails")


def test_each_unit_is_committed_and_a_failing_one_rolled_back_alone(app, db, caplog):
    units = [
        Unit("first", lambda: _organisation(db, "First")),
        Unit("the failing one", lambda: _fails(db)),
        Unit("third", lambda: _organisation(db, "Third")),
    ]
    done = run_units("test", units, says=("organisations", "other"))
    assert done == {"organisations": 2, "other": 0, "failed": 1}
    db.session.remove()  # what another transaction sees
    names = set(db.session.scalars(select(Organisation.name)))
    assert {"First", "Third"} <= names and "Written, then rolled back" not in names
    assert "The periodic job test failed on the failing one" in caplog.text


def expired_offer(db, make):
    """An upcoming event whose seat offer to the second on its waiting list ran out."""
    event = make.open_event(capacity=1, approval_required=False)
    first, second = sign_up(db, event, 2)
    withdraw(first, NOW, first.user)
    db.session.commit()
    assert second.has_offer
    return event, second


def test_registrations_job_passes_on_each_events_offers(app, db, make):
    offered = [expired_offer(db, make)[1].id for _event in range(2)]
    assert PERIODIC_JOBS["registration"].run(NOW + timedelta(days=2))["offers expired"] == 2
    db.session.remove()  # what another transaction sees
    statuses = db.session.scalars(select(Registration.status).where(Registration.id.in_(offered)))
    assert list(statuses) == [Status.WITHDRAWN, Status.WITHDRAWN]


def test_registrations_job_holds_one_events_lock_at_a_time(app, db, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's: run with DATABASE_URL=postgresql://…")
    (first, _), (second, _) = expired_offer(db, make), expired_offer(db, make)
    first_id, second_id = first.id, second.id
    free_meanwhile = []

    def on_lock(_connection, _cursor, statement, parameters, _context, _many):
        """When the job locks the second event, the first one's lock is released already."""
        values = parameters.values() if isinstance(parameters, dict) else ()
        if "FOR UPDATE" in statement and second_id in values and not free_meanwhile:
            with db.engine.connect() as other:
                other.execute(
                    select(Event.id).where(Event.id == first_id).with_for_update(nowait=True)
                )
                free_meanwhile.append(True)
                other.rollback()

    sa_event.listen(db.engine, "before_cursor_execute", on_lock)
    try:
        done = PERIODIC_JOBS["registration"].run(NOW + timedelta(days=2))
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", on_lock)
    assert free_meanwhile == [True]
    assert done["offers expired"] == 2 and "failed" not in done


def test_workers_claim_each_period_in_the_database_and_run_a_job_once_a_period(app, db):
    """Two workers' rounds (the database remembers, not a worker): the hourly job is claimed in
    the first round only, until its hour has passed."""
    hourly = PeriodicJob("test hourly", timedelta(hours=1), lambda now: {})
    start = datetime(2030, 5, 1, 9, 0)
    assert claim_periods([hourly], start) == [hourly]
    assert claim_periods([hourly], start + timedelta(minutes=1)) == []  # the other worker
    db.session.remove()  # a worker started again remembers nothing, and runs nothing early
    assert claim_periods([hourly], start + timedelta(minutes=59)) == []
    assert claim_periods([hourly], start + timedelta(hours=1)) == [hourly]
    assert db.session.get(JobRun, "test hourly").started_at == start + timedelta(hours=1)


def test_the_running_worker_runs_a_periodic_job_once_a_period(app, db, monkeypatch):
    ran = []
    monkeypatch.setitem(
        PERIODIC_JOBS,
        "test hourly",
        PeriodicJob("test hourly", timedelta(hours=1), lambda now: ran.append(now) or {}),
    )
    start = datetime(2030, 5, 1, 9, 0)
    for minutes in (0, 1, 30, 60, 61):
        run_round(claim=True, clock=lambda m=minutes: start + timedelta(minutes=m))
    assert ran == [start, start + timedelta(hours=1)]
    run_round(clock=lambda: start + timedelta(minutes=62))  # --once: every job
    assert len(ran) == 3
