"""Agenda sessions: the programme of an event, day by day."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import LANGUAGES, Event
from ..core.clock import utcnow
from ..core.dates import within_calendar_years
from ..core.labels import Labelled, sql_in
from ..extensions import db


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
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()

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
