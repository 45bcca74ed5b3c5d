"""``flask backup create`` and ``flask backup restore``: a backup restored into a fresh site
holds every row of every table, on SQLite (the backup API) and PostgreSQL (pg_dump/pg_restore),
and every uploaded file; only its owner can read it.

The fresh database is of the tests' kind: another SQLite file, or on PostgreSQL a database
created for the test beside the tests' one. Each site keeps its uploads in an instance folder
of its own.
"""

import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import tarfile
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
from eventsapp.ops.backup import _pg_program
from eventsapp.registration.services import RegistrationInput, register
from tests.conftest import login
from tests.test_registration_http import post_registration
from tests.test_registration_questions import PDF, add_question


@pytest.fixture(autouse=True)
def site_instance(app, tmp_path, monkeypatch):
    """The tests' site keeps its uploads under an instance folder of its own."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "site"))
    monkeypatch.setitem(app.config, "UPLOADS_FOLDER", str(tmp_path / "site" / "uploads"))
    return tmp_path / "site"


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
    uploads = str(tmp_path / "restored" / "uploads")
    other = create_app({**settings, "SQLALCHEMY_DATABASE_URI": target, "UPLOADS_FOLDER": uploads})
    other.instance_path = str(tmp_path / "restored")
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


# ---------------------------------------------------------------- uploaded files, who reads it


def test_uploaded_files_come_back_with_a_restore_into_a_fresh_site(
    app, staff_client, staff_user, make, fresh, tmp_path, site_instance
):
    event = make.open_event(approval_required=False)
    letter = add_question(staff_client, event, "Nomination letter", "file")
    post_registration(
        app.test_client(), event, **{f"question_{letter}": (io.BytesIO(PDF), "Carta.pdf")}
    )
    participants = staff_client.get(f"/manage/events/{event.id}/participants").text
    link = re.search(r'href="([^"]+/files/\d+)"', participants).group(1)
    assert staff_client.get(link).data == PDF
    report = site_instance / "uploads" / "requests" / "0123456789abcdef.pdf"
    report.parent.mkdir(parents=True)
    report.write_bytes(PDF + b"report")
    backup = tmp_path / "site.backup"

    created = run(app, "backup", "create", str(backup))
    assert created.exit_code == 0, created.output
    assert "and 2 uploaded files" in created.output
    restored = run(fresh, "backup", "restore", str(backup))

    assert restored.exit_code == 0, restored.output
    assert "2 uploaded files" in restored.output
    colleague = fresh.test_client()
    login(colleague, staff_user)
    assert colleague.get(link).data == PDF  # the restored site serves the file again
    again = tmp_path / "restored" / "uploads" / "requests" / report.name
    assert again.read_bytes() == PDF + b"report"
    assert not [p for p in again.parent.parent.iterdir() if ".restoring-" in p.name]


def test_a_restore_keeps_the_files_of_a_site_unless_forced(
    app, db, site_with_data, fresh, tmp_path, site_instance
):
    kept = site_instance / "uploads" / "registrations" / "1" / "kept.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(PDF)
    backup = tmp_path / "site.backup"
    assert run(app, "backup", "create", str(backup)).exit_code == 0
    newer = tmp_path / "restored" / "uploads" / "registrations" / "1" / "newer.pdf"
    newer.parent.mkdir(parents=True)
    newer.write_bytes(b"a file of the other site")

    refused = run(fresh, "backup", "restore", str(backup))

    assert refused.exit_code == 1
    assert "holds files" in refused.output and "--force" in refused.output
    assert newer.exists()
    forced = run(fresh, "backup", "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    assert not newer.exists() and (newer.parent / "kept.pdf").read_bytes() == PDF
    assert every_row(fresh) == site_with_data


def test_a_backup_is_readable_by_its_owner_only_from_its_creation(
    app, site_with_data, tmp_path, site_instance, monkeypatch
):
    (site_instance / "uploads" / "requests").mkdir(parents=True)
    (site_instance / "uploads" / "requests" / "0123456789abcdef.pdf").write_bytes(PDF)
    folder = tmp_path / "backups"
    folder.mkdir()
    backup = folder / "site.backup"
    backup.write_text("last night's backup")
    backup.chmod(0o644)
    seen = {}
    add_member = tarfile.TarFile.addfile

    def watching(self, member, fileobj=None):
        """What the folder holds while the backup is being written, and who may read it."""
        for path in folder.rglob("*"):
            if path != backup:
                seen[path.name] = stat.S_IMODE(path.stat().st_mode)
        return add_member(self, member, fileobj)

    monkeypatch.setattr(tarfile.TarFile, "addfile", watching)
    old_umask = os.umask(0o022)
    try:
        created = run(app, "backup", "create", str(backup))
    finally:
        os.umask(old_umask)

    assert created.exit_code == 0, created.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert "site.backup.partial" in seen and any(name.startswith("database.") for name in seen)
    assert {name: mode & 0o077 for name, mode in seen.items()} == dict.fromkeys(seen, 0)
    assert sorted(p.name for p in folder.iterdir()) == ["site.backup"]


def bare_dump(flask_app, path) -> None:
    """What ``backup create`` wrote before: pg_dump's custom format, or an SQLite file."""
    with flask_app.app_context(), _db.engine.connect() as connection:
        url = connection.engine.url
        if url.get_backend_name() == "postgresql":
            conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
            command = [_pg_program("pg_dump"), "--format=custom", "--file", str(path)]
            subprocess.run([*command, "--dbname", conninfo], check=True)
        else:
            target = sqlite3.connect(path)
            connection.connection.driver_connection.backup(target)
            target.close()


def test_a_backup_of_the_old_format_still_restores(app, site_with_data, fresh, tmp_path):
    """Before uploads came along, a backup was the bare pg_dump or SQLite file."""
    old = tmp_path / "old.backup"
    bare_dump(app, old)

    restored = run(fresh, "backup", "restore", str(old))

    assert restored.exit_code == 0, restored.output
    assert "the database only" in restored.output
    assert every_row(fresh) == site_with_data


@pytest.mark.parametrize(
    "crafted",
    [
        ("uploads/registrations/../../escaped.txt", tarfile.REGTYPE),
        ("../escaped.txt", tarfile.REGTYPE),
        ("/tmp/escaped.txt", tarfile.REGTYPE),
        ("uploads/registrations/escaped.txt", tarfile.SYMTYPE),
        ("uploads/elsewhere/escaped.txt", tarfile.REGTYPE),
    ],
)
def test_an_archive_leading_out_of_its_folders_is_refused(
    app, db, fresh, tmp_path, crafted, site_instance
):
    backup = tmp_path / "site.backup"
    assert run(app, "backup", "create", str(backup)).exit_code == 0
    evil = tmp_path / "evil.backup"
    name, kind = crafted
    with tarfile.open(backup) as source, tarfile.open(evil, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
        member = tarfile.TarInfo(name)
        member.type, member.size, member.linkname = kind, 5, "/etc/passwd"
        target.addfile(member, io.BytesIO(b"owned") if kind == tarfile.REGTYPE else None)
    with tarfile.open(evil) as archive:
        assert json.load(archive.extractfile("manifest.json"))["uploads"]
    with fresh.app_context():
        upgrade()
    before = every_row(fresh)

    refused = run(fresh, "backup", "restore", "--force", str(evil))

    assert refused.exit_code == 1
    assert f"holds {name!r}" in refused.output and "refused" in refused.output
    assert every_row(fresh) == before
    assert not (tmp_path / "restored").exists()
    assert not list(tmp_path.rglob("escaped.txt")) and not os.path.exists("/tmp/escaped.txt")
