"""iCalendar text of events and agenda sessions, written with the icalendar package.

Every property is written by icalendar (value types, escaping, parameter quoting, folding at 75
octets, CRLF): the same bytes as an icalendar component writes. This module frames the lines of
each component between its BEGIN and END lines, without building a component per event, and writes
the lines that many events share (a status, a kind, a day, a venue, the organiser) once: a feed of
thousands of events is then several times faster to build.

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

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import TypesFactory, vCalAddress, vDuration, vRecur, vUri
from icalendar.parser import Contentline, foldline

from ..agenda.models import AgendaSession, SessionKind
from ..catalogue.models import Event, EventKind, EventStatus
from ..core.labels import Labelled
from ..core.links import route_path, site_url

PRODID = "-//eventsapp//Events and training programmes//EN"
REFRESH_INTERVAL = timedelta(hours=12)
CALENDAR_END = b"END:VCALENDAR\r\n"


TYPES = TypesFactory()
# icalendar folds a line of this many octets or more (RFC 5545: lines longer than 75 octets).
FOLD_FROM = 75


def content_line(name: str, value, **params) -> bytes:
    """One property as icalendar writes it: typed, escaped, folded, ending in CRLF.

    Most lines are short: they are encoded as they are, and only the long ones go through
    icalendar's folding (which gives the same bytes for a short line, more slowly)."""
    prop = value if isinstance(value, TYPES.all_types) else TYPES.for_property(name)(value)
    if params:
        prop.params.update(params)
    line = Contentline.from_parts(name, prop.params, prop)
    encoded = line.encode()
    if len(encoded) >= FOLD_FROM:
        encoded = foldline(line).encode()
    return encoded + b"\r\n"


@lru_cache(maxsize=16384)
def shared_line(name: str, value, params: tuple = ()) -> bytes:
    """A content line that many components share, written once."""
    return content_line(name, value, **dict(params))


@lru_cache(maxsize=1024)
def label(choice: Labelled, locale: str) -> str:
    """The label of a choice in `locale`, the current one: looked up once (gettext is slow)."""
    return choice.label


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

    def link(self, endpoint: str, **values) -> str:
        return self.url_root.rstrip("/") + route_path(endpoint, **values)

    @property
    def organiser_line(self) -> bytes:
        address = vCalAddress(f"mailto:{self.organiser_email}")
        return shared_line("ORGANIZER", address, (("CN", self.organiser),))


def event_uid(event_id: int, context: FeedContext) -> str:
    return f"event-{event_id}@{context.uid_domain}"


def ical_status(event: Event) -> str | None:
    if event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    if event.is_tentative or event.status == EventStatus.POSTPONED:
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


def _utc(moment: datetime) -> datetime:
    """A stored (naive UTC) datetime as an aware one, which icalendar writes with a Z."""
    return moment.replace(tzinfo=UTC)


def _stamps(row: Event | AgendaSession, sequence: int) -> list[bytes]:
    changed = _utc(row.updated_at)
    return [
        content_line("DTSTAMP", changed),
        content_line("LAST-MODIFIED", changed),
        shared_line("SEQUENCE", sequence),
    ]


# Windows this coarse are written as a one-day marker on their first day.
MARKER_PRECISIONS = ("season", "year")


def _window(event: Event) -> list[bytes]:
    if event.starts_at and event.ends_at:
        return _timed_window(event)
    last = event.starts_on if event.precision in MARKER_PRECISIONS else event.ends_on
    return [
        shared_line("DTSTART", event.starts_on),
        shared_line("DTEND", last + timedelta(days=1)),  # exclusive: the day after
    ]


def _timed_window(event: Event) -> list[bytes]:
    """From start to end; over several days in the event's time zone, the first day's hours
    repeated daily (09:00–17:00 each day), unless the end's time is not after the start's."""
    starts, ends = _utc(event.starts_at), _utc(event.ends_at)
    zone = ZoneInfo(event.timezone or "UTC")
    local_start, local_end = starts.astimezone(zone), ends.astimezone(zone)
    days = (local_end.date() - local_start.date()).days + 1
    if days > 1 and local_end.time() > local_start.time():
        first_end = datetime.combine(local_start.date(), local_end.time(), tzinfo=zone)
        return [
            content_line("DTSTART", starts),
            content_line("DTEND", first_end.astimezone(UTC)),
            content_line("RRULE", vRecur(FREQ="DAILY", COUNT=days)),
        ]
    return [content_line("DTSTART", starts), content_line("DTEND", ends)]


def event_summary(event: Event, status: str | None, locale: str) -> str:
    """The summary; a marker of a coarse window says so with the dates as written."""
    title = event.title
    if event.precision in MARKER_PRECISIONS:
        title = f"{title} (\u2248 {event.date_text})"
    return summary(title, status, locale)


def event_description(event: Event, url: str, status: str, locale: str) -> str:
    """Purpose, audience and the dates as written, for the calendar entry's notes."""
    text = words(locale)
    dates = event.date_text
    if event.window_label not in event.date_text:
        dates += f" ({event.window_label})"
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


def event_text(event: Event, context: FeedContext) -> bytes:
    """The VEVENT of an event (its venue loaded)."""
    url = context.link("site.event_page", event_id=event.id)
    status = ical_status(event)
    lines = [
        b"BEGIN:VEVENT\r\n",
        content_line("UID", event_uid(event.id, context)),
        *_stamps(event, event.sequence),
        content_line("SUMMARY", event_summary(event, status, context.locale)),
        *_window(event),
        *([shared_line("STATUS", status)] if status else []),
        shared_line("TRANSP", "OPAQUE" if event.precision == "day" else "TRANSPARENT"),
        content_line(
            "DESCRIPTION",
            event_description(
                event, url, label(EventStatus(event.status), context.locale), context.locale
            ),
        ),
    ]
    if event.venue:
        lines.append(shared_line("LOCATION", event.venue.label))
    lines += [
        content_line("URL", url),
        shared_line("CATEGORIES", label(EventKind(event.kind), context.locale)),
        context.organiser_line,
        b"END:VEVENT\r\n",
    ]
    return b"".join(lines)


def session_text(session: AgendaSession, context: FeedContext) -> bytes:
    """The VEVENT of an agenda session (its event and the event's venue loaded), related to the
    event's VEVENT."""
    event = session.event
    url = context.link("site.event_page", event_id=event.id) + "#agenda"
    status = ical_status(event)
    kind = label(SessionKind(session.kind), context.locale)
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
        content_line("DTSTART", _utc(session.starts_at)),
        content_line("DTEND", _utc(session.ends_at)),
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
