"""``flask backup create`` and ``flask backup restore``: a backup restored into a fresh database
holds every row of every table, on SQLite (the backup API) and PostgreSQL (pg_dump/pg_restore).

The fresh database is of the tests' kind: another SQLite file, or on PostgreSQL a database
created for the test beside the tests' one.
"""

from datetime import time

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.agenda.models import AgendaSession
from eventsapp.agenda.services import SessionInput, save_session
from eventsapp.core.clock import utcnow
from eventsapp.extensions import db as _db
from eventsapp.registration.services import RegistrationInput, register


@pytest.fixture
def fresh(settings, app, tmp_path):
    """An app on a new, empty database of the same kind as the tests' one."""
    url = make_url(settings["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        name = "eventsapp_restored"
        server = create_engine(url, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        target = url.set(database=name).render_as_string(hide_password=False)
    else:
        target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    other = create_app({**settings, "SQLALCHEMY_DATABASE_URI": target})
    yield other
    with other.app_context():
        _db.engine.dispose()
    if url.get_backend_name() == "postgresql":
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        server.dispose()


def every_row(flask_app) -> dict[str, list[tuple]]:
    """Each table's rows in primary-key order, and the migration revision."""
    with flask_app.app_context(), _db.engine.connect() as connection:
        rows = {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*(table.primary_key.columns or table.columns))
                )
            ]
            for table in _db.metadata.sorted_tables
        }
        rows["alembic_version"] = connection.execute(
            text("SELECT version_num FROM alembic_version")
        ).all()
    return rows


def run(flask_app, *arguments: str):
    """A command on that app's database (as ``flask`` runs it: in that app's context)."""
    with flask_app.app_context():
        return flask_app.test_cli_runner().invoke(args=list(arguments))


@pytest.fixture
def site_with_data(app, db, make):
    """Programmes, organisations, events with venues and an agenda, accounts, registrations
    (some on the waiting list), the emails they queued."""
    programme = make.programme(name="CICIE", acronym="CICIE")
    organisation = make.organisation(name="Instituto Nacional Electoral", acronym="INE")
    make.event(title="Workshop «accents» — ünïcode", programme_id=programme.id)
    make.event(date_text="early March 2016 (tbc)", venue=("KE", "Nairobi", "Hall 2"))
    event = make.open_event(capacity=2)
    save_session(
        event,
        AgendaSession(),
        SessionInput(
            day=event.starts_on,
            start_time=time(9),
            end_time=time(10, 30),
            timezone="America/Mexico_City",
            title="Opening",
            kind="presentation",
        ),
    )
    create_user("coordinator@example.org", Role.COORDINATOR, "a-long-enough-passphrase")
    for number in range(4):
        data = RegistrationInput(
            name=f"Delegate {number}",
            gender="female",
            email=f"delegate{number}@example.org",
            country_code="MX",
            organisation_id=organisation.id,
            consent=True,
        )
        register(event, data, utcnow())
    db.session.commit()
    return every_row(app)


def test_a_backup_restores_every_row_into_a_fresh_database(app, site_with_data, fresh, tmp_path):
    before = site_with_data
    for table in ("events", "users", "registrations", "agenda_sessions", "outbox_emails"):
        assert before[table], f"the test data has no {table}"
    backup = tmp_path / "site.backup"

    created = run(app, "backup", "create", str(backup))
    assert created.exit_code == 0, created.output
    assert "Backed up the database" in created.output
    with fresh.app_context():
        upgrade()  # a freshly migrated database
    restored = run(fresh, "backup", "restore", str(backup))

    assert restored.exit_code == 0, restored.output
    assert every_row(fresh) == before
    with fresh.app_context():  # the restored database takes new rows (sequences came along)
        create_user("new@example.org", Role.STAFF, "another-long-passphrase")
        _db.session.commit()


def test_a_backup_restores_into_an_empty_database_too(app, site_with_data, fresh, tmp_path):
    backup = tmp_path / "site.backup"
    assert run(app, "backup", "create", str(backup)).exit_code == 0

    restored = run(fresh, "backup", "restore", str(backup))

    assert restored.exit_code == 0, restored.output
    assert every_row(fresh) == site_with_data


def test_a_database_holding_data_is_replaced_only_with_force(
    app, db, make, site_with_data, fresh, tmp_path
):
    backup = tmp_path / "site.backup"
    assert run(app, "backup", "create", str(backup)).exit_code == 0
    assert run(fresh, "backup", "restore", str(backup)).exit_code == 0
    make.event(title="Added after the backup")
    newer = tmp_path / "newer.backup"
    assert run(app, "backup", "create", str(newer)).exit_code == 0

    refused = run(fresh, "backup", "restore", str(newer))

    assert refused.exit_code == 1
    assert "holds data" in refused.output and "--force" in refused.output
    assert every_row(fresh) == site_with_data  # untouched
    forced = run(fresh, "backup", "restore", "--force", str(newer))
    assert forced.exit_code == 0, forced.output
    assert every_row(fresh) == every_row(app)


def test_a_file_that_is_no_backup_of_this_kind_of_database_is_refused(
    app, settings, fresh, tmp_path
):
    postgresql = settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    other_kind = tmp_path / "other.backup"
    other_kind.write_bytes(b"SQLite format 3\x00" if postgresql else b"PGDMP\x01\x0e")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with fresh.app_context():
        upgrade()
    before = every_row(fresh)

    wrong_kind = run(fresh, "backup", "restore", str(other_kind))
    wrong_file = run(fresh, "backup", "restore", str(not_a_backup))

    assert wrong_kind.exit_code == 1
    expected = "a backup of a SQLite database; this one is PostgreSQL"
    if not postgresql:
        expected = "a backup of a PostgreSQL database; this one is SQLite"
    assert expected in wrong_kind.output
    assert wrong_file.exit_code == 1
    assert "is not a backup made by `backup create`" in wrong_file.output
    assert every_row(fresh) == before
