"""Agenda sessions: listing, saving and deleting, as plain functions over models.

Nothing here commits: the caller owns the transaction. Every change to a session marks its event
as updated, so that calendar feeds rebuild the event with its agenda (and only that event). A
session published or unpublished, alone or with others, is written in the event's History.
"""

import itertools
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from importlib import resources

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from ..catalogue.models import Event
from ..catalogue.services import time_zone, to_utc
from ..core.actions import describe, log_action
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.validation import time_zone_names
from ..extensions import db
from ..people.models import Organisation
from ..people.persons import new_person
from .models import AgendaSession, Speaker, name_key


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
    shares_room: bool = False


# Changing any of these tells calendar subscribers that the session moved (iCal SEQUENCE).
SCHEDULE_FIELDS = ("day", "starts_at", "ends_at", "timezone", "room")
PUBLISHED = describe("agenda_session.published", _l("Published the session %(object)s"))
UNPUBLISHED = describe("agenda_session.unpublished", _l("Unpublished the session %(object)s"))


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


def save_session(
    event: Event, session: AgendaSession, data: SessionInput, actor=None
) -> AgendaSession:
    """Apply what staff entered to a new or existing session of `event`, and add it; `actor`
    (staff, or None for the site) published or unpublished it if an existing one changes so."""
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
    refuse_clashes(event, session, data, starts_at, ends_at)
    before = {name: getattr(session, name) for name in SCHEDULE_FIELDS}
    publication_changed = session.id is not None and session.published != data.published

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
    session.shares_room = data.shares_room
    session.people = speakers_named(session.speakers)
    if session.id is not None and any(getattr(session, n) != v for n, v in before.items()):
        session.sequence = (session.sequence or 0) + 1
    touch(event)
    db.session.add(session)
    db.session.flush()
    if publication_changed:
        log_action(session, PUBLISHED if session.published else UNPUBLISHED, actor)
    return session


def publish_sessions(event: Event, session_ids: list[int], published: bool, actor) -> int:
    """Publish (or unpublish) the sessions of `event` among `session_ids` that are not so
    already, each written in the event's History; the event is marked changed once, so that its
    calendar files and feeds show them (or no longer do). Returns how many changed.

    Ids of other events' sessions, or of none, are left out (the agenda is read whole: however
    many ids are sent, one query)."""
    ticked = set(session_ids)
    sessions = [s for s in event_agenda(event) if s.id in ticked and s.published != published]
    for session in sessions:
        session.published = published
        log_action(session, PUBLISHED if published else UNPUBLISHED, actor)
    if sessions:
        touch(event)
    return len(sessions)


def speaker_lines(speakers: str) -> list[tuple[str, str]]:
    """The people of a session's speakers, one a line as "Name, position": (name, position)."""
    lines = []
    for line in (speakers or "").splitlines():
        name, _comma, role = line.partition(",")
        if name.strip():
            lines.append((" ".join(name.split())[:200], role.strip()[:300]))
    return lines


def speaker_names(speakers: str) -> set[str]:
    """The names of a session's speakers, as compared."""
    return {name_key(name) for name, _role in speaker_lines(speakers)}


def speakers_named(speakers: str) -> list[Speaker]:
    """The people of a session's speakers: those known already by their name, the others new
    (with the position written beside their name)."""
    lines = {name_key(name): (name, role) for name, role in speaker_lines(speakers)}
    if not lines:
        return []
    known = {
        s.name_key: s
        for s in db.session.scalars(select(Speaker).where(Speaker.name_key.in_(list(lines))))
    }
    for key, (name, role) in lines.items():
        if key not in known:
            person = new_person(name, position=role[:200])
            known[key] = Speaker(name=name, name_key=key, role=role, person=person)
            db.session.add(known[key])
    return [known[key] for key in lines]


def refuse_clashes(
    event: Event, session: AgendaSession, data: SessionInput, starts_at, ends_at
) -> None:
    """Refuse a session that takes a room another session of the event holds at the same time
    (unless one of them is marked as sharing its room: breaks, plenary sessions), or a speaker
    who is in another session, of any event, at the same time. The message names the other."""
    others = db.session.scalars(
        select(AgendaSession)
        .where(
            AgendaSession.starts_at < ends_at,
            AgendaSession.ends_at > starts_at,
            AgendaSession.id != (session.id or 0),
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    ).all()
    room = " ".join((data.room or "").split()).casefold()
    speakers = speaker_names(data.speakers)
    for other in others:
        other_room = " ".join((other.room or "").split()).casefold()
        if (
            room
            and other.event_id == event.id
            and other_room == room
            and not (data.shares_room or other.shares_room)
        ):
            raise InvalidInput(
                "room",
                _(
                    "%(room)s is taken at that time by \u201c%(title)s\u201d (%(day)s, "
                    "%(start)s\u2013%(end)s). Choose another room or time, or mark one of them "
                    "as sharing its room.",
                    room=other.room,
                    **_when(other),
                ),
            )
        if both := sorted(speakers & speaker_names(other.speakers)):
            raise InvalidInput(
                "speakers",
                _(
                    "%(name)s speaks at that time in \u201c%(title)s\u201d (%(day)s, "
                    "%(start)s\u2013%(end)s).",
                    name=both[0].title(),
                    **_when(other),
                ),
            )


def _when(session: AgendaSession) -> dict:
    return {
        "title": session.title,
        "day": session.day.isoformat(),
        "start": session.local_start.strftime("%H:%M"),
        "end": session.local_end.strftime("%H:%M"),
    }


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


def event_speakers(event: Event) -> list[tuple[Speaker, list[AgendaSession]]]:
    """The people speaking at an event, by name, each with their sessions there."""
    sessions = db.session.scalars(
        select(AgendaSession)
        .where(AgendaSession.event_id == event.id)
        .options(
            selectinload(AgendaSession.people).options(
                joinedload(Speaker.organisation), joinedload(Speaker.country)
            )
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    ).all()
    by_speaker: dict[int, tuple[Speaker, list[AgendaSession]]] = {}
    for session in sessions:
        for speaker in session.people:
            by_speaker.setdefault(speaker.id, (speaker, []))[1].append(session)
    return sorted(by_speaker.values(), key=lambda pair: pair[0].name_key)


def save_speaker(
    speaker: Speaker, name: str, role: str, organisation_id: int | None, country: str | None
) -> None:
    """Correct a speaker's name, position, organisation and country; the name stays unique."""
    key = name_key(name)
    other = db.session.scalar(select(Speaker.id).where(Speaker.name_key == key))
    if other is not None and other != speaker.id:
        raise InvalidInput("name", _("Another speaker is called %(name)s.", name=name.strip()))
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise InvalidInput("organisation_id", _("Choose an organisation from the list."))
    speaker.name, speaker.name_key = " ".join(name.split()), key
    speaker.role = (role or "").strip()
    speaker.organisation_id = organisation_id
    speaker.country_code = country or None
