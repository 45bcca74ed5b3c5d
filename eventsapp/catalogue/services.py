"""Programmes and events: filtering, listing, saving and deleting, as plain functions over models.

Nothing here commits: the caller (a view or a command) owns the transaction.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from ..core import signals
from ..core.actions import changes, describe, log_action
from ..core.clock import utcnow
from ..core.dates import FIRST_YEAR, LAST_YEAR, DateWindow
from ..core.errors import InvalidInput
from ..core.i18n import format_day
from ..core.validation import MAX_ID, number_argument, parse_number, time_zone_names
from ..extensions import db
from ..people.models import Country, Organisation
from .models import (
    LANGUAGES,
    REGIONS,
    CountryRole,
    Event,
    EventCountry,
    EventKind,
    EventStatus,
    Programme,
    ProgrammePartner,
    ProgrammeSection,
    RegionOverride,
    Venue,
)
from .translations import original_language

# ---------------------------------------------------------------- filtering and listing


@dataclass
class EventFilters:
    year: int | None = None
    month: int | None = None
    kind: str | None = None
    status: str | None = None
    programme: Programme | None = None
    country: str | None = None
    region: str | None = None
    language: str | None = None
    upcoming_from: date | None = None  # only events that have not ended by this day

    @property
    def period(self) -> tuple[date, date] | None:
        """The year, or month of the year, that an event's window must overlap."""
        if self.year is None:
            return None
        if self.month is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        last = calendar.monthrange(self.year, self.month)[1]
        return date(self.year, self.month, 1), date(self.year, self.month, last)


def _choice_arg(args, name: str, allowed, label: str) -> str | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if raw not in allowed:
        raise InvalidInput(
            name,
            _(
                "Unknown %(label)s %(value)r: use one of %(allowed)s.",
                label=label,
                value=raw,
                allowed=", ".join(allowed),
            ),
        )
    return raw


def find_programme(ref: str) -> Programme | None:
    """A programme by id, key or acronym (case-insensitive)."""
    ref = ref.strip()
    if (number := parse_number(ref)) is not None:
        return db.session.get(Programme, number) if number <= MAX_ID else None
    return db.session.scalar(
        select(Programme)
        .where(
            or_(
                func.lower(Programme.key) == ref.lower(),
                func.lower(Programme.acronym) == ref.lower(),
            )
        )
        .limit(1)
    )


def parse_event_filters(args) -> EventFilters:
    """Read filters from query parameters; raise InvalidInput naming the parameter that is wrong."""
    filters = EventFilters(
        year=number_argument(args, "year", FIRST_YEAR, LAST_YEAR, _("Year")),
        month=number_argument(args, "month", 1, 12, _("Month")),
        kind=_choice_arg(args, "kind", [k.value for k in EventKind], _("kind")),
        status=_choice_arg(args, "status", [s.value for s in EventStatus], _("status")),
        region=_choice_arg(args, "region", REGIONS, _("region")),
        language=_choice_arg(args, "language", list(LANGUAGES), _("language")),
    )
    if filters.month and not filters.year:
        raise InvalidInput("month", _("Choose a year to filter by month."))
    if ref := (args.get("programme") or "").strip():
        filters.programme = find_programme(ref)
        if filters.programme is None:
            raise InvalidInput("programme", _("Unknown programme %(ref)r.", ref=ref))
    if code := (args.get("country") or "").strip().upper():
        if db.session.get(Country, code) is None:
            raise InvalidInput(
                "country", _("Unknown country %(code)r: use an ISO code such as MX.", code=code)
            )
        filters.country = code
    return filters


def overlaps(start: date, end: date):
    """Events whose window overlaps the period from start to end (inclusive)."""
    return and_(Event.starts_on <= end, Event.ends_on >= start)


# The order of every list of events: by window, then title.
EVENT_ORDER = (Event.starts_on, Event.ends_on, Event.title, Event.id)


