"""The demo programmes from the seeds, loaded through the services and the command."""

from datetime import date

from sqlalchemy import func, select

from eventsapp.catalogue.models import Event, Programme
from eventsapp.demo.services import load_demo
from eventsapp.registration.models import Registration


def test_demo_load_builds_cicie_and_ppiep_and_is_idempotent(db):
    added = load_demo()
    db.session.commit()
    assert {name: added[name] for name in ("CICIE", "PPIEP")} == {"CICIE": 88, "PPIEP": 32}
    assert set(load_demo().values()) == {0}
    db.session.commit()
    assert db.session.scalar(select(func.count(Programme.id))) == 4  # and WEM, CEC Georgia plans
    ppiep = db.session.scalar(select(Programme).where(Programme.key == "ppiep"))
    assert [s.code for s in ppiep.sections] == ["A", "B", "C"]
    assert {p.organisation.acronym for p in ppiep.partners} == {"IDEA", "KAF"}
    cicie = db.session.scalar(select(Programme).where(Programme.key == "cicie"))
    assert {o.country_code: o.region for o in cicie.region_overrides} == {"GE": "Europe"}
    founders = {p.organisation.acronym for p in cicie.partners if p.role == "founder"}
    assert founders == {"INE", "TEPJF", "UNDP-MX", "AMEXCID"}


def test_demo_events_keep_the_seed_phrases(db):
    load_demo()
    db.session.commit()
    launch = db.session.scalar(
        select(Event).where(Event.title == "Launch of the Global Commission")
    )
    assert launch.date_text == "early March (tbc)"
    assert (launch.starts_on, launch.ends_on, launch.tentative) == (
        date(2011, 3, 1),
        date(2011, 3, 10),
        True,
    )
    assert launch.venue is None
    workshops = db.session.scalar(
        select(func.count(Event.id)).where(Event.kind == "workshop", Event.status == "held")
    )
    assert workshops == 61


def test_demo_command_and_admin_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert "CICIE: 88 events added." in result.output
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "Programmes exist already" in result.output
    result = runner.invoke(args=["users", "ensure-admin"])
    assert "password:" in result.output
    result = runner.invoke(args=["users", "ensure-admin"])
    assert "password:" not in result.output
    result = runner.invoke(
        args=[
            "users",
            "create",
            "coord@example.org",
            "--role",
            "coordinator",
            "--password",
            "a fine pass phrase",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "users",
            "create",
            "coord@example.org",
            "--role",
            "coordinator",
            "--password",
            "a fine pass phrase",
        ]
    )
    assert result.exit_code != 0 and "already an account" in result.output


def test_synthetic_data_at_scale(app, db):
    result = app.test_cli_runner().invoke(
        args=["demo", "synth", "--events", "300", "--participants", "2000", "--year", "2027"]
    )
    assert result.exit_code == 0, result.output
    assert "Added 300 events and 2000 registrations" in result.output
    rows = db.session.execute(select(Event.starts_on, Event.ends_on)).all()
    assert len(rows) == 300
    assert all(date(2027, 1, 1) <= s <= e <= date(2027, 12, 31) for s, e in rows)
    # Registrations never exceed an event's capacity: the rest wait.
    over = db.session.execute(
        select(Event.id)
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.status == "approved", Event.capacity.is_not(None))
        .group_by(Event.id, Event.capacity)
        .having(func.count(Registration.id) > Event.capacity)
    ).all()
    assert over == []
    assert db.session.scalar(select(func.count(Registration.id))) == 2000
    assert db.session.scalar(select(func.count(func.distinct(Registration.organisation_id)))) == 12
