"""``demo synth`` run again for the same year adds as much again, without breaking a constraint."""

from sqlalchemy import func, select

from eventsapp.agenda.models import AgendaSession
from eventsapp.catalogue.models import Event, Programme
from eventsapp.registration.models import SEAT_HOLDING, Registration, RegistrationSettings


def count(db, column, *conditions) -> int:
    return db.session.scalar(select(func.count(column)).where(*conditions))


def test_demo_synth_run_twice_for_a_year_adds_as_much_again(app, db):
    runner = app.test_cli_runner()
    args = ["demo", "synth", "--events", "6", "--participants", "150", "--year", "2029"]
    args += ["--sessions-per-event", "2"]
    for run in (1, 2):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (result.output, result.exception)
        assert "Added 6 events and 150 registrations to Synthetic programme 2029." in result.output
        db.session.expire_all()
        assert count(db, Programme.id) == 1
        assert count(db, Event.id) == 6 * run
        assert count(db, AgendaSession.id) == 12 * run
        assert count(db, RegistrationSettings.event_id) == 6 * run
        assert count(db, Registration.id) == 150 * run
        assert count(db, func.distinct(Registration.email)) == 150 * run
        assert count(db, func.distinct(Event.title)) == 6 * run
        # Seats taken in the first run count in the second: never more approved than capacity.
        over = db.session.execute(
            select(Event.id)
            .join(Registration, Registration.event_id == Event.id)
            .where(Registration.status.in_(SEAT_HOLDING), Event.capacity.is_not(None))
            .group_by(Event.id, Event.capacity)
            .having(func.count(Registration.id) > Event.capacity)
        ).all()
        assert over == []


def test_demo_synth_of_participants_only_or_of_another_year(app, db):
    runner = app.test_cli_runner()
    for events, participants, year in [(4, 10, 2029), (0, 10, 2029), (0, 0, 2029), (4, 10, 2030)]:
        args = ["demo", "synth", "--events", str(events), "--year", str(year)]
        result = runner.invoke(args=[*args, "--participants", str(participants)])
        assert result.exit_code == 0, (result.output, result.exception)
    db.session.expire_all()
    assert count(db, Programme.id) == 2
    assert count(db, Event.id) == 8
    assert count(db, Registration.id) == 30
