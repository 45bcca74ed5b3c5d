"""iCalendar text of events and agenda sessions, written with the icalendar package.

Every value is written by icalendar (its value types, ``TEXT`` escaping; parameters quoted by its
``Contentline``): the same bytes as an icalendar component writes, which tests/test_ical_bytes.py
checks line by line. This module frames the lines of each component between its BEGIN and END
lines, without building a component per event nor an object per line, folds long lines on their
bytes where icalendar's ``foldline`` counts characters (the same cuts), and writes the lines that
many events share (a status, a kind, a day, a venue, the organiser) once: a feed of thousands of
events is then several times faster to build.

What clients need, and how it is written:

- ``UID`` never changes (``event-<id>@<domain>``, ``session-<id>@<domain>``); ``SEQUENCE`` comes
  from the row, which the services raise when the dates, times, venue or status change;
  ``DTSTAMP`` and ``LAST-MODIFIED`` are the last change, so that the same row gives the same
  bytes (and the same ETag) on every request.
- Windows without times are all-day events: ``DTSTART;VALUE=DATE`` and ``DTEND`` the day after
  the last day. Times are written in UTC (``...Z``): every client shows them in the subscriber's
  own time zone, and no ``VTIMEZONE`` is needed (clients read generated ones unevenly).
- ``STATUS`` is ``TENTATIVE`` for tentative, proposed or postponed events, ``CANCELLED`` for
  cancelled ones (kept in feeds so that subscribers see the cancellation), ``CONFIRMED`` for
  confirmed and held ones; a planned event, neither confirmed nor tentative, has none.
  Clients that show no status still see it in the summary: "Cancelled: ...", "... (tentative)".
- Approximate windows ("May/June 2012") are ``TRANSP:TRANSPARENT``: they do not make anyone busy
  for a month. A window coarser than a month (a season, a year: "2011") is a one-day marker on
  its first day whose summary says so ("Title (≈ 2011)"), so that a year's sixty workshops known
  only by their year do not crowd every day of it; the description, the event page, the year
  page and the exports keep the full window.
- An event with times over several days is one occurrence a day (``RRULE:FREQ=DAILY``), 09:00–
  17:00 each day, rather than one block across the nights.
"""

import codecs
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import TypesFactory, vCalAddress, vDatetime, vDuration, vRecur, vText, vUri
from icalendar.parser import Contentline, escape_char
from sqlalchemy import Row

from ..agenda.models import AgendaSession, SessionKind
from ..catalogue.models import Event, EventKind, EventStatus, Venue
from ..catalogue.translations import date_reading, original_language
from ..core.dates import format_window
from ..core.i18n import language_of
from ..core.labels import Labelled
from ..core.links import route_path, site_url

PRODID = "-//eventsapp//Events and training programmes//EN"
REFRESH_INTERVAL = timedelta(hours=12)
CALENDAR_END = b"END:VCALENDAR\r\n"


TYPES = TypesFactory()
# icalendar folds a line of this many octets or more (RFC 5545: lines longer than 75 octets) into
# lines of at most FOLD_AT octets, each continued by CRLF and a space.
FOLD_FROM = 75
FOLD_AT = FOLD_FROM - 1


@lru_cache(maxsize=128)
def property_type(name: str) -> type:
    """The icalendar type of a property's value (``vText`` for ``SUMMARY``...), looked up once."""
    return TYPES.for_property(name)


def content_line(name: str, value, **params) -> bytes:
    """One property as icalendar writes it: typed, escaped, folded, ending in CRLF.

    The value is written by icalendar's type (a ``TEXT`` by its ``escape_char``); a line with
    parameters by icalendar's ``Contentline`` too. A line without them is the name, a colon and
    the value, as ``Contentline`` joins them: without a Python object per line, which writing
    thousands of events would spend most of its time making."""
    if type(value) is str and not params and property_type(name) is vText:
        return written_line(name, escape_char(value).encode())
    prop = value if isinstance(value, TYPES.all_types) else property_type(name)(value)
    if params:
        prop.params.update(params)
    if prop.params:
        return fold(Contentline.from_parts(name, prop.params, prop).encode())
    return written_line(name, prop.to_ical())


def written_line(name: str, value: bytes) -> bytes:
    """A property without parameters whose value icalendar wrote (``to_ical``), as its line."""
    return fold(f"{name}:".encode() + unmarked(value))