def filtered_events(filters: EventFilters) -> Select:
    """The events matching the filters, in window order, with what list pages show loaded.

    Programme, section and venue are joined in; countries and partners are each read by one
    more query that selects through the same conditions (a subquery) rather than by lists of ids,
    which ``selectinload`` splits into batches of 500 (more queries as a year fills up).
    """
    stmt = select(Event).options(
        joinedload(Event.programme),
        joinedload(Event.section),
        joinedload(Event.venue),
        subqueryload(Event.countries),
        subqueryload(Event.partners),
    )
    if get_locale().language != original_language():  # titles in the visitor's language
        stmt = stmt.options(subqueryload(Event.translations))
    return narrow_events(stmt, filters).order_by(*EVENT_ORDER)


def narrow_events(stmt: Select, filters: EventFilters) -> Select:
    """``stmt``, a select from events, narrowed to the events matching the filters."""
    if period := filters.period:
        stmt = stmt.where(overlaps(*period))
    if filters.upcoming_from:
        stmt = stmt.where(Event.ends_on >= filters.upcoming_from)
    if filters.kind:
        stmt = stmt.where(Event.kind == filters.kind)
    if filters.status:
        stmt = stmt.where(Event.status == filters.status)
    if filters.programme:
        stmt = stmt.where(Event.programme_id == filters.programme.id)
    if filters.country:
        involved = exists().where(
            EventCountry.event_id == Event.id, EventCountry.country_code == filters.country
        )
        at_venue = exists().where(Venue.id == Event.venue_id, Venue.country_code == filters.country)
        stmt = stmt.where(or_(involved, at_venue))
    if filters.region:
        stmt = stmt.where(_in_region(filters.region))
    if filters.language:
        stmt = stmt.where(_speaks(filters.language))
    return stmt


def _in_region(region: str):
    """Events for the region: their target region, venue or a requesting/participant country."""
    at_venue = exists().where(
        Venue.id == Event.venue_id, Venue.country_code == Country.code, Country.region == region
    )
    involved = exists().where(
        EventCountry.event_id == Event.id,
        EventCountry.country_code == Country.code,
        Country.region == region,
    )
    return or_(Event.target_region == region, at_venue, involved)


def _speaks(language: str):
    """Events held in a language. Languages are a short JSON list: matched as text, portably."""
    return cast(Event.languages, String).like(f'%"{language}"%')


def upcoming_events(today: date, filters: EventFilters | None = None) -> Select:
    filters = filters or EventFilters()
    filters.upcoming_from = today
    return filtered_events(filters).where(Event.status != EventStatus.CANCELLED)


def with_next_year_of_month(args, today: date) -> dict:
    """Query parameters where a month without a year means its next occurrence (public calendar)."""
    args = dict(args.items())
    month = parse_number(args.get("month"))
    if month and 1 <= month <= 12 and not args.get("year"):
        args["year"] = str(today.year if month >= today.month else today.year + 1)
    return args


