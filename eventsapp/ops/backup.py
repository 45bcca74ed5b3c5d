"""Backups of the whole site, its database and its uploaded files (``flask backup create
FILE``), and their restore into a fresh one (``flask backup restore FILE``).

A backup is one gzipped tar file, readable by its owner only (0600 from the moment it is
created, as is everything written on the way), holding:

- ``manifest.json``: the format, the kind of database, its migration revision, the upload
  folders held and the number of files;
- the database: on PostgreSQL ``database.pgdump``, made by ``pg_dump`` in its custom format and
  restored by ``pg_restore`` in one transaction; on SQLite ``database.sqlite3``, a consistent copy
  taken with the online backup API (``sqlite3.Connection.backup``) while the site runs;
- ``uploads/<name>/...``: the files of each upload folder (``upload_folders``), taken after the
  database, so that a file the database names is there (at worst an extra file comes along).

A restore makes the target exactly the backup: the database at the backup's migration revision
(run ``flask db upgrade`` after it when the code is newer), and each upload folder the backup
holds, put where the restoring site keeps that kind of file. The target is a new site: a restore
refuses a database that holds more than the migrations put there (the countries), or an upload
folder holding files, unless told ``force``. The archive is checked before anything is written:
a member other than those above (a link, a path leading out of its folder) refuses the whole
file. Uploaded files are unpacked beside their folder, then put in its place by a rename once
the database is restored. On SQLite the backup API replaces the whole file at once; on
PostgreSQL the target's tables are dropped, then ``pg_restore`` loads the backup in one
transaction (if it fails, the target is left without tables: restore again, or ``db upgrade``
for an empty site). A backup is restored on the kind of database it was taken from.

A bare ``pg_dump`` or SQLite file, as ``backup create`` wrote before uploads came along, is
restored too (the database only).
"""

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from sqlalchemy import MetaData, inspect, literal_column, select, table, text
from sqlalchemy.engine import Connection

from ..core.clock import utcnow
from ..core.uploads import STORES
from ..extensions import db

# What a freshly migrated database holds rows in.
MIGRATION_TABLES = {"alembic_version", "countries"}
MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
KINDS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
UPLOADS = "uploads"
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason for the person running it."""


def upload_folders() -> dict[str, Path]:
    """The folders uploaded files are kept in, by name: each store's of ``core.uploads`` (in
    ``UPLOADS_FOLDER``), and any other folder there (a kind added later)."""
    folders = {name: store.folder() for name, store in sorted(STORES.items())}
    root = Path(current_app.config["UPLOADS_FOLDER"])
    for child in sorted(root.iterdir()) if root.is_dir() else ():
        fits = _FOLDER_NAME.fullmatch(child.name) and child.name not in folders
        if fits and child.is_dir() and not child.is_symlink():
            folders[child.name] = child
    return folders


# ---------------------------------------------------------------- create


def create_backup(path: Path) -> dict:
    """Write a backup of the site to ``path`` (replaced only once the backup is complete).
    Returns its manifest."""
    dialect = _dialect()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as work:  # 0700
        dump = Path(work) / DUMPS[dialect]
        revision = database_revision()
        _dump_database(dump, dialect)
        folders = upload_folders()  # after the database: the files it names are there
        manifest = {
            "format": FORMAT,
            "database": dialect,
            "revision": revision,
            "created_at": utcnow().isoformat(timespec="seconds") + "Z",
            "uploads": sorted(folders),
        }
        try:
            with _private_file(partial) as file, tarfile.open(fileobj=file, mode="w:gz") as tar:
                tar.add(dump, arcname=dump.name, filter=_anonymous)
                manifest["files"] = sum(
                    _add_folder(tar, f"{UPLOADS}/{name}", folder)
                    for name, folder in folders.items()
                )
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _new_private_file(path: Path) -> int:
    """A new file that only its owner can read, whatever the umask, from its creation (never
    an existing file, nor a link); its descriptor."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return descriptor


@contextmanager
def _private_file(path: Path):
    with os.fdopen(_new_private_file(path), "wb") as file:
        yield file