def utc_value(moment: datetime) -> bytes:
    """A datetime in UTC (stored naive, or aware) as icalendar writes a date-time in UTC
    ("...Z"): the value of ``vDDDTypes``, which gives it no parameter and has ``vDatetime`` write
    it."""
    return vDatetime(moment.replace(tzinfo=UTC)).to_ical()


def unmarked(value: bytes) -> bytes:
    """A value as ``Contentline`` keeps it: icalendar reads the bytes it wrote as "utf-8-sig",
    which drops a byte order mark at the start."""
    return value.removeprefix(codecs.BOM_UTF8)


def fold(line: bytes) -> bytes:
    """A content line folded as icalendar's ``foldline`` folds it, and its CRLF: from 75 octets,
    into lines of as many whole characters as fit in 74 octets, each but the first after CRLF
    and a space.

    Written on the UTF-8 bytes (a cut moves back over continuation bytes, ``10xxxxxx``) rather
    than by ``foldline``, which counts the octets of a line that is not all ASCII one character
    at a time: most descriptions hold an en dash ("18–22 April"), and that loop took about a
    fifth of the time of writing a year's feed."""
    if len(line) < FOLD_FROM:
        return line + b"\r\n"
    parts, start = [], 0
    while len(line) - start > FOLD_AT:
        end = start + FOLD_AT
        while line[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return b"\r\n ".join(parts) + b"\r\n"


@lru_cache(maxsize=16384)
def shared_line(name: str, value, params: tuple = ()) -> bytes:
    """A content line that many components share, written once."""
    return content_line(name, value, **dict(params))


@lru_cache(maxsize=1024)
def label(choices: type[Labelled], value: str, locale: str) -> str:
    """The label of a choice (``EventKind``, "workshop") in `locale`, the current one: looked up
    once (gettext is slow)."""
    return choices(value).label


@lru_cache(maxsize=4096)
def window_label(starts_on: date, ends_on: date, locale: str) -> str:
    """An event's ``window_label`` in `locale`, the current one: Babel's formatting of a window
    is written once for the events that share it."""
    return format_window(starts_on, ends_on)


@lru_cache(maxsize=16)
def words(locale: str) -> dict[str, str]:
    """The texts of summaries and descriptions in `locale`, the current one, their placeholders
    left to fill: looked up once per language."""
    return {
        "cancelled": _("Cancelled: %(title)s"),
        "tentative": _("%(title)s (tentative)"),
        "dates": _("Dates: %(dates)s"),
        "status": _("Status: %(status)s"),
        "venue_tbc": _("Venue to be confirmed."),
        "purpose": _("Purpose:"),
        "audience": _("Audience: %(audience)s"),
        "speakers": _("Speakers: %(speakers)s"),
        "language": _("Language: %(language)s"),
        "interpreted": _("Language: %(language)s, with simultaneous interpretation"),
        "part_of": _("Part of: %(title)s"),
    }


@dataclass(frozen=True)
class FeedContext:
    """What the text of a feed depends on besides its rows: the site and who publishes it."""

    url_root: str
    uid_domain: str
    organiser: str
    organiser_email: str
    locale: str
    # The LOCATION line of each venue met while writing (by id): a feed's events share a few.
    locations: dict[int, bytes] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def current(cls) -> "FeedContext":
        """The site's context: links to ``SITE_URL``, never to the host a request names."""
        config = current_app.config
        return cls(
            url_root=site_url("site.index"),
            uid_domain=config["CALENDAR_UID_DOMAIN"],
            organiser=config["SITE_NAME"],
            organiser_email=config["MAIL_DEFAULT_SENDER"],
            locale=str(get_locale()),
        )

    @property
    def language(self) -> str | None:
        """The feed's language ("es" of "es_ES"), as translations are kept."""
        return language_of(self.locale)

    @cached_property
    def in_original(self) -> bool:
        """Whether the feed is in the events' own language; else it shows their translations
        and reads their dates in its own (looked up once, not for each event)."""
        return self.language == original_language()

    def link(self, endpoint: str, **values) -> str:
        return self.url_root.rstrip("/") + route_path(endpoint, **values)

    def location_line(self, venue: Venue) -> bytes:
        line = self.locations.get(venue.id)
        if line is None:
            line = self.locations[venue.id] = content_line("LOCATION", venue.label)
        return line

    def event_page(self, event_id: int) -> str:
        """The link of an event's page: the route built once, the id put in (a year's feed
        links thousands)."""
        before, after = self._event_page_parts
        return f"{before}{event_id}{after}"

    @cached_property
    def _event_page_parts(self) -> tuple[str, str]:
        marker = 987654321
        before, after = self.link("site.event_page", event_id=marker).split(str(marker))
        return before, after

    @property
    def organiser_line(self) -> bytes:
        address = vCalAddress(f"mailto:{self.organiser_email}")
        return shared_line("ORGANIZER", address, (("CN", self.organiser),))


# What an event's text shows: ``event_text`` writes an ``Event`` or a row of these columns with
# its ``venue``.
EVENT_COLUMNS = (
    Event.id,
    Event.title,
    Event.kind,
    Event.status,
    Event.date_text,
    Event.starts_on,
    Event.ends_on,
    Event.precision,
    Event.tentative,
    Event.starts_at,
    Event.ends_at,
    Event.timezone,
    Event.venue_tentative,
    Event.purpose,
    Event.audience,
    Event.sequence,
    Event.updated_at,
)


def event_uid(event_id: int, context: FeedContext) -> str:
    return f"event-{event_id}@{context.uid_domain}"


def ical_status(event: Event | Row) -> str | None:
    if event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    # The model's rule, which reads the columns alone: for an Event or a row of EVENT_COLUMNS.
    if Event.is_tentative.fget(event) or event.status == EventStatus.POSTPONED:
        return "TENTATIVE"
    if event.status in (EventStatus.CONFIRMED, EventStatus.HELD):
        return "CONFIRMED"
    return None  # planned: not confirmed yet, nor tentative


def summary(title: str, status: str, locale: str) -> str:
    if status == "CANCELLED":
        return words(locale)["cancelled"] % {"title": title}
    if status == "TENTATIVE":
        return words(locale)["tentative"] % {"title": title}
    return title


def _stamps(row: Event | AgendaSession, sequence: int) -> list[bytes]:
    changed = utc_value(row.updated_at)
    return [
        written_line("DTSTAMP", changed),
        written_line("LAST-MODIFIED", changed),
        shared_line("SEQUENCE", sequence),
    ]


# Windows this coarse are written as a one-day marker on their first day.
MARKER_PRECISIONS = ("season", "year")


def _window(event: Event | Row) -> list[bytes]:
    if event.starts_at and event.ends_at:
        return _timed_window(event)
    last = event.starts_on if event.precision in MARKER_PRECISIONS else event.ends_on
    return [
        shared_line("DTSTART", event.starts_on),
        shared_line("DTEND", last + timedelta(days=1)),  # exclusive: the day after
    ]


def _timed_window(event: Event | Row) -> list[bytes]:
    """From start to end; over several days in the event's time zone, the first day's hours
    repeated daily (09:00–17:00 each day), unless the end's time is not after the start's."""
    starts = written_line("DTSTART", utc_value(event.starts_at))
    zone = ZoneInfo(event.timezone or "UTC")
    local_start = event.starts_at.replace(tzinfo=UTC).astimezone(zone)
    local_end = event.ends_at.replace(tzinfo=UTC).astimezone(zone)
    days = (local_end.date() - local_start.date()).days + 1
    if days > 1 and local_end.time() > local_start.time():
        first_end = datetime.combine(local_start.date(), local_end.time(), tzinfo=zone)
        return [
            starts,
            written_line("DTEND", utc_value(first_end.astimezone(UTC))),
            content_line("RRULE", vRecur(FREQ="DAILY", COUNT=days)),
        ]
    return [starts, written_line("DTEND", utc_value(event.ends_at))]


def event_summary(event: Event | Row, status: str | None, context: FeedContext) -> str:
    """The summary; a marker of a coarse window says so with the dates as written (or read)."""
    title = event.title
    if event.precision in MARKER_PRECISIONS:
        written = event.date_text if context.in_original else date_reading(event, tbc=False)
        title = f"{title} (\u2248 {written})"
    return summary(title, status, context.locale)


def event_description(event: Event | Row, url: str, status: str, context: FeedContext) -> str:
    """Purpose, audience and the dates as written (in another language than the events', as
    it reads them: "principios de marzo de 2027"), for the calendar entry's notes."""
    locale = context.locale
    text = words(locale)
    dates = event.date_text if context.in_original else date_reading(event)
    window = window_label(event.starts_on, event.ends_on, locale)
    if window not in dates:
        dates += f" ({window})"
    lines = [text["dates"] % {"dates": dates}, text["status"] % {"status": status}]
    if event.venue_tentative:
        lines.append(text["venue_tbc"])
    if event.purpose:
        lines.append(text["purpose"])
        lines += [f"- {point}" for point in event.purpose]
    if event.audience:
        lines.append(text["audience"] % {"audience": event.audience})
    lines.append(url)
    return "\n".join(lines)


def event_text(event: Event | Row, context: FeedContext) -> bytes:
    """The VEVENT of an event (its venue loaded), or of a row of EVENT_COLUMNS and its venue."""
    url = context.event_page(event.id)
    status = ical_status(event)
    lines = [
        b"BEGIN:VEVENT\r\n",
        content_line("UID", event_uid(event.id, context)),
        *_stamps(event, event.sequence),
        content_line("SUMMARY", event_summary(event, status, context)),
        *_window(event),
        *([shared_line("STATUS", status)] if status else []),
        shared_line("TRANSP", "OPAQUE" if event.precision == "day" else "TRANSPARENT"),
        content_line(
            "DESCRIPTION",
            event_description(
                event, url, label(EventStatus, event.status, context.locale), context
            ),
        ),
    ]
    if event.venue:
        lines.append(context.location_line(event.venue))
    lines += [
        content_line("URL", url),
        shared_line("CATEGORIES", label(EventKind, event.kind, context.locale)),
        context.organiser_line,
        b"END:VEVENT\r\n",
    ]
    return b"".join(lines)


def session_text(session: AgendaSession, context: FeedContext) -> bytes:
    """The VEVENT of an agenda session (its event and the event's venue loaded), related to the
    event's VEVENT."""
    event = session.event
    url = context.event_page(event.id) + "#agenda"
    status = ical_status(event)
    kind = label(SessionKind, session.kind, context.locale)
    text = words(context.locale)
    notes = [kind]
    if session.speakers:
        notes.append(text["speakers"] % {"speakers": "; ".join(session.speakers.splitlines())})
    if session.language:
        language = text["interpreted" if session.interpretation else "language"]
        notes.append(language % {"language": session.language_label})
    notes += [text["part_of"] % {"title": event.title}, url]
    place = ", ".join(p for p in (session.room, event.venue.label if event.venue else None) if p)
    lines = [
        b"BEGIN:VEVENT\r\n",
        content_line("UID", f"session-{session.id}@{context.uid_domain}"),
        # A session moves with its event too: cancelling or rescheduling the event bumps its own.
        *_stamps(session, event.sequence + session.sequence),
        content_line("SUMMARY", summary(session.title, status, context.locale)),
        written_line("DTSTART", utc_value(session.starts_at)),
        written_line("DTEND", utc_value(session.ends_at)),
        *([shared_line("STATUS", status)] if status else []),
        content_line("DESCRIPTION", "\n".join(notes)),
    ]
    if place:
        lines.append(shared_line("LOCATION", place))
    lines += [
        content_line("URL", url),
        shared_line("CATEGORIES", kind),
        content_line("RELATED-TO", event_uid(event.id, context), RELTYPE="PARENT"),
        context.organiser_line,
        b"END:VEVENT\r\n",
    ]
    return b"".join(lines)


def calendar_head(name: str, source: str) -> bytes:
    """The VCALENDAR's opening and properties; the components and CALENDAR_END follow."""
    return b"".join(
        [
            b"BEGIN:VCALENDAR\r\n",
            content_line("VERSION", "2.0"),
            content_line("PRODID", PRODID),
            content_line("CALSCALE", "GREGORIAN"),
            content_line("METHOD", "PUBLISH"),
            content_line("NAME", name),
            content_line("X-WR-CALNAME", name),
            content_line("SOURCE", vUri(source), VALUE="URI"),
            content_line("REFRESH-INTERVAL", vDuration(REFRESH_INTERVAL), VALUE="DURATION"),
            content_line("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL)),
        ]
    )
