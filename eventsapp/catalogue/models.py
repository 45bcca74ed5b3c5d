"""Programmes, their sections and partners, venues and events."""

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.dates import (
    FIRST_YEAR,
    LAST_YEAR,
    PRECISIONS,
    blank_tentative,
    format_window,
    within_calendar_years,
)
from ..core.labels import Labelled, sql_in
from ..extensions import db
from ..people.models import Country, Organisation


def _letters_and_digits(text: str) -> str:
    """The letters and digits of a date phrase, but for its tentative markers."""
    return re.sub(r"[^a-z0-9]", "", blank_tentative(text)[0].lower())


class EventKind(Labelled):
    WORKSHOP = "workshop", _l("International workshop")
    INTERNSHIP = "internship", _l("Internship")
    SPECIALIZATION_COURSE = "specialization_course", _l("Specialization course")
    SEMINAR = "seminar", _l("Seminar or forum")
    ADVISORY_GROUP_MEETING = "advisory_group_meeting", _l("Advisory group meeting")
    COMMISSION_MEETING = "commission_meeting", _l("Commission meeting")
    CONSULTATION = "consultation", _l("Consultation")
    LAUNCH = "launch", _l("Launch")
    CURRICULUM_MEETING = "curriculum_meeting", _l("Curriculum writers' meeting")
    PILOT_TRAINING = "pilot_training", _l("Pilot training")
    EVALUATION = "evaluation", _l("Evaluation")
    CONFERENCE = "conference", _l("Conference")
    OTHER = "other", _l("Other activity")


class EventStatus(Labelled):
    PROPOSED = "proposed", _l("Proposed")
    PLANNED = "planned", _l("Planned")
    CONFIRMED = "confirmed", _l("Confirmed")
    HELD = "held", _l("Held")
    POSTPONED = "postponed", _l("Postponed")
    CANCELLED = "cancelled", _l("Cancelled")


class PartnerRole(Labelled):
    FOUNDER = "founder", _l("Founder")
    VISITING_AUTHORITY = "visiting_authority", _l("Visiting authority")
    ASSOCIATE_PARTNER = "associate_partner", _l("Associate partner")
    CO_ORGANISER = "co_organiser", _l("Co-organiser")


class CountryRole(Labelled):
    REQUESTING = "requesting", _l("Requesting")
    CANDIDATE = "candidate", _l("Candidate")  # has shown interest (CICIE's calendar: "Candidates")
    PARTICIPANT = "participant", _l("Participant")


PRECISION_LABELS = {
    "day": _l("exact dates"),
    "week": _l("week"),
    "part_of_month": _l("part of month"),
    "month": _l("month"),
    "season": _l("season"),
    "year": _l("year"),
}

# ISO 639-1 codes of the working and interpretation languages offered in forms.
LANGUAGES = {
    "en": _l("English"),
    "es": _l("Spanish"),
    "fr": _l("French"),
    "pt": _l("Portuguese"),
    "ar": _l("Arabic"),
    "ru": _l("Russian"),
    "zh": _l("Chinese"),
    "de": _l("German"),
    "ka": _l("Georgian"),
    "sw": _l("Swahili"),
}


class Region(Labelled):
    """The UN M49 regions, stored by their English names (as the countries' data writes them)
    and shown in the visitor's language."""

    AFRICA = "Africa", _l("Africa")
    AMERICAS = "Americas", _l("Americas")
    ASIA = "Asia", _l("Asia")
    EUROPE = "Europe", _l("Europe")
    OCEANIA = "Oceania", _l("Oceania")


# The stored names, for check constraints and the API's schema.
REGIONS = tuple(region.value for region in Region)

CICIE_BLOCKS = ("I", "II", "III", "IV", "V")


