"""The API's events, read column by column, a page at a time; and the JSON shapes of the API.

A list of events is served like the calendar feeds:

1. One aggregate query over the matching events, grouped by programme and section, gives the total
   and the page's ETag: the count, the sum of ids, and the latest and the sum of the last changes
   of the events (the sum changes with every save, whichever machine's clock stamped it, where
   the latest would miss a save stamped by a clock a little behind another's), with the
   programme names and section codes that their JSON shows (these change without touching the
   events).
2. Pages are kept in each process under their URL and that ETag. The ETag is a function of the
   database alone, so every process of every app server gives the same one for the same data,
   and a kept page is served only while it is current: two servers answer a URL, a cursor
   included, alike. A repeated request is that one query and a lookup; a conditional one gets a
   304, from any server.
3. Otherwise one query reads the page's columns (events, programme, section and venue joined),
   starting after the cursor: never whole entities, so the number of queries stays the same
   whatever the number of events.

Cursors hold what the next page needs (the sort key of the last event shown), signed with
``SECRET_KEY``: any server that shares the key reads them, and none keeps anything for them.

Nothing here commits.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, Select, func, select, tuple_
from sqlalchemy.orm import aliased

from ..catalogue.models import Event, Programme, ProgrammeSection, Venue
from ..catalogue.services import EVENT_ORDER, EventFilters, narrow_events
from ..core.dates import DateWindow
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.tokens import API_CURSOR
from ..core.validation import MAX_ID, parse_number
from ..extensions import db
from .schemas import DEFAULT_LIMIT, MAX_LIMIT

# Raise it when the JSON of events changes, so that the ETags clients hold stop matching.
EVENTS_FORMAT = 1
# Pages kept per process (at most MAX_LIMIT events, about 200 kB, each).
KEPT_PAGES = 64
_KEPT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Paging:
    limit: int = DEFAULT_LIMIT
    after: tuple | None = None  # the sort key of the last event of the previous page


@dataclass(frozen=True)
class EventsVersion:
    total: int
    etag: str


@dataclass(frozen=True)
class EventsPage:
    body: bytes
    next_cursor: str | None


def parse_paging(args, read_key=None) -> Paging:
    """``limit`` and ``cursor`` from query parameters; InvalidInput naming the one that is wrong.
    ``read_key`` turns the value a cursor holds into the list's sort key (events' by default),
    raising ValueError or TypeError when it cannot."""
    raw = (args.get("limit") or "").strip()
    limit = parse_number(raw) if raw else DEFAULT_LIMIT
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", _("limit must be a number from 1 to %(most)s.", most=MAX_LIMIT))
    cursor = (args.get("cursor") or "").strip()
    return Paging(limit, _read_cursor(cursor, read_key or _event_key) if cursor else None)


def cursor_of(key: list) -> str:
    """The cursor of a page starting after the item whose sort key is ``key`` (JSON values)."""
    return API_CURSOR.sign(key)


def _write_cursor(row: Row) -> str:
    return cursor_of([row.starts_on.isoformat(), row.ends_on.isoformat(), row.title, row.id])


def _event_key(value) -> tuple:
    starts, ends, title, event_id = value
    return date.fromisoformat(starts), date.fromisoformat(ends), title, event_id


def _read_cursor(cursor: str, read_key) -> tuple:
    """The sort key a cursor of ours holds (signed: no other is read); InvalidInput otherwise."""
    key = API_CURSOR.read(cursor)
    try:
        return read_key(key)
    except (ValueError, TypeError):
        raise InvalidInput(
            "cursor", _("This cursor is not one the API gave: start again from the first page.")
        ) from None


# ---------------------------------------------------------------- reading events


def events_version(filters: EventFilters, url: str) -> EventsVersion:
    """The number of events matching the filters and the ETag of the page at ``url``."""
    programme, section = aliased(Programme), aliased(ProgrammeSection)
    stmt = (
        select(
            func.count(Event.id),
            func.max(Event.updated_at),
            func.sum(_instant(Event.updated_at)),
            func.sum(Event.id),
            programme.id,
            programme.acronym,
            programme.name,
            section.id,
            section.code,
        )
        .select_from(Event)
        .outerjoin(programme, programme.id == Event.programme_id)
        .outerjoin(section, section.id == Event.section_id)
        .group_by(programme.id, programme.acronym, programme.name, section.id, section.code)
        .order_by(programme.id, section.id)
    )
    groups = [tuple(row) for row in db.session.execute(narrow_events(stmt, filters))]
    fingerprint = repr((EVENTS_FORMAT, url, groups)).encode()
    return EventsVersion(
        sum(group[0] for group in groups), hashlib.sha256(fingerprint).hexdigest()[:32]
    )


def _instant(moment):
    """A time as a number (seconds, or days on SQLite), to the microsecond on PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", moment)
    return func.julianday(moment)