def _dump_database(dump: Path, dialect: str) -> None:
    if dialect == "postgresql":
        _run("pg_dump", "--format=custom", "--file", str(dump))
        return
    os.close(_new_private_file(dump))  # SQLite writes into it, keeping its mode
    target = sqlite3.connect(dump)
    try:
        with db.engine.connect() as connection:
            connection.connection.driver_connection.backup(target)
    finally:
        target.close()


def _anonymous(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    """Files and folders only (links are left out), without their owner's names."""
    if not (member.isfile() or member.isdir()):
        return None
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    return member


def _add_folder(tar: tarfile.TarFile, name: str, folder: Path) -> int:
    """Add a folder's files under ``name`` (an empty folder when it does not exist); returns
    how many files."""
    added = []

    def counted(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
        member = _anonymous(member)
        if member is not None and member.isfile():
            added.append(member.name)
        return member

    if folder.is_dir():
        tar.add(folder, arcname=name, filter=counted)
    else:
        member = tarfile.TarInfo(name)
        member.type, member.mode, member.mtime = tarfile.DIRTYPE, 0o700, int(utcnow().timestamp())
        tar.addfile(member)
    return len(added)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size, member.mode, member.mtime = len(data), 0o600, int(utcnow().timestamp())
    tar.addfile(member, io.BytesIO(data))


# ---------------------------------------------------------------- restore


def restore_backup(path: Path, force: bool = False) -> dict | None:
    """Replace the site's database, and its upload folders, by the backup in ``path``. Returns
    the backup's manifest (None for a bare database file of the old format)."""
    dialect = _dialect()
    if kind := _old_format_kind(path):
        _check_kind(path, kind, dialect)
        _restore_database(path, dialect, force)
        return None
    with tempfile.TemporaryDirectory(prefix="eventsapp-restore-") as work, _archive(path) as tar:
        manifest = _checked_manifest(path, tar, dialect)
        tar.extract(DUMPS[dialect], work, filter="data")
        staged = _stage_uploads(tar, manifest["uploads"], force)
        try:
            _restore_database(Path(work) / DUMPS[dialect], dialect, force)
        except BaseException:
            for staging, _folder, _target in staged:
                shutil.rmtree(staging, ignore_errors=True)
            raise
    for staging, folder, target in staged:
        _put_in_place(staging, folder, target)
    return manifest


def _archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError):
        raise BackupError(f"{path} is not a backup made by `backup create`.") from None


def _old_format_kind(path: Path) -> str | None:
    with path.open("rb") as file:
        start = file.read(16)
    return next((kind for kind, magic in MAGIC.items() if start.startswith(magic)), None)


def _check_kind(path: Path, kind: str, dialect: str) -> None:
    if kind != dialect:
        raise BackupError(
            f"{path} is a backup of a {KINDS[kind]} database; this one is {KINDS[dialect]}."
        )


def _checked_manifest(path: Path, tar: tarfile.TarFile, dialect: str) -> dict:
    """The manifest, once every member of the archive is one ``backup create`` writes: files
    and folders, the uploads only inside their folders."""
    try:
        members = tar.getmembers()
        manifest = json.load(tar.extractfile(MANIFEST))
        kind, folders = manifest["database"], manifest["uploads"]
    except (KeyError, TypeError, ValueError, AttributeError, tarfile.TarError):
        raise BackupError(f"{path} is not a backup made by `backup create`.") from None
    if manifest.get("format") != FORMAT or kind not in KINDS:
        raise BackupError(f"{path} was made by another version of eventsapp: use that one.")
    _check_kind(path, kind, dialect)
    if not isinstance(folders, list) or not all(
        isinstance(name, str) and _FOLDER_NAME.fullmatch(name) for name in folders
    ):
        raise BackupError(f"{path} names upload folders that no backup has: refused.")
    for member in members:
        if not _expected_member(member, kind, folders):
            raise BackupError(
                f"{path} holds {member.name!r}, which no backup made by `backup create` does: "
                "refused, nothing was restored."
            )
    return manifest


def _expected_member(member: tarfile.TarInfo, kind: str, folders: list[str]) -> bool:
    parts = PurePosixPath(member.name).parts
    if member.name in (MANIFEST, DUMPS[kind]):
        return member.isfile()
    if not (member.isfile() or member.isdir()) or member.name != "/".join(parts):
        return False  # a link, a device, or a name written otherwise ("a//b", "./a")
    if parts == (UPLOADS,):
        return member.isdir()
    inside = all(part not in (".", "..") for part in parts)
    return inside and len(parts) >= 2 and parts[0] == UPLOADS and parts[1] in folders


def _stage_uploads(tar: tarfile.TarFile, names: list[str], force: bool) -> list:
    """Unpack each upload folder beside the one it replaces; returns ``(staging, unpacked,
    target)`` for each."""
    targets = upload_folders()
    root = Path(current_app.config["UPLOADS_FOLDER"])
    chosen = {name: targets.get(name, root / name).resolve() for name in names}
    if not force:
        for target in chosen.values():
            if target.is_dir() and any(p.is_file() for p in target.rglob("*")):
                raise BackupError(
                    f"The upload folder {target} holds files: restore into a new site, or add "
                    "--force to replace them."
                )
    staged = []
    try:
        for name, target in chosen.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.restoring-", dir=target.parent))
            staged.append((staging, staging / UPLOADS / name, target))
            prefix = f"{UPLOADS}/{name}"
            members = [m for m in tar.getmembers() if m.name.startswith(prefix + "/")]
            tar.extractall(staging, members=members, filter="data")
            (staging / prefix).mkdir(parents=True, exist_ok=True)
    except BaseException:
        for staging, _folder, _target in staged:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return staged


def _put_in_place(staging: Path, folder: Path, target: Path) -> None:
    """The unpacked folder takes the place of the target (a rename), the old one goes."""
    replaced = staging / "replaced"
    if target.exists():
        target.rename(replaced)
    folder.rename(target)
    shutil.rmtree(staging)


# The functions the migrations wrote (their triggers' bodies), which the dump writes again: those
# of the schema that no extension brought, each with its arguments ("outbox_wakes_the_worker()").
_OWN_FUNCTIONS = """
    SELECT p.oid::regprocedure::text FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = current_schema()
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e'
    )"""


def _restore_database(dump: Path, dialect: str, force: bool) -> None:
    """Replace the app's database by a database file or ``pg_dump`` file."""
    with db.engine.begin() as connection:
        if not force and (holding := tables_with_data(connection)):
            raise BackupError(
                f"The database holds data ({', '.join(holding)}): restore into a new one, "
                "empty or freshly migrated, or add --force to replace this one."
            )
        if dialect == "postgresql":
            existing = MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)  # their triggers with them
            for function in connection.scalars(text(_OWN_FUNCTIONS)).all():
                connection.execute(text(f"DROP FUNCTION {function}"))
    if dialect == "postgresql":
        _run("pg_restore", "--single-transaction", "--exit-on-error", "--no-owner",
             "--no-privileges", str(dump))  # fmt: skip
    else:
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
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


