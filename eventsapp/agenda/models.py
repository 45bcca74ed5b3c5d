"""Agenda sessions: the programme of an event, day by day."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import LANGUAGES, Event
from ..core.clock import utcnow
from ..core.dates import within_calendar_years
from ..core.labels import Labelled, sql_in
from ..extensions import db
from ..people.models import Country, Organisation, Person


class SessionKind(Labelled):
    PRESENTATION = "presentation", _l("Presentation")
    PLENARY_DISCUSSION = "plenary_discussion", _l("Plenary discussion")
    TEAM_WORK = "team_work", _l("Team work")
    COUNTRY_PRESENTATIONS = "country_presentations", _l("Country presentations")
    RECOMMENDATIONS_CONCLUSIONS = (
        "recommendations_conclusions",
        _l("Recommendations and conclusions"),
    )
    PANEL = "panel", _l("Panel")
    QUESTIONS_ANSWERS = "questions_answers", _l("Questions and answers")
    BREAK = "break", _l("Break")
    VISIT = "visit", _l("Visit")


def name_key(name: str) -> str:
    """A person's name as compared: regardless of case and spacing."""
    return " ".join(name.split()).casefold()


class Speaker(db.Model):
    """A person who speaks in sessions: one record whatever the sessions and events."""

    __tablename__ = "speakers"
    __table_args__ = (CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(300), default="")  # position, as first written
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    # The person across the years: one of their own when first named, merged by staff with the
    # same person's registrations (``people.merging``).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship()
    country: Mapped[Country | None] = relationship()
    person: Mapped[Person | None] = relationship()


session_speakers = Table(
    "session_speakers",
    db.metadata,
    Column("session_id", ForeignKey("agenda_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True),
)


class AgendaSession(db.Model):
    """A session of an event's agenda, on one day, from a start to an end time.

    ``day`` is the day in the session's time zone; ``starts_at`` and ``ends_at`` are stored in
    UTC. ``sequence`` goes up when the day, the times, the time zone or the room change, for
    calendar subscribers.
    """

    __tablename__ = "agenda_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("length(title) BETWEEN 1 AND 300", name="title_length"),
        CheckConstraint(f"kind IN ({sql_in(SessionKind)})", name="kind"),
        CheckConstraint(f"language IS NULL OR language IN ({sql_in(LANGUAGES)})", name="language"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint(within_calendar_years("day"), name="day_in_calendar"),
        Index(None, "event_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    day: Mapped[date]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    speakers: Mapped[str] = mapped_column(Text, default="")
    room: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(5))
    interpretation: Mapped[bool] = mapped_column(default=False)
    published: Mapped[bool] = mapped_column(default=True)
    # A break or a plenary session marked so may share its room with sessions at the same time.
    shares_room: Mapped[bool] = mapped_column(default=False, server_default="0")
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    people: Mapped[list[Speaker]] = relationship(secondary=session_speakers)

    @property
    def kind_label(self) -> str:
        return SessionKind(self.kind).label

    @property
    def language_label(self) -> str | None:
        return str(LANGUAGES[self.language]) if self.language else None

    def _local(self, moment: datetime) -> time:
        return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(self.timezone)).time()

    @property
    def local_start(self) -> time:
        return self._local(self.starts_at)

    @property
    def local_end(self) -> time:
        return self._local(self.ends_at)

    def __repr__(self) -> str:
        return f"<AgendaSession {self.id} {self.day} {self.title[:30]!r}>"


class AgendaTemplate(db.Model):
    """An agenda saved by staff to draft others from (the methodologies' templates are in
    ``drafting.METHODOLOGIES``)."""

    __tablename__ = "agenda_templates"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        CheckConstraint("days >= 1", name="days_positive"),
        UniqueConstraint("name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    event_kind: Mapped[str | None] = mapped_column(String(40))
    days: Mapped[int] = mapped_column(default=1)  # the length of the agenda it was saved from
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list["AgendaTemplateItem"]] = relationship(
        cascade="all, delete-orphan", order_by="AgendaTemplateItem.position"
    )


class AgendaTemplateItem(db.Model):
    """A session of a template: on its ``day`` (1 for the first), from a local start to end."""

    __tablename__ = "agenda_template_items"
    __table_args__ = (
        CheckConstraint("day >= 1", name="day_positive"),
        CheckConstraint("ends > starts", name="ends_after_start"),
        CheckConstraint(f"kind IN ({sql_in(SessionKind)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_templates.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    day: Mapped[int]
    starts: Mapped[time]
    ends: Mapped[time]
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    shares_room: Mapped[bool] = mapped_column(default=False)