def events_page(filters: EventFilters, paging: Paging, url: str, version: EventsVersion):
    """The JSON of one page of events, from the pages kept in this process while their ETag is
    current (the same in every process: see above)."""
    kept = _kept_pages()
    with _KEPT_LOCK:
        page = kept.get(url)
        if page is not None and page[0] == version.etag:
            kept.move_to_end(url)
            return page[1]
    stmt = narrow_events(_event_columns(), filters)
    if paging.after:
        stmt = stmt.where(tuple_(*EVENT_ORDER) > tuple_(*paging.after))
    rows = db.session.execute(stmt.order_by(*EVENT_ORDER).limit(paging.limit + 1)).all()
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    event_url = _event_urls()
    page = EventsPage(
        current_app.json.dumps([_event_json(row, event_url) for row in rows]).encode(),
        _write_cursor(rows[-1]) if more else None,
    )
    with _KEPT_LOCK:
        kept[url] = (version.etag, page)
        kept.move_to_end(url)
        while len(kept) > KEPT_PAGES:
            kept.popitem(last=False)
    return page


def event_json(event_id: int) -> dict | None:
    """One event in the shape of the lists, or None."""
    row = db.session.execute(_event_columns().where(Event.id == event_id)).one_or_none()
    return row and _event_json(row, _event_urls())


def _event_columns() -> Select:
    """The columns of the JSON of events; venue, programme and section aliased so that the
    filters' own subqueries over those tables stay uncorrelated."""
    venue, programme, section = aliased(Venue), aliased(Programme), aliased(ProgrammeSection)
    return (
        select(
            Event.id,
            Event.title,
            Event.kind,
            Event.status,
            Event.programme_id,
            programme.acronym.label("programme_acronym"),
            programme.name.label("programme_name"),
            section.code.label("section"),
            Event.starts_on,
            Event.ends_on,
            Event.precision,
            Event.tentative,
            Event.date_text,
            Event.venue_id,
            venue.city,
            venue.country_code,
            venue.place,
            Event.venue_tentative,
        )
        .select_from(Event)
        .outerjoin(programme, programme.id == Event.programme_id)
        .outerjoin(section, section.id == Event.section_id)
        .outerjoin(venue, venue.id == Event.venue_id)
    )


def _event_urls():
    """The public page of an event by its id (from SITE_URL, never the request's Host), with the
    URL built once for a whole page."""
    head, tail = site_url("site.event_page", event_id=MAX_ID).rsplit(str(MAX_ID), 1)
    return lambda event_id: f"{head}{event_id}{tail}"


def _event_json(row: Row, event_url) -> dict:
    venue = None
    if row.venue_id is not None:
        venue = {
            "city": row.city,
            "country": row.country_code,
            "place": row.place,
            "tentative": row.venue_tentative,
        }
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind,
        "status": row.status,
        "programme": row.programme_acronym or row.programme_name,
        "programme_id": row.programme_id,
        "section": row.section,
        **window_json(row),
        "date_text": row.date_text,
        "venue": venue,
        "url": event_url(row.id),
    }


def _kept_pages() -> OrderedDict:
    return current_app.extensions.setdefault("api_event_pages", OrderedDict())


# ---------------------------------------------------------------- other shapes


def window_json(window: DateWindow | Row) -> dict:
    return {
        "starts_on": window.starts_on.isoformat(),
        "ends_on": window.ends_on.isoformat(),
        "precision": window.precision,
        "tentative": window.tentative,
    }


def programme_json(programme: Programme) -> dict:
    return {
        "id": programme.id,
        "name": programme.name,
        "acronym": programme.acronym,
        "first_year": programme.first_year,
        "last_year": programme.last_year,
        "sections": [{"code": s.code, "title": s.title} for s in programme.sections],
        "partners": [
            {"organisation": p.organisation.display_name, "role": p.role}
            for p in programme.partners
        ],
    }
