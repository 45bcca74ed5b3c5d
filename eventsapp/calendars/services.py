"""Calendar feeds, the yearly calendar of activities and its exports, personal feed links.

Subscribers poll feeds every few hours while events change rarely, so a feed is served like this:

1. One small aggregate query over the feed's events (how many, their last change, the sum of
   their ids) gives, with the feed's URL and name and the site, the feed's ETag; the last change
   is its Last-Modified. A conditional request that matches gets a 304: nothing is built.
2. The whole text of each feed is kept under its ETag: a repeated request is that one query and
   a lookup.
3. Otherwise the feed is put together from the text of each event (and of its agenda), kept per
   event under the event's ``(updated_at, sequence)``. One query reads the ids and stamps of the
   feed's events in order; only the events whose stamp is not in the cache are read (one query
   for the events, one for their agendas) and written again. An edit rebuilds that event only.

Saving an event, or a session of its agenda, sets the event's ``updated_at``, so the stamps change
with everything a feed shows. The texts are kept in each process (``SizedCache`` in
``app.extensions``, at most ``CALENDAR_CACHE_MB``) and checked against the database on every
request, so that no process serves text older than the database.

Nothing here commits: the caller owns the transaction.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from babel.dates import get_month_names
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..agenda.services import shown_sessions
from ..catalogue.models import Event, EventKind, Programme
from ..catalogue.services import EVENT_ORDER, EventFilters, filtered_events, narrow_events
from ..core.clock import utcnow
from ..core.links import route_path
from ..extensions import db
from ..registration.models import Registration, Status
from .cache import SizedCache
from .ical import CALENDAR_END, FeedContext, calendar_head, event_text, session_text

# Raise it when the text of feeds changes, so that the ETags clients hold stop matching.
FEED_FORMAT = 1
# When more events than this are missing from the cache, they are read through the feed's own
# conditions rather than by a list of ids.
BY_ID_LIMIT = 500


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
    etag: str
    last_modified: datetime | None


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


def feed_version(feed: Feed, context: FeedContext | None = None) -> FeedVersion:
    """The ETag and Last-Modified of a feed, from one aggregate query over its events."""
    count, last_change, id_sum = db.session.execute(
        feed.events.with_only_columns(
            func.count(Event.id), func.max(Event.updated_at), func.coalesce(func.sum(Event.id), 0)
        )
    ).one()
    context = context or FeedContext.current()
    fingerprint = (FEED_FORMAT, feed.url, feed.name, context, count, last_change)
    etag = hashlib.sha256(repr((*fingerprint, int(id_sum))).encode()).hexdigest()[:32]
    last_modified = last_change.replace(tzinfo=UTC) if last_change else None
    return FeedVersion(etag, last_modified)


def feed_text(feed: Feed, version: FeedVersion, context: FeedContext | None = None) -> bytes:
    """The iCalendar text of a feed, from the caches where they still hold (see above)."""
    cache = _cache()
    text = cache.get(("feed", feed.url), version.etag)
    if text is not None:
        return text
    context = context or FeedContext.current()
    rows = db.session.execute(
        feed.events.with_only_columns(Event.id, Event.updated_at, Event.sequence).order_by(
            *EVENT_ORDER
        )
    ).all()
    stamps = {row.id: (row.updated_at, row.sequence, context) for row in rows}
    events = _cached_parts("event", stamps, lambda ids: _write_events(feed, ids, context))
    agendas = {}
    if feed.with_agenda:
        agendas = _cached_parts("agenda", stamps, lambda ids: _write_agendas(feed, ids, context))
    parts = [calendar_head(feed.name, feed.url)]
    for event_id in stamps:
        parts += [events.get(event_id, b""), agendas.get(event_id, b"")]
    parts.append(CALENDAR_END)
    text = b"".join(parts)
    cache.put(("feed", feed.url), version.etag, text)
    return text


def event_ics(event: Event, context: FeedContext | None = None) -> bytes:
    """One event with its agenda as an .ics file: its download link, and with a context of the
    site's own address (``FeedContext.of_site``) for confirmation emails."""
    context = context or FeedContext.current()
    url = context.url_root.rstrip("/") + route_path("calendars.event_file", event_id=event.id)
    feed = event_feed(url, event)
    return feed_text(feed, feed_version(feed, context), context)


def clear_feed_cache() -> None:
    """Forget every kept text, so that the next requests build feeds from the database (the
    benchmark's cold build)."""
    _cache().clear()


