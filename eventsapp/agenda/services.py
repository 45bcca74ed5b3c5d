"""Agenda sessions: listing, saving and deleting, as plain functions over models.

Nothing here commits: the caller owns the transaction. Every change to a session marks its event
as updated, so that calendar feeds rebuild the event with its agenda (and only that event).
"""

import itertools
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from importlib import resources

from flask_babel import gettext as _
from sqlalchemy import Select, select

from ..catalogue.models import Event
from ..catalogue.services import time_zone, to_utc
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.validation import time_zone_names
from ..extensions import db
from .models import AgendaSession


@dataclass
class SessionInput:
    """What staff enter for a session, already read from the form."""

    day: date
    start_time: time
    end_time: time
    timezone: str
    title: str
    kind: str
    speakers: str = ""
    room: str | None = None
    language: str | None = None
    interpretation: bool = False
    published: bool = True


# Changing any of these tells calendar subscribers that the session moved (iCal SEQUENCE).
SCHEDULE_FIELDS = ("day", "starts_at", "ends_at", "timezone", "room")


def shown_sessions() -> Select:
    """The sessions the public sees: published, on a day of their event's dates (an event that
    moved leaves its old agenda behind until staff move it too). Joined to their event."""
    return (
        select(AgendaSession)
        .join(AgendaSession.event)
        .where(AgendaSession.published, AgendaSession.day.between(Event.starts_on, Event.ends_on))
    )


def event_agenda(event: Event, public: bool = False) -> list[AgendaSession]:
    """The sessions of an event in the order they happen: all of them, or those shown."""
    stmt = shown_sessions() if public else select(AgendaSession)
    stmt = stmt.where(AgendaSession.event_id == event.id)
    return list(
        db.session.scalars(
            stmt.order_by(AgendaSession.starts_at, AgendaSession.ends_at, AgendaSession.id)
        )
    )


def agenda_by_day(sessions: list[AgendaSession]) -> list[tuple[date, list[AgendaSession]]]:
    """Sessions (in the order they happen) grouped by their day."""
    ordered = sorted(sessions, key=lambda s: (s.day, s.starts_at, s.id))
    return [(day, list(group)) for day, group in itertools.groupby(ordered, lambda s: s.day)]


def next_session_start(event: Event, sessions: list[AgendaSession]) -> tuple[date, time | None]:
    """Where a new session most likely goes: when the last one ends, else on the first day."""
    if not sessions:
        return event.starts_on, None
    last = max(sessions, key=lambda s: s.ends_at)
    return last.day, last.local_end


def get_session(event_id: int, session_id: int) -> AgendaSession | None:
    session = db.session.get(AgendaSession, session_id)
    return session if session is not None and session.event_id == event_id else None


def save_session(event: Event, session: AgendaSession, data: SessionInput) -> AgendaSession:
    """Apply what staff entered to a new or existing session of `event`, and add it."""
    if not event.starts_on <= data.day <= event.ends_on:
        raise InvalidInput(
            "day",
            _("Choose a day within the event's dates, %(window)s.", window=event.window_label),
        )
    zone = time_zone(data.timezone)
    starts_at = to_utc(data.day, data.start_time, zone)
    ends_at = to_utc(data.day, data.end_time, zone)
    if ends_at <= starts_at:
        raise InvalidInput("end_time", _("The session must end after it starts."))
    before = {name: getattr(session, name) for name in SCHEDULE_FIELDS}

    session.event_id = event.id
    session.day = data.day
    session.starts_at, session.ends_at, session.timezone = starts_at, ends_at, zone.key
    session.title = data.title.strip()
    session.kind = data.kind
    session.speakers = (data.speakers or "").strip()
    session.room = (data.room or "").strip() or None
    session.language = data.language or None
    session.interpretation = data.interpretation
    session.published = data.published
    if session.id is not None and any(getattr(session, n) != v for n, v in before.items()):
        session.sequence = (session.sequence or 0) + 1
    touch(event)
    db.session.add(session)
    db.session.flush()
    return session


def delete_session(session: AgendaSession) -> None:
    touch(session.event)
    db.session.delete(session)


def touch(event: Event) -> None:
    """Mark the event as changed, so that calendar feeds rebuild it with its agenda."""
    event.updated_at = utcnow()


def default_timezone(event: Event) -> str:
    """The time zone offered for a new session: the event's, the one its agenda uses, or the
    main one of the venue's country ("" when none of these is known)."""
    if event.timezone:
        return event.timezone
    used = db.session.scalar(
        select(AgendaSession.timezone)
        .where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.id.desc())
        .limit(1)
    )
    if used:
        return used
    return _main_zones().get(event.venue.country_code, "") if event.venue else ""


@cache
def _main_zones() -> dict[str, str]:
    """Each country's first zone in the time zone database's zone.tab (its most populous)."""
    zones: dict[str, str] = {}
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, zone, *_comment = line.split("\t")
            zones.setdefault(code, zone)
    return zones


@cache
def time_zone_choices() -> list[str]:
    """Every IANA time zone name, sorted, for the form's suggestions."""
    return sorted(time_zone_names())
