"""Calendar feeds and personal feed links.

Subscribers poll feeds every few hours while events change rarely, so a feed is served like this:

1. One narrow query reads the id, ``updated_at`` and ``sequence`` of the feed's events in order;
   a digest of them, with the feed's URL and name and the site, is the feed's ETag (it changes
   whenever an event joins or leaves the feed, or any of them is saved); the last change is its
   Last-Modified. A conditional request that matches gets a 304: nothing is built.
2. The whole text of each feed is kept in the process under its ETag: a repeated request is that
   one query and a lookup.
3. Otherwise the feed is put together from the text of each event (and of its agenda), kept by
   ``calendars.store`` under the event's version in the process and in the database, so that
   what one worker wrote serves the others and survives restarts. Only the events whose text is
   kept nowhere are read (one query for the events, one for their agendas) and written; an edit
   rebuilds that event only.

Saving an event, or a session of its agenda, sets the event's ``updated_at``, so the versions
change with everything a feed shows.

Nothing here commits: the caller owns the transaction.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, Select, select
from sqlalchemy.orm import aliased, contains_eager

from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..agenda.services import shown_sessions
from ..catalogue.models import Event, EventKind, EventTranslation, Programme, Venue
from ..catalogue.services import EVENT_ORDER, EventFilters, narrow_events
from ..core.clock import utcnow
from ..core.links import route_path
from ..core.tokens import CALENDAR_FEED, ids_in
from ..extensions import db
from ..registration.models import Registration, Status
from .ical import (
    CALENDAR_END,
    EVENT_COLUMNS,
    FeedContext,
    calendar_head,
    event_text,
    session_text,
)
from .store import BY_ID_LIMIT, event_texts, fingerprint, forget_everything, process_cache

# Raise it when the text of feeds changes, so that the ETags clients hold, and the text kept in
# the database by an older release, stop matching.
FEED_FORMAT = 5


@dataclass(frozen=True)
class Feed:
    """A calendar feed: its canonical URL (its key and ``SOURCE``), name and events.

    ``events`` is a select of ``Event`` with the feed's conditions, without order or options.
    """

    url: str
    name: str
    events: Select
    with_agenda: bool = False
    private: bool = False


@dataclass(frozen=True)
class FeedVersion:
    """A feed's validators, and the version of each of its events in the feed's order."""

    etag: str
    last_modified: datetime | None
    versions: dict[int, str] = field(default_factory=dict, compare=False)


def year_feed(url: str, filters: EventFilters) -> Feed:
    """Every event whose window overlaps the filters' year, cancelled ones included."""
    details = [
        EventKind(filters.kind).label if filters.kind else None,
        filters.programme.short_name if filters.programme else None,
        filters.country,
        filters.region,
    ]
    name = _("%(site)s calendar %(year)s", site=current_app.config["SITE_NAME"], year=filters.year)
    if details := [d for d in details if d]:
        name += f" ({', '.join(details)})"
    return Feed(url, name, narrow_events(select(Event), filters))


def programme_feed(url: str, programme: Programme) -> Feed:
    return Feed(url, programme.name, select(Event).where(Event.programme_id == programme.id))


def event_feed(url: str, event: Event) -> Feed:
    """One event with its published agenda."""
    return Feed(url, event.title, select(Event).where(Event.id == event.id), with_agenda=True)


def personal_feed(url: str, user: User) -> Feed:
    name = _("%(site)s: my events", site=current_app.config["SITE_NAME"])
    return Feed(url, name, personal_events(user), with_agenda=True, private=True)


def personal_events(user: User) -> Select:
    """The events of an account's personal feed.

    Staff follow the centre's work: every event that ends on or after 1 January of last year,
    cancelled ones included. Delegates follow the events they registered for.
    """
    if user.is_staff:
        return select(Event).where(Event.ends_on >= date(utcnow().date().year - 1, 1, 1))
    return select(Event).where(Event.id.in_(registered_event_ids(user)))


def registered_event_ids(user: User) -> Select:
    """The events a delegate registered for and has not withdrawn from or been declined."""
    return select(Registration.event_id).where(
        Registration.user_id == user.id,
        Registration.status.not_in((Status.DECLINED, Status.WITHDRAWN)),
    )


# ---------------------------------------------------------------- serving feeds


def event_stamps(events: Select) -> list[Row]:
    """The id, start, last change and sequence of each selected event, in the calendars' order:
    one narrow query."""
    columns = (Event.id, Event.starts_on, Event.updated_at, Event.sequence)
    return db.session.execute(events.with_only_columns(*columns).order_by(*EVENT_ORDER)).all()


def versions_of(stamps: list[Row]) -> dict[int, str]:
    """Each event's version (the format its text is written in, its last change and sequence),
    by id, in order: text stored by an older release is never served by a newer one."""
    return {row.id: f"{FEED_FORMAT}/{row.updated_at.isoformat()}/{row.sequence}" for row in stamps}


def versions_digest(versions: dict[int, str]) -> str:
    """A digest of every (id, version) pair in order: it changes whenever one does."""
    digest = hashlib.sha256()
    for event_id, version in versions.items():
        digest.update(f"{event_id}={version};".encode())
    return digest.hexdigest()


