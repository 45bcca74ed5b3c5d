"""Backups of the whole database (``flask backup create FILE``) and their restore into a fresh
one (``flask backup restore FILE``).

- PostgreSQL: ``pg_dump`` in its custom format, restored by ``pg_restore`` in one transaction.
- SQLite: the online backup API (``sqlite3.Connection.backup``): a consistent copy taken while
  the site runs, itself an SQLite database file.

A backup holds the schema and every row, at the migration revision of the database it was
taken from; a restore makes the target exactly that (run ``flask db upgrade`` after it when the
code is newer). The target is a new database, empty or freshly migrated: a restore refuses one
that holds more than the migrations put there (the countries) unless told ``force``. On SQLite
the backup API replaces the whole file at once; on PostgreSQL the target's tables are dropped,
then ``pg_restore`` loads the backup in one transaction (if it fails, the target is left without
tables: restore again, or ``db upgrade`` for an empty site). A backup is restored on the kind of
database it was taken from.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from sqlalchemy import MetaData, inspect, literal_column, select, table, text
from sqlalchemy.engine import Connection

from ..extensions import db

# What a freshly migrated database holds rows in.
MIGRATION_TABLES = {"alembic_version", "countries"}
MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
KINDS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason for the person running it."""


def create_backup(path: Path) -> str:
    """Write a backup of the app's database to ``path`` (replaced only once the backup is
    complete). Returns the migration revision it holds."""
    dialect = _dialect()
    partial = path.with_name(path.name + ".partial")
    try:
        if dialect == "postgresql":
            _run("pg_dump", "--format=custom", "--file", str(partial))
        else:
            target = sqlite3.connect(partial)
            try:
                with db.engine.connect() as connection:
                    connection.connection.driver_connection.backup(target)
            finally:
                target.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return database_revision()


def restore_backup(path: Path, force: bool = False) -> None:
    """Replace the app's database by the backup in ``path``."""
    dialect = _dialect()
    _check_kind(path, dialect)
    with db.engine.begin() as connection:
        if not force and (holding := tables_with_data(connection)):
            raise BackupError(
                f"The database holds data ({', '.join(holding)}): restore into a new one, "
                "empty or freshly migrated, or add --force to replace this one."
            )
        if dialect == "postgresql":
            existing = MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)
    if dialect == "postgresql":
        _run("pg_restore", "--single-transaction", "--exit-on-error", "--no-owner",
             "--no-privileges", str(path))  # fmt: skip
    else:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            with db.engine.connect() as connection:
                source.backup(connection.connection.driver_connection)
        finally:
            source.close()
    db.engine.dispose()  # connections opened before hold what the tables were


def tables_with_data(connection: Connection) -> list[str]:
    """The tables holding rows that the migrations did not put there."""
    names = sorted(set(inspect(connection).get_table_names()) - MIGRATION_TABLES)
    query = lambda name: select(literal_column("1")).select_from(table(name)).limit(1)  # noqa: E731
    return [name for name in names if connection.execute(query(name)).first()]


def database_revision() -> str:
    """The migration revision the app's database is at."""
    with db.engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str:
    if "alembic_version" not in inspect(connection).get_table_names():
        return "none (not migrated)"
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar() or "none"


def _dialect() -> str:
    dialect = db.engine.dialect.name
    if dialect not in KINDS:
        raise BackupError(f"Backups are made of PostgreSQL and SQLite databases, not {dialect}.")
    return dialect


def _check_kind(path: Path, dialect: str) -> None:
    with path.open("rb") as file:
        start = file.read(16)
    for kind, magic in MAGIC.items():
        if start.startswith(magic):
            if kind != dialect:
                raise BackupError(
                    f"{path} is a backup of a {KINDS[kind]} database; this one is {KINDS[dialect]}."
                )
            return
    raise BackupError(f"{path} is not a backup made by `backup create`.")


def _run(tool: str, *arguments: str) -> None:
    """A PostgreSQL client program on the app's database (its password in the environment,
    not on the command line)."""
    url = db.engine.url
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(False)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    command = [_pg_program(tool), *arguments, "--dbname", conninfo]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")


def _pg_program(name: str) -> str:
    """``name`` on the PATH, else in the newest /usr/lib/postgresql/<version>/bin (Debian)."""
    if found := shutil.which(name):
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
    )
    if not versions:
        raise BackupError(f"{name} was not found: install the PostgreSQL client programs.")
    return str(versions[-1])


backup = click.Group("backup", help="Backups of the whole database, and their restore.")


@backup.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file: Path):
    """Write a backup of the database to FILE (pg_dump's custom format on PostgreSQL, an SQLite
    file on SQLite)."""
    try:
        revision = create_backup(file)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    size = file.stat().st_size / 1_000_000
    click.echo(f"Backed up the database (revision {revision}) to {file} ({size:.1f} MB).")


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace a database that holds data (its tables are dropped)."
)
def restore_command(file: Path, force: bool):
    """Restore the backup in FILE into this database (a new one, empty or freshly migrated)."""
    try:
        restore_backup(file, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored {file} (revision {database_revision()}). "
        "Run `flask --app wsgi db upgrade` if the code is newer than the backup."
    )