def recently_held(today: date, limit: int = 5) -> list[Event]:
    """The last events that ended, for a public calendar with nothing upcoming."""
    stmt = (
        select(Event)
        .options(
            joinedload(Event.programme),
            joinedload(Event.venue),
            selectinload(Event.translations),
        )
        .where(Event.ends_on < today, Event.status == EventStatus.HELD)
        .order_by(Event.ends_on.desc(), Event.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def get_event(event_id: int) -> Event | None:
    return db.session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .options(
            joinedload(Event.programme),
            joinedload(Event.section),
            joinedload(Event.venue),
            joinedload(Event.requesting_authority),
            selectinload(Event.countries),
            selectinload(Event.partners),
        )
    )


# ---------------------------------------------------------------- saving events


@dataclass
class VenueInput:
    country_code: str
    city: str | None = None
    place: str | None = None


@dataclass
class EventInput:
    """What staff enter for an event, already read from the form."""

    title: str
    kind: str
    status: str
    window: DateWindow
    date_text: str
    programme_id: int | None = None
    section_id: int | None = None
    start_time: time | None = None
    end_time: time | None = None
    timezone: str | None = None
    venue: VenueInput | None = None  # None: to be decided
    venue_tentative: bool = False
    capacity: int | None = None
    participants_count: int | None = None
    languages: list[str] = field(default_factory=list)
    interpretation: bool = False
    purpose: list[str] = field(default_factory=list)
    description: str = ""
    theme: str | None = None
    block: str | None = None
    audience: str | None = None
    requesting_authority_id: int | None = None
    target_region: str | None = None
    requesting_countries: list[str] = field(default_factory=list)
    candidate_countries: list[str] = field(default_factory=list)
    participant_countries: list[str] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    notes: str = ""


# Changing any of these tells calendar subscribers that the event moved (iCal SEQUENCE).
SCHEDULE_FIELDS = (
    "starts_on",
    "ends_on",
    "starts_at",
    "ends_at",
    "venue_id",
    "status",
    "tentative",
    "venue_tentative",
)


# What an event's history records of an edit, before and after.
LOGGED_FIELDS = ("title", "kind", "status", "date_text", "venue", "capacity")
CREATED, EDITED, DELETED = (
    describe(
        action,
        phrase,
        labels={"kind": EventKind, "status": EventStatus},
        fields={
            "title": _l("Title"),
            "kind": _l("Kind"),
            "status": _l("Status"),
            "date_text": _l("Dates"),
            "venue": _l("Venue"),
            "capacity": _l("Capacity"),
        },
    )
    for action, phrase in (
        ("event.created", _l("Created the event %(object)s")),
        ("event.edited", _l("Edited the event %(object)s")),
        ("event.deleted", _l("Deleted the event %(object)s")),
    )
)


def _logged_fields(event: Event) -> dict | None:
    """What the history records of an event's edit (None for a new event)."""
    if event.id is None:
        return None
    venue = event.venue_id and db.session.get(Venue, event.venue_id)
    fields = {name: getattr(event, name) for name in LOGGED_FIELDS if name != "venue"}
    return {**fields, "venue": venue.label if venue else None}


def find_or_create_venue(data: VenueInput) -> Venue:
    city = (data.city or "").strip() or None
    place = (data.place or "").strip() or None
    venue = db.session.scalar(
        select(Venue).where(
            Venue.country_code == data.country_code,
            Venue.city.is_(None) if city is None else Venue.city == city,
            Venue.place.is_(None) if place is None else Venue.place == place,
        )
    )
    if venue is None:
        venue = Venue(country_code=data.country_code, city=city, place=place)
        db.session.add(venue)
        db.session.flush()
    return venue


def to_utc(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """A local day and time as the database stores it: in UTC, without tzinfo."""
    local = datetime.combine(day, moment, tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def time_zone(name: str | None, field_name: str = "timezone") -> ZoneInfo:
    """The IANA time zone named (UTC when none); InvalidInput for `field_name` when unknown."""
    if name and name not in time_zone_names():
        raise InvalidInput(field_name, _("Unknown time zone %(tz)r.", tz=name))
    return ZoneInfo(name or "UTC")


def _times(data: EventInput) -> tuple[datetime | None, datetime | None, str | None]:
    if data.start_time is None and data.end_time is None:
        return None, None, None
    if data.window.precision != "day" or data.window.tentative:
        raise InvalidInput(
            "start_time",
            _(
                "Times can be given only for exact, confirmed dates such as "
                "\u201c18-19 January 2011\u201d."
            ),
        )
    if data.start_time is None or data.end_time is None:
        field_name = "start_time" if data.start_time is None else "end_time"
        raise InvalidInput(field_name, _("Give both the start and the end time."))
    zone = time_zone(data.timezone)
    starts_at = to_utc(data.window.starts_on, data.start_time, zone)
    ends_at = to_utc(data.window.ends_on, data.end_time, zone)
    if ends_at <= starts_at:
        raise InvalidInput("end_time", _("The event ends before it starts."))
    return starts_at, ends_at, zone.key


def _check_references(data: EventInput) -> None:
    if data.section_id is not None:
        section = db.session.get(ProgrammeSection, data.section_id)
        if section is None or section.programme_id != data.programme_id:
            raise InvalidInput("section_id", _("This section belongs to another programme."))
    codes = (
        set(data.requesting_countries)
        | set(data.candidate_countries)
        | set(data.participant_countries)
    )
    if data.venue:
        codes.add(data.venue.country_code)
    if codes:
        known = set(db.session.scalars(select(Country.code).where(Country.code.in_(codes))))
        if unknown := sorted(codes - known):
            raise InvalidInput(
                "venue_country", _("Unknown country: %(codes)s.", codes=", ".join(unknown))
            )


def _check_held(data: EventInput, today: date) -> None:
    """An event is held once it has begun: one that cannot have begun yet (its window's first
    day after tomorrow, a day left for the time zones ahead of UTC) would count in the results
    and the annual report as done."""
    if data.status == EventStatus.HELD and data.window.starts_on > today + timedelta(days=1):
        raise InvalidInput(
            "status",
            _(
                "An event is marked held once it has begun: this one begins on %(date)s at the "
                "earliest. Choose another status, or correct its dates.",
                date=format_day(data.window.starts_on),
            ),
        )


def save_event(event: Event, data: EventInput, actor=None) -> Event:
    """Apply what staff entered to a new or existing event, and add it to the session; with
    ``actor`` (who saves the form), recorded in the event's history (an import records itself).

    An edit of the dates, times, venue or status bumps ``sequence``, which calendar feeds use.
    Saving marks the event updated even when only its countries or partners changed: calendar
    feeds rebuild what was updated. Capabilities above may refuse the change (registration
    refuses a capacity below the seats held) and follow it (seats freed go to the waiting list).
    """
    now = utcnow()
    _check_references(data)
    _check_held(data, now.date())
    signals.event_saving.send(event, capacity=data.capacity, now=now)
    starts_at, ends_at, zone = _times(data)
    before = {name: getattr(event, name) for name in SCHEDULE_FIELDS}
    logged = _logged_fields(event)

    event.title = data.title.strip()
    event.kind = data.kind
    event.status = data.status
    event.programme_id = data.programme_id
    event.section_id = data.section_id
    event.date_text = data.date_text.strip()
    event.starts_on = data.window.starts_on
    event.ends_on = data.window.ends_on
    event.precision = data.window.precision
    event.tentative = data.window.tentative
    event.starts_at, event.ends_at, event.timezone = starts_at, ends_at, zone
    event.venue_id = find_or_create_venue(data.venue).id if data.venue else None
    event.venue_tentative = data.venue_tentative and data.venue is not None
    event.capacity = data.capacity
    event.participants_count = data.participants_count
    event.languages = list(dict.fromkeys(data.languages))
    event.interpretation = data.interpretation
    event.purpose = [line.strip() for line in data.purpose if line.strip()]
    event.description = data.description.strip()
    event.theme = data.theme or None
    event.block = data.block or None
    event.audience = data.audience or None
    event.requesting_authority_id = data.requesting_authority_id
    event.target_region = data.target_region or None
    event.notes = data.notes or ""
    event.countries = [
        EventCountry(country_code=code, role=role)
        for role, codes in (
            (CountryRole.REQUESTING, data.requesting_countries),
            (CountryRole.CANDIDATE, data.candidate_countries),
            (CountryRole.PARTICIPANT, data.participant_countries),
        )
        for code in dict.fromkeys(codes)
    ]
    event.partners = (
        list(db.session.scalars(select(Organisation).where(Organisation.id.in_(data.partner_ids))))
        if data.partner_ids
        else []
    )
    if event.id is not None and any(getattr(event, n) != v for n, v in before.items()):
        event.sequence = (event.sequence or 0) + 1
    event.updated_at = now
    db.session.add(event)
    db.session.flush()
    signals.event_saved.send(event, now=now)
    if actor is not None:
        _log_saved(event, logged, actor, now)
    return event


def _log_saved(event: Event, before: dict | None, actor, now: datetime) -> None:
    """A new event, or an edit with what it changed (an edit changing none is not recorded)."""
    if before is None:
        log_action(event, CREATED, actor, at=now)
    elif changed := changes(before, _logged_fields(event)):
        log_action(event, EDITED, actor, changed, at=now)


def delete_event(event: Event, actor) -> None:
    """Delete an event, unless a capability above refuses (InvalidInput): people registered.
    Its history is kept (without the event: the line of its deletion names it)."""
    signals.event_deleting.send(event)
    log_action(event, DELETED, actor, {"starts_on": event.starts_on})
    db.session.delete(event)


# ---------------------------------------------------------------- programmes


def programmes_overview() -> list[tuple[Programme, int]]:
    """Every programme with its number of events, in two queries."""
    counts = dict(
        db.session.execute(
            select(Event.programme_id, func.count(Event.id)).group_by(Event.programme_id)
        ).all()
    )
    programmes = db.session.scalars(
        select(Programme)
        .options(joinedload(Programme.owner), selectinload(Programme.sections))
        .order_by(Programme.first_year.desc(), Programme.name)
    ).all()
    return [(p, counts.get(p.id, 0)) for p in programmes]


def programme_choices() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.name)))