def _cache() -> SizedCache:
    extensions = current_app.extensions
    if "calendar_cache" not in extensions:
        megabytes = current_app.config["CALENDAR_CACHE_MB"]
        extensions["calendar_cache"] = SizedCache(megabytes * 2**20)
    return extensions["calendar_cache"]


def _cached_parts(kind: str, stamps: dict, write) -> dict[int, bytes]:
    """The text of each event (by id) from the cache where its stamp matches, else `write`n."""
    cache = _cache()
    parts, missing = {}, []
    for event_id, stamp in stamps.items():
        text = cache.get((kind, event_id), stamp)
        if text is None:
            missing.append(event_id)
        else:
            parts[event_id] = text
    if missing:
        written = write(missing)
        for event_id, text in written.items():
            cache.put((kind, event_id), stamps[event_id], text)
        parts.update(written)
    return parts


def _write_events(feed: Feed, ids: list[int], context: FeedContext) -> dict[int, bytes]:
    stmt = feed.events.options(joinedload(Event.venue))
    if len(ids) <= BY_ID_LIMIT:
        stmt = stmt.where(Event.id.in_(ids))
    wanted = set(ids)
    return {e.id: event_text(e, context) for e in db.session.scalars(stmt) if e.id in wanted}


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


# ---------------------------------------------------------------- the yearly calendar


def year_calendar(filters: EventFilters) -> list[tuple[int, list[Event]]]:
    """The events overlapping the filters' year, month by month, in window order.

    Each event is listed under the month it starts in (January for one that began the year
    before). Three queries, whatever the number of events (see ``filtered_events``).
    """
    first_day = date(filters.year, 1, 1)
    months: dict[int, list[Event]] = defaultdict(list)
    for event in db.session.scalars(filtered_events(filters)).unique():
        months[max(event.starts_on, first_day).month].append(event)
    return sorted(months.items())


def nearest_years_with_events(filters: EventFilters) -> tuple[int | None, int | None]:
    """The last year before and the first year after ``filters.year`` with matching events (for
    an empty year). Two small queries."""
    first, last = date(filters.year, 1, 1), date(filters.year, 12, 31)
    others = replace(filters, year=None, month=None)
    before = db.session.scalar(
        narrow_events(select(func.max(Event.ends_on)), others).where(Event.ends_on < first)
    )
    after = db.session.scalar(
        narrow_events(select(func.min(Event.starts_on)), others).where(Event.starts_on > last)
    )
    return (before.year if before else None), (after.year if after else None)


def calendar_table(months: list[tuple[int, list[Event]]]) -> tuple[list[str], list[list]]:
    """The yearly calendar as a header and rows, for spreadsheets: dates are dates."""
    header = [
        _("Month"),
        _("Starts"),
        _("Ends"),
        _("Dates as written"),
        _("Tentative"),
        _("Activity"),
        _("Kind"),
        _("Status"),
        _("Programme"),
        _("Venue"),
        _("Requesting countries"),
        _("Candidate countries"),
        _("Participating countries"),
        _("Audience"),
        _("Partners"),
        _("Link"),
    ]
    rows = []
    month_names = get_month_names("wide", locale=get_locale())
    for month, events in months:
        for event in events:
            rows.append(
                [
                    month_names[month],
                    event.starts_on,
                    event.ends_on,
                    event.date_text,
                    _("yes") if event.is_tentative else "",
                    event.title,
                    event.kind_label,
                    event.status_label,
                    event.programme.short_name if event.programme else "",
                    event.venue_label,
                    ", ".join(sorted(c.name for c in event.requesting_countries)),
                    ", ".join(sorted(c.name for c in event.candidate_countries)),
                    ", ".join(sorted(c.name for c in event.participant_countries)),
                    event.audience or "",
                    ", ".join(sorted(o.short_name for o in event.partners)),
                    url_for("site.event_page", event_id=event.id, _external=True),
                ]
            )
    return header, rows


# ---------------------------------------------------------------- personal feed links

FEED_TOKEN_SALT = "personal-calendar-feed"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_TOKEN_SALT)


def feed_token(user: User) -> str:
    """The signed token of an account's personal feed URL; a reset makes a new one."""
    return _serializer().dumps([user.id, user.feed_token_version])


def user_for_feed_token(token: str) -> User | None:
    """The active account whose current token this is, or None (forged, old or closed)."""
    try:
        user_id, version = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or user.feed_token_version != version:
        return None
    return user


def reset_feed_token(user: User) -> None:
    """Turn the account's current personal feed URL away; the next token differs."""
    user.feed_token_version = (user.feed_token_version or 0) + 1