def _run(tool: str, *arguments: str) -> None:
    """A PostgreSQL client program on the app's database (its password in the environment,
    not on the command line)."""
    url = db.engine.url
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(False)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    command = [_pg_program(tool), *arguments, "--dbname", conninfo]
    done = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=False, umask=0o077
    )
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


backup = click.Group(
    "backup", help="Backups of the whole site (database and uploaded files), and their restore."
)


@backup.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file: Path):
    """Write a backup of the database and the uploaded files to FILE (a gzipped tar readable by
    its owner only)."""
    try:
        manifest = create_backup(file)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    size = file.stat().st_size / 1_000_000
    click.echo(
        f"Backed up the database (revision {manifest['revision']}) and {manifest['files']} "
        f"uploaded files to {file} ({size:.1f} MB)."
    )


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace a database that holds data (its tables are dropped) and upload folders that "
    "hold files.",
)
def restore_command(file: Path, force: bool):
    """Restore the backup in FILE into this site (a new one: its database empty or freshly
    migrated, its upload folders empty)."""
    try:
        manifest = restore_backup(file, force=force)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    files = "the database only" if manifest is None else f"{manifest.get('files')} uploaded files"
    click.echo(
        f"Restored {file} (revision {database_revision()}, {files}). "
        "Run `flask --app wsgi db upgrade` if the code is newer than the backup."
    )
