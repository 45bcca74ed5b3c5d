"""Events as plain rows for long lists and exports: the columns they show, read in a fixed number
of queries whatever the number of events (no entities, no relationship loading)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from ..core.i18n import country_name, sorted_by_name
from ..extensions import db
from ..people.models import Country, Organisation
from .models import (
    CountryRole,
    Event,
    EventCountry,
    Programme,
    ProgrammeSection,
    Venue,
    event_partners,
)
from .services import EVENT_ORDER


@dataclass
class EventRow:
    """What a list shows of an event; labels as ``Event`` writes them."""

    id: int
    title: str
    kind: str
    status: str
    date_text: str
    starts_on: date
    ends_on: date
    precision: str
    tentative: bool
    venue_tentative: bool
    audience: str | None
    programme: str | None  # its short name
    section: str | None  # its code
    venue: str | None  # its label, its country named in the visitor's language
    # Country names in the visitor's language and its order.
    requesting: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)  # short names, in order

    kind_label = Event.kind_label
    status_label = Event.status_label
    window_label = Event.window_label
    window_adds_to_phrase = Event.window_adds_to_phrase
    is_tentative = Event.is_tentative

    @property
    def venue_label(self) -> str:
        return self.venue or str(_l("To be decided"))


def event_rows(events: Select | list[int]) -> list[EventRow]:
    """The rows of the events that ``events`` gives (a select of events' ids, or the ids), in
    window order: three queries (events, their countries, their partners)."""
    venue, venue_country = aliased(Venue), aliased(Country)
    stmt = (
        select(
            Event.id,
            Event.title,
            Event.kind,
            Event.status,
            Event.date_text,
            Event.starts_on,
            Event.ends_on,
            Event.precision,
            Event.tentative,
            Event.venue_tentative,
            Event.audience,
            func.coalesce(func.nullif(Programme.acronym, ""), Programme.name),
            ProgrammeSection.code,
            venue.place,
            venue.city,
            venue_country.code,
            venue_country.name,
        )
        .outerjoin(Programme, Programme.id == Event.programme_id)
        .outerjoin(ProgrammeSection, ProgrammeSection.id == Event.section_id)
        .outerjoin(venue, venue.id == Event.venue_id)
        .outerjoin(venue_country, venue_country.code == venue.country_code)
        .where(Event.id.in_(events))
        .order_by(*EVENT_ORDER)
    )
    rows = {}
    for *columns, place, city, code, english in db.session.execute(stmt):
        label = ", ".join(p for p in (place, city, country_name(code, english)) if p) or None
        rows[columns[0]] = EventRow(*columns, venue=label)
    lists = {
        CountryRole.REQUESTING: "requesting",
        CountryRole.CANDIDATE: "candidates",
        CountryRole.PARTICIPANT: "participants",
    }
    countries = (
        select(EventCountry.event_id, EventCountry.role, Country.code, Country.name)
        .join(Country, Country.code == EventCountry.country_code)
        .where(EventCountry.event_id.in_(events))
    )
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for event_id, role, code, english in db.session.execute(countries):
        found[event_id, lists[role]].append(country_name(code, english))
    partners = (
        select(
            event_partners.c.event_id,
            func.coalesce(func.nullif(Organisation.acronym, ""), Organisation.name),
        )
        .join(Organisation, Organisation.id == event_partners.c.organisation_id)
        .where(event_partners.c.event_id.in_(events))
    )
    for event_id, name in db.session.execute(partners):
        found[event_id, "partners"].append(name)
    for (event_id, name), values in found.items():
        if row := rows.get(event_id):
            setattr(row, name, sorted_by_name(values))
    return list(rows.values())