class Programme(db.Model):
    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("last_year IS NULL OR first_year <= last_year", name="years_in_order"),
        CheckConstraint(
            f"first_year BETWEEN {FIRST_YEAR} AND {LAST_YEAR} "
            f"AND (last_year IS NULL OR last_year <= {LAST_YEAR})",
            name="years_in_calendar",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(60), unique=True)  # stable key of demo/imports
    name: Mapped[str] = mapped_column(String(300), unique=True)
    acronym: Mapped[str | None] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    first_year: Mapped[int]
    last_year: Mapped[int | None]
    languages: Mapped[list] = mapped_column(JSON, default=list)

    owner: Mapped[Organisation | None] = relationship()
    sections: Mapped[list["ProgrammeSection"]] = relationship(
        back_populates="programme",
        cascade="all, delete-orphan",
        order_by="ProgrammeSection.position",
    )
    partners: Mapped[list["ProgrammePartner"]] = relationship(
        back_populates="programme", cascade="all, delete-orphan"
    )
    region_overrides: Mapped[list["RegionOverride"]] = relationship(cascade="all, delete-orphan")

    @property
    def years(self) -> str:
        if self.last_year and self.last_year != self.first_year:
            return f"{self.first_year}–{self.last_year}"
        return str(self.first_year)

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def __repr__(self) -> str:
        return f"<Programme {self.short_name}>"


class ProgrammeSection(db.Model):
    """A part of a programme: PPIEP's sections A, B and C, CICIE's four kinds of programme."""

    __tablename__ = "programme_sections"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[Programme] = relationship(back_populates="sections")

    @property
    def label(self) -> str:
        return f"{self.code}. {self.title}"


class ProgrammePartner(db.Model):
    __tablename__ = "programme_partners"
    __table_args__ = (
        UniqueConstraint("programme_id", "organisation_id", "role"),
        CheckConstraint(f"role IN ({sql_in(PartnerRole)})", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))

    programme: Mapped[Programme] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def role_label(self) -> str:
        return PartnerRole(self.role).label


class RegionOverride(db.Model):
    """A programme counting a country in another region (CICIE counts Georgia in Europe)."""

    __tablename__ = "region_overrides"
    __table_args__ = (CheckConstraint(f"region IN ({sql_in(REGIONS)})", name="region"),)

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), primary_key=True)
    region: Mapped[str] = mapped_column(String(20))

    country: Mapped[Country] = relationship(lazy="joined")

    @property
    def region_label(self) -> str:
        return Region(self.region).label


