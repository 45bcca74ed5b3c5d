"""Row locks for state changes: a change is decided on the row as the lock finds it."""

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db


def reread_locked(instance) -> None:
    """Lock the row of a loaded instance until the transaction ends (PostgreSQL; SQLite writes
    one transaction at a time), and read it again as the lock finds it: a second click waits for
    the first and sees what it changed."""
    mapper = inspect(instance).mapper
    key = mapper.primary_key_from_instance(instance)
    db.session.execute(
        select(*mapper.primary_key)
        .where(*(column == value for column, value in zip(mapper.primary_key, key, strict=True)))
        .with_for_update()
    )
    db.session.refresh(instance)


def added_unless_taken(row) -> bool:
    """Add ``row`` in a savepoint: False (and nothing added) when a unique constraint says
    another transaction has just added the same, as a double click or two staff at once do."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True