def section_choices() -> list[ProgrammeSection]:
    return list(
        db.session.scalars(
            select(ProgrammeSection)
            .options(joinedload(ProgrammeSection.programme))
            .order_by(ProgrammeSection.programme_id, ProgrammeSection.position)
        )
    )


@dataclass
class ProgrammeInput:
    name: str
    first_year: int
    acronym: str | None = None
    description: str = ""
    owner_id: int | None = None
    last_year: int | None = None
    languages: list[str] = field(default_factory=list)


def save_programme(programme: Programme, data: ProgrammeInput) -> Programme:
    name = data.name.strip()
    clash = db.session.scalar(
        select(Programme.id).where(
            func.lower(Programme.name) == name.lower(), Programme.id != programme.id
        )
    )
    if clash:
        raise InvalidInput("name", _("There is already a programme with this name."))
    if data.last_year is not None and data.last_year < data.first_year:
        raise InvalidInput("last_year", _("The last year is before the first year."))
    programme.name = name
    programme.acronym = (data.acronym or "").strip() or None
    programme.description = data.description or ""
    programme.owner_id = data.owner_id
    programme.first_year = data.first_year
    programme.last_year = data.last_year
    programme.languages = list(dict.fromkeys(data.languages))
    db.session.add(programme)
    db.session.flush()
    return programme


def add_section(
    programme: Programme, code: str, title: str, description: str = ""
) -> ProgrammeSection:
    code = code.strip()
    if any(s.code.lower() == code.lower() for s in programme.sections):
        raise InvalidInput("code", _("This programme already has a section %(code)s.", code=code))
    section = ProgrammeSection(
        code=code, title=title.strip(), description=description, position=len(programme.sections)
    )
    programme.sections.append(section)
    db.session.flush()
    return section


def add_partner(programme: Programme, organisation_id: int, role: str) -> None:
    if any(p.organisation_id == organisation_id and p.role == role for p in programme.partners):
        raise InvalidInput("organisation_id", _("This partner already has this role."))
    programme.partners.append(ProgrammePartner(organisation_id=organisation_id, role=role))
    db.session.flush()


def set_region_override(programme: Programme, country_code: str, region: str) -> None:
    for override in programme.region_overrides:
        if override.country_code == country_code:
            override.region = region
            return
    programme.region_overrides.append(RegionOverride(country_code=country_code, region=region))
    db.session.flush()
