"""Calendar text kept for every worker: in the process (``SizedCache``, at most
``CALENDAR_CACHE_MB``) and behind it in the database (``CalendarText``, ``CalendarDocument``).

Every entry carries the version it was written for (an event's ``updated_at`` and ``sequence``,
a document's ETag), which the caller reads from the database on each request: a lookup names the
version it expects and misses on any other, so nothing older than the database is served, by any
process. What one worker writes, the others read instead of building it again, and it survives a
restart. Writing is best effort, in a savepoint of the request's transaction: a conflict (another
worker writing the same rows, an event deleted meanwhile) leaves the text unstored, never fails
the request. Nothing here commits.
"""

import hashlib
import sqlite3
from collections.abc import Hashable

from flask import current_app
from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from .cache import SizedCache
from .models import CalendarDocument, CalendarText

# Past this many events, stored texts are looked up through the feed's own conditions rather
# than by a list of ids.
BY_ID_LIMIT = 500


def fingerprint(*values: Hashable) -> str:
    """A short digest of what a text depends on (for keys and versions)."""
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


def process_cache() -> SizedCache:
    extensions = current_app.extensions
    if "calendar_cache" not in extensions:
        megabytes = current_app.config["CALENDAR_CACHE_MB"]
        extensions["calendar_cache"] = SizedCache(megabytes * 2**20)
    return extensions["calendar_cache"]


def event_texts(
    parts: list[str], context: str, versions: dict[int, str], events: Select, write
) -> dict[str, dict[int, bytes]]:
    """The text of each part (``"event"``, ``"agenda"``) of each event (``versions``: id →
    version), from the process, else the database, else ``write(part, ids)`` and stored.

    ``events`` selects the events' ids (the feed's conditions), to read many stored texts by."""
    cache = process_cache()
    found: dict[str, dict[int, bytes]] = {part: {} for part in parts}
    missing = set()
    for part in parts:
        for event_id, version in versions.items():
            text = cache.get((part, event_id, context), version)
            if text is None:
                missing.add(event_id)
            else:
                found[part][event_id] = text
    if not missing:
        return found
    wanted = {event_id: versions[event_id] for event_id in sorted(missing)}
    for part, event_id, version, text in _stored(parts, context, wanted, events):
        if wanted.get(event_id) == version:
            found[part][event_id] = text
            cache.put((part, event_id, context), version, text)
    rows = []
    for part in parts:
        unwritten = [i for i in versions if i in missing and i not in found[part]]
        if not unwritten:
            continue
        for event_id, text in write(part, unwritten).items():
            found[part][event_id] = text
            cache.put((part, event_id, context), versions[event_id], text)
            rows.append(
                {
                    "event_id": event_id,
                    "part": part,
                    "context": context,
                    "version": versions[event_id],
                    "text": text,
                }
            )
    _upsert(CalendarText, sorted(rows, key=lambda r: (r["event_id"], r["part"])))
    return found


def _stored(parts: list[str], context: str, wanted: dict[int, str], events: Select):
    """The stored texts (part, event id, version, text) of the events ``wanted`` (id → version):
    one statement.

    On PostgreSQL only those of the versions wanted are read, matched in the database against
    the ids and versions sent as two arrays: after a change to every event of a year, the
    megabytes of texts of their older versions stay there. Elsewhere, the texts of the events
    (by id, or through the feed's conditions past ``BY_ID_LIMIT``), the caller comparing
    versions."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        table = CalendarText.__tablename__
        statement = (
            f"SELECT t.part, t.event_id, t.version, t.text FROM {table} AS t"
            " JOIN unnest(%b::integer[], %b::text[]) AS wanted (event_id, version)"
            " ON t.event_id = wanted.event_id AND t.version = wanted.version"
            " WHERE t.context = %s AND t.part = ANY(%s)"
        )
        parameters = (list(wanted), list(wanted.values()), context, parts)
        return connection.exec_driver_sql(statement, parameters)
    ids = list(wanted) if len(wanted) <= BY_ID_LIMIT else events
    return db.session.execute(
        select(CalendarText.part, CalendarText.event_id, CalendarText.version, CalendarText.text)
        .where(CalendarText.context == context, CalendarText.part.in_(parts))
        .where(CalendarText.event_id.in_(ids))
    )


def document(key: str, version: str, shared: bool) -> bytes | None:
    """A whole download kept under ``key`` for ``version``, or None. Only ``shared`` ones are
    looked up in the database (see ``store_document``)."""
    body = process_cache().get(("document", key), version)
    if body is None and shared:
        body = db.session.scalar(
            select(CalendarDocument.body).where(
                CalendarDocument.key == key, CalendarDocument.version == version
            )
        )
        if body is not None:
            process_cache().put(("document", key), version, body)
    return body


def store_document(key: str, version: str, body: bytes, shared: bool) -> None:
    """Keep a download in the process, and when ``shared`` in the database too: only the
    unfiltered calendars are, so that the combinations of filters cannot fill the database."""
    process_cache().put(("document", key), version, body)
    if shared:
        _upsert(CalendarDocument, [{"key": key, "version": version, "body": body}])


def forget_everything() -> None:
    """Empty the process's cache and the database's tables (the benchmark's cold start)."""
    process_cache().clear()
    db.session.execute(delete(CalendarText))
    db.session.execute(delete(CalendarDocument))


def _upsert(model, rows: list[dict]) -> None:
    """Insert the rows, or update those already there (same primary key), in a savepoint: in one
    statement, however many they are (a feed's first build writes thousands)."""
    if not rows:
        return
    connection = db.session.connection()
    try:
        with db.session.begin_nested():
            for statement, parameters in _upsert_statements(model, rows, connection):
                connection.exec_driver_sql(statement, parameters)
    except (IntegrityError, OperationalError):
        current_app.logger.info("Calendar text not stored: written meanwhile elsewhere.")


def _upsert_statements(model, rows: list[dict], connection) -> list[tuple[str, tuple]]:
    """INSERT … ON CONFLICT DO UPDATE of every row, written for the driver (SQLAlchemy would take
    longer to compile thousands of rows than the database to store them).

    On PostgreSQL, one statement: each column's values as one array, in binary (``%b``: twice as
    quick as text for the texts' bytes), spread into rows by ``unnest``. On SQLite, the rows as
    VALUES, as many per statement as its limit of parameters allows (250,000 on Debian's)."""
    table = model.__table__
    names = [column.name for column in table.columns]
    keys = [column.name for column in table.primary_key.columns]
    on_conflict = f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET " + ", ".join(
        f"{name} = excluded.{name}" for name in names if name not in keys
    )
    insert = f"INSERT INTO {table.name} ({', '.join(names)}) "
    dialect = connection.dialect
    if dialect.name == "postgresql":
        arrays = ", ".join(f"%b::{column.type.compile(dialect)}[]" for column in table.columns)
        values = tuple([row[name] for row in rows] for name in names)
        return [(f"{insert}SELECT * FROM unnest({arrays}){on_conflict}", values)]
    limit = connection.connection.driver_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, limit // len(names))
    one_row = "(" + ", ".join("?" * len(names)) + ")"
    statements = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = tuple(row[name] for row in chunk for name in names)
        # "WHERE true" would be needed after a SELECT; after VALUES, ON CONFLICT is unambiguous.
        statements.append(
            (f"{insert}VALUES {', '.join([one_row] * len(chunk))}{on_conflict}", values)
        )
    return statements