def feed_version(feed: Feed, context: FeedContext | None = None) -> FeedVersion:
    """The ETag and Last-Modified of a feed, from one narrow query over its events."""
    stamps = event_stamps(feed.events)
    versions = versions_of(stamps)
    last_change = max((row.updated_at for row in stamps), default=None)
    context = context or FeedContext.current()
    etag = fingerprint(FEED_FORMAT, feed.url, feed.name, context, versions_digest(versions))
    last_modified = last_change.replace(tzinfo=UTC) if last_change else None
    return FeedVersion(etag, last_modified, versions)


def feed_text(feed: Feed, version: FeedVersion, context: FeedContext | None = None) -> bytes:
    """The iCalendar text of a feed, from the caches where they still hold (see above)."""
    cache = process_cache()
    text = cache.get(("feed", feed.url), version.etag)
    if text is not None:
        return text
    context = context or FeedContext.current()
    parts = ["event", "agenda"] if feed.with_agenda else ["event"]

    def write(part: str, ids: list[int]) -> dict[int, bytes]:
        writer = _write_events if part == "event" else _write_agendas
        return writer(feed, ids, context)

    ids = feed.events.with_only_columns(Event.id)
    texts = event_texts(parts, fingerprint(context), version.versions, ids, write)
    chunks = [calendar_head(feed.name, feed.url)]
    for event_id in version.versions:
        chunks += [texts[part].get(event_id, b"") for part in parts]
    chunks.append(CALENDAR_END)
    text = b"".join(chunks)
    cache.put(("feed", feed.url), version.etag, text)
    return text


def event_ics(event: Event, context: FeedContext | None = None) -> bytes:
    """One event with its agenda as an .ics file (its download, and the confirmation email's)."""
    context = context or FeedContext.current()
    url = context.url_root.rstrip("/") + route_path("calendars.event_file", event_id=event.id)
    feed = event_feed(url, event)
    return feed_text(feed, feed_version(feed, context), context)


def clear_feed_cache() -> None:
    """Forget every kept text, in the process and in the database, so that the next requests
    build feeds from the events (the benchmark's cold build)."""
    forget_everything()


def _write_events(feed: Feed, ids: list[int], context: FeedContext) -> dict[int, bytes]:
    """The events' texts, written from rows of the columns they show and their venue: a year's
    thousands of ``Event`` objects took longer to load than the rows to read, and made the
    garbage collector's full scans of the process more frequent while they were written."""
    venue = aliased(Venue, name="venue")
    stmt = feed.events.with_only_columns(*EVENT_COLUMNS, venue).outerjoin_from(
        Event, venue, Event.venue_id == venue.id
    )
    if len(ids) <= BY_ID_LIMIT:
        stmt = stmt.where(Event.id.in_(ids))
    wanted = set(ids)
    if context.in_original:
        return {e.id: event_text(e, context) for e in db.session.execute(stmt) if e.id in wanted}
    translation = aliased(EventTranslation, name="translation")
    stmt = stmt.add_columns(
        *(getattr(translation, name).label(f"translated_{name}") for name in TRANSLATED)
    ).outerjoin(
        translation,
        (translation.event_id == Event.id) & (translation.locale == context.language),
    )
    return {
        e.id: event_text(_in_language(e), context)
        for e in db.session.execute(stmt)
        if e.id in wanted
    }


# What a feed in another language than the events' shows as staff translated it.
TRANSLATED = ("title", "purpose", "audience")


def _in_language(row: Row) -> SimpleNamespace:
    """A row of ``EVENT_COLUMNS`` with the title, purpose and audience staff translated into
    the feed's language, where they did (else the original's, as pages show them)."""
    values = row._asdict()
    for name in TRANSLATED:
        if translated := values.pop(f"translated_{name}"):
            values[name] = translated
    return SimpleNamespace(**values)


def _write_agendas(feed: Feed, ids: list[int], context: FeedContext) -> dict[int, bytes]:
    """The sessions shown of each event, as one text per event (empty without agenda)."""
    events = ids if len(ids) <= BY_ID_LIMIT else feed.events.with_only_columns(Event.id)
    stmt = (
        shown_sessions()
        .options(contains_eager(AgendaSession.event).joinedload(Event.venue))
        .where(AgendaSession.event_id.in_(events))
        .order_by(AgendaSession.event_id, AgendaSession.starts_at, AgendaSession.id)
    )
    texts: dict[int, list[bytes]] = {event_id: [] for event_id in ids}
    for session in db.session.scalars(stmt):
        if session.event_id in texts:
            texts[session.event_id].append(session_text(session, context))
    return {event_id: b"".join(parts) for event_id, parts in texts.items()}


# ---------------------------------------------------------------- personal feed links


def feed_token(user: User) -> str:
    """The signed token of an account's personal feed URL; a reset makes a new one."""
    return CALENDAR_FEED.sign([user.id, user.feed_token_version])


def user_for_feed_token(token: str) -> User | None:
    """The active account whose current token this is, or None (forged, old or closed)."""
    ids = ids_in(CALENDAR_FEED.read(token), 2)
    user = db.session.get(User, ids[0]) if ids else None
    if user is None or not user.is_active or user.feed_token_version != ids[1]:
        return None
    return user


def reset_feed_token(user: User) -> None:
    """Turn the account's current personal feed URL away; the next token differs."""
    user.feed_token_version = (user.feed_token_version or 0) + 1
