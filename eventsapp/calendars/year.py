"""The yearly calendar of activities: its page (month by month, in pages), its CSV and its XLSX.

They are served like feeds (see ``services``): one narrow query gives each matching event's
version; their digest, with the programmes' names, the address, the language and the day, is the
ETag, so a conditional request that matches gets a 304 without building anything. Each document
(the page's list of events, the CSV, the XLSX) is kept under its ETag in the process, and for the
unfiltered calendars in the database too (``store.document``), so every worker serves what one
built. Otherwise it is built from plain rows (``catalogue.rows``): three more queries, whatever
the number of events. Names of partners and countries are shown as they were that day: a rename
alone shows from the next day, or when an event is saved.

Nothing here commits: the caller owns the transaction.
"""

from dataclasses import dataclass, replace
from datetime import date

from babel.dates import get_month_names
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..catalogue.models import Event, EventKind, EventStatus, Programme, ProgrammeSection
from ..catalogue.rows import EventRow, event_rows
from ..catalogue.services import EventFilters, narrow_events
from ..catalogue.translations import attach_translations, localized
from ..core.clock import utcnow
from ..core.exports import csv_bytes, xlsx_bytes
from ..core.links import site_url
from ..extensions import db
from .services import event_stamps, versions_digest, versions_of
from .store import document, fingerprint, store_document

# Raise it when what the documents show changes, so that kept ones stop matching.
YEAR_FORMAT = 5
# Events on one page of the yearly calendar: a year of thousands of events is read page by page.
YEAR_PAGE_SIZE = 300


@dataclass(frozen=True)
class Month:
    """A month of the year in the index: how many events start in it, on which page the first."""

    number: int
    name: str
    count: int
    page: int


@dataclass
class YearCalendar:
    """The events overlapping a year (ids in window order), each listed under the month it
    starts in (January for one that began the year before)."""

    filters: EventFilters
    ids: list[int]
    months: list[int]  # of each event, in the same order
    version: str
    shared: bool  # unfiltered: kept in the database for every worker

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.ids) // YEAR_PAGE_SIZE))

    def etag(self, address: str, *details) -> str:
        """The ETag of the document at ``address`` (path and query), in the current language."""
        return fingerprint(YEAR_FORMAT, address, str(get_locale()), self.version, *details)

    def index(self) -> list[Month]:
        names = get_month_names("wide", locale=get_locale())
        counts: dict[int, list[int]] = {}
        for position, month in enumerate(self.months):
            counts.setdefault(month, [0, position // YEAR_PAGE_SIZE + 1])[0] += 1
        return [Month(m, names[m], count, page) for m, (count, page) in sorted(counts.items())]


def year_calendar(filters: EventFilters, shared: bool) -> YearCalendar:
    """The year's events and their version: two small queries (the events' versions, the names
    of programmes and sections)."""
    stamps = event_stamps(narrow_events(select(Event), filters))
    first_day = date(filters.year, 1, 1)
    names = db.session.execute(
        select(Programme.id, Programme.name, Programme.acronym, ProgrammeSection.code)
        .outerjoin(ProgrammeSection, ProgrammeSection.programme_id == Programme.id)
        .order_by(Programme.id, ProgrammeSection.id)
    ).all()
    version = fingerprint(
        versions_digest(versions_of(stamps)), tuple(map(tuple, names)), utcnow().date()
    )
    return YearCalendar(
        filters,
        [row.id for row in stamps],
        [max(row.starts_on, first_day).month for row in stamps],
        version,
        shared,
    )


def _kept(calendar: YearCalendar, address: str, etag: str, build) -> bytes:
    body = document(address, etag, calendar.shared)
    if body is None:
        body = build()
        store_document(address, etag, body, calendar.shared)
    return body


def page_events(calendar: YearCalendar, page: int, address: str, etag: str, **links) -> str:
    """The HTML of a page of the calendar: the months' index, their events, the pager.
    ``links``: the filters the page's links keep."""

    def build() -> bytes:
        ids = calendar.ids[(page - 1) * YEAR_PAGE_SIZE : page * YEAR_PAGE_SIZE]
        grouped: dict[int, list[EventRow]] = {}
        first_day = date(calendar.filters.year, 1, 1)
        rows = event_rows(ids)
        attach_translations(rows)  # titles in the visitor's language, in one query
        for row in rows:
            grouped.setdefault(max(row.starts_on, first_day).month, []).append(row)
        index = calendar.index()
        html = render_template(
            "calendars/year_events.html",
            year=calendar.filters.year,
            index=index,
            # Months begun on an earlier page: their heading says they continue.
            continued={month.number for month in index if month.page < page},
            months=sorted(grouped.items()),
            month_names=get_month_names("wide", locale=get_locale()),
            page=page,
            pages=calendar.pages,
            filter_args=links,
        )
        return html.encode()

    return _kept(calendar, address, etag, build).decode()


def calendar_csv(calendar: YearCalendar, address: str, etag: str) -> bytes:
    return _kept(calendar, address, etag, lambda: csv_bytes(*calendar_table(calendar)))


def calendar_xlsx(calendar: YearCalendar, address: str, etag: str) -> bytes:
    title = _("Calendar %(year)s", year=calendar.filters.year)
    return _kept(calendar, address, etag, lambda: xlsx_bytes(title, *calendar_table(calendar)))


def calendar_table(calendar: YearCalendar) -> tuple[list[str], list[list]]:
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
    month_names = get_month_names("wide", locale=get_locale())
    first_day = date(calendar.filters.year, 1, 1)
    link = site_url("site.event_page", event_id=0).removesuffix("0")  # the id ends the address
    yes, undecided = _("yes"), _("To be decided")
    # Each label translated once, not once per event (thousands of events, a few labels).
    kinds = {kind.value: kind.label for kind in EventKind}
    statuses = {status.value: status.label for status in EventStatus}
    events = event_rows(narrow_events(select(Event.id), calendar.filters))
    attach_translations(events)  # titles and audiences in the visitor's language, in one query
    rows = [
        [
            month_names[max(event.starts_on, first_day).month],
            event.starts_on,
            event.ends_on,
            event.date_text,
            yes if event.is_tentative else "",
            _translated(event, "title"),
            kinds[event.kind],
            statuses[event.status],
            event.programme or "",
            event.venue or undecided,
            ", ".join(event.requesting),
            ", ".join(event.candidates),
            ", ".join(event.participants),
            _translated(event, "audience"),
            ", ".join(event.partners),
            f"{link}{event.id}",
        ]
        for event in events
    ]
    return header, rows


def _translated(event: EventRow, name: str) -> str:
    """``localized``'s text, without its lookups for the many events that have no translation."""
    return str(localized(event, name)) if event.translations else getattr(event, name) or ""


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