class Venue(db.Model):
    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("city", "country_code", "place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city: Mapped[str | None] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    place: Mapped[str | None] = mapped_column(String(200))

    country: Mapped[Country] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return ", ".join(p for p in (self.place, self.city, self.country.local_name) if p)


event_partners = Table(
    "event_partners",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class EventCountry(db.Model):
    """A country requesting an event (its visiting authority), interested in it, or taking part."""

    __tablename__ = "event_countries"
    __table_args__ = (CheckConstraint(f"role IN ({sql_in(CountryRole)})", name="role"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    country: Mapped[Country] = relationship(lazy="joined")


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="window_in_order"),
        CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at", name="times"
        ),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "participants_count IS NULL OR participants_count >= 0", name="participants_count"
        ),
        CheckConstraint("length(title) BETWEEN 1 AND 300", name="title_length"),
        CheckConstraint(f"kind IN ({sql_in(EventKind)})", name="kind"),
        CheckConstraint(f"status IN ({sql_in(EventStatus)})", name="status"),
        CheckConstraint(f"precision IN ({sql_in(PRECISIONS)})", name="precision"),
        *(
            CheckConstraint(within_calendar_years(column), name=f"{column}_in_calendar")
            for column in ("starts_on", "ends_on", "starts_at", "ends_at")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), index=True
    )
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_sections.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PLANNED)
    purpose: Mapped[list] = mapped_column(JSON, default=list)  # the purpose bullets
    theme: Mapped[str | None] = mapped_column(String(300))
    block: Mapped[str | None] = mapped_column(String(5))  # CICIE theme block I–V
    audience: Mapped[str | None] = mapped_column(String(300))
    requesting_authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    target_region: Mapped[str | None] = mapped_column(String(20))
    # The date window: the phrase as written, and what it is read as.
    date_text: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date] = mapped_column(index=True)
    precision: Mapped[str] = mapped_column(String(20))
    tentative: Mapped[bool] = mapped_column(default=False)
    # Confirmed events may have times: stored in UTC, shown in ``timezone``.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    timezone: Mapped[str | None] = mapped_column(String(64))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    venue_tentative: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]
    participants_count: Mapped[int | None]  # reported for past events without registrations
    languages: Mapped[list] = mapped_column(JSON, default=list)
    interpretation: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # What the event is about, for the public page (in the site's language, like the title).
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    sequence: Mapped[int] = mapped_column(default=0)  # bumped when dates, venue or status change
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme | None] = relationship()
    section: Mapped[ProgrammeSection | None] = relationship()
    venue: Mapped[Venue | None] = relationship()
    requesting_authority: Mapped[Organisation | None] = relationship()
    countries: Mapped[list[EventCountry]] = relationship(cascade="all, delete-orphan")
    partners: Mapped[list[Organisation]] = relationship(secondary=event_partners)
    # Title, purpose and description in other languages (catalogue/translations.py). Lists load
    # them with selectinload(Event.translations): one query for the page.
    translations: Mapped[list["EventTranslation"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventTranslation.locale"
    )

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label

    @property
    def status_label(self) -> str:
        return EventStatus(self.status).label

    @property
    def window_label(self) -> str:
        """The window as people write it: "1–10 March 2011"."""
        return format_window(self.starts_on, self.ends_on)

    @property
    def window_adds_to_phrase(self) -> bool:
        """Whether the window says more than the phrase ("early March" → "1–10 March 2011"), not
        the same with other dashes or a "(tbc)" ("4-5 March 2011", "February 2016 (tbc)")."""
        return _letters_and_digits(self.date_text) != _letters_and_digits(self.window_label)

    @property
    def precision_label(self) -> str:
        return str(PRECISION_LABELS[self.precision])

    @property
    def is_tentative(self) -> bool:
        """Marked tentative in lists: dates or venue not confirmed, or the event only proposed."""
        return self.tentative or self.venue_tentative or self.status == EventStatus.PROPOSED

    @property
    def venue_label(self) -> str:
        return self.venue.label if self.venue else str(_l("To be decided"))

    def countries_with_role(self, role: str) -> list[Country]:
        return [c.country for c in self.countries if c.role == role]

    @property
    def requesting_countries(self) -> list[Country]:
        return self.countries_with_role(CountryRole.REQUESTING)

    @property
    def candidate_countries(self) -> list[Country]:
        return self.countries_with_role(CountryRole.CANDIDATE)

    @property
    def participant_countries(self) -> list[Country]:
        return self.countries_with_role(CountryRole.PARTICIPANT)

    @property
    def language_labels(self) -> list[str]:
        return [str(LANGUAGES.get(code, code)) for code in self.languages]

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title[:30]!r}>"


# The languages event content may be written in (the site's languages).
CONTENT_LANGUAGES = ("en", "es", "fr")


class EventTranslation(db.Model):
    """An event's title, purpose, description and audience written by staff in another
    language; a field left empty shows the original's."""

    __tablename__ = "event_translations"
    __table_args__ = (
        UniqueConstraint("event_id", "locale"),
        CheckConstraint(f"locale IN ({sql_in(CONTENT_LANGUAGES)})", name="locale"),
        CheckConstraint("length(title) <= 300", name="title_length"),
        CheckConstraint("length(description) <= 10000", name="description_length"),
        CheckConstraint("length(audience) <= 300", name="audience_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(300), default="")
    purpose: Mapped[list] = mapped_column(JSON, default=list)  # the purpose bullets
    description: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(300), default="", server_default="")

    def __repr__(self) -> str:
        return f"<EventTranslation {self.event_id} {self.locale}>"
